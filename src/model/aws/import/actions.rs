//! One CodePipeline action into a Pipewright action: sources to Git or Folder, CodeBuild to
//! Buildspec, the Commands action to Commands, Manual to Manual, Lambda to Script, and every
//! other provider to a foreign action kept verbatim.

use indexmap::IndexMap;
use serde_json::Value;

use super::super::cfn::as_text;
use super::super::kept::{ActionType, AwsAction};
use super::super::report::Outcome;
use super::declaration::{Reader, items};
use crate::model::providers::{
    BuildspecConfig, CommandsConfig, FolderConfig, ForeignConfig, GitConfig, GitOutputFormat,
    ManualConfig, ScriptConfig,
};
use crate::model::{Action, Category, Duration, OutputArtifact, Provider, SecretSource};

/// The custom action type a Pipewright-only provider is exported as.
pub(crate) const PIPEWRIGHT_PROVIDER: &str = "Pipewright";
/// The configuration key holding its provider, as JSON.
pub(crate) const PIPEWRIGHT_KEY: &str = "Provider";

/// Action members Pipewright reads into its own fields. They are kept too (in order), and an
/// export writes the current values in their place.
pub(crate) const ACTION_FIELDS: [&str; 8] = [
    "runOrder",
    "inputArtifacts",
    "outputArtifacts",
    "namespace",
    "timeoutInMinutes",
    "commands",
    "outputVariables",
    "environmentVariables",
];

/// What the mapping of a provider made.
struct Mapped {
    provider: Provider,
    env: IndexMap<String, String>,
    secrets: IndexMap<String, SecretSource>,
    outcome: Outcome,
    text: String,
}

impl Mapped {
    fn new(provider: Provider, text: impl Into<String>) -> Self {
        Self {
            provider,
            env: IndexMap::new(),
            secrets: IndexMap::new(),
            outcome: Outcome::Mapped,
            text: text.into(),
        }
    }

    fn needs(mut self, text: impl Into<String>) -> Self {
        self.outcome = Outcome::ToDo;
        self.text = format!("{}; {}", self.text, text.into());
        self
    }
}

