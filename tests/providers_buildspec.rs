//! The Buildspec provider: CodeBuild's buildspec.yml run locally, one fixture per feature
//! (each fixture's first comment names the shape it covers).

mod common;

use std::path::Path;

use common::Workspace;
use pipewright::model::status::{ActionStatus, ExecutionStatus};
use pipewright::store::records::AttemptRow;

/// The fixtures folder.
fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/buildspec")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Puts `buildspec` and `files` into `src/` of the workspace.
fn source(ws: &Workspace, buildspec: &str, files: &[(&str, &str)]) {
    let src = ws.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("buildspec.yml"), buildspec).expect("write");
    for (name, text) in files {
        std::fs::write(src.join(name), text).expect("write");
    }
}

/// A pipeline: Folder source of `src/`, a Buildspec build with `build_extra` fields, then
/// `later` stages.
fn pipeline(ws: &Workspace, build_extra: &str, later: &str) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r#"(name: "buildspec-test", stages: [
            (name: "Source", actions: [(name: "Src", category: Source,
                provider: Folder(path: "src"), output_artifacts: [(name: "Code")])]),
            (name: "Build", actions: [(name: "CodeBuild", category: Build,
                provider: Buildspec(), input_artifacts: ["Code"], namespace: "Build"{build_extra})]),
            {later}
        ])"#
    ))
}

fn trace(ws: &Workspace) -> Vec<String> {
    std::fs::read_to_string(ws.path().join("trace.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn attempt(ws: &Workspace, id: &str, action: &str) -> AttemptRow {
    ws.store()
        .attempts(id)
        .expect("attempts")
        .into_iter()
        .find(|row| row.key.action == action)
        .unwrap_or_else(|| panic!("no attempt of {action}"))
}

fn log(ws: &Workspace, row: &AttemptRow) -> String {
    String::from_utf8_lossy(&std::fs::read(ws.path().join(&row.log_path)).expect("log"))
        .into_owned()
}

fn run(ws: &Workspace, build_extra: &str, later: &str) -> (String, ExecutionStatus) {
    let id = ws.start(&pipeline(ws, build_extra, later));
    let status = ws.wait_end(&id);
    (id, status)
}

#[test]
fn on_failure_continue_goes_on_finally_runs_and_the_build_still_fails() {
    let ws = Workspace::new();
    source(&ws, &fixture("phases.yml"), &[]);
    let (id, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(
        trace(&ws),
        [
            "install",
            "pre_build",
            "pre_build-finally",
            "build succeeding=0",
            "post_build"
        ]
    );
    let row = attempt(&ws, &id, "CodeBuild");
    assert_eq!(row.status, ActionStatus::Failed);
    assert!(
        row.summary
            .as_deref()
            .unwrap_or("")
            .starts_with("phase pre_build failed"),
        "{:?}",
        row.summary
    );
}

#[test]
fn a_failed_build_still_runs_post_build_which_sees_it_failed() {
    let ws = Workspace::new();
    source(&ws, &fixture("post-build-after-failed-build.yml"), &[]);
    let (_, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(
        trace(&ws),
        ["build", "build-finally", "post_build succeeding=0"]
    );
}

#[test]
fn a_failed_install_skips_every_later_phase() {
    let ws = Workspace::new();
    source(&ws, &fixture("install-failure-skips-the-rest.yml"), &[]);
    let (id, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(trace(&ws), ["install"]);
    let text = log(&ws, &attempt(&ws, &id, "CodeBuild"));
    assert!(
        text.contains("phase post_build: skipped after a failure"),
        "{text}"
    );
}

#[test]
fn exported_variables_reach_a_later_action_and_shell_state_carries_across_phases() {
    let ws = Workspace::new();
    source(&ws, &fixture("exported-variables.yml"), &[]);
    let later = r##"(name: "Check", actions: [(name: "Use", category: Test,
        provider: Commands(commands: ["echo \"#{Build.VERSION} #{Build.WHERE}\" > \"$PIPEWRIGHT_WORKSPACE/used.txt\""]))])"##;
    let (id, status) = run(&ws, "", later);
    assert_eq!(status, ExecutionStatus::Succeeded);
    let row = attempt(&ws, &id, "CodeBuild");
    assert_eq!(row.output_variables["VERSION"], "release-2.1");
    assert_eq!(row.output_variables["WHERE"], "work/bash");
    let used = std::fs::read_to_string(ws.path().join("used.txt")).expect("used");
    assert_eq!(used.trim(), "release-2.1 work/bash");
    let text = log(&ws, &row);
    assert!(
        text.contains("buildspec.yml:9:12: warning: `env.variables.MAJOR` is an unquoted 2"),
        "{text}"
    );
}

#[test]
fn primary_and_secondary_artifacts_are_collected_by_their_rules() {
    let ws = Workspace::new();
    source(&ws, &fixture("artifacts.yml"), &[]);
    let later = r#"(name: "Check", actions: [(name: "List", category: Test,
        provider: Commands(commands: ["find . -type f | sort > \"$PIPEWRIGHT_WORKSPACE/site.txt\"", "ls \"$PIPEWRIGHT_INPUT_Docs\" > \"$PIPEWRIGHT_WORKSPACE/docs.txt\""]),
        input_artifacts: ["Site", "Docs"])])"#;
    let (_, status) = run(
        &ws,
        r#", output_artifacts: [(name: "Site"), (name: "Docs")]"#,
        later,
    );
    assert_eq!(status, ExecutionStatus::Succeeded);
    let site = std::fs::read_to_string(ws.path().join("site.txt")).expect("site");
    assert_eq!(
        site.lines().collect::<Vec<_>>(),
        ["./css/site.css", "./index.html"]
    );
    let docs = std::fs::read_to_string(ws.path().join("docs.txt")).expect("docs");
    assert_eq!(docs.lines().collect::<Vec<_>>(), ["one.md", "two.md"]);
}

