//! One Pipewright action as a CodePipeline action declaration (API spelling): Git to
//! CodeStarSourceConnection (or the source it was imported from), Folder to S3, Buildspec to
//! CodeBuild, Commands to the Commands action, Manual to Manual, Script to Lambda, foreign
//! actions verbatim, and LocalDeploy to the custom action type `Pipewright`. Values kept from
//! an import are written back unless they were changed here.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::super::import::{ACTION_FIELDS, PIPEWRIGHT_KEY, PIPEWRIGHT_PROVIDER};
use super::super::kept::{ActionType, AwsAction};
use super::super::report::Outcome;
use super::Context;
use crate::model::providers::DEFAULT_BUILDSPEC_FILE;
use crate::model::{Action, Category, GitOutputFormat, Provider, SecretSource};

/// What an action becomes, with a CodeBuild project to create beside it (CloudFormation).
pub struct Exported {
    /// The declaration.
    pub declaration: Value,
    /// `(logical id, buildspec)` of a project the template should define.
    pub project: Option<(String, String)>,
}

/// The configuration and members an action's provider writes: `None` removes a key.
#[derive(Default)]
struct Derived {
    action_type: Option<ActionType>,
    configuration: IndexMap<String, Option<Value>>,
    members: IndexMap<String, Option<Value>>,
    project: Option<(String, String)>,
}

impl Derived {
    fn set(&mut self, key: &str, value: Option<String>) {
        self.configuration
            .insert(key.to_string(), value.map(Value::String));
    }
}

/// The action as a declaration.
pub fn action(context: &mut Context, pipeline_name: &str, action: &Action, path: &str) -> Exported {
    let kept = action.aws.as_deref().cloned().unwrap_or_default();
    let derived = derive(context, pipeline_name, action, &kept, path);
    let action_type = derived
        .action_type
        .clone()
        .or(kept.action_type.clone())
        .unwrap_or_else(|| ActionType {
            category: None,
            owner: "AWS".into(),
            provider: action.provider.kind().as_str().into(),
            version: "1".into(),
        });
    let mut out = Map::new();
    out.insert("name".into(), json!(action.name));
    out.insert(
        "actionTypeId".into(),
        json!({
            "category": action_type.category.clone().unwrap_or_else(|| action.category.as_str().to_string()),
            "owner": action_type.owner,
            "provider": action_type.provider,
            "version": action_type.version,
        }),
    );
    let configuration = configuration(&kept, &derived, &action.provider, context.cloudformation);
    let mut members: IndexMap<String, Option<Value>> = IndexMap::new();
    members.insert("runOrder".into(), Some(json!(action.run_order)));
    members.insert(
        "inputArtifacts".into(),
        Some(Value::Array(
            action
                .input_artifacts
                .iter()
                .map(|name| json!({ "name": name }))
                .collect(),
        )),
    );
    members.insert(
        "outputArtifacts".into(),
        Some(Value::Array(
            action
                .output_artifacts
                .iter()
                .map(|output| {
                    let mut artifact = json!({ "name": output.name });
                    if !output.files.is_empty() {
                        artifact["files"] = json!(output.files);
                    }
                    artifact
                })
                .collect(),
        )),
    );
    members.insert(
        "namespace".into(),
        action.namespace.as_ref().map(|n| json!(n)),
    );
    members.extend(derived.members.clone());
    // Kept members first, in their order, with the current values of those read here.
    for (key, value) in &kept.members {
        if ACTION_FIELDS.contains(&key.as_str()) || members.contains_key(key) {
            if let Some(Some(current)) = members.get(key) {
                out.insert(key.clone(), equivalent_or(value, current));
            }
        } else {
            out.insert(key.clone(), value.clone());
        }
    }
    for (key, value) in &members {
        if let Some(value) = value
            && !out.contains_key(key)
        {
            out.insert(key.clone(), value.clone());
        }
    }
    if !configuration.is_empty() {
        out.insert("configuration".into(), Value::Object(configuration));
    }
    if action.timeout.is_some()
        && !matches!(action.provider, Provider::Manual(_))
        && !out.contains_key("timeoutInMinutes")
    {
        context.report.add(
            format!("{path}.timeout"),
            Outcome::Lost,
            "CodePipeline sets no timeout on this kind of action (the CodeBuild project or the service decides): not exported",
        );
    }
    Exported {
        declaration: Value::Object(out),
        project: derived.project,
    }
}

