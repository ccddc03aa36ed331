//! `pipewright import` and `pipewright export` as the real binary, and the CloudFormation
//! fixture imported and run on this machine: its buildspec runs pytest for real, the
//! CloudFormation deploy is skipped with a note (or fails with --strict).

mod aws_support;
mod common;

use std::path::Path;

use aws_support::{calculator_repo, fixture, pytest_available};
use common::text;
use pipewright::model::status::ExecutionStatus;
use pipewright::store::Store;
use pipewright::store::history::{HistoryFilter, Page};

#[test]
fn import_writes_the_pipeline_prints_the_report_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = fixture("cloudformation.yml");
    let source = source.to_string_lossy();
    let out = common::pipewright(
        &[
            "import",
            &source,
            "--out",
            "imported",
            "--map",
            "Checkout=calc-repo",
        ],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let written = dir.path().join("imported/calc-pipeline.pipeline.ron");
    assert!(written.exists(), "{stdout}");
    assert!(
        stdout.contains("Resources.Pipeline.Properties.Stages[3].Actions[0]: [AWS only] Stack"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Resources.Pipeline.Properties.Stages[0].Actions[0]: [mapped] Checkout: CodeStarSourceConnection acme/calc → Git calc-repo"),
        "{stdout}"
    );
    let validate = common::pipewright(&["validate", &written.to_string_lossy()], dir.path());
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        text(&validate.stdout)
    );

    let again = common::pipewright(&["import", &source, "--out", "imported"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn import_of_broken_text_names_the_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("broken.json"),
        "{\n  \"pipeline\": {\n    \"name\": \n}\n",
    )
    .expect("write");
    let out = common::pipewright(&["import", "broken.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("broken.json:4:1: this is not valid JSON"),
        "{stderr}"
    );
}

#[test]
fn export_refuses_losses_unless_lossy_and_writes_json_or_a_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let classic = examples.join("classic.pipeline.ron");
    let classic = classic.to_string_lossy();
    let refused = common::pipewright(
        &["export", &classic, "--format", "codepipeline-json"],
        dir.path(),
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("cannot be expressed in CodePipeline"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stages[2].actions[0].provider.reports: [lost]"),
        "{stderr}"
    );
    assert!(stderr.contains("give --lossy"), "{stderr}");

    let lossy = common::pipewright(
        &[
            "export",
            &classic,
            "--format",
            "codepipeline-json",
            "--lossy",
            "--role-arn",
            "arn:aws:iam::111122223333:role/pipe",
            "--artifact-bucket",
            "my-bucket",
        ],
        dir.path(),
    );
    assert_eq!(lossy.status.code(), Some(0), "{}", text(&lossy.stderr));
    let json: serde_json::Value = serde_json::from_slice(&lossy.stdout).expect("json");
    assert_eq!(
        json["pipeline"]["roleArn"],
        "arn:aws:iam::111122223333:role/pipe"
    );
    assert_eq!(json["pipeline"]["artifactStore"]["location"], "my-bucket");

    let deploy = examples.join("local-deploy.pipeline.ron");
    let template = common::pipewright(
        &[
            "export",
            &deploy.to_string_lossy(),
            "--format",
            "cloudformation",
            "--out",
            "stack.json",
        ],
        dir.path(),
    );
    assert_eq!(
        template.status.code(),
        Some(0),
        "{}",
        text(&template.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("stack.json")).expect("out"))
            .expect("json");
    assert_eq!(written["AWSTemplateFormatVersion"], "2010-09-09");
}

#[test]
fn the_cloudformation_fixture_runs_here_with_pytest_and_skips_the_deploy() {
    if !pytest_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    calculator_repo(&ws.join("calc-repo"));
    let source = fixture("cloudformation.yml");
    let out = common::pipewright(
        &[
            "import",
            &source.to_string_lossy(),
            "--map",
            "Checkout=calc-repo",
        ],
        ws,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = common::pipewright(
        &["run", "calc-pipeline.pipeline.ron", "--approve", "all"],
        ws,
    );
    let stdout = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}{}", text(&run.stderr));

    let store = Store::open(ws).expect("store");
    let history = store
        .history(&HistoryFilter::default(), Page::default())
        .expect("history");
    let execution = &history[0].execution;
    assert_eq!(execution.status, ExecutionStatus::Succeeded);
    let reports = store.test_reports(execution.id.as_str()).expect("reports");
    assert_eq!(reports.len(), 1, "{reports:?}");
    let totals = reports[0].1.totals();
    assert_eq!(
        (totals.tests, totals.passed, totals.skipped, totals.failures),
        (3, 2, 1, 0),
        "pytest's JUnit report of the inline buildspec"
    );
    let attempts = store.attempts(execution.id.as_str()).expect("attempts");
    let stack = attempts
        .iter()
        .find(|row| row.key.action == "Stack")
        .expect("deploy attempt");
    assert_eq!(
        stack.summary.as_deref(),
        Some("skipped: AWS/CloudFormation/1 runs on AWS only, nothing was run here")
    );

    let strict = common::pipewright(
        &[
            "run",
            "calc-pipeline.pipeline.ron",
            "--approve",
            "all",
            "--strict",
        ],
        ws,
    );
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stdout));
}