#[test]
fn a_duplicate_key_keeps_the_last_and_warns_with_its_position() {
    let ws = Workspace::new();
    source(&ws, &fixture("duplicate-key.yml"), &[]);
    let (id, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(trace(&ws), ["second"]);
    let text = log(&ws, &attempt(&ws, &id, "CodeBuild"));
    assert!(
        text.contains(
            "buildspec.yml:8:3: warning: duplicate key `build` in `phases` (first at 5:3): the last one wins"
        ),
        "{text}"
    );
    assert!(
        text.contains("buildspec.yml:2:1: warning: a `---` document marker"),
        "{text}"
    );
}

#[test]
fn version_0_1_runs_each_command_in_its_own_shell() {
    let ws = Workspace::new();
    source(&ws, &fixture("version-0.1.yml"), &[]);
    let (_, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Succeeded);
    let line = &trace(&ws)[0];
    assert!(line.ends_with("local=unset"), "{line}");
    assert!(!line.starts_with("dir=sub"), "{line}");
}

#[test]
fn report_groups_read_junit_and_cucumber_json() {
    let ws = Workspace::new();
    let junit = r#"<?xml version="1.0"?><testsuite name="unit" tests="2" failures="1">
        <testcase classname="m" name="ok" time="0.1"/>
        <testcase classname="m" name="bad" time="0.1"><failure message="no">x</failure></testcase>
        </testsuite>"#;
    let cucumber = r#"[{"name": "Login", "elements": [
        {"name": "good password", "steps": [{"name": "type", "result": {"status": "passed", "duration": 1000000}}]},
        {"name": "bad password", "steps": [{"name": "type", "result": {"status": "failed", "error_message": "denied"}}]}
    ]}]"#;
    source(
        &ws,
        &fixture("reports.yml"),
        &[("junit.xml", junit), ("cucumber.json", cucumber)],
    );
    let (id, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Succeeded);
    let reports = ws.store().test_reports(&id).expect("reports");
    let totals = |file: &str| {
        reports
            .iter()
            .find(|(_, report)| report.file == file)
            .unwrap_or_else(|| panic!("no report {file}"))
            .1
            .totals()
    };
    assert_eq!(reports.len(), 2);
    let (unit, features) = (
        totals("unit-tests/results.xml"),
        totals("features/results.json"),
    );
    assert_eq!((unit.tests, unit.failures), (2, 1));
    assert_eq!(
        (features.tests, features.failures, features.passed),
        (2, 1, 1)
    );
}

