//! Writing a pipeline for AWS: CodePipeline JSON (create-pipeline input,
//! `{"pipeline": {…}}`) or a CloudFormation template (JSON) with the pipeline resource and
//! any CodeBuild project an inline buildspec needs.
//!
//! Triggers, variables, execution mode and stage conditions become their V2 fields. What
//! cannot be expressed is listed in the report as lost, and the export fails unless the
//! caller accepts losses.

mod actions;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::import::{PIPELINE_FIELDS, TAGS};
use super::report::{Outcome, Report};
use super::spelling::{is_expression, to_cfn};
use crate::model::triggers::{Filter, TriggerSpec};
use crate::model::{ExecutionMode, Pipeline};

pub use actions::logical_id;

/// The two ways out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `aws codepipeline create-pipeline --cli-input-json` input.
    CodePipelineJson,
    /// A CloudFormation template with an `AWS::CodePipeline::Pipeline` resource.
    CloudFormation,
}

/// Choices made when exporting.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The format.
    pub format: Format,
    /// The pipeline's service role (otherwise the imported one, or a placeholder).
    pub role_arn: Option<String>,
    /// The S3 bucket for artifacts (otherwise the imported store, or a placeholder).
    pub artifact_bucket: Option<String>,
    /// Write the export even when something cannot be expressed.
    pub lossy: bool,
}

/// An export: the text and its report.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The JSON text.
    pub text: String,
    /// The export as a value (for checks).
    pub value: Value,
    /// What became of each item; lost items are listed there.
    pub report: Report,
}

/// Why an export was refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} item(s) cannot be expressed in CodePipeline:\n{}give --lossy to export without them", report.with(Outcome::Lost).count(), lost_lines(report))]
pub struct ExportError {
    /// The full report, lost items included.
    pub report: Report,
}

fn lost_lines(report: &Report) -> String {
    report
        .with(Outcome::Lost)
        .map(|item| format!("  {item}\n"))
        .collect()
}

/// What the action exporters share.
pub(crate) struct Context<'a> {
    report: &'a mut Report,
    cloudformation: bool,
    options: &'a ExportOptions,
    pipeline_name: String,
}

impl Context<'_> {
    /// The artifact bucket: the option, or a placeholder that is reported.
    fn bucket(&mut self) -> String {
        match &self.options.artifact_bucket {
            Some(bucket) => bucket.clone(),
            None => {
                let bucket = format!("{}-artifacts", self.pipeline_name.to_ascii_lowercase());
                self.report.add(
                    "artifactStore",
                    Outcome::Placeholder,
                    format!("the S3 bucket {bucket} stands in: give --artifact-bucket"),
                );
                bucket
            }
        }
    }
}

