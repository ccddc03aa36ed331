//! The lossless RON tree and saving into hand-written files: every fixture prints back byte
//! for byte, and edits to the examples and the demo change only the lines of what changed,
//! keeping comments, blank lines and order.

mod file_support;

use std::path::Path;

use file_support::{comments, hand_written, line_diff, pipeline_files};
use pipewright::model::edit::{self, ActionRef};
use pipewright::model::file::Tree;
use pipewright::model::ron_io;
use pipewright::model::{
    Category, ExecutionMode, Pipeline, PipelineVariable, Provider, ProviderKind,
};

fn every_fixture() -> Vec<(String, String)> {
    let mut files = hand_written();
    files.extend(pipeline_files("tests/fixtures/invalid"));
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("read");
            (file.display().to_string(), text)
        })
        .collect();
    let readme = std::fs::read_to_string("README.md").expect("README");
    let start = readme.find("```ron\n").expect("a ron block") + "```ron\n".len();
    let end = start + readme[start..].find("```").expect("block end");
    texts.push(("README.md".into(), readme[start..end].to_string()));
    texts
}

#[test]
fn every_fixture_prints_back_byte_for_byte() {
    let fixtures = every_fixture();
    assert!(fixtures.len() > 40, "{}", fixtures.len());
    for (name, text) in fixtures {
        assert_eq!(Tree::parse(&text).print(), text, "{name}");
    }
}

#[test]
fn saving_without_edits_writes_the_same_bytes() {
    for (name, text) in every_fixture() {
        let Ok(loaded) = ron_io::parse(&text, Path::new(&name)) else {
            continue;
        };
        let saved = ron_io::update(&text, &loaded.pipeline, &loaded.pipeline).expect("saves");
        assert_eq!(saved, text, "{name}");
    }
}

/// The example's text, and its text after `change`, saved as an edit.
fn edited(file: &Path, change: impl FnOnce(&mut Pipeline)) -> (String, String, Pipeline) {
    let loaded = ron_io::load(file).unwrap_or_else(|e| panic!("{e}"));
    let mut pipeline = loaded.pipeline.clone();
    change(&mut pipeline);
    let saved = ron_io::update(&loaded.source, &loaded.pipeline, &pipeline).expect("saves");
    let reread = ron_io::parse(&saved, file).unwrap_or_else(|e| panic!("{e}\n{saved}"));
    assert_eq!(reread.pipeline, pipeline, "{}:\n{saved}", file.display());
    (loaded.source, saved, pipeline)
}

#[test]
fn renaming_an_action_changes_its_line_only() {
    for file in hand_written() {
        let (before, after, pipeline) = edited(&file, |p| {
            let stage = p.stages.last_mut().expect("a stage");
            let action = stage.actions.last_mut().expect("an action");
            action.name.push_str("-renamed");
        });
        let name = &pipeline.stages.last().unwrap().actions.last().unwrap().name;
        let diff = line_diff(&before, &after);
        assert_eq!(diff.removed.len(), 1, "{}: {diff:?}", file.display());
        assert_eq!(
            diff.added,
            [diff.removed[0].replace(
                &format!("\"{}\"", name.trim_end_matches("-renamed")),
                &format!("\"{name}\"")
            )],
            "{}",
            file.display()
        );
    }
}

fn first_commands(pipeline: &mut Pipeline) -> Option<&mut Vec<String>> {
    pipeline
        .stages
        .iter_mut()
        .flat_map(|stage| stage.actions.iter_mut())
        .find_map(|action| match &mut action.provider {
            Provider::Commands(config) => Some(&mut config.commands),
            _ => None,
        })
}

#[test]
fn changing_a_command_changes_its_line_only() {
    let mut tried = 0;
    for file in hand_written() {
        let mut has_commands = false;
        let (before, after, _) = edited(&file, |p| {
            if let Some(commands) = first_commands(p) {
                commands[0] = "make --jobs 4".into();
                has_commands = true;
            }
        });
        if !has_commands {
            continue;
        }
        tried += 1;
        let diff = line_diff(&before, &after);
        assert_eq!(diff.removed.len(), 1, "{}: {diff:?}", file.display());
        assert_eq!(diff.added.len(), 1, "{}: {diff:?}", file.display());
        assert!(diff.added[0].contains("\"make --jobs 4\""), "{diff:?}");
    }
    assert!(tried >= 5, "{tried}");
}

#[test]
fn adding_an_action_only_adds_its_lines() {
    for file in hand_written() {
        let (before, after, _) = edited(&file, |p| {
            let stage = p.stages.len() - 1;
            let action = edit::new_action(p, stage, ProviderKind::Commands, Category::Build);
            edit::add_action(p, stage, action, 2);
        });
        let diff = line_diff(&before, &after);
        assert_eq!(
            diff.removed,
            Vec::<String>::new(),
            "{}\n{after}",
            file.display()
        );
        assert!(diff.added.len() >= 5, "{}: {diff:?}", file.display());
        assert!(
            diff.added.iter().any(|line| line.contains("run_order: 2")),
            "{diff:?}"
        );
        assert_eq!(comments(&before), comments(&after), "{}", file.display());
    }
}

