//! A pipeline declaration (in the API spelling) into a [`Pipeline`]: name, execution mode,
//! variables, triggers, stages and their conditions. Actions are mapped in
//! [`super::actions`]. Members Pipewright has no field for are kept verbatim.

use indexmap::IndexMap;
use serde_json::Value;

use super::super::cfn::as_text;
use super::super::kept::{AwsMembers, StageConditions};
use super::super::report::{Outcome, Report};
use super::{ImportOptions, Template, actions};
use crate::model::triggers::{Filter, GitTrigger, TriggerSpec};
use crate::model::{ExecutionMode, Pipeline, PipelineVariable, Stage};

/// The key under which create-pipeline input's `tags` are kept with the pipeline's members.
pub(crate) const TAGS: &str = "tags";

/// Pipeline members Pipewright reads into its own fields; they are kept too (in order), and
/// an export writes the current values in their place.
pub(crate) const PIPELINE_FIELDS: [&str; 3] = ["executionMode", "variables", "triggers"];

/// Reads values and names, resolving CloudFormation expressions and reporting placeholders.
pub(crate) struct Reader<'a, 'r> {
    pub template: Option<&'a Template<'a>>,
    pub report: &'r mut Report,
    pub options: &'a ImportOptions,
    /// Whether paths are shown in CloudFormation's spelling.
    cfn: bool,
    origin: String,
}

