//! Commands, finished: `finally`, JUnit test reports and secret masking.

mod common;

use common::Workspace;
use pipewright::execution::CaseOutcome;
use pipewright::model::status::{ActionStatus, ExecutionStatus};

const PASSING: &str = r#"<?xml version="1.0"?>
<testsuites><testsuite name="math" tests="2" time="0.5">
<testcase classname="math" name="adds" time="0.2"/>
<testcase classname="math" name="skips"><skipped message="later"/></testcase>
</testsuite></testsuites>"#;

const FAILING: &str = r#"<?xml version="1.0"?>
<testsuite name="math" tests="2" failures="1" time="0.3">
<testcase classname="math" name="adds" time="0.1"/>
<testcase classname="math" name="divides" time="0.2"><failure message="expected 2, got 3">at line 7</failure></testcase>
</testsuite>"#;

fn report_pipeline(ws: &Workspace, xml: &str, exit: u8) -> pipewright::model::Pipeline {
    std::fs::write(ws.path().join("report.xml"), xml).expect("write");
    ws.pipeline(&format!(
        r#"(name: "reports", stages: [(name: "Test", actions: [(name: "Unit", category: Test,
            provider: Commands(commands: ["mkdir -p out", "cp {{ws}}/report.xml out/junit.xml", "exit {exit}"],
                reports: ["out/*.xml"]))])])"#
    ))
}

#[test]
fn a_passing_report_is_stored_with_its_cases() {
    let ws = Workspace::new();
    let id = ws.start(&report_pipeline(&ws, PASSING, 0));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let reports = ws.store().test_reports(&id).expect("reports");
    assert_eq!(reports.len(), 1);
    let (key, report) = &reports[0];
    assert_eq!(
        (key.stage.as_str(), key.attempt, report.file.as_str()),
        ("Test", 1, "out/junit.xml")
    );
    let totals = report.totals();
    assert_eq!(
        (
            totals.tests,
            totals.passed,
            totals.skipped,
            totals.duration_ms
        ),
        (2, 1, 1, 500)
    );
    let kept = ws.path().join(format!(
        ".pipewright/runs/{id}/reports/Test/Unit/1/out/junit.xml"
    ));
    assert!(kept.exists(), "a copy of the report is kept with the run");
}

#[test]
fn a_failing_report_keeps_its_failure_messages_even_when_the_action_fails() {
    let ws = Workspace::new();
    let id = ws.start(&report_pipeline(&ws, FAILING, 1));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let reports = ws.store().test_reports(&id).expect("reports");
    let report = &reports[0].1;
    assert_eq!(report.totals().failures, 1);
    let failed = report
        .cases()
        .find(|(_, case)| case.name == "divides")
        .expect("case")
        .1;
    assert_eq!(
        failed.outcome,
        CaseOutcome::Failed {
            message: "expected 2, got 3".into(),
            details: "at line 7".into()
        }
    );
}

#[test]
fn a_malformed_report_is_a_warning_not_a_failure() {
    let ws = Workspace::new();
    let id = ws.start(&report_pipeline(&ws, "<testsuite><testcase name=", 0));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempt = &ws.store().attempts(&id).expect("attempts")[0];
    assert_eq!(attempt.status, ActionStatus::Succeeded);
    assert_eq!(attempt.warnings.len(), 1, "{:?}", attempt.warnings);
    assert!(attempt.warnings[0].starts_with("test report out/junit.xml is not valid JUnit XML"));
    assert!(ws.store().test_reports(&id).expect("reports").is_empty());
}

#[test]
fn secret_values_are_masked_in_stored_logs() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("token-file"), "file-secret-123\n").expect("write");
    let pipeline = ws.pipeline(
        r#"(name: "secrets", stages: [(name: "S", actions: [(name: "Use", category: Build,
            secrets: {"API_TOKEN": Value("hunter2-value"), "FROM_FILE": File("token-file")},
            env: {"PLAIN": "visible"},
            provider: Commands(commands: ["echo token=$API_TOKEN file=$FROM_FILE plain=$PLAIN",
                "echo $API_TOKEN >&2", "test \"$FROM_FILE\" = file-secret-123"]))])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempt = &ws.store().attempts(&id).expect("attempts")[0];
    let log = std::fs::read_to_string(ws.path().join(&attempt.log_path)).expect("log");
    assert!(log.contains("token=*** file=*** plain=visible"), "{log}");
    assert!(
        !log.contains("hunter2-value") && !log.contains("file-secret-123"),
        "{log}"
    );
}

#[test]
fn a_missing_secret_fails_the_action_naming_it() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "secrets", stages: [(name: "S", actions: [(name: "Use", category: Build,
            secrets: {"API_TOKEN": Env("PIPEWRIGHT_TEST_SURELY_UNSET")},
            provider: Commands(commands: ["true"]))])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let summary = ws.store().attempts(&id).expect("attempts")[0]
        .summary
        .clone()
        .unwrap_or_default();
    assert_eq!(
        summary,
        "secret API_TOKEN: the environment variable PIPEWRIGHT_TEST_SURELY_UNSET is not set: set it before starting Pipewright"
    );
}

#[test]
fn finally_commands_run_after_a_failure_and_keep_the_failure() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "finally", stages: [(name: "S", actions: [(name: "Work", category: Build,
            provider: Commands(commands: ["exit 2"], finally: ["touch {ws}/cleaned"]))])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert!(ws.path().join("cleaned").exists());
    let attempt = &ws.store().attempts(&id).expect("attempts")[0];
    assert_eq!(attempt.exit_code, Some(2));
}

#[test]
fn a_lone_plain_command_reads_as_through_the_shell() {
    let ws = Workspace::new();
    let run = |command: &str| {
        let pipeline = ws.pipeline(&format!(
            r#"(name: "plain", stages: [(name: "S", actions: [(name: "One", category: Build,
                provider: Commands(commands: ["{command}"]))])])"#
        ));
        let id = ws.start(&pipeline);
        let status = ws.wait_end(&id);
        let attempt = ws.store().attempts(&id).expect("attempts").remove(0);
        let log = std::fs::read_to_string(ws.path().join(&attempt.log_path)).expect("log");
        (status, attempt.exit_code, log)
    };
    let (status, code, log) = run("ls no-such-file-here");
    assert_eq!((status, code), (ExecutionStatus::Failed, Some(2)));
    assert!(log.contains(" p $ ls no-such-file-here"), "{log}");
    assert!(log.contains("no-such-file-here"), "ls's own message: {log}");
    let (status, code, log) = run("no-such-program-anywhere --flag");
    assert_eq!(
        (status, code),
        (ExecutionStatus::Failed, Some(127)),
        "{log}"
    );
    assert!(log.contains("not found"), "the shell's message: {log}");
}