#[test]
fn removing_an_action_only_removes_its_lines() {
    let mut tried = 0;
    for file in hand_written() {
        let loaded = ron_io::load(&file).expect("loads");
        let Some(stage) = loaded
            .pipeline
            .stages
            .iter()
            .position(|stage| stage.actions.len() >= 2)
        else {
            continue;
        };
        tried += 1;
        let (before, after, _) = edited(&file, |p| {
            edit::delete_action(p, ActionRef::new(stage, 1));
        });
        let diff = line_diff(&before, &after);
        assert_eq!(
            diff.added,
            Vec::<String>::new(),
            "{}\n{after}",
            file.display()
        );
        assert!(diff.removed.len() >= 4, "{diff:?}");
    }
    assert!(tried >= 3, "{tried}");
}

#[test]
fn pipeline_settings_and_new_stages_go_where_a_person_would_put_them() {
    let file = Path::new("assets/examples/classic.pipeline.ron");
    let (before, after, _) = edited(file, |p| {
        p.execution_mode = ExecutionMode::Queued;
        p.variables.push(PipelineVariable {
            name: "region".into(),
            default: Some("eu".into()),
            description: None,
        });
        edit::insert_stage(p, 5, "Verify");
        let action = edit::new_action(p, 5, ProviderKind::Commands, Category::Test);
        edit::add_action(p, 5, action, 1);
    });
    let diff = line_diff(&before, &after);
    assert_eq!(diff.removed, ["    execution_mode: Superseded,"], "{after}");
    assert_eq!(diff.added[0], "    execution_mode: Queued,");
    assert_eq!(
        diff.added[1], "        (name: \"region\", default: \"eu\"),",
        "{after}"
    );
    assert!(
        after
            .contains("            name: \"Verify\",\n            actions: [\n                (\n")
    );
    assert_eq!(comments(&before), comments(&after));
}

#[test]
fn moving_a_stage_carries_its_comments_along() {
    let file = Path::new("assets/examples/classic.pipeline.ron");
    let (before, after, _) = edited(file, |p| edit::move_stage(p, 2, 3));
    let diff = line_diff(&before, &after);
    assert_eq!(comments(&before).len(), comments(&after).len());
    let comment = "// Same run_order: these two run in parallel.";
    let test_stage = after.find("name: \"Test\"").expect("Test stage");
    let approval_stage = after.find("name: \"Approval\"").expect("Approval stage");
    assert!(approval_stage < test_stage, "{after}");
    assert!(
        after.find(comment).is_some_and(|at| at > test_stage),
        "{after}"
    );
    assert_eq!(
        diff.added.len(),
        diff.removed.len(),
        "a move only: {diff:?}"
    );
}

#[test]
fn defaults_written_out_stay_and_fields_set_back_to_default_go() {
    let text = "// hand-written\nPipeline(\n    name: \"p\",\n    execution_mode: Superseded, // explicit\n    stages: [\n        Stage(name: \"B\", actions: [Action(name: \"A\", category: Build, run_order: 1,\n            provider: Commands(commands: [\"x\"]), namespace: Some(\"N\"), timeout: \"10m\")]),\n    ],\n)\n";
    let path = Path::new("hand.pipeline.ron");
    let loaded = ron_io::parse(text, path).expect("parses");
    let mut pipeline = loaded.pipeline.clone();
    let action = &mut pipeline.stages[0].actions[0];
    action.namespace = Some("Renamed".into());
    action.timeout = None;
    action.run_order = 2;
    if let Provider::Commands(config) = &mut action.provider {
        config.commands.push("y".into());
    }
    let saved = ron_io::update(text, &loaded.pipeline, &pipeline).expect("saves");
    assert_eq!(
        saved,
        "// hand-written\nPipeline(\n    name: \"p\",\n    execution_mode: Superseded, // explicit\n    stages: [\n        Stage(name: \"B\", actions: [Action(name: \"A\", category: Build, run_order: 2,\n            provider: Commands(commands: [\"x\", \"y\"]), namespace: Some(\"Renamed\"))]),\n    ],\n)\n"
    );
}

#[test]
fn text_that_does_not_mean_the_old_pipeline_is_written_afresh() {
    let loaded = ron_io::load(Path::new("assets/examples/commands.pipeline.ron")).expect("loads");
    let mut pipeline = loaded.pipeline.clone();
    pipeline.name = "other".into();
    let saved = ron_io::update("(name: \"stale\", stages: [])", &loaded.pipeline, &pipeline)
        .expect("saves");
    assert_eq!(saved, ron_io::to_string(&pipeline).expect("writes"));
}