impl Reader<'_, '_> {
    /// The report path of `relative` (in API spelling, e.g. `stages[2].actions[0]`).
    pub fn path(&self, relative: &str) -> String {
        let shown = if self.cfn {
            relative
                .split('.')
                .map(|part| {
                    let mut chars = part.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect::<Vec<_>>()
                .join(".")
        } else {
            relative.to_string()
        };
        match (self.origin.is_empty(), shown.is_empty()) {
            (true, _) => shown,
            (false, true) => self.origin.clone(),
            (false, false) => format!("{}.{shown}", self.origin),
        }
    }

    /// The value with CloudFormation expressions resolved (`None`: `AWS::NoValue`).
    pub fn value(&mut self, value: &Value, relative: &str) -> Option<Value> {
        let Some(template) = self.template else {
            return Some(value.clone());
        };
        let mut unresolved = Vec::new();
        let resolved = template.resolver.resolve(value, &mut unresolved);
        let path = self.path(relative);
        for sentence in unresolved {
            self.report.add(&path, Outcome::Placeholder, sentence);
        }
        resolved
    }

    /// Whether the value resolves to `AWS::NoValue` (the item is left out); says nothing
    /// about placeholders, which the item's own fields report.
    pub fn is_left_out(&self, value: &Value) -> bool {
        self.template
            .is_some_and(|template| template.resolver.resolve(value, &mut Vec::new()).is_none())
    }

    /// The value as text.
    pub fn text(&mut self, value: Option<&Value>, relative: &str) -> Option<String> {
        let value = self.value(value?, relative)?;
        Some(as_text(&value))
    }

    /// A name, made to fit Pipewright's names (`[A-Za-z0-9.@_-]`, or without `.` and `@`
    /// for artifacts), reported when it had to change.
    pub fn name(&mut self, value: Option<&Value>, relative: &str, artifact: bool) -> String {
        let text = self.text(value, relative).unwrap_or_default();
        let fitted: String = text
            .chars()
            .map(|c| {
                let allowed = c.is_ascii_alphanumeric()
                    || c == '_'
                    || c == '-'
                    || (!artifact && (c == '.' || c == '@'));
                if allowed { c } else { '_' }
            })
            .take(100)
            .collect();
        let fitted = if fitted.is_empty() {
            "unnamed".to_string()
        } else {
            fitted
        };
        if fitted != text {
            let path = self.path(relative);
            self.report.add(
                path,
                Outcome::Placeholder,
                format!("the name \"{text}\" became \"{fitted}\" to fit Pipewright's names"),
            );
        }
        fitted
    }
}

/// Reads a pipeline declaration.
pub(crate) fn pipeline(
    declaration: &Value,
    origin: &str,
    stem: &str,
    options: &ImportOptions,
    template: Option<&Template>,
    report: &mut Report,
) -> Pipeline {
    let mut reader = Reader {
        template,
        report,
        options,
        cfn: template.is_some(),
        origin: origin.to_string(),
    };
    let name = match declaration.get("name") {
        Some(value) => reader.name(Some(value), "name", false),
        None => stem.to_string(),
    };
    let mut pipeline = Pipeline::new(name);
    let mut members = IndexMap::new();
    for (key, value) in declaration.as_object().into_iter().flatten() {
        match key.as_str() {
            "name" | "stages" => {}
            _ => {
                members.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(mode) = declaration.get("executionMode") {
        let text = reader.text(Some(mode), "executionMode").unwrap_or_default();
        match text.as_str() {
            "QUEUED" => pipeline.execution_mode = ExecutionMode::Queued,
            "PARALLEL" => pipeline.execution_mode = ExecutionMode::Parallel,
            "SUPERSEDED" => {}
            other => reader.report.add(
                reader.path("executionMode"),
                Outcome::Placeholder,
                format!("execution mode \"{other}\" is unknown: SUPERSEDED is used"),
            ),
        }
    }
    variables(&mut reader, declaration, &mut pipeline);
    for (index, stage) in items(declaration.get("stages")).iter().enumerate() {
        let relative = format!("stages[{index}]");
        pipeline
            .stages
            .push(read_stage(&mut reader, stage, &relative));
    }
    triggers(&mut reader, declaration, &mut pipeline);
    if let Some(template) = template {
        webhooks(&mut reader, template, &mut pipeline);
    }
    for key in members.keys() {
        if !PIPELINE_FIELDS.contains(&key.as_str()) {
            let path = reader.path(key);
            reader.report.add(
                path,
                Outcome::Note,
                format!("{key} is about the pipeline on AWS: kept for export"),
            );
        }
    }
    if !members.is_empty() {
        pipeline.aws = Some(AwsMembers { members });
    }
    pipeline
}

/// The items of a list value (empty for anything else).
pub(crate) fn items(value: Option<&Value>) -> Vec<Value> {
    value.and_then(Value::as_array).cloned().unwrap_or_default()
}

fn variables(reader: &mut Reader, declaration: &Value, pipeline: &mut Pipeline) {
    for (index, variable) in items(declaration.get("variables")).iter().enumerate() {
        let relative = format!("variables[{index}]");
        let name = reader.text(variable.get("name"), &format!("{relative}.name"));
        let Some(name) = name else { continue };
        let default = reader.text(
            variable.get("defaultValue"),
            &format!("{relative}.defaultValue"),
        );
        let description = reader.text(
            variable.get("description"),
            &format!("{relative}.description"),
        );
        pipeline.variables.push(PipelineVariable {
            name: name.clone(),
            default,
            description,
        });
        let path = reader.path(&relative);
        reader.report.add(
            path,
            Outcome::Mapped,
            format!("variable {name} → #{{variables.{name}}}"),
        );
    }
}

fn read_stage(reader: &mut Reader, stage: &Value, relative: &str) -> Stage {
    let name = reader.name(stage.get("name"), &format!("{relative}.name"), false);
    let mut members = IndexMap::new();
    let mut conditions = StageConditions::default();
    for (key, value) in stage.as_object().into_iter().flatten() {
        match key.as_str() {
            "name" | "actions" => {}
            "beforeEntry" => conditions.before_entry = Some(value.clone()),
            "onSuccess" => conditions.on_success = Some(value.clone()),
            "onFailure" => conditions.on_failure = Some(value.clone()),
            _ => {
                members.insert(key.clone(), value.clone());
            }
        }
    }
    for (condition, _) in conditions.named() {
        let path = reader.path(&format!("{relative}.{condition}"));
        reader.report.add(
            path,
            Outcome::NotRun,
            format!(
                "stage {name}: the {condition} condition is kept and shown, but not run here yet"
            ),
        );
    }
    for key in members.keys() {
        let path = reader.path(&format!("{relative}.{key}"));
        reader
            .report
            .add(path, Outcome::Note, format!("{key}: kept for export"));
    }
    let actions = items(stage.get("actions"))
        .iter()
        .enumerate()
        .filter_map(|(index, action)| {
            actions::action(reader, action, &format!("{relative}.actions[{index}]"))
        })
        .collect();
    Stage {
        name,
        actions,
        conditions,
        aws: (!members.is_empty()).then_some(AwsMembers { members }),
    }
}

/// A push filter's criteria as a Pipewright filter.
fn filter(reader: &mut Reader, value: Option<&Value>, relative: &str) -> Option<Filter> {
    let value = reader.value(value?, relative)?;
    let list = |key: &str| -> Vec<String> { items(value.get(key)).iter().map(as_text).collect() };
    Some(Filter {
        includes: list("includes"),
        excludes: list("excludes"),
    })
}

fn triggers(reader: &mut Reader, declaration: &Value, pipeline: &mut Pipeline) {
    for (index, trigger) in items(declaration.get("triggers")).iter().enumerate() {
        let relative = format!("triggers[{index}]");
        let git = trigger.get("gitConfiguration").cloned().unwrap_or_default();
        let source = reader
            .text(
                git.get("sourceActionName"),
                &format!("{relative}.gitConfiguration.sourceActionName"),
            )
            .unwrap_or_default();
        for (push_index, push) in items(git.get("push")).iter().enumerate() {
            let base = format!("{relative}.gitConfiguration.push[{push_index}]");
            pipeline.triggers.push(TriggerSpec::GitChange(GitTrigger {
                source: source.clone(),
                branches: filter(reader, push.get("branches"), &format!("{base}.branches")),
                tags: filter(reader, push.get("tags"), &format!("{base}.tags")),
                file_paths: filter(reader, push.get("filePaths"), &format!("{base}.filePaths")),
                poll_interval: None,
            }));
            let path = reader.path(&base);
            reader.report.add(
                path,
                Outcome::Mapped,
                format!("push trigger on {source} → GitChange trigger"),
            );
        }
        for (pr_index, _) in items(git.get("pullRequest")).iter().enumerate() {
            let path = reader.path(&format!(
                "{relative}.gitConfiguration.pullRequest[{pr_index}]"
            ));
            reader.report.add(
                path,
                Outcome::NotRun,
                format!("pull-request trigger on {source}: kept for export, does not fire here"),
            );
        }
    }
}

/// `AWS::CodePipeline::Webhook` resources aimed at this pipeline become GitChange triggers on
/// their target action (which watch that source's branch).
fn webhooks(reader: &mut Reader, template: &Template, pipeline: &mut Pipeline) {
    for (id, webhook) in template.resources("AWS::CodePipeline::Webhook") {
        let properties = webhook.get("Properties").cloned().unwrap_or_default();
        let aims_here = properties
            .get("TargetPipeline")
            .is_some_and(|target| target.get("Ref").and_then(Value::as_str) == Some(template.id));
        if !aims_here {
            continue;
        }
        let relative = format!("Resources.{id}");
        let source = reader
            .text(properties.get("TargetAction"), &relative)
            .unwrap_or_default();
        let known = pipeline
            .stages
            .first()
            .is_some_and(|stage| stage.actions.iter().any(|a| a.name == source));
        if known {
            pipeline.triggers.push(TriggerSpec::GitChange(GitTrigger {
                source: source.clone(),
                branches: None,
                tags: None,
                file_paths: None,
                poll_interval: None,
            }));
        }
        reader.report.add(
            relative,
            if known { Outcome::Mapped } else { Outcome::Note },
            if known {
                format!("webhook {id} → GitChange trigger on {source} (watches its branch); the webhook resource itself stays on AWS")
            } else {
                format!("webhook {id} targets {source}, which is not a first-stage action: ignored")
            },
        );
    }
}
