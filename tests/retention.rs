//! Retention: a workspace keeps the newest N executions per pipeline (pipewright.ron), and
//! pruning removes the others' rows and folders together, but never a live execution nor the
//! release that is deployed. Real engine, real store, real folders, and the real binary.

mod common;
#[path = "common/history.rs"]
mod generator;

use std::path::Path;

use pipewright::clock::now_ms;
use pipewright::engine::{Command, Reply};
use pipewright::execution::{Change, ExecutionId};
use pipewright::model::status::ExecutionStatus;
use pipewright::store::Store;
use pipewright::store::history::{HistoryFilter, Page};

use common::{pipewright, text};

/// Generated execution `index`'s id (as the generator names it).
fn generated_id(index: usize) -> ExecutionId {
    ExecutionId::from(format!("{index:08x}-0000-4000-8000-{index:012x}"))
}

/// Fills the store with `count` finished executions of pipeline "busy", a second apart and
/// all newer than now, each with a log, an artifact and a report in its folder.
fn fill(workspace: &Path, count: usize) {
    let start = now_ms() + 60_000;
    generator::fill(workspace, count, |index| generator::Generated {
        pipeline: "busy".into(),
        started_ms: start + index as i64 * 1000,
        status: ExecutionStatus::Succeeded,
    });
    for index in 0..count {
        let run = workspace
            .join(".pipewright/runs")
            .join(generated_id(index).as_str());
        for folder in ["logs", "artifacts/Code", "reports/Build/Compile/1"] {
            std::fs::create_dir_all(run.join(folder)).expect("folder");
        }
        std::fs::write(run.join("logs/Build~Compile~1.log"), "built\n").expect("log");
        std::fs::write(run.join("artifacts/Code/main.c"), "int main;\n").expect("artifact");
    }
}

fn run_folder(workspace: &Path, id: &str) -> std::path::PathBuf {
    workspace.join(".pipewright/runs").join(id)
}

/// The ids of pipeline "busy"'s executions in the store, newest first.
fn kept(workspace: &Path) -> Vec<String> {
    let store = Store::open_read_only(workspace).expect("store");
    let filter = HistoryFilter {
        pipeline: Some("busy".into()),
        ..HistoryFilter::default()
    };
    let page = Page {
        offset: 0,
        limit: 10_000,
    };
    store
        .history(&filter, page)
        .expect("history")
        .into_iter()
        .map(|entry| entry.execution.id.to_string())
        .collect()
}

/// Rows naming `id` in the tables an execution spreads over.
fn rows_of(workspace: &Path, id: &str) -> i64 {
    let connection =
        rusqlite::Connection::open(workspace.join(".pipewright/state.db")).expect("database");
    ["executions", "stage_executions", "action_attempts"]
        .iter()
        .map(|table| {
            let column = if *table == "executions" {
                "id"
            } else {
                "execution_id"
            };
            connection
                .query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"),
                    [id],
                    |row| row.get::<_, i64>(0),
                )
                .expect("count")
        })
        .sum()
}

const WAITING: &str = r#"(name: "busy", stages: [
    (name: "Gate", actions: [(name: "Approve", category: Approval, provider: Manual())]),
])"#;

#[test]
fn three_hundred_executions_with_a_limit_of_100_leave_100_and_a_live_one_survives() {
    let ws = common::Workspace::new();
    let root = ws.path();
    std::fs::write(
        root.join("pipewright.ron"),
        "(retention: (executions: 100))",
    )
    .expect("settings");
    // A live execution older than all the others: past the limit, yet it stays.
    let live = ws.start(&ws.pipeline(WAITING));
    ws.wait_for("the approval", |change| {
        matches!(change, Change::ApprovalRequested { key, .. } if key.execution_id == live)
    });
    fill(root, 300);

    // Dry: lists the 200 oldest finished ones, removes nothing.
    let dry = ws
        .engine
        .send(Command::Prune { dry_run: true })
        .wait()
        .expect("dry prune");
    let Reply::Pruned(dry) = dry else {
        panic!("{dry:?}")
    };
    let listed: Vec<String> = dry.executions.iter().map(|e| e.id.to_string()).collect();
    let oldest: Vec<String> = (0..200).map(|i| generated_id(i).to_string()).collect();
    assert_eq!(listed, oldest);
    assert_eq!(kept(root).len(), 301, "a dry run removes nothing");
    assert!(run_folder(root, oldest[0].as_str()).is_dir());

    let Reply::Pruned(pruned) = ws
        .engine
        .send(Command::Prune { dry_run: false })
        .wait()
        .expect("prune")
    else {
        panic!("no prune report")
    };
    assert_eq!(pruned.executions.len(), 200);
    assert!(pruned.left.is_empty(), "{:?}", pruned.left);
    let left = kept(root);
    assert_eq!(left.len(), 101, "the newest 100 and the live one");
    assert!(left.contains(&live));
    for index in 200..300 {
        let id = generated_id(index);
        assert!(left.contains(&id.to_string()), "{id} was kept");
        assert!(
            run_folder(root, &id).join("logs").is_dir(),
            "{id} keeps its folder"
        );
    }
    for id in &oldest {
        assert!(!run_folder(root, id).exists(), "{id}'s folder is gone");
        assert_eq!(rows_of(root, id), 0, "{id}'s rows are gone");
    }
    ws.send(Command::Decide {
        execution_id: live.as_str().into(),
        stage: "Gate".into(),
        action: "Approve".into(),
        approved: true,
        summary: "ok".into(),
    });
    assert_eq!(ws.wait_end(&live), ExecutionStatus::Succeeded);
}

