//! Every example runs for real in a workspace made by `assets/examples/setup.sh`, and the
//! classic one goes from a local git repository through build, tests with a JUnit report,
//! approval and a local deploy.

mod common;

use std::process::Command;

use common::binary;
use pipewright::store::Store;
use pipewright::store::history::{HistoryFilter, Page};

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("sh")
        .arg("assets/examples/setup.sh")
        .arg(dir.path())
        .status()
        .expect("setup runs");
    assert!(status.success());
    dir
}

#[test]
fn every_example_runs_to_success() {
    let dir = workspace();
    let mut examples: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pipeline.ron"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 7);
    for example in examples {
        let output = Command::new(binary())
            .args(["run", &example, "--approve", "all"])
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{example}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn the_classic_example_builds_tests_approves_and_deploys_a_git_repository() {
    let dir = workspace();
    let output = Command::new(binary())
        .args([
            "run",
            "classic.pipeline.ron",
            "--approve",
            "Approval/Release",
        ])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{out}");
    let live = dir.path().join("deployments/staging/current/index.html");
    assert!(
        std::fs::read_to_string(live)
            .expect("deployed")
            .contains("Lighthouse")
    );
    let store = Store::open(dir.path()).expect("store");
    let execution = &store
        .history(&HistoryFilter::default(), Page::default())
        .expect("history")[0]
        .execution;
    let reports = store.test_reports(&execution.id).expect("reports");
    assert_eq!(reports.len(), 1);
    let totals = reports[0].1.totals();
    assert_eq!((totals.tests, totals.failures), (4, 0));
    let approvals = store.approvals(&execution.id).expect("approvals");
    let message = approvals[0].message.clone().unwrap_or_default();
    assert!(
        message.starts_with("Release ") && message.ends_with(" to staging?"),
        "{message}"
    );
    assert!(
        !message.contains("#{"),
        "variables were resolved: {message}"
    );
}

#[test]
fn the_bundled_demo_runs_end_to_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = pipewright::demo::ensure(dir.path()).expect("demo unpacks");
    let output = Command::new(binary())
        .args(["run", &file.to_string_lossy(), "--approve", "all"])
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{out}");
    let live = dir.path().join("deployments/production/current/VERSION");
    assert!(
        std::fs::read_to_string(live)
            .expect("deployed")
            .starts_with("1.0-")
    );
}