/// `kept` when it says the same as `current` (the same JSON, or JSON text that parses to
/// the same), else `current`.
fn equivalent_or(kept: &Value, current: &Value) -> Value {
    if kept == current {
        return kept.clone();
    }
    if let (Value::String(a), Value::String(b)) = (kept, current)
        && let (Ok(a), Ok(b)) = (
            serde_json::from_str::<Value>(a),
            serde_json::from_str::<Value>(b),
        )
        && a == b
    {
        return kept.clone();
    }
    current.clone()
}

/// The configuration: kept keys first (in order), each replaced by the derived value when it
/// changed here; then derived keys that were not kept. Without `expressions` (CodePipeline
/// JSON), kept CloudFormation expressions are written as what they resolved to.
fn configuration(
    kept: &AwsAction,
    derived: &Derived,
    provider: &Provider,
    expressions: bool,
) -> Map<String, Value> {
    if let Provider::Foreign(config) = provider {
        return config
            .configuration
            .iter()
            .map(|(key, value)| {
                let value = match kept.resolved.get(key) {
                    Some(resolved) if !expressions => resolved,
                    _ => value,
                };
                (key.clone(), value.clone())
            })
            .collect();
    }
    let mut out = Map::new();
    for (key, value) in &kept.configuration {
        let value = match kept.resolved.get(key) {
            Some(resolved) if !expressions => resolved,
            _ => value,
        };
        match derived.configuration.get(key) {
            None => {
                out.insert(key.clone(), value.clone());
            }
            Some(None) => {}
            Some(Some(current)) => {
                let resolved = kept.resolved.get(key).unwrap_or(value);
                let current = current.clone();
                let unchanged = equivalent_or(resolved, &current) == *resolved;
                out.insert(key.clone(), if unchanged { value.clone() } else { current });
            }
        }
    }
    for (key, value) in &derived.configuration {
        if let Some(value) = value
            && !out.contains_key(key)
            && !kept.configuration.contains_key(key)
        {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

fn kept_text(kept: &AwsAction, key: &str) -> Option<String> {
    kept.resolved
        .get(key)
        .or(kept.configuration.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn aws_type(category: Option<&str>, owner: &str, provider: &str) -> ActionType {
    ActionType {
        category: category.map(str::to_string),
        owner: owner.into(),
        provider: provider.into(),
        version: "1".into(),
    }
}

fn derive(
    context: &mut Context,
    pipeline_name: &str,
    action: &Action,
    kept: &AwsAction,
    path: &str,
) -> Derived {
    let mut derived = Derived::default();
    let kept_provider = kept.action_type.as_ref().map(|t| t.provider.as_str());
    let provider_path = format!("{path}.provider");
    let env_applies = matches!(
        action.provider,
        Provider::Commands(_) | Provider::Buildspec(_)
    );
    if !env_applies && (!action.env.is_empty() || !action.secrets.is_empty()) {
        context.report.add(
            format!("{path}.env"),
            Outcome::Lost,
            format!(
                "a {} action takes no environment variables on AWS: env and secrets are not exported",
                action.provider.kind().as_str()
            ),
        );
    }
    match &action.provider {
        Provider::Git(config) => {
            let url_repository = repository_id(&config.repository);
            match kept_provider {
                Some("CodeCommit") => {
                    derived.action_type = Some(aws_type(None, "AWS", "CodeCommit"));
                    if kept_text(kept, "RepositoryName").is_none() {
                        derived.set("RepositoryName", Some(base_name(&config.repository)));
                    }
                    derived.set("BranchName", config.branch.clone());
                }
                Some("GitHub") => {
                    derived.action_type = Some(aws_type(None, "ThirdParty", "GitHub"));
                    if let Some((owner, repo)) = url_repository
                        .as_deref()
                        .and_then(|full| full.split_once('/'))
                    {
                        derived.set("Owner", Some(owner.to_string()));
                        derived.set("Repo", Some(repo.to_string()));
                    }
                    derived.set("Branch", config.branch.clone());
                }
                _ => {
                    derived.action_type = Some(aws_type(
                        None,
                        "AWS",
                        kept_provider.unwrap_or("CodeStarSourceConnection"),
                    ));
                    if kept_text(kept, "ConnectionArn").is_none() {
                        context.report.add(
                            &provider_path,
                            Outcome::Placeholder,
                            "ConnectionArn is a placeholder: create a connection to your Git host and put its ARN here",
                        );
                        derived.set(
                            "ConnectionArn",
                            Some("arn:aws:codeconnections:us-east-1:123456789012:connection/REPLACE-ME".into()),
                        );
                    }
                    match (&url_repository, kept_text(kept, "FullRepositoryId")) {
                        (Some(full), _) => derived.set("FullRepositoryId", Some(full.clone())),
                        (None, Some(_)) => {}
                        (None, None) => {
                            let placeholder = format!("OWNER/{}", base_name(&config.repository));
                            context.report.add(
                                format!("{provider_path}.repository"),
                                Outcome::Lost,
                                format!(
                                    "{} is not on a Git host AWS can reach: FullRepositoryId {placeholder} stands in for it",
                                    config.repository
                                ),
                            );
                            derived.set("FullRepositoryId", Some(placeholder));
                        }
                    }
                    if url_repository.is_none() && kept_text(kept, "FullRepositoryId").is_some() {
                        context.report.add(
                            format!("{provider_path}.repository"),
                            Outcome::Note,
                            "the repository here is local: the FullRepositoryId it was imported with is written back",
                        );
                    }
                    derived.set(
                        "BranchName",
                        Some(config.branch.clone().unwrap_or_else(|| {
                            context.report.add(
                                format!("{provider_path}.branch"),
                                Outcome::Lost,
                                "no branch is set: CodePipeline needs one, main is written",
                            );
                            "main".into()
                        })),
                    );
                }
            }
            let format = match config.output_format {
                GitOutputFormat::Files => "CODE_ZIP",
                GitOutputFormat::FullClone => "CODEBUILD_CLONE_REF",
            };
            if config.output_format == GitOutputFormat::FullClone
                || kept.configuration.contains_key("OutputArtifactFormat")
            {
                derived.set("OutputArtifactFormat", Some(format.into()));
            }
            if config.commit.is_some() {
                context.report.add(
                    format!("{provider_path}.commit"),
                    Outcome::Lost,
                    "a fixed commit cannot be set on a CodePipeline source: start the execution with a source revision instead",
                );
            }
        }
        Provider::Folder(config) => {
            derived.action_type = Some(aws_type(None, "AWS", "S3"));
            if kept_text(kept, "S3Bucket").is_none() {
                let bucket = context.bucket();
                derived.set("S3Bucket", Some(bucket));
            }
            derived.set("S3ObjectKey", Some(config.path.clone()));
            if !config.exclude.is_empty() {
                context.report.add(
                    format!("{provider_path}.exclude"),
                    Outcome::Lost,
                    "an S3 source has no exclude globs",
                );
            }
        }
        Provider::Commands(config) => {
            derived.action_type = Some(aws_type(Some("Compute"), "AWS", "Commands"));
            if action.category != Category::Build
                && kept
                    .action_type
                    .as_ref()
                    .and_then(|t| t.category.as_deref())
                    != Some("Compute")
            {
                context.report.add(
                    format!("{path}.category"),
                    Outcome::Lost,
                    format!(
                        "the Commands action is always in the Compute category: {} is not kept",
                        action.category.as_str()
                    ),
                );
            }
            derived
                .members
                .insert("commands".into(), Some(json!(config.commands)));
            derived.members.insert(
                "outputVariables".into(),
                (!config.exported_variables.is_empty()).then(|| json!(config.exported_variables)),
            );
            derived.members.insert(
                "environmentVariables".into(),
                environment(context, action, path).map(Value::Array),
            );
            for (field, lost) in [
                ("finally", !config.finally.is_empty()),
                ("reports", !config.reports.is_empty()),
            ] {
                if lost {
                    context.report.add(
                        format!("{provider_path}.{field}"),
                        Outcome::Lost,
                        format!(
                            "the Commands action has no {field}: use a Buildspec action to keep it"
                        ),
                    );
                }
            }
            for (index, output) in action.output_artifacts.iter().enumerate() {
                if output.base_directory.is_some() {
                    context.report.add(
                        format!("{path}.output_artifacts[{index}].base_directory"),
                        Outcome::Lost,
                        "the Commands action's output files have no base directory",
                    );
                }
            }
        }
        Provider::Buildspec(config) => {
            derived.action_type = Some(aws_type(None, "AWS", "CodeBuild"));
            if kept_text(kept, "ProjectName").is_none() {
                let id = logical_id(&format!("{pipeline_name}-{}", action.name));
                let name = format!("{pipeline_name}-{}", action.name);
                let buildspec = config.inline.clone().unwrap_or_default();
                if context.cloudformation {
                    derived.project = Some((id.clone(), buildspec.clone()));
                    derived
                        .configuration
                        .insert("ProjectName".into(), Some(json!({ "Ref": id })));
                    context.report.add(
                        &provider_path,
                        Outcome::Note,
                        format!("the template defines the CodeBuild project {id} for it"),
                    );
                } else {
                    derived.set("ProjectName", Some(name.clone()));
                    context.report.add(
                        &provider_path,
                        if config.inline.is_some() { Outcome::Lost } else { Outcome::Placeholder },
                        format!(
                            "CodeBuild project {name} must exist{}",
                            if config.inline.is_some() {
                                ": its buildspec cannot be given in CodePipeline JSON (export as CloudFormation to define it)"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
            if config.file() != DEFAULT_BUILDSPEC_FILE && config.inline.is_none() {
                context.report.add(
                    format!("{provider_path}.file"),
                    Outcome::Note,
                    format!("set the CodeBuild project's buildspec to {}", config.file()),
                );
            }
            let primary = config.primary_source.clone().or_else(|| {
                kept.configuration
                    .contains_key("PrimarySource")
                    .then(|| action.input_artifacts.first().cloned())
                    .flatten()
            });
            derived.set("PrimarySource", primary);
            let variables = environment(context, action, path);
            derived.set(
                "EnvironmentVariables",
                variables.map(|list| Value::Array(list).to_string()),
            );
        }
        Provider::Manual(config) => {
            derived.action_type = Some(aws_type(None, "AWS", "Manual"));
            derived.set("CustomData", config.custom_message.clone());
            derived.set("ExternalEntityLink", config.review_url.clone());
            derived.members.insert(
                "timeoutInMinutes".into(),
                config.timeout.map(|t| json!(t.as_secs().div_ceil(60))),
            );
        }
        Provider::Script(config) => {
            derived.action_type = Some(aws_type(None, "AWS", "Lambda"));
            if kept_text(kept, "FunctionName").is_none() {
                let function = logical_id(&base_name(&config.program));
                context.report.add(
                    format!("{provider_path}.program"),
                    Outcome::Lost,
                    format!(
                        "{} runs here; on AWS the Lambda function {function} is invoked instead: create it",
                        config.program
                    ),
                );
                derived.set("FunctionName", Some(function));
            }
            derived.set("UserParameters", config.user_parameters.clone());
            for (field, lost) in [
                ("arguments", !config.arguments.is_empty()),
                ("continuation_delay", config.continuation_delay.is_some()),
            ] {
                if lost {
                    context.report.add(
                        format!("{provider_path}.{field}"),
                        Outcome::Lost,
                        format!("a Lambda invoke has no {field}"),
                    );
                }
            }
        }
        Provider::LocalDeploy(_) => {
            derived.action_type = Some(aws_type(None, "Custom", PIPEWRIGHT_PROVIDER));
            let text = serde_json::to_string(&action.provider).unwrap_or_default();
            if text.chars().count() > 1000 {
                context.report.add(
                    &provider_path,
                    Outcome::Lost,
                    "the configuration is longer than CodePipeline's 1000 characters",
                );
            }
            derived.set(PIPEWRIGHT_KEY, Some(text));
            context.report.add(
                &provider_path,
                Outcome::Note,
                format!(
                    "{} has no AWS equivalent: written as the custom action type Custom/{PIPEWRIGHT_PROVIDER}/1, which needs a registered job worker on AWS",
                    action.provider.kind().as_str()
                ),
            );
        }
        Provider::Foreign(config) => {
            derived.action_type = Some(ActionType {
                category: kept.action_type.as_ref().and_then(|t| t.category.clone()),
                owner: config.owner.clone(),
                provider: config.provider.clone(),
                version: config.version.clone(),
            });
        }
    }
    derived
}

/// The action's env and secrets as CodePipeline environment variables; `None` when empty.
fn environment(context: &mut Context, action: &Action, path: &str) -> Option<Vec<Value>> {
    let mut list: Vec<Value> = action
        .env
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value, "type": "PLAINTEXT"}))
        .collect();
    for (name, source) in &action.secrets {
        match source {
            SecretSource::Env(_) | SecretSource::File(_) => {
                list.push(json!({"name": name, "value": name, "type": "SECRETS_MANAGER"}));
                context.report.add(
                    format!("{path}.secrets.{name}"),
                    Outcome::Placeholder,
                    format!("secret {name} is read from Secrets Manager secret \"{name}\" on AWS: create it"),
                );
            }
            SecretSource::Value(_) => context.report.add(
                format!("{path}.secrets.{name}"),
                Outcome::Lost,
                format!("secret {name} is a literal value: it is not written into an export"),
            ),
        }
    }
    (!list.is_empty()).then_some(list)
}

/// `owner/repo` of a GitHub, GitLab or Bitbucket URL.
fn repository_id(repository: &str) -> Option<String> {
    let rest = ["https://", "http://", "ssh://git@", "git@"]
        .iter()
        .find_map(|prefix| repository.strip_prefix(prefix))?;
    let rest = rest.replacen(':', "/", 1);
    let (host, path) = rest.split_once('/')?;
    if !["github.com", "gitlab.com", "bitbucket.org"].contains(&host) {
        return None;
    }
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    (path.split('/').count() == 2).then(|| path.to_string())
}

/// The last path component without extension, for placeholders.
fn base_name(text: &str) -> String {
    let last = text
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(text)
        .trim_end_matches(".git");
    let stem = last.split('.').next().unwrap_or(last);
    if stem.is_empty() {
        "repository".into()
    } else {
        stem.to_string()
    }
}

/// A CloudFormation logical id (letters and digits) from a name.
pub fn logical_id(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() {
        "Resource".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_ids_come_from_known_hosts_only() {
        assert_eq!(
            repository_id("https://github.com/acme/app.git").as_deref(),
            Some("acme/app")
        );
        assert_eq!(
            repository_id("git@gitlab.com:acme/app").as_deref(),
            Some("acme/app")
        );
        assert_eq!(repository_id("app-repo"), None);
        assert_eq!(repository_id("https://example.com/acme/app"), None);
    }
}
