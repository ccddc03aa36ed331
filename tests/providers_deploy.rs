//! LocalDeploy: release folders, the atomic `current` switch, keep-N pruning and rollback.

mod common;

use common::Workspace;
use indexmap::IndexMap;
use pipewright::model::status::ExecutionStatus;

fn deploy_pipeline(ws: &Workspace, keep: u32) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r##"(name: "deploy", variables: [(name: "page", default: "good")], stages: [
            (name: "Build", actions: [(name: "Page", category: Build,
                provider: Commands(commands: ["echo #{{variables.page}} > index.html"]),
                output_artifacts: [(name: "Site")])]),
            (name: "Deploy", actions: [(name: "Release", category: Deploy, namespace: "Rel",
                input_artifacts: ["Site"],
                provider: LocalDeploy(target: "live", keep_releases: {keep},
                    before: ["grep -q . index.html"], after: ["grep -q good current/index.html"]))]),
        ])"##
    ))
}

fn deploy(ws: &Workspace, keep: u32, page: &str) -> (String, ExecutionStatus) {
    let mut variables = IndexMap::new();
    variables.insert("page".to_string(), page.to_string());
    let id = ws.start_with(&deploy_pipeline(ws, keep), variables);
    let status = ws.wait_end(&id);
    (id, status)
}

fn current(ws: &Workspace) -> String {
    let link = std::fs::read_link(ws.path().join("live/current")).expect("current is a link");
    link.to_string_lossy().into_owned()
}

fn releases(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.path().join("live/releases"))
        .expect("releases")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn deploy_attempt(ws: &Workspace, id: &str) -> pipewright::store::AttemptRow {
    ws.store()
        .attempts(id)
        .expect("attempts")
        .into_iter()
        .find(|a| a.key.stage == "Deploy")
        .expect("deploy attempt")
}

#[test]
fn each_execution_becomes_a_release_and_current_switches_to_it() {
    let ws = Workspace::new();
    let (first, status) = deploy(&ws, 5, "good one");
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(current(&ws), format!("releases/{first}"));
    let (second, status) = deploy(&ws, 5, "good two");
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(current(&ws), format!("releases/{second}"));
    let page = std::fs::read_to_string(ws.path().join("live/current/index.html")).expect("page");
    assert_eq!(page.trim(), "good two");
    let variables = deploy_attempt(&ws, &second).output_variables;
    assert_eq!(variables["PreviousRelease"], first);
    let release_path = std::path::PathBuf::from(&variables["ReleasePath"]);
    assert!(release_path.ends_with(format!("live/releases/{second}")));
    assert!(
        !ws.path()
            .join("live")
            .read_dir()
            .expect("dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp")),
        "no temporary link left"
    );
}

#[test]
fn only_the_newest_releases_are_kept() {
    let ws = Workspace::new();
    let mut ids = Vec::new();
    for n in 0..3 {
        let (id, status) = deploy(&ws, 2, &format!("good {n}"));
        assert_eq!(status, ExecutionStatus::Succeeded);
        ids.push(id);
    }
    let mut expected = vec![ids[1].clone(), ids[2].clone()];
    expected.sort();
    assert_eq!(releases(&ws), expected);
}

#[test]
fn a_failing_after_check_rolls_back_to_the_previous_release() {
    let ws = Workspace::new();
    let (good, _) = deploy(&ws, 5, "good");
    let (bad, status) = deploy(&ws, 5, "broken");
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(
        current(&ws),
        format!("releases/{good}"),
        "current points at the previous release"
    );
    let summary = deploy_attempt(&ws, &bad).summary.unwrap_or_default();
    assert!(
        summary.starts_with(&format!("after commands failed; rolled back to {good}")),
        "{summary}"
    );
}

#[test]
fn a_failing_before_check_never_switches() {
    let ws = Workspace::new();
    let (good, _) = deploy(&ws, 5, "good");
    let (bad, status) = deploy(&ws, 5, "");
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(current(&ws), format!("releases/{good}"));
    assert!(
        !releases(&ws).contains(&bad),
        "the half-made release is removed"
    );
}
