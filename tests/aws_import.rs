//! Importing AWS CodePipeline definitions: get-pipeline JSON (round trip), create-pipeline
//! input, CloudFormation YAML and JSON (V1 with a webhook, CDK-synthesized), each fixture in a
//! real-world shape named in its comment or description.

mod aws_support;
mod common;

use aws_support::{ApiModel, fixture_text};
use pipewright::model::aws::export::{ExportOptions, Format, export};
use pipewright::model::aws::import::{ImportOptions, ImportedPipeline, import};
use pipewright::model::aws::report::Outcome;
use pipewright::model::{Category, Provider, ProviderKind, ron_io, validate};
use serde_json::Value;

fn import_fixture(name: &str, maps: &[(&str, &str)]) -> Vec<ImportedPipeline> {
    let options = ImportOptions {
        maps: maps
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let stem = name.split('.').next().unwrap_or(name);
    import(&fixture_text(name), stem, &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Saves the pipeline as RON and reads it back, as the CLI and the app do.
fn through_ron(pipeline: &pipewright::model::Pipeline) -> pipewright::model::Pipeline {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.pipeline.ron");
    ron_io::save(&path, pipeline).expect("save");
    let loaded = ron_io::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&loaded.pipeline, pipeline, "the RON file keeps everything");
    loaded.pipeline
}

fn json_options() -> ExportOptions {
    ExportOptions {
        format: Format::CodePipelineJson,
        role_arn: None,
        artifact_bucket: None,
        lossy: false,
    }
}

#[test]
fn the_api_model_check_finds_real_mistakes() {
    let model = ApiModel::load();
    let good: Value = serde_json::from_str(&fixture_text("get-pipeline.json")).expect("json");
    let mut declaration = good["pipeline"].clone();
    assert_eq!(
        model.check("PipelineDeclaration", &declaration),
        Vec::<String>::new()
    );
    declaration
        .as_object_mut()
        .expect("object")
        .remove("roleArn");
    declaration["executionMode"] = "SOMETIMES".into();
    declaration["stages"][0]["actions"][0]["name"] = "has space".into();
    declaration["stages"][0]["actions"][0]["runOrder"] = 1000.into();
    declaration["stages"][0]["extra"] = true.into();
    let problems = model.check("PipelineDeclaration", &declaration);
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[test]
fn get_pipeline_json_round_trips_up_to_key_order() {
    let original: Value = serde_json::from_str(&fixture_text("get-pipeline.json")).expect("json");
    let imported = import_fixture("get-pipeline.json", &[]);
    assert_eq!(imported.len(), 1);
    let pipeline = through_ron(&imported[0].pipeline);
    let exported = export(&pipeline, &json_options()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exported.value["pipeline"], original["pipeline"]);
    let problems = ApiModel::load().check("CreatePipelineInput", &exported.value);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn get_pipeline_json_maps_each_provider_and_reports_each_item() {
    let imported = &import_fixture("get-pipeline.json", &[("acme/shop-web", "repos/shop")])[0];
    let pipeline = &imported.pipeline;
    let kinds: Vec<(&str, ProviderKind)> = pipeline
        .actions()
        .map(|(_, a)| (a.name.as_str(), a.provider.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Checkout", ProviderKind::Git),
            ("Fixtures", ProviderKind::Folder),
            ("Compile", ProviderKind::Buildspec),
            ("Lint", ProviderKind::Commands),
            ("Release", ProviderKind::Manual),
            ("Infrastructure", ProviderKind::Foreign),
            ("Service", ProviderKind::Foreign),
            ("Notify", ProviderKind::Script),
        ]
    );
    let compile = &pipeline.stages[1].actions[0];
    assert_eq!(compile.env["COMMIT"], "#{SourceVariables.CommitId}");
    assert_eq!(compile.env["STAGE"], "#{variables.DeployStage}");
    let Provider::Git(git) = &pipeline.stages[0].actions[0].provider else {
        panic!("git")
    };
    assert_eq!(
        git.repository, "repos/shop",
        "--map wins over the derived URL"
    );
    assert_eq!(pipeline.stages[1].actions[1].category, Category::Build);
    assert!(!pipeline.stages[2].conditions.is_empty());
    let report = &imported.report;
    let path_of = |outcome: Outcome| -> Vec<&str> {
        report
            .with(outcome)
            .map(|item| item.path.as_str())
            .collect()
    };
    assert_eq!(
        path_of(Outcome::Foreign),
        [
            "pipeline.stages[3].actions[0]",
            "pipeline.stages[3].actions[1]"
        ]
    );
    assert_eq!(
        path_of(Outcome::NotRun),
        [
            "pipeline.stages[1].onFailure",
            "pipeline.stages[2].beforeEntry",
            "pipeline.triggers[0].gitConfiguration.pullRequest[0]"
        ]
    );
    assert!(path_of(Outcome::ToDo).contains(&"pipeline.stages[3].actions[2]"));
    let problems = validate(pipeline);
    assert!(
        problems
            .iter()
            .any(|p| p.path == "stages[3].actions[2].provider.program"),
        "the Lambda's program is flagged at its field until mapped: {problems:#?}"
    );
}

#[test]
fn a_cloudformation_template_resolves_its_expressions_and_reports_placeholders() {
    let imported = import_fixture("cloudformation.yml", &[("Checkout", "calc-repo")]);
    assert_eq!(imported.len(), 1);
    let imported = &imported[0];
    let pipeline = through_ron(&imported.pipeline);
    assert_eq!(pipeline.name, "calc-pipeline");
    let stages: Vec<&str> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(stages, ["Source", "Test", "Approve", "Deploy"]);
    let test = &pipeline.stages[1];
    assert_eq!(
        (test.actions[0].run_order, test.actions[1].run_order),
        (1, 1),
        "two actions in parallel, one RunOrder written as a string"
    );
    let Provider::Buildspec(unit) = &test.actions[0].provider else {
        panic!("buildspec")
    };
    assert!(
        unit.inline
            .as_deref()
            .unwrap_or("")
            .contains("pytest --junitxml"),
        "the project's inline buildspec"
    );
    assert_eq!(test.actions[0].env["STAGE"], "staging");
    let Provider::Buildspec(lint) = &test.actions[1].provider else {
        panic!("buildspec")
    };
    assert_eq!(lint.file.as_deref(), Some("buildspec-lint.yml"));
    let Provider::Manual(manual) = &pipeline.stages[2].actions[0].provider else {
        panic!("manual")
    };
    assert_eq!(
        manual.custom_message.as_deref(),
        Some(
            "Deploy #{SourceVariables.CommitId} (tests ran: #{TestVariables.TESTS_RAN}) to staging?"
        )
    );
    let Provider::Foreign(stack) = &pipeline.stages[3].actions[0].provider else {
        panic!("foreign")
    };
    assert_eq!(stack.provider, "CloudFormation");
    assert!(
        stack.configuration["StackName"].get("Fn::Select").is_some(),
        "a foreign action keeps its configuration verbatim"
    );
    let report = &imported.report;
    let texts: Vec<String> = report.items.iter().map(|i| i.to_string()).collect();
    let has = |needle: &str| texts.iter().any(|t| t.contains(needle));
    assert!(
        has(
            "Resources.Pipeline.Properties.Stages[1].Actions[0].RunOrder: [note] RunOrder \"1\" is a string"
        ),
        "{texts:#?}"
    );
    assert!(has("parameter ConnectionArn has no default"), "{texts:#?}");
    assert!(
        has("Resources.Pipeline.Properties.Stages[3].Actions[0]: [AWS only] Stack"),
        "{texts:#?}"
    );
    assert!(
        has("inline buildspec of project UnitTestProject"),
        "{texts:#?}"
    );
    assert!(validate(&pipeline).is_empty(), "{:#?}", validate(&pipeline));
}

#[test]
fn every_fixture_imports_validates_and_exports_within_the_api_model() {
    let model = ApiModel::load();
    for name in [
        "get-pipeline.json",
        "create-pipeline.json",
        "cloudformation.yml",
        "cloudformation-v1-github.json",
        "cdk-synth.json",
    ] {
        for imported in import_fixture(name, &[]) {
            let pipeline = through_ron(&imported.pipeline);
            let lossy = ExportOptions {
                lossy: true,
                ..json_options()
            };
            let exported = export(&pipeline, &lossy).unwrap_or_else(|e| panic!("{name}: {e}"));
            let problems = model.check("CreatePipelineInput", &exported.value);
            assert!(problems.is_empty(), "{name}: {problems:#?}");
        }
    }
}
