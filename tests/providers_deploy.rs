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

/// A pipeline of `mode` whose deploy to `live` takes a moment and keeps one old release.
fn concurrent_pipeline(ws: &Workspace, mode: &str) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r##"(name: "busy", execution_mode: {mode}, variables: [(name: "page", default: "good")],
            stages: [
            (name: "Build", actions: [(name: "Page", category: Build,
                provider: Commands(commands: ["echo #{{variables.page}} > index.html"]),
                output_artifacts: [(name: "Site")])]),
            (name: "Deploy", actions: [(name: "Release", category: Deploy,
                input_artifacts: ["Site"],
                provider: LocalDeploy(target: "live", keep_releases: 1,
                    before: ["sleep 0.2"], after: ["grep -q good current/index.html"]))]),
        ])"##
    ))
}

/// Starts five executions of `mode` at once while a reader loops over the live page; returns
/// their final statuses, how many reads missed the page, and the waits the cards showed.
fn five_concurrent_deploys(mode: &str) -> (Vec<ExecutionStatus>, usize, Vec<String>) {
    use pipewright::engine::Event;
    use pipewright::execution::Change;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let ws = Workspace::new();
    let pipeline = concurrent_pipeline(&ws, mode);
    let first = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&first), ExecutionStatus::Succeeded);

    let done = Arc::new(AtomicBool::new(false));
    let misses = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (done, misses) = (done.clone(), misses.clone());
        let page = ws.path().join("live/current/index.html");
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if std::fs::read_to_string(&page).map_or(true, |text| text.trim().is_empty()) {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let ids: Vec<String> = (0..5)
        .map(|n| {
            let mut variables = IndexMap::new();
            variables.insert("page".to_string(), format!("good {n}"));
            ws.start_with(&pipeline, variables)
        })
        .collect();
    let mut statuses: IndexMap<String, ExecutionStatus> = IndexMap::new();
    let mut waits = Vec::new();
    while statuses.len() < ids.len() {
        match ws.events.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(Event::Changed(Change::ExecutionStatus {
                execution_id,
                status,
                ..
            })) if status.is_final() && ids.contains(&execution_id.to_string()) => {
                statuses.insert(execution_id.to_string(), status);
            }
            Ok(Event::Changed(Change::AttemptWaiting {
                reason: Some(reason),
                ..
            })) => waits.push(reason),
            Ok(_) => {}
            Err(_) => panic!("executions did not end: {statuses:?}"),
        }
    }
    done.store(true, Ordering::Relaxed);
    reader.join().expect("reader");
    let page = std::fs::read_to_string(ws.path().join("live/current/index.html"));
    assert!(page.is_ok(), "the site is up at the end");
    (
        statuses.into_values().collect(),
        misses.load(Ordering::Relaxed),
        waits,
    )
}

#[test]
fn five_parallel_executions_deploying_to_one_target_never_take_the_site_down() {
    let (statuses, misses, waits) = five_concurrent_deploys("Parallel");
    assert!(
        statuses.iter().all(|s| *s == ExecutionStatus::Succeeded),
        "{statuses:?}"
    );
    assert_eq!(misses, 0, "a reader of current/index.html missed it");
    assert!(
        waits
            .iter()
            .any(|w| w.starts_with("waiting: execution ") && w.ends_with(" deploys to live")),
        "the waiting deploys say whose deploy they wait for: {waits:?}"
    );
}

#[test]
fn five_superseding_executions_deploying_to_one_target_never_take_the_site_down() {
    let (statuses, misses, _) = five_concurrent_deploys("Superseded");
    assert!(
        statuses
            .iter()
            .all(|s| matches!(s, ExecutionStatus::Succeeded | ExecutionStatus::Superseded)),
        "{statuses:?}"
    );
    assert_eq!(misses, 0, "a reader of current/index.html missed it");
}

#[test]
fn a_retried_deploy_never_replaces_the_live_release_of_its_own_execution() {
    use pipewright::engine::Command;
    use pipewright::model::status::RetryMode;
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "retry", stages: [
            (name: "Build", actions: [(name: "Page", category: Build,
                provider: Commands(commands: ["echo good > index.html"]),
                output_artifacts: [(name: "Site")])]),
            (name: "Deploy", actions: [
                (name: "Release", category: Deploy, input_artifacts: ["Site"],
                    provider: LocalDeploy(target: "live", keep_releases: 3)),
                (name: "Check", category: Test, run_order: 2,
                    provider: Commands(commands: ["if test -f {ws}/fail-once; then rm {ws}/fail-once; exit 1; fi"])),
            ]),
        ])"##,
    );
    std::fs::write(ws.path().join("fail-once"), "").expect("marker");
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert_eq!(current(&ws), format!("releases/{id}"));
    ws.send(Command::RetryStage {
        execution_id: id.as_str().into(),
        stage: "Deploy".into(),
        mode: RetryMode::AllActions,
    });
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert_eq!(
        current(&ws),
        format!("releases/{id}-2"),
        "the second attempt deploys beside the live first one"
    );
    assert!(releases(&ws).contains(&id), "the first release is kept");
}