#[test]
fn parameter_store_and_secrets_manager_come_from_secrets_by_name() {
    let ws = Workspace::new();
    source(&ws, &fixture("secrets.yml"), &[]);
    let (id, status) = run(&ws, r#", secrets: {"DB_PASSWORD": Value("hunter2")}"#, "");
    assert_eq!(status, ExecutionStatus::Failed);
    let summary = attempt(&ws, &id, "CodeBuild").summary.unwrap_or_default();
    assert!(
        summary.contains(
            "env.secrets-manager API_TOKEN (prod/api:token): there is no secret named API_TOKEN"
        ),
        "{summary}"
    );
    let (_, status) = run(
        &ws,
        r#", secrets: {"DB_PASSWORD": Value("hunter2"), "API_TOKEN": Value("abc123")}"#,
        "",
    );
    assert_eq!(status, ExecutionStatus::Succeeded);
}

#[test]
fn cache_paths_are_kept_between_executions_and_codebuild_variables_are_set() {
    let ws = Workspace::new();
    source(&ws, &fixture("cache.yml"), &[]);
    let (id, status) = run(&ws, "", "");
    assert_eq!(status, ExecutionStatus::Succeeded);
    let (_, again) = run(&ws, "", "");
    assert_eq!(again, ExecutionStatus::Succeeded);
    assert_eq!(trace(&ws), ["fresh", "cached"]);
    let text = log(&ws, &attempt(&ws, &id, "CodeBuild"));
    assert!(
        text.contains(
            "runtime-versions python: 3.11 asked; this machine's own python toolchain is used"
        ),
        "{text}"
    );
}

#[test]
fn an_inline_buildspec_runs_without_a_file() {
    let ws = Workspace::new();
    source(&ws, "not: used\n", &[]);
    let inline = r#", provider: Buildspec(inline: "version: 0.2\nphases:\n  build:\n    commands:\n      - echo inline >> \"$PIPEWRIGHT_WORKSPACE/trace.txt\"\n")"#;
    let text = pipeline(&ws, "", "");
    let mut text = text;
    let build = &mut text.stages[1].actions[0];
    let with_inline = ws.pipeline(&format!(
        r#"(name: "p", stages: [(name: "B", actions: [(name: "A", category: Build{inline})])])"#
    ));
    build.provider = with_inline.stages[0].actions[0].provider.clone();
    let id = ws.start(&text);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert_eq!(trace(&ws), ["inline"]);
}

#[test]
fn the_primary_source_is_codebuild_src_dir_and_every_input_has_its_variable() {
    let ws = Workspace::new();
    let fixture_text = fixture("secondary-sources.yml");
    let primary = ws.path().join("primary");
    std::fs::create_dir_all(&primary).expect("mkdir");
    std::fs::write(primary.join("primary.txt"), "from-primary").expect("write");
    std::fs::write(primary.join("buildspec.yml"), &fixture_text).expect("write");
    source(
        &ws,
        "unused: true\n",
        &[("buildspec-lives-here.txt", "from-code")],
    );
    let pipeline = ws.pipeline(
        r#"(name: "buildspec-test", stages: [
            (name: "Source", actions: [
                (name: "Src", category: Source, provider: Folder(path: "src"), output_artifacts: [(name: "Code")]),
                (name: "Other", category: Source, provider: Folder(path: "primary"), output_artifacts: [(name: "Primary")]),
            ]),
            (name: "Build", actions: [(name: "CodeBuild", category: Build,
                provider: Buildspec(primary_source: "Primary"), input_artifacts: ["Code", "Primary"])]),
        ])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert_eq!(trace(&ws), ["from-primary from-code"]);
}
