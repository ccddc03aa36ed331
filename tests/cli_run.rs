//! `pipewright run`, `history` and `logs` as the real binary (signals and crashes: see
//! `containment.rs`).

mod common;

use std::path::Path;

use common::{pipewright, text};

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body.replace("{ws}", &dir.to_string_lossy())).expect("write");
}

const OK: &str = r#"(name: "ok", variables: [(name: "who", default: "world")], stages: [
    (name: "Build", actions: [(name: "Hello", category: Build, provider: Commands(commands: ["echo hello #{variables.who}"]))]),
])"#;
const FAILING: &str = r#"(name: "failing", stages: [
    (name: "Build", actions: [(name: "Broken", category: Build, provider: Commands(commands: ["echo oops >&2", "exit 4"]))]),
])"#;
const GATED: &str = r#"(name: "gated", stages: [
    (name: "Gate", actions: [(name: "Approve", category: Approval, provider: Manual())]),
    (name: "After", actions: [(name: "Done", category: Build, provider: Commands(commands: ["true"]))]),
])"#;

#[test]
fn run_exit_codes_follow_the_outcome() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(ws, "ok.pipeline.ron", OK);
    write(ws, "failing.pipeline.ron", FAILING);
    write(ws, "gated.pipeline.ron", GATED);
    write(ws, "broken.pipeline.ron", "(name: \"x\", stages: [");

    let ok = pipewright(
        &["run", "ok.pipeline.ron", "--var", "who=tests", "--logs"],
        ws,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let out = text(&ok.stdout);
    assert!(out.contains("[Build/Hello] hello tests"), "{out}");
    assert!(out.contains("execution Succeeded"), "{out}");

    let failing = pipewright(&["run", "failing.pipeline.ron"], ws);
    assert_eq!(failing.status.code(), Some(1));
    assert!(text(&failing.stdout).contains("Build/Broken failed: exit code 4"));

    let approved = pipewright(
        &["run", "gated.pipeline.ron", "--approve", "Gate/Approve"],
        ws,
    );
    assert_eq!(
        approved.status.code(),
        Some(0),
        "{}",
        text(&approved.stdout)
    );
    let rejected = pipewright(
        &[
            "run",
            "gated.pipeline.ron",
            "--reject",
            "Gate/Approve=not today",
        ],
        ws,
    );
    assert_eq!(rejected.status.code(), Some(1));
    assert!(text(&rejected.stdout).contains("rejected by"));

    for bad in [
        vec!["run", "missing.pipeline.ron"],
        vec!["run", "broken.pipeline.ron"],
        vec!["run", "ok.pipeline.ron", "--var", "nobody=1"],
        vec!["run", "ok.pipeline.ron", "--var", "no-equals-sign"],
        vec!["run", "gated.pipeline.ron", "--approve", "Gate/Typo"],
        vec!["run", "ok.pipeline.ron", "--max-parallel", "0"],
    ] {
        let output = pipewright(&bad, ws);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{bad:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn history_json_lists_executions_newest_first_and_logs_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(ws, "ok.pipeline.ron", OK);
    write(ws, "failing.pipeline.ron", FAILING);
    pipewright(&["run", "ok.pipeline.ron"], ws);
    pipewright(&["run", "failing.pipeline.ron"], ws);
    let history = pipewright(&["history", ".", "--json"], ws);
    assert_eq!(history.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = text(&history.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["pipeline"], "failing");
    assert_eq!(rows[0]["status"], "Failed");
    assert_eq!(rows[1]["pipeline"], "ok");
    assert_eq!(rows[1]["status"], "Succeeded");
    for row in &rows {
        for field in ["id", "started", "ended"] {
            assert!(row[field].is_string(), "{field} in {row}");
        }
    }
    let id = rows[1]["id"].as_str().expect("id");
    let logs = pipewright(&["logs", &id[..8], "Build/Hello"], ws);
    assert_eq!(logs.status.code(), Some(0), "{}", text(&logs.stderr));
    let out = text(&logs.stdout);
    assert!(out.contains("== Build/Hello [Succeeded] =="), "{out}");
    assert!(out.lines().any(|line| line == "hello world"), "{out}");
    let table = pipewright(&["history"], ws);
    assert!(text(&table.stdout).contains("Build/Broken failed: exit code 4"));
    let unknown = pipewright(&["logs", "ffffffff"], ws);
    assert_eq!(unknown.status.code(), Some(2));
}