/// Reads one action; `None` when it is left out (`AWS::NoValue`).
pub(crate) fn action(reader: &mut Reader, raw: &Value, relative: &str) -> Option<Action> {
    if reader.is_left_out(raw) {
        return None;
    }
    let name = reader.name(raw.get("name"), &format!("{relative}.name"), false);
    let type_id = raw.get("actionTypeId").cloned().unwrap_or_default();
    let part = |reader: &mut Reader, key: &str| {
        reader
            .text(type_id.get(key), &format!("{relative}.actionTypeId.{key}"))
            .unwrap_or_default()
    };
    let aws_category = part(reader, "category");
    let action_type = ActionType {
        category: None,
        owner: part(reader, "owner"),
        provider: part(reader, "provider"),
        version: part(reader, "version"),
    };
    let (category, category_note) = category(&aws_category);
    let run_order = run_order(reader, raw.get("runOrder"), relative);
    let raw_configuration: IndexMap<String, Value> = raw
        .get("configuration")
        .and_then(Value::as_object)
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut configuration = IndexMap::new();
    let mut resolved = IndexMap::new();
    for (key, raw_value) in &raw_configuration {
        let Some(value) = reader.value(raw_value, &format!("{relative}.configuration.{key}"))
        else {
            continue;
        };
        let text = as_text(&value);
        if *raw_value != Value::String(text.clone()) {
            resolved.insert(key.clone(), Value::String(text.clone()));
        }
        configuration.insert(key.clone(), text);
    }
    let members_text = |reader: &mut Reader, key: &str| -> Vec<String> {
        let value = raw
            .get(key)
            .and_then(|v| reader.value(v, &format!("{relative}.{key}")));
        items(value.as_ref()).iter().map(as_text).collect()
    };
    let input_artifacts: Vec<String> = items(raw.get("inputArtifacts"))
        .iter()
        .enumerate()
        .map(|(i, a)| {
            reader.name(
                a.get("name"),
                &format!("{relative}.inputArtifacts[{i}].name"),
                true,
            )
        })
        .collect();
    let output_artifacts: Vec<OutputArtifact> = items(raw.get("outputArtifacts"))
        .iter()
        .enumerate()
        .map(|(i, a)| OutputArtifact {
            name: reader.name(
                a.get("name"),
                &format!("{relative}.outputArtifacts[{i}].name"),
                true,
            ),
            files: items(a.get("files")).iter().map(as_text).collect(),
            base_directory: None,
        })
        .collect();
    let namespace = reader.text(raw.get("namespace"), &format!("{relative}.namespace"));
    let timeout_minutes = reader
        .text(
            raw.get("timeoutInMinutes"),
            &format!("{relative}.timeoutInMinutes"),
        )
        .and_then(|text| text.parse::<u64>().ok());

    let context = Context {
        name: &name,
        relative,
        action_type: &action_type,
        configuration: &configuration,
        raw_configuration: &raw_configuration,
        input_artifacts: &input_artifacts,
    };
    let mut mapped = match (action_type.owner.as_str(), action_type.provider.as_str()) {
        ("AWS", "CodeCommit") => codecommit(reader, &context),
        ("ThirdParty", "GitHub") => github_v1(reader, &context),
        (_, "CodeStarSourceConnection" | "Bitbucket" | "GitLab" | "GitHubEnterpriseServer") => {
            connection(reader, &context)
        }
        ("AWS", "S3") if category == Category::Source => s3_source(reader, &context),
        ("AWS", "CodeBuild") => codebuild(reader, &context),
        ("AWS", "Commands") => {
            let mut mapped = Mapped::new(
                Provider::Commands(CommandsConfig {
                    commands: members_text(reader, "commands"),
                    exported_variables: members_text(reader, "outputVariables"),
                    ..CommandsConfig::default()
                }),
                "Commands action → Commands",
            );
            for variable in items(raw.get("environmentVariables")) {
                environment_variable(&mut mapped, &variable, reader, relative);
            }
            mapped
        }
        ("AWS", "Manual") => Mapped::new(
            Provider::Manual(ManualConfig {
                custom_message: configuration.get("CustomData").cloned(),
                review_url: configuration.get("ExternalEntityLink").cloned(),
                timeout: timeout_minutes.map(Duration::from_mins),
            }),
            "manual approval → Manual",
        ),
        ("AWS", "Lambda") => lambda(reader, &context),
        ("Custom", PIPEWRIGHT_PROVIDER) => pipewright(&context),
        _ => foreign(&context, &raw_configuration),
    };
    let is_foreign = matches!(mapped.provider, Provider::Foreign(_));
    let mut timeout = None;
    if let Some(minutes) = timeout_minutes
        && !matches!(mapped.provider, Provider::Manual(_))
    {
        timeout = Some(Duration::from_mins(minutes));
    }
    if let Some(note) = category_note {
        mapped.text = format!("{}; {note}", mapped.text);
    }
    let path = reader.path(relative);
    reader
        .report
        .add(path, mapped.outcome, format!("{name}: {}", mapped.text));
    let mut members = IndexMap::new();
    for (key, value) in raw.as_object().into_iter().flatten() {
        if !matches!(key.as_str(), "name" | "actionTypeId" | "configuration") {
            members.insert(key.clone(), value.clone());
        }
    }
    let kept_type = ActionType {
        category: (aws_category != category.as_str()).then(|| aws_category.clone()),
        ..action_type
    };
    let aws = AwsAction {
        action_type: (!is_foreign || kept_type.category.is_some()).then_some(kept_type),
        configuration: if is_foreign {
            IndexMap::new()
        } else {
            raw_configuration
        },
        resolved,
        members,
    };
    Some(Action {
        name,
        category,
        run_order,
        provider: mapped.provider,
        input_artifacts,
        output_artifacts,
        namespace,
        env: mapped.env,
        secrets: mapped.secrets,
        timeout,
        aws: Some(Box::new(aws)),
    })
}

