//! Reading AWS CodePipeline definitions: `aws codepipeline get-pipeline` output, create-pipeline
//! input (bare or wrapped), and CloudFormation templates in YAML or JSON with one or more
//! `AWS::CodePipeline::Pipeline` resources, in either spelling. Every item is reported with
//! the path it came from; nothing that cannot run here is dropped: it is kept for export.

mod actions;
mod declaration;

use indexmap::IndexMap;
use serde_json::Value;

pub(crate) use actions::{ACTION_FIELDS, PIPEWRIGHT_KEY, PIPEWRIGHT_PROVIDER};
pub(crate) use declaration::{PIPELINE_FIELDS, TAGS};

use super::cfn::{self, Resolver};
use super::report::{Outcome, Report};
use super::spelling;
use crate::model::{Pipeline, Position};

/// Choices made when importing.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `NAME=PATH_OR_URL` mappings: NAME is a source action's name, a repository
    /// (`owner/repo`, a CodeCommit repository name), an S3 bucket or object key, or a Lambda
    /// function name; the value is where it is on this machine.
    pub maps: IndexMap<String, String>,
}

/// One pipeline read from the file.
#[derive(Debug, Clone)]
pub struct ImportedPipeline {
    /// The pipeline, ready to save.
    pub pipeline: Pipeline,
    /// What became of each item.
    pub report: Report,
    /// Where it was in the file (`pipeline`, `Resources.Pipeline.Properties`).
    pub origin: String,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The text is neither JSON nor YAML.
    #[error("{at}: {message}")]
    Syntax {
        /// Where.
        at: Position,
        /// What.
        message: String,
    },
    /// The text holds no pipeline.
    #[error("{0}")]
    NoPipeline(String),
}

/// Reads every pipeline in `text`; `stem` (the file name without extension) names a
/// pipeline that has no name of its own and stands in for `AWS::StackName`.
pub fn import(
    text: &str,
    stem: &str,
    options: &ImportOptions,
) -> Result<Vec<ImportedPipeline>, ImportError> {
    let (root, notes) = parse(text)?;
    if let Some(resources) = root.get("Resources").and_then(Value::as_object) {
        let resolver = Resolver::new(&root, stem);
        let found: Vec<_> = resources
            .iter()
            .filter(|(_, resource)| {
                resource.get("Type").and_then(Value::as_str) == Some("AWS::CodePipeline::Pipeline")
            })
            .collect();
        if found.is_empty() {
            return Err(ImportError::NoPipeline(
                "the template has no AWS::CodePipeline::Pipeline resource: there is nothing to import"
                    .into(),
            ));
        }
        return Ok(found
            .into_iter()
            .map(|(id, resource)| {
                let origin = format!("Resources.{id}.Properties");
                let properties = resource.get("Properties").cloned().unwrap_or(Value::Null);
                let mut report = Report::default();
                for note in &notes {
                    report.add("", Outcome::Note, note.clone());
                }
                let declaration = spelling::to_api(&properties);
                let template = Template {
                    resolver: &resolver,
                    root: &root,
                    id,
                };
                let pipeline = declaration::pipeline(
                    &declaration,
                    &origin,
                    stem,
                    options,
                    Some(&template),
                    &mut report,
                );
                ImportedPipeline {
                    pipeline,
                    report,
                    origin,
                }
            })
            .collect());
    }
    let (declaration, origin, wrapper) = match root.get("pipeline") {
        Some(inner) => (inner.clone(), "pipeline".to_string(), Some(&root)),
        None if root.get("stages").is_some() => (root.clone(), String::new(), None),
        None => {
            return Err(ImportError::NoPipeline(
                "no pipeline found: expected `aws codepipeline get-pipeline` output ({\"pipeline\": …}), create-pipeline input, or a CloudFormation template with an AWS::CodePipeline::Pipeline resource".into(),
            ));
        }
    };
    let mut report = Report::default();
    let mut pipeline =
        declaration::pipeline(&declaration, &origin, stem, options, None, &mut report);
    if let Some(wrapper) = wrapper {
        if wrapper.get("metadata").is_some() {
            report.add(
                "metadata",
                Outcome::Note,
                "get-pipeline's metadata (ARN, created, updated) describes the pipeline on AWS: not kept",
            );
        }
        if let Some(tags) = wrapper.get("tags") {
            let members = &mut pipeline.aws.get_or_insert_with(Default::default).members;
            members.insert(declaration::TAGS.into(), tags.clone());
            report.add("tags", Outcome::Note, "tags kept for export");
        }
    }
    Ok(vec![ImportedPipeline {
        pipeline,
        report,
        origin,
    }])
}

/// The CloudFormation template a pipeline resource is in.
pub(crate) struct Template<'a> {
    resolver: &'a Resolver<'a>,
    root: &'a Value,
    id: &'a str,
}

impl Template<'_> {
    /// The resources of a type, by logical id.
    fn resources(&self, kind: &str) -> Vec<(&str, &Value)> {
        self.root
            .get("Resources")
            .and_then(Value::as_object)
            .map(|resources| {
                resources
                    .iter()
                    .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
                    .map(|(id, r)| (id.as_str(), r))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// JSON or YAML into JSON; notes say what the reader tolerated.
fn parse(text: &str) -> Result<(Value, Vec<String>), ImportError> {
    if text.trim_start().starts_with('{') {
        let value = serde_json::from_str(text).map_err(|error| ImportError::Syntax {
            at: Position {
                line: error.line(),
                column: error.column(),
            },
            message: format!("this is not valid JSON: {error}"),
        })?;
        return Ok((value, Vec::new()));
    }
    cfn::yaml_to_json(text).map_err(|error| ImportError::Syntax {
        at: error.at,
        message: error.message,
    })
}
