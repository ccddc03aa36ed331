//! The `*.pipeline.ron` format: examples round-trip, optional fields may be left out, and
//! syntax errors name the right line and column.

use std::path::{Path, PathBuf};

use pipewright::model::ron_io::{self, LoadError};
use pipewright::model::{ExecutionMode, Provider, validate};

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("assets/examples")
        .expect("examples folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| ron_io::is_pipeline_file(path))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_is_valid_and_round_trips() {
    let files = examples();
    assert!(
        files.len() >= 7,
        "one example per provider plus the classic one"
    );
    for file in files {
        let loaded = ron_io::load(&file).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            validate(&loaded.pipeline).is_empty(),
            "{} is invalid: {:?}",
            file.display(),
            validate(&loaded.pipeline)
        );
        let saved = ron_io::to_string(&loaded.pipeline).expect("saves");
        let reloaded = ron_io::parse(&saved, &file).unwrap_or_else(|e| panic!("{e}\n{saved}"));
        assert_eq!(reloaded.pipeline, loaded.pipeline, "{}", file.display());
        let saved_again = ron_io::to_string(&reloaded.pipeline).expect("saves");
        assert_eq!(
            saved,
            saved_again,
            "saving is stable for {}",
            file.display()
        );
    }
}

#[test]
fn saving_keeps_stage_and_action_order() {
    let loaded = ron_io::load(Path::new("assets/examples/classic.pipeline.ron")).expect("loads");
    let saved = ron_io::to_string(&loaded.pipeline).expect("saves");
    let order: Vec<usize> = [
        "\"Source\"",
        "\"Build\"",
        "\"Test\"",
        "\"Unit\"",
        "\"Links\"",
        "\"Approval\"",
        "\"Deploy\"",
    ]
    .iter()
    .map(|name| {
        saved
            .find(&format!("name: {name}"))
            .unwrap_or_else(|| panic!("{name} missing"))
    })
    .collect();
    assert!(
        order.windows(2).all(|pair| pair[0] < pair[1]),
        "{order:?}\n{saved}"
    );
}

#[test]
fn a_minimal_hand_written_file_loads_with_defaults() {
    let text = r#"(
        name: "tiny",
        stages: [(name: "Build", actions: [(name: "Make", category: Build, provider: Commands(commands: ["make"]))])],
    )"#;
    let loaded = ron_io::parse(text, Path::new("tiny.pipeline.ron")).expect("loads");
    let pipeline = loaded.pipeline;
    assert_eq!(pipeline.execution_mode, ExecutionMode::Superseded);
    assert!(pipeline.variables.is_empty() && pipeline.layout.is_none());
    let action = &pipeline.stages[0].actions[0];
    assert_eq!(action.run_order, 1);
    assert!(action.input_artifacts.is_empty() && action.namespace.is_none());
    let Provider::Commands(config) = &action.provider else {
        panic!("commands")
    };
    assert!(config.finally.is_empty() && config.reports.is_empty());
    assert!(validate(&pipeline).is_empty());
}

#[test]
fn explicit_some_and_struct_names_are_accepted_too() {
    let text = r#"Pipeline(
        name: "tiny",
        execution_mode: QUEUED,
        stages: [Stage(name: "Build", actions: [Action(name: "Make", category: Build,
            namespace: Some("Make"), provider: Commands(commands: ["make"]))])],
    )"#;
    let loaded = ron_io::parse(text, Path::new("tiny.pipeline.ron")).expect("loads");
    assert_eq!(loaded.pipeline.execution_mode, ExecutionMode::Queued);
    assert_eq!(
        loaded.pipeline.stages[0].actions[0].namespace.as_deref(),
        Some("Make")
    );
}

fn syntax_error(text: &str) -> (usize, usize, String) {
    match ron_io::parse(text, Path::new("broken.pipeline.ron")) {
        Err(LoadError::Syntax {
            position, message, ..
        }) => (position.line, position.column, message),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_missing_closing_parenthesis_is_reported_where_it_is_missing() {
    let text = "(\n    name: \"p\",\n    stages: [\n        (name: \"Build\", actions: [(name: \"A\", category: Build, provider: Commands(commands: [\"true\"])]),\n    ],\n)\n";
    let (line, column, message) = syntax_error(text);
    assert_eq!((line, column), (4, 102), "{message}");
    assert!(message.contains("missing"), "{message}");
}

#[test]
fn a_misspelled_field_is_reported_at_the_field() {
    let text = "(\n    name: \"p\",\n    stagse: [],\n)\n";
    let (line, column, message) = syntax_error(text);
    assert_eq!((line, column), (3, 5), "{message}");
    assert!(message.contains("unknown field `stagse`"), "{message}");
    assert!(
        message.contains("stages"),
        "suggests the right name: {message}"
    );
}

#[test]
fn a_wrong_provider_name_lists_the_known_ones() {
    let text = "(name: \"p\", stages: [(name: \"B\", actions: [(name: \"A\", category: Build,\n provider: Shell(commands: [\"x\"]))])])";
    let (line, column, message) = syntax_error(text);
    assert_eq!((line, column), (2, 12), "{message}");
    assert!(
        message.contains("Commands") && message.contains("LocalDeploy"),
        "{message}"
    );
}

#[test]
fn a_bad_duration_names_the_format() {
    let text = "(name: \"p\", stages: [(name: \"B\", actions: [(name: \"A\", category: Build,\n timeout: \"ten minutes\", provider: Commands(commands: [\"x\"]))])])";
    let (line, _, message) = syntax_error(text);
    assert_eq!(line, 2);
    assert!(message.contains("like 90s, 10m, 1h30m or 7d"), "{message}");
}

#[test]
fn saving_replaces_the_file_and_leaves_no_temporary_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.pipeline.ron");
    std::fs::write(&path, "old").expect("write");
    let loaded = ron_io::load(Path::new("assets/examples/commands.pipeline.ron")).expect("loads");
    ron_io::save(&path, &loaded.pipeline).expect("saves");
    let entries: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        ron_io::load(&path).expect("reloads").pipeline,
        loaded.pipeline
    );
}

#[test]
fn the_readme_example_is_a_valid_pipeline() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let start = readme.find("```ron\n").expect("a ron block") + "```ron\n".len();
    let end = start + readme[start..].find("```").expect("block end");
    let loaded = ron_io::parse(&readme[start..end], Path::new("README.md")).expect("parses");
    assert_eq!(validate(&loaded.pipeline), Vec::new());
}