/// What a provider mapping reads.
struct Context<'a> {
    name: &'a str,
    relative: &'a str,
    action_type: &'a ActionType,
    configuration: &'a IndexMap<String, String>,
    raw_configuration: &'a IndexMap<String, Value>,
    input_artifacts: &'a [String],
}

impl Context<'_> {
    fn get(&self, key: &str) -> Option<String> {
        self.configuration.get(key).cloned()
    }
}

/// Pipewright's category for CodePipeline's, and a note when they differ.
fn category(aws: &str) -> (Category, Option<String>) {
    match Category::ALL.iter().find(|c| c.as_str() == aws) {
        Some(category) => (*category, None),
        None => (
            Category::Build,
            Some(format!("category {aws} runs here as Build")),
        ),
    }
}

fn run_order(reader: &mut Reader, value: Option<&Value>, relative: &str) -> u32 {
    let Some(value) = value else { return 1 };
    let path = format!("{relative}.runOrder");
    let text = reader.text(Some(value), &path).unwrap_or_default();
    match text.trim().parse::<u32>() {
        Ok(order) => {
            if value.is_string() {
                let shown = reader.path(&path);
                reader.report.add(
                    shown,
                    Outcome::Note,
                    format!("RunOrder \"{text}\" is a string: read as {order}"),
                );
            }
            order
        }
        Err(_) => {
            let shown = reader.path(&path);
            reader.report.add(
                shown,
                Outcome::Placeholder,
                format!("RunOrder \"{text}\" is not a number: 1 is used"),
            );
            1
        }
    }
}

/// The `--map` value for the first of `keys` that has one.
fn mapped_location(reader: &Reader, keys: &[Option<&str>]) -> Option<String> {
    keys.iter()
        .flatten()
        .find_map(|key| reader.options.maps.get(*key).cloned())
}

fn git(repository: String, branch: Option<String>, context: &Context) -> GitConfig {
    GitConfig {
        repository,
        branch,
        commit: None,
        output_format: match context.get("OutputArtifactFormat").as_deref() {
            Some("CODEBUILD_CLONE_REF") => GitOutputFormat::FullClone,
            _ => GitOutputFormat::Files,
        },
    }
}

fn codecommit(reader: &mut Reader, context: &Context) -> Mapped {
    let repository = context.get("RepositoryName").unwrap_or_default();
    let branch = context.get("BranchName");
    match mapped_location(reader, &[Some(context.name), Some(&repository)]) {
        Some(location) => Mapped::new(
            Provider::Git(git(location.clone(), branch, context)),
            format!("CodeCommit {repository} → Git {location}"),
        ),
        None => Mapped::new(
            Provider::Git(git(String::new(), branch, context)),
            format!("CodeCommit {repository} → Git"),
        )
        .needs(format!(
            "say where the repository is: --map {repository}=PATH_OR_URL (or set it in the inspector)"
        )),
    }
}

fn github_v1(reader: &mut Reader, context: &Context) -> Mapped {
    let full = format!(
        "{}/{}",
        context.get("Owner").unwrap_or_default(),
        context.get("Repo").unwrap_or_default()
    );
    let location = mapped_location(reader, &[Some(context.name), Some(&full)])
        .unwrap_or_else(|| format!("https://github.com/{full}"));
    let mut mapped = Mapped::new(
        Provider::Git(git(location.clone(), context.get("Branch"), context)),
        format!("GitHub (version 1, OAuth) {full} → Git {location}"),
    );
    if context.configuration.contains_key("OAuthToken") {
        mapped
            .text
            .push_str("; the OAuth token is not used here: git uses your own credentials");
    }
    mapped
}