#[test]
fn the_release_that_is_deployed_stays_with_its_execution() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("pipewright.ron"), "(retention: (executions: 1))").expect("settings");
    std::fs::write(
        root.join("site.pipeline.ron"),
        r#"(name: "site", stages: [
    (name: "Source", actions: [(name: "Files", category: Source, provider: Folder(path: "src"), output_artifacts: [(name: "Site")])]),
    (name: "Deploy", actions: [(name: "Live", category: Deploy, provider: LocalDeploy(target: "live"), input_artifacts: ["Site"])]),
])"#,
    )
    .expect("pipeline");
    fill(root, 3);
    // The oldest execution produced the release that is live.
    let deployed = generated_id(0);
    std::fs::create_dir_all(root.join("live/releases").join(deployed.as_str())).expect("release");
    std::os::unix::fs::symlink(
        Path::new("releases").join(deployed.as_str()),
        root.join("live/current"),
    )
    .expect("current");

    let out = pipewright(&["prune", "."], root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let left = kept(root);
    assert_eq!(left, [generated_id(2).to_string(), deployed.to_string()]);
    assert!(run_folder(root, &deployed).is_dir());
    assert!(!run_folder(root, &generated_id(1)).exists());
}

#[test]
fn prune_dry_run_lists_and_deletes_nothing_then_prune_removes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("pipewright.ron"),
        "(retention: (executions: 100))",
    )
    .expect("settings");
    fill(root, 300);

    let dry = pipewright(&["prune", "--dry-run"], root);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let out = text(&dry.stdout);
    assert_eq!(out.matches("would remove ").count(), 201, "{out}");
    assert!(
        out.contains(&format!("would remove {}", generated_id(0))),
        "{out}"
    );
    assert!(!out.contains(&generated_id(200).to_string()), "{out}");
    assert_eq!(kept(root).len(), 300);
    assert!(run_folder(root, &generated_id(0)).is_dir());

    let real = pipewright(&["prune"], root);
    assert_eq!(real.status.code(), Some(0), "{}", text(&real.stderr));
    assert!(text(&real.stdout).contains("removed 200 execution(s)"));
    assert_eq!(kept(root).len(), 100);
    assert!(!run_folder(root, &generated_id(0)).exists());
    assert!(run_folder(root, &generated_id(299)).is_dir());
}

#[test]
fn prune_in_a_folder_where_nothing_ran_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = pipewright(&["prune", "--dry-run"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("nothing to prune"));
    assert!(!dir.path().join(".pipewright").exists());
}

#[test]
fn the_host_prunes_after_an_execution_ends_when_over_the_limit() {
    let ws = common::Workspace::new();
    std::fs::write(
        ws.path().join("pipewright.ron"),
        "(retention: (executions: 2))",
    )
    .expect("settings");
    let pipeline = ws.pipeline(
        r#"(name: "busy", stages: [
    (name: "Build", actions: [(name: "Make", category: Build, provider: Commands(commands: ["echo made"]))]),
])"#,
    );
    let mut ids = Vec::new();
    for _ in 0..3 {
        let id = ws.start(&pipeline);
        assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
        ids.push(id);
    }
    // The prune runs on the engine's thread right after the end is committed: a command sent
    // now is answered after it.
    ws.send(Command::Status);
    let left = kept(ws.path());
    assert_eq!(left, [ids[2].clone(), ids[1].clone()]);
    assert!(!run_folder(ws.path(), &ids[0]).exists());
    assert!(run_folder(ws.path(), &ids[2]).is_dir());
}

#[test]
fn an_age_limit_removes_executions_older_than_its_days_whatever_their_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    const DAY: i64 = 24 * 60 * 60 * 1000;
    let now = now_ms();
    // Ten executions, one a day, the oldest ten days ago.
    generator::fill(root, 10, |index| generator::Generated {
        pipeline: "busy".into(),
        started_ms: now - (10 - index as i64) * DAY + 1000,
        status: ExecutionStatus::Succeeded,
    });
    let rule = pipewright::model::settings::WorkspaceSettings::parse(
        "(retention: (executions: None, days: 3))",
        Path::new("pipewright.ron"),
    )
    .expect("settings")
    .retention;
    let mut store = Store::open(root).expect("store");
    assert!(store.over_retention("busy", &rule, now).expect("count"));
    let old = store
        .past_retention(&rule, &Default::default(), now)
        .expect("past the rule");
    let ids: Vec<String> = old.iter().map(|e| e.id.to_string()).collect();
    let expected: Vec<String> = (0..7).map(|i| generated_id(i).to_string()).collect();
    assert_eq!(ids, expected, "the seven started more than 3 days ago");
    let ids: Vec<ExecutionId> = old.into_iter().map(|e| e.id).collect();
    assert!(store.prune(&ids).expect("pruned").is_empty());
    assert!(!store.over_retention("busy", &rule, now).expect("count"));
    assert_eq!(kept(root).len(), 3);
}

#[test]
fn an_automatic_prune_removes_at_most_a_batch_of_the_oldest() {
    let ws = common::Workspace::new();
    let root = ws.path();
    std::fs::write(
        root.join("pipewright.ron"),
        "(retention: (executions: 100))",
    )
    .expect("settings");
    fill(root, 700);
    let pipeline = ws.pipeline(
        r#"(name: "busy", stages: [
    (name: "Build", actions: [(name: "Make", category: Build, provider: Commands(commands: ["true"]))]),
])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    ws.send(Command::Status);
    // 701 executions, 601 past the rule: the oldest 500 go now (the real one, then
    // generated 0..499), the rest at the next end.
    let left = kept(root);
    assert_eq!(left.len(), 201);
    assert!(!left.contains(&id));
    assert!(!run_folder(root, &generated_id(498)).exists());
    assert!(run_folder(root, &generated_id(499)).is_dir());
}
