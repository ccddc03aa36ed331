//! Exporting every example to AWS: both formats pass CodePipeline's API model, an export that
//! loses something is refused unless lossy, and importing an export gives back the pipeline
//! except for exactly what the export listed.

mod aws_support;
mod common;

use std::path::{Path, PathBuf};

use aws_support::ApiModel;
use pipewright::model::aws::export::{ExportOptions, Format, export};
use pipewright::model::aws::import::{ImportOptions, import};
use pipewright::model::aws::report::{Outcome, Report};
use pipewright::model::aws::spelling::to_api;
use pipewright::model::{Pipeline, ron_io};
use serde_json::Value;

fn examples() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("examples")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".pipeline.ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    files
}

fn load(path: &Path) -> Pipeline {
    ron_io::load(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .pipeline
}

fn options(format: Format, lossy: bool) -> ExportOptions {
    ExportOptions {
        format,
        role_arn: None,
        artifact_bucket: None,
        lossy,
    }
}

/// Leaf paths where two JSON values differ, in Pipewright's path spelling: the enum variant
/// under `provider` and in `triggers[i]` is left out, and the AWS bookkeeping (`aws`) is
/// ignored.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let variant_level =
                path.ends_with("provider") || path.ends_with(']') && path.starts_with("triggers");
            if variant_level && x.len() == 1 && y.len() == 1 {
                let (kx, vx) = x.iter().next().expect("one");
                let (ky, vy) = y.iter().next().expect("one");
                if kx == ky {
                    return differences(vx, vy, path, out);
                }
            }
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                if key == "aws" {
                    continue;
                }
                differences(
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    &child(key),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for index in 0..x.len().max(y.len()) {
                differences(
                    x.get(index).unwrap_or(&Value::Null),
                    y.get(index).unwrap_or(&Value::Null),
                    &format!("{path}[{index}]"),
                    out,
                );
            }
        }
        (Value::Null, Value::Object(_) | Value::Array(_)) => differences(b, a, path, out),
        (Value::Object(x), Value::Null) => {
            for (key, inner) in x {
                differences(inner, &Value::Null, &child(key), out);
            }
        }
        (Value::Array(x), Value::Null) => {
            for (index, inner) in x.iter().enumerate() {
                differences(inner, &Value::Null, &format!("{path}[{index}]"), out);
            }
        }
        _ if a != b => out.push(path.to_string()),
        _ => {}
    }
}

fn covered(path: &str, report: &Report) -> bool {
    report.items.iter().any(|item| {
        item.outcome != Outcome::Mapped
            && (path == item.path
                || path.starts_with(&format!("{}.", item.path))
                || path.starts_with(&format!("{}[", item.path)))
    })
}

#[test]
fn every_example_exports_within_the_api_model_in_both_formats() {
    let model = ApiModel::load();
    for file in examples() {
        let pipeline = load(&file);
        let json = export(&pipeline, &options(Format::CodePipelineJson, true))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let problems = model.check("CreatePipelineInput", &json.value);
        assert!(problems.is_empty(), "{}: {problems:#?}", file.display());

        let template = export(&pipeline, &options(Format::CloudFormation, true))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let resources = template.value["Resources"].as_object().expect("resources");
        let (_, resource) = resources
            .iter()
            .find(|(_, r)| r["Type"] == "AWS::CodePipeline::Pipeline")
            .expect("a pipeline resource");
        let mut declaration = to_api(&resource["Properties"]);
        if let Some(Value::Array(stores)) = declaration.get("artifactStores").cloned() {
            declaration["artifactStores"] = stores
                .iter()
                .map(|s| {
                    (
                        s["region"].as_str().unwrap_or("").to_string(),
                        s["artifactStore"].clone(),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
        let problems = model.check("PipelineDeclaration", &declaration);
        assert!(
            problems.is_empty(),
            "{} (CloudFormation): {problems:#?}",
            file.display()
        );
    }
}

#[test]
fn importing_an_export_gives_back_the_pipeline_except_what_the_export_listed() {
    let mut lossless = Vec::new();
    for file in examples() {
        let pipeline = load(&file);
        let exported = export(&pipeline, &options(Format::CodePipelineJson, true))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let back = import(&exported.text, "export", &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .remove(0)
            .pipeline;
        let mut diff = Vec::new();
        differences(
            &serde_json::to_value(&pipeline).expect("json"),
            &serde_json::to_value(&back).expect("json"),
            "",
            &mut diff,
        );
        let unexplained: Vec<&String> = diff
            .iter()
            .filter(|path| !covered(path, &exported.report))
            .collect();
        assert!(
            unexplained.is_empty(),
            "{}: these changed without being listed: {unexplained:#?}\nreport:\n{}",
            file.display(),
            exported.report
        );
        let lost = exported.report.with(Outcome::Lost).count();
        if lost == 0 {
            assert!(diff.is_empty(), "{}: {diff:#?}", file.display());
            lossless.push(
                file.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            );
        } else {
            let refused = export(&pipeline, &options(Format::CodePipelineJson, false))
                .expect_err("a lossy export needs --lossy");
            assert_eq!(refused.report.with(Outcome::Lost).count(), lost);
        }
    }
    assert!(
        lossless.contains(&"local-deploy.pipeline.ron".to_string()),
        "LocalDeploy goes out as a custom action and comes back: {lossless:?}"
    );
}