fn connection(reader: &mut Reader, context: &Context) -> Mapped {
    let full = context.get("FullRepositoryId").unwrap_or_default();
    let host = match context.action_type.provider.as_str() {
        "Bitbucket" => "bitbucket.org",
        "GitLab" => "gitlab.com",
        _ => "github.com",
    };
    let location = mapped_location(reader, &[Some(context.name), Some(&full)])
        .unwrap_or_else(|| format!("https://{host}/{full}"));
    Mapped::new(
        Provider::Git(git(location.clone(), context.get("BranchName"), context)),
        format!("{} {full} → Git {location}", context.action_type.provider),
    )
}

fn s3_source(reader: &mut Reader, context: &Context) -> Mapped {
    let bucket = context.get("S3Bucket").unwrap_or_default();
    let key = context.get("S3ObjectKey").unwrap_or_default();
    let whole = format!("{bucket}/{key}");
    match mapped_location(
        reader,
        &[Some(context.name), Some(&whole), Some(&key), Some(&bucket)],
    ) {
        Some(location) => Mapped::new(
            Provider::Folder(FolderConfig {
                path: location.clone(),
                exclude: Vec::new(),
            }),
            format!("S3 s3://{whole} → Folder {location}"),
        ),
        None => Mapped::new(
            Provider::Folder(FolderConfig {
                path: key.clone(),
                exclude: Vec::new(),
            }),
            format!("S3 s3://{whole} → Folder {key}"),
        )
        .needs(format!(
            "put the object at {key} in the workspace, or --map {key}=PATH"
        )),
    }
}

/// Adds one `{name, value, type}` environment variable: plain text to env, the others to
/// secrets read from this machine's environment.
fn environment_variable(
    mapped: &mut Mapped,
    variable: &Value,
    reader: &mut Reader,
    relative: &str,
) {
    let field = |key: &str| {
        variable
            .get(key)
            .or_else(|| variable.get(capitalized(key)))
            .map(as_text)
            .unwrap_or_default()
    };
    let (name, value, kind) = (field("name"), field("value"), field("type"));
    if name.is_empty() {
        return;
    }
    match kind.as_str() {
        "" | "PLAINTEXT" => {
            mapped.env.insert(name, value);
        }
        other => {
            let path = reader.path(relative);
            reader.report.add(
                path,
                Outcome::ToDo,
                format!("{name} comes from {other} {value}: here it is the secret {name}, read from the environment variable {name}; set it before running"),
            );
            mapped.secrets.insert(name.clone(), SecretSource::Env(name));
        }
    }
}