/// Exports `pipeline`.
pub fn export(pipeline: &Pipeline, options: &ExportOptions) -> Result<Exported, ExportError> {
    let mut report = Report::default();
    let cloudformation = options.format == Format::CloudFormation;
    let mut context = Context {
        report: &mut report,
        cloudformation,
        options,
        pipeline_name: pipeline.name.clone(),
    };
    let (declaration, projects) = declaration(&mut context, pipeline);
    let value = if cloudformation {
        template(&mut context, pipeline, declaration, projects)
    } else {
        let mut declaration = flatten(declaration, "pipeline", context.report);
        let tags = declaration
            .as_object_mut()
            .and_then(|object| object.remove(TAGS));
        api_members_only(&mut declaration, context.report);
        let mut wrapper = json!({ "pipeline": declaration });
        if let Some(tags) = tags {
            wrapper["tags"] = tags;
        }
        wrapper
    };
    if report.with(Outcome::Lost).next().is_some() && !options.lossy {
        return Err(ExportError { report });
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    Ok(Exported {
        text,
        value,
        report,
    })
}

/// The pipeline declaration in the API spelling (CloudFormation expressions kept), and the
/// CodeBuild projects inline buildspecs need.
fn declaration(context: &mut Context, pipeline: &Pipeline) -> (Value, Vec<(String, String)>) {
    let kept: IndexMap<String, Value> = pipeline
        .aws
        .as_ref()
        .map(|aws| aws.members.clone())
        .unwrap_or_default();
    let mut projects = Vec::new();
    let stages: Vec<Value> = pipeline
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            let path = format!("stages[{index}]");
            let mut out = Map::new();
            out.insert("name".into(), json!(stage.name));
            if let Some(aws) = &stage.aws {
                for (key, value) in &aws.members {
                    out.insert(key.clone(), value.clone());
                }
            }
            let actions: Vec<Value> = stage
                .actions
                .iter()
                .enumerate()
                .map(|(a, action)| {
                    let exported = actions::action(
                        context,
                        &pipeline.name,
                        action,
                        &format!("{path}.actions[{a}]"),
                    );
                    projects.extend(exported.project);
                    exported.declaration
                })
                .collect();
            out.insert("actions".into(), Value::Array(actions));
            for (name, value) in stage.conditions.named() {
                out.insert(name.into(), value.clone());
                context.report.add(
                    format!("{path}.conditions"),
                    Outcome::Mapped,
                    format!("stage {}: {name} written as imported", stage.name),
                );
            }
            Value::Object(out)
        })
        .collect();

    let mut current: IndexMap<&str, Option<Value>> = IndexMap::new();
    let v2 = pipeline.execution_mode != ExecutionMode::Superseded
        || !pipeline.variables.is_empty()
        || !pipeline.triggers.is_empty();
    current.insert(
        "executionMode",
        (pipeline.execution_mode != ExecutionMode::Superseded
            || kept.contains_key("executionMode"))
        .then(|| json!(pipeline.execution_mode.as_str())),
    );
    current.insert(
        "variables",
        (!pipeline.variables.is_empty() || kept.contains_key("variables")).then(|| {
            Value::Array(
                pipeline
                    .variables
                    .iter()
                    .map(|variable| {
                        let mut out = json!({ "name": variable.name });
                        if let Some(default) = &variable.default {
                            out["defaultValue"] = json!(default);
                        }
                        if let Some(description) = &variable.description {
                            out["description"] = json!(description);
                        }
                        out
                    })
                    .collect(),
            )
        }),
    );
    let triggers = triggers(context, pipeline, kept.get("triggers"));
    current.insert(
        "triggers",
        (!triggers.is_empty() || kept.contains_key("triggers")).then_some(Value::Array(triggers)),
    );

    let mut kept = kept;
    if !context.cloudformation {
        for key in ["roleArn", "artifactStore", "artifactStores"] {
            if kept.get(key).is_some_and(has_expression) {
                kept.shift_remove(key);
                context.report.add(
                    key,
                    Outcome::Placeholder,
                    format!("{key} was a CloudFormation expression: give it on the command line"),
                );
            }
        }
    }
    let mut out = Map::new();
    out.insert("name".into(), json!(pipeline.name));
    match &context.options.role_arn {
        Some(role) => {
            out.insert("roleArn".into(), json!(role));
        }
        None if !kept.contains_key("roleArn") => {
            let role = format!("arn:aws:iam::123456789012:role/{}-pipeline", pipeline.name);
            context.report.add(
                "roleArn",
                Outcome::Placeholder,
                format!("the service role {role} stands in: give --role-arn"),
            );
            out.insert("roleArn".into(), json!(role));
        }
        None => {}
    }
    let has_store = kept.contains_key("artifactStore") || kept.contains_key("artifactStores");
    if context.options.artifact_bucket.is_some() || !has_store {
        let bucket = context.bucket();
        out.insert(
            "artifactStore".into(),
            json!({ "type": "S3", "location": bucket }),
        );
    }
    for (key, value) in &kept {
        if key == "roleArn" && out.contains_key("roleArn") {
            continue;
        }
        if (key == "artifactStore" || key == "artifactStores") && out.contains_key("artifactStore")
        {
            continue;
        }
        if key == "pipelineType" && v2 {
            out.insert(key.clone(), json!("V2"));
            if value != "V2" {
                context.report.add(
                    "pipelineType",
                    Outcome::Note,
                    "written as V2: variables, triggers and execution modes need a V2 pipeline",
                );
            }
            continue;
        }
        match current.get(key.as_str()) {
            Some(Some(value)) => {
                out.insert(key.clone(), value.clone());
            }
            Some(None) => {}
            None if PIPELINE_FIELDS.contains(&key.as_str()) => {}
            None => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out.insert("stages".into(), Value::Array(stages));
    if !kept.contains_key("pipelineType") {
        out.insert("pipelineType".into(), json!("V2"));
    }
    for (key, value) in current {
        if let Some(value) = value
            && !out.contains_key(key)
        {
            out.insert(key.into(), value);
        }
    }
    (Value::Object(out), projects)
}

/// GitChange triggers as V2 push filters, grouped by source, with the pull-request filters
/// kept from an import; folder and schedule triggers are lost.
fn triggers(context: &mut Context, pipeline: &Pipeline, kept: Option<&Value>) -> Vec<Value> {
    let mut by_source: IndexMap<String, Vec<Value>> = IndexMap::new();
    for (index, trigger) in pipeline.triggers.iter().enumerate() {
        let path = format!("triggers[{index}]");
        match trigger {
            TriggerSpec::GitChange(git) => {
                let mut push = Map::new();
                for (key, filter) in [
                    ("branches", &git.branches),
                    ("tags", &git.tags),
                    ("filePaths", &git.file_paths),
                ] {
                    if let Some(filter) = filter {
                        push.insert(key.into(), criteria(filter));
                    }
                }
                if push.is_empty() {
                    let branch = pipeline
                        .source_action(&git.source)
                        .and_then(|action| match &action.provider {
                            crate::model::Provider::Git(config) => config.branch.clone(),
                            _ => None,
                        })
                        .unwrap_or_else(|| "main".into());
                    push.insert("branches".into(), json!({ "includes": [branch] }));
                    context.report.add(
                        &path,
                        Outcome::Note,
                        format!("the trigger watches the source's branch: written as a push filter on {branch}"),
                    );
                }
                if git.poll_interval.is_some() {
                    context.report.add(
                        format!("{path}.poll_interval"),
                        Outcome::Lost,
                        "CodePipeline triggers are pushed, not polled: poll_interval is not exported",
                    );
                }
                by_source
                    .entry(git.source.clone())
                    .or_default()
                    .push(Value::Object(push));
            }
            TriggerSpec::FolderChange(_) | TriggerSpec::Schedule(_) => context.report.add(
                path,
                Outcome::Lost,
                format!(
                    "CodePipeline has no {} trigger (an EventBridge rule can start the pipeline instead)",
                    trigger.kind()
                ),
            ),
        }
    }
    let kept_pull_requests = |source: &str| -> Option<Value> {
        kept?.as_array()?.iter().find_map(|trigger| {
            let git = trigger.get("gitConfiguration")?;
            (git.get("sourceActionName")?.as_str()? == source)
                .then(|| git.get("pullRequest").cloned())
                .flatten()
        })
    };
    let mut out = Vec::new();
    for (source, pushes) in by_source {
        let mut git = json!({ "sourceActionName": source, "push": pushes });
        if let Some(pull_requests) = kept_pull_requests(&source) {
            git["pullRequest"] = pull_requests;
        }
        out.push(json!({ "providerType": "CodeStarSourceConnection", "gitConfiguration": git }));
    }
    out
}

fn criteria(filter: &Filter) -> Value {
    let mut out = Map::new();
    if !filter.includes.is_empty() {
        out.insert("includes".into(), json!(filter.includes));
    }
    if !filter.excludes.is_empty() {
        out.insert("excludes".into(), json!(filter.excludes));
    }
    Value::Object(out)
}

/// The members of CodePipeline's `PipelineDeclaration`.
const API_MEMBERS: [&str; 10] = [
    "name",
    "roleArn",
    "artifactStore",
    "artifactStores",
    "stages",
    "version",
    "executionMode",
    "pipelineType",
    "variables",
    "triggers",
];

/// Drops CloudFormation-only properties (reported as lost) and writes CloudFormation's list
/// of artifact stores as the API's map by region.
fn api_members_only(declaration: &mut Value, report: &mut Report) {
    let Some(object) = declaration.as_object_mut() else {
        return;
    };
    let extra: Vec<String> = object
        .keys()
        .filter(|key| !API_MEMBERS.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in extra {
        object.remove(&key);
        report.add(
            key.clone(),
            Outcome::Lost,
            format!("{key} is a CloudFormation property with no place in CodePipeline JSON"),
        );
    }
    if let Some(Value::Array(stores)) = object.get("artifactStores").cloned() {
        let map: Map<String, Value> = stores
            .iter()
            .filter_map(|store| {
                let region = store.get("region")?.as_str()?.to_string();
                Some((region, store.get("artifactStore")?.clone()))
            })
            .collect();
        object.insert("artifactStores".into(), Value::Object(map));
    }
}

/// Whether a value holds a CloudFormation expression anywhere.
fn has_expression(value: &Value) -> bool {
    match value {
        Value::Object(object) => is_expression(object) || object.values().any(has_expression),
        Value::Array(items) => items.iter().any(has_expression),
        _ => false,
    }
}

/// Leaves out what CodePipeline JSON cannot hold: CloudFormation expressions that were not
/// resolved on import (reported as lost).
fn flatten(value: Value, path: &str, report: &mut Report) -> Value {
    let mut keep = |inner: &Value, at: &str| {
        let expression = matches!(inner, Value::Object(o) if is_expression(o));
        if expression {
            report.add(
                at,
                Outcome::Lost,
                format!("the CloudFormation expression {inner} cannot be written in CodePipeline JSON: left out"),
            );
        }
        !expression
    };
    match value {
        Value::Object(object) => {
            let kept: Vec<(String, Value)> = object
                .into_iter()
                .filter(|(key, inner)| keep(inner, &format!("{path}.{key}")))
                .collect();
            Value::Object(
                kept.into_iter()
                    .map(|(key, inner)| {
                        let inner = flatten(inner, &format!("{path}.{key}"), report);
                        (key, inner)
                    })
                    .collect(),
            )
        }
        Value::Array(items) => {
            let kept: Vec<(usize, Value)> = items
                .into_iter()
                .enumerate()
                .filter(|(index, item)| keep(item, &format!("{path}[{index}]")))
                .collect();
            Value::Array(
                kept.into_iter()
                    .map(|(index, item)| flatten(item, &format!("{path}[{index}]"), report))
                    .collect(),
            )
        }
        other => other,
    }
}

/// The CloudFormation template: the pipeline resource, and a CodeBuild project per inline
/// buildspec that has no project yet.
fn template(
    context: &mut Context,
    pipeline: &Pipeline,
    declaration: Value,
    projects: Vec<(String, String)>,
) -> Value {
    let mut properties = to_cfn(&declaration);
    if let Some(object) = properties.as_object_mut()
        && let Some(stores) = object.remove("ArtifactStores")
    {
        let list = match stores {
            Value::Object(map) => Value::Array(
                map.into_iter()
                    .map(|(region, store)| json!({ "Region": region, "ArtifactStore": to_cfn(&store) }))
                    .collect(),
            ),
            other => other,
        };
        object.insert("ArtifactStores".into(), list);
    }
    let mut resources = Map::new();
    for (id, buildspec) in projects {
        let role = context.options.role_arn.clone().unwrap_or_else(|| {
            format!("arn:aws:iam::123456789012:role/{}-codebuild", pipeline.name)
        });
        let mut source = json!({ "Type": "CODEPIPELINE" });
        if !buildspec.is_empty() {
            source["BuildSpec"] = json!(buildspec);
        }
        resources.insert(
            id,
            json!({
                "Type": "AWS::CodeBuild::Project",
                "Properties": {
                    "Source": source,
                    "Artifacts": { "Type": "CODEPIPELINE" },
                    "Environment": {
                        "Type": "LINUX_CONTAINER",
                        "ComputeType": "BUILD_GENERAL1_SMALL",
                        "Image": "aws/codebuild/standard:7.0"
                    },
                    "ServiceRole": role
                }
            }),
        );
    }
    resources.insert(
        logical_id(&pipeline.name),
        json!({ "Type": "AWS::CodePipeline::Pipeline", "Properties": properties }),
    );
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("Pipeline {} exported by Pipewright", pipeline.name),
        "Resources": resources,
    })
}
