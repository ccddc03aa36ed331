//! Bad input from the command line, run as the real binary: verbs run outside a workspace
//! fail clearly and create nothing, a `--var` obeys the limits of a declared default, and a
//! huge name is echoed cut short in `validate`'s messages.

mod common;

use std::path::Path;

use common::{pipewright, text};

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn history_logs_and_status_outside_a_workspace_fail_clearly_and_create_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [
        vec!["history"],
        vec!["history", "--json"],
        vec!["logs", "0123abcd"],
        vec!["status"],
        vec!["status", "--json"],
    ] {
        let output = pipewright(&args, dir.path());
        let error = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {error}");
        assert!(
            error.starts_with("pipewright: ") && error.contains("workspace folder"),
            "{args:?}: {error}"
        );
        assert_eq!(entries(dir.path()), Vec::<String>::new(), "{args:?}");
    }
}

#[test]
fn a_var_longer_than_a_default_may_be_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("ok.pipeline.ron"),
        r##"(name: "ok", variables: [(name: "who", default: "world")], stages: [
            (name: "Build", actions: [(name: "Hello", category: Build,
                provider: Commands(commands: ["echo hello #{variables.who}"]))]),
        ])"##,
    )
    .expect("write");
    let long = format!("who={}", "x".repeat(1001));
    let output = pipewright(&["run", "ok.pipeline.ron", "--var", &long], dir.path());
    let error = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{error}");
    assert!(error.contains("1000 characters"), "{error}");
    assert!(!text(&output.stdout).contains("hello"));
}

#[test]
fn a_10_mb_name_is_echoed_cut_short_with_its_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = "S".repeat(10_000_000);
    let named = dir.path().join("long-name.pipeline.ron");
    std::fs::write(
        &named,
        format!(
            "(name: \"app\", stages: [\n    (name: \"{long}\", actions: [(name: \"A\", category: Build, provider: Commands(commands: [\"true\"]))]),\n])"
        ),
    )
    .expect("write");
    let field = dir.path().join("long-field.pipeline.ron");
    std::fs::write(&field, format!("(name: \"app\",\n  {long}: 1, stages: [])")).expect("write");
    for (file, names) in [(&named, "stages[0].name"), (&field, "unknown field")] {
        let output = pipewright(&["validate", &file.to_string_lossy()], dir.path());
        let (out, err) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            &out[..out.len().min(500)]
        );
        assert!(
            out.len() + err.len() < 2048,
            "{} + {} bytes",
            out.len(),
            err.len()
        );
        assert!(out.contains(":2:"), "{out}");
        assert!(out.contains(names), "{out}");
        assert!(out.contains("(10000000 characters)"), "{out}");
    }
}