fn capitalized(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn codebuild(reader: &mut Reader, context: &Context) -> Mapped {
    let project = context.get("ProjectName").unwrap_or_default();
    let primary_source = context
        .get("PrimarySource")
        .filter(|primary| context.input_artifacts.first() != Some(primary));
    let (config, origin) = match context.get("BuildspecOverride") {
        Some(text) => (
            BuildspecConfig {
                inline: Some(text),
                ..BuildspecConfig::default()
            },
            "the action's BuildspecOverride".to_string(),
        ),
        None => project_buildspec(reader, context, &project),
    };
    let mut mapped = Mapped::new(
        Provider::Buildspec(BuildspecConfig {
            primary_source,
            ..config
        }),
        format!("CodeBuild {project} → Buildspec ({origin})"),
    );
    if let Some(text) = context.get("EnvironmentVariables") {
        match serde_json::from_str::<Vec<Value>>(&text) {
            Ok(variables) => {
                for variable in &variables {
                    environment_variable(
                        &mut mapped,
                        variable,
                        reader,
                        &format!("{}.configuration.EnvironmentVariables", context.relative),
                    );
                }
            }
            Err(error) => {
                let path = reader.path(&format!(
                    "{}.configuration.EnvironmentVariables",
                    context.relative
                ));
                reader.report.add(
                    path,
                    Outcome::Placeholder,
                    format!("EnvironmentVariables is not a JSON list ({error}): kept for export, not used here"),
                );
            }
        }
    }
    if context.raw_configuration.contains_key("BatchEnabled") {
        mapped.text.push_str("; batch builds run as one build here");
    }
    mapped
}

/// The buildspec of a CodeBuild project: inline in an `AWS::CodeBuild::Project` of the same
/// template, else the file the project names, else `buildspec.yml`.
fn project_buildspec(
    reader: &mut Reader,
    context: &Context,
    project: &str,
) -> (BuildspecConfig, String) {
    let default = (
        BuildspecConfig::default(),
        "buildspec.yml in the source".to_string(),
    );
    let Some(template) = reader.template else {
        return default;
    };
    let referenced = context
        .raw_configuration
        .get("ProjectName")
        .and_then(|value| value.get("Ref"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let found = template
        .resources("AWS::CodeBuild::Project")
        .into_iter()
        .find(|(id, resource)| {
            referenced.as_deref() == Some(*id)
                || resource
                    .get("Properties")
                    .and_then(|p| p.get("Name"))
                    .and_then(Value::as_str)
                    == Some(project)
        });
    let Some((id, resource)) = found else {
        return default;
    };
    let relative = format!("Resources.{id}.Properties.Source.BuildSpec");
    let spec = resource
        .get("Properties")
        .and_then(|p| p.get("Source"))
        .and_then(|s| s.get("BuildSpec"))
        .cloned();
    let Some(spec) = spec else {
        return (
            BuildspecConfig::default(),
            format!("project {id} names no buildspec: buildspec.yml in the source"),
        );
    };
    let mut unresolved = Vec::new();
    let text = template
        .resolver
        .text(&spec, &mut unresolved)
        .unwrap_or_default();
    for sentence in unresolved {
        reader.report.add(&relative, Outcome::Placeholder, sentence);
    }
    if text.contains('\n') || text.trim_start().starts_with("version") {
        (
            BuildspecConfig {
                inline: Some(text),
                ..BuildspecConfig::default()
            },
            format!("inline buildspec of project {id}"),
        )
    } else {
        (
            BuildspecConfig {
                file: Some(text.clone()),
                ..BuildspecConfig::default()
            },
            format!("{text} in the source, named by project {id}"),
        )
    }
}

fn lambda(reader: &mut Reader, context: &Context) -> Mapped {
    let function = context.get("FunctionName").unwrap_or_default();
    let program = mapped_location(reader, &[Some(context.name), Some(&function)]);
    let config = ScriptConfig {
        program: program.clone().unwrap_or_default(),
        user_parameters: context.get("UserParameters"),
        ..ScriptConfig::default()
    };
    let mapped = Mapped::new(
        Provider::Script(config),
        format!("Lambda {function} → Script"),
    );
    match program {
        Some(program) => Mapped {
            text: format!("Lambda {function} → Script {program}"),
            ..mapped
        },
        None => mapped.needs(format!(
            "map the function to a local program: --map {function}=PROGRAM (validation says so at the field until then)"
        )),
    }
}

/// A Pipewright-only provider exported earlier as the custom action type `Pipewright`.
fn pipewright(context: &Context) -> Mapped {
    let provider = context
        .get(PIPEWRIGHT_KEY)
        .and_then(|text| serde_json::from_str::<Provider>(&text).ok());
    match provider {
        Some(provider) => {
            let kind = provider.kind().as_str();
            Mapped::new(provider, format!("Pipewright custom action → {kind}"))
        }
        None => foreign(context, context.raw_configuration),
    }
}

fn foreign(context: &Context, raw: &IndexMap<String, Value>) -> Mapped {
    let kind = context.action_type;
    Mapped {
        outcome: Outcome::Foreign,
        ..Mapped::new(
            Provider::Foreign(ForeignConfig {
                owner: kind.owner.clone(),
                provider: kind.provider.clone(),
                version: kind.version.clone(),
                configuration: raw.clone(),
                strict: false,
            }),
            format!(
                "{}/{} has no local equivalent: kept verbatim, shown as \"runs on AWS only\" and skipped when run here",
                kind.owner, kind.provider
            ),
        )
    }
}
