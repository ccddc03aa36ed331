//! One failing fixture per validation rule: each file in `tests/fixtures/invalid/` starts with
//! `// expect: LINE:COL message-part`, and validation must report exactly that.

use std::path::{Path, PathBuf};

use pipewright::model::ron_io;
use pipewright::model::validate::{
    MAX_ACTIONS, MAX_ACTIONS_PER_STAGE, MAX_STAGES, check_approval_summary,
};
use pipewright::model::{
    Action, Category, CommandsConfig, Pipeline, Provider, Stage, validate, validate_located,
};

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/invalid")
        .expect("fixtures folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| ron_io::is_pipeline_file(path))
        .collect();
    files.sort();
    files
}

struct Expectation {
    line: usize,
    column: usize,
    message: String,
}

fn expectation(path: &Path, text: &str) -> Expectation {
    let first = text.lines().next().unwrap_or_default();
    let rest = first.strip_prefix("// expect: ").unwrap_or_else(|| {
        panic!(
            "{}: first line must be // expect: L:C message",
            path.display()
        )
    });
    let (position, message) = rest.split_once(' ').expect("position and message");
    let (line, column) = position.split_once(':').expect("line:column");
    Expectation {
        line: line.parse().expect("line"),
        column: column.parse().expect("column"),
        message: message.to_string(),
    }
}

#[test]
fn every_rule_fixture_reports_its_problem_at_its_position() {
    let files = fixtures();
    assert!(
        files.len() >= 30,
        "expected a fixture per rule, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read fixture");
        let expected = expectation(&file, &text);
        let loaded = ron_io::parse(&text, &file)
            .unwrap_or_else(|error| panic!("fixture must parse: {error}"));
        let problems = validate_located(&loaded.pipeline, &loaded.source);
        let hit = problems.iter().any(|problem| {
            problem.message.contains(&expected.message)
                && problem
                    .position
                    .is_some_and(|p| p.line == expected.line && p.column == expected.column)
        });
        if !hit {
            failures.push(format!(
                "{}: expected {}:{} {:?}, got {:#?}",
                file.display(),
                expected.line,
                expected.column,
                expected.message,
                problems
                    .iter()
                    .map(|p| format!("{:?} {} [{}]", p.position, p.message, p.path))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = r#"(
        name: "bad name",
        stages: [(name: "S", actions: [
            (name: "A", run_order: 0, category: Build, provider: Commands(commands: [])),
        ])],
    )"#;
    let loaded = ron_io::parse(text, Path::new("x.pipeline.ron")).expect("parses");
    let problems = validate(&loaded.pipeline);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "name",
            "stages[0].actions[0].run_order",
            "stages[0].actions[0].provider.commands"
        ]
    );
}

fn command_action(name: String) -> Action {
    Action {
        name,
        category: Category::Build,
        run_order: 1,
        provider: Provider::Commands(CommandsConfig {
            commands: vec!["true".into()],
            ..CommandsConfig::default()
        }),
        input_artifacts: Vec::new(),
        output_artifacts: Vec::new(),
        namespace: None,
        env: Default::default(),
        secrets: Default::default(),
        timeout: None,
        aws: None,
    }
}

fn pipeline_of(stages: usize, actions_per_stage: usize) -> Pipeline {
    let mut pipeline = Pipeline::new("quota");
    for s in 0..stages {
        pipeline.stages.push(Stage {
            name: format!("S{s}"),
            actions: (0..actions_per_stage)
                .map(|a| command_action(format!("A{a}")))
                .collect(),
            conditions: Default::default(),
            aws: None,
        });
    }
    pipeline
}

/// A problem as (path, message, line and column).
type Located = (String, String, Option<(usize, usize)>);

/// Validates the pipeline as it would be read back from its saved file.
fn located_messages(pipeline: &Pipeline) -> Vec<Located> {
    let text = ron_io::to_string(pipeline).expect("serializes");
    let loaded = ron_io::parse(&text, Path::new("q.pipeline.ron")).expect("parses");
    validate_located(&loaded.pipeline, &loaded.source)
        .into_iter()
        .map(|p| (p.path, p.message, p.position.map(|x| (x.line, x.column))))
        .collect()
}

#[test]
fn quota_of_stages() {
    assert!(validate(&pipeline_of(MAX_STAGES, 1)).is_empty());
    let problems = located_messages(&pipeline_of(MAX_STAGES + 1, 1));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "stages");
    assert!(problems[0].1.contains("51 stages; the limit is 50"));
    assert_eq!(problems[0].2, Some((3, 13)));
}

#[test]
fn quota_of_actions_per_stage() {
    assert!(validate(&pipeline_of(1, MAX_ACTIONS_PER_STAGE)).is_empty());
    let problems = located_messages(&pipeline_of(1, MAX_ACTIONS_PER_STAGE + 1));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "stages[0].actions");
    assert!(problems[0].1.contains("has 51 actions; the limit is 50"));
    assert_eq!(problems[0].2, Some((6, 22)));
}

#[test]
fn quota_of_actions_per_pipeline() {
    assert!(validate(&pipeline_of(10, MAX_ACTIONS / 10)).is_empty());
    let problems = located_messages(&pipeline_of(11, 46));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].1.contains("506 actions; the limit is 500"));
}

#[test]
fn approval_summary_limit() {
    assert!(check_approval_summary(&"x".repeat(512)).is_ok());
    let error = check_approval_summary(&"x".repeat(513)).unwrap_err();
    assert!(error.contains("at most 512"), "{error}");
}
