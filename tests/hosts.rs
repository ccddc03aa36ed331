//! One engine per workspace: concurrent `pipewright run`s share the first one's engine, keep
//! CodePipeline's stage rules, answer each other's approvals, survive a first use together and
//! the death of their host. Real processes, temp workspaces.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::{PATIENCE, binary};
use indexmap::IndexMap;
use pipewright::engine::{Command as EngineCommand, Reply, StartRequest};
use pipewright::execution::Trigger;
use pipewright::host::{Session, SessionOptions};
use pipewright::model::ron_io;

fn pipewright(args: &[&str], cwd: &Path) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run pipewright")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body.replace("{ws}", &dir.to_string_lossy())).expect("write");
}

/// A `pipewright run` in the background, its output lines on channels.
struct Running {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    seen: Vec<String>,
}

fn lines_of(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

impl Running {
    fn start(ws: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .arg("run")
            .args(args)
            .current_dir(ws)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pipewright run starts");
        let stdout: ChildStdout = child.stdout.take().expect("stdout");
        let stderr: ChildStderr = child.stderr.take().expect("stderr");
        Self {
            child,
            stdout: lines_of(stdout),
            stderr: lines_of(stderr),
            seen: Vec::new(),
        }
    }

    /// Waits for a line of stdout (or stderr, with `err`) containing `wanted`; returns it.
    fn expect(&mut self, wanted: &str, err: bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let source = if err { &self.stderr } else { &self.stdout };
            match source.recv_timeout(left.min(Duration::from_millis(100))) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(wanted) {
                        return line;
                    }
                }
                Err(_) => assert!(
                    Instant::now() < deadline,
                    "no line with {wanted:?}; saw:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits for the process to exit; returns its code and the rest of its stdout.
    fn finish(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().expect("exits");
        let mut out = self.seen;
        out.extend(self.stdout.try_iter());
        (status.code(), out.join("\n"))
    }
}

const GATED: &str = r#"(name: "gated", stages: [
    (name: "Gate", actions: [(name: "Approve", category: Approval, provider: Manual())]),
    (name: "After", actions: [(name: "Done", category: Build, provider: Commands(commands: ["true"]))]),
])"#;

#[test]
fn an_approval_is_answered_from_a_second_process_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(ws, "gated.pipeline.ron", GATED);
    let mut run = Running::start(ws, &["gated.pipeline.ron"]);
    let hint = run.expect("waits for approval: answer it", true);
    let id = hint
        .split("pipewright approve ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the hint names the execution")
        .to_string();
    let approved = pipewright(
        &["approve", &id, "Gate/Approve", "--summary", "looks good"],
        ws,
    );
    assert_eq!(
        approved.status.code(),
        Some(0),
        "{}",
        text(&approved.stderr)
    );
    let (code, out) = run.finish();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("approved by"), "{out}");
    assert!(out.contains("looks good"), "{out}");
    // Nobody hosts the workspace any more: the verb says so.
    let again = pipewright(&["approve", &id, "Gate/Approve"], ws);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("nothing is running"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn approving_twice_or_after_a_timeout_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    // This test process hosts the workspace; the verbs are clients of it.
    let host = Session::open(ws, SessionOptions::new("the test")).expect("hosts");
    assert!(host.is_host());
    let events = host.subscribe();
    let start = |text: &str| {
        let pipeline = ron_io::parse(text, Path::new("t.pipeline.ron"))
            .expect("parses")
            .pipeline;
        match host
            .send(EngineCommand::Start(Box::new(StartRequest {
                pipeline,
                file: ws.join("t.pipeline.ron"),
                variables: IndexMap::new(),
                source_revisions: IndexMap::new(),
                trigger: Trigger::manual("test"),
            })))
            .wait()
            .expect("starts")
        {
            Reply::Started { execution_id } => execution_id,
            other => panic!("{other:?}"),
        }
    };
    let waiting = |id: &pipewright::execution::ExecutionId| {
        common::wait_event(
            &events,
            "the approval",
            |change| matches!(change, pipewright::execution::Change::ApprovalRequested { key, .. } if key.execution_id == *id),
        );
    };
    let first = start(
        r#"(name: "twice", stages: [
    (name: "Gate", actions: [(name: "Approve", category: Approval, provider: Manual())]),
    (name: "Hold", actions: [(name: "Wait", category: Build, provider: Commands(commands: ["sleep 30"]))]),
])"#,
    );
    waiting(&first);
    let ok = pipewright(&["approve", first.short(), "Gate/Approve"], ws);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let twice = pipewright(&["approve", first.short(), "Gate/Approve"], ws);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        text(&twice.stderr).contains("Gate/Approve was already approved by"),
        "{}",
        text(&twice.stderr)
    );
    let timed = start(
        r#"(name: "late", stages: [
    (name: "Gate", actions: [(name: "Approve", category: Approval, provider: Manual(timeout: "1s"))]),
])"#,
    );
    waiting(&timed);
    common::wait_event(&events, "the timeout", |change| {
        matches!(change, pipewright::execution::Change::ExecutionStatus { execution_id, status, .. }
            if *execution_id == timed && status.is_final())
    });
    let late = pipewright(&["approve", timed.short(), "Gate/Approve"], ws);
    assert_eq!(late.status.code(), Some(1));
    assert!(
        text(&late.stderr).contains("timed out before anyone answered it"),
        "{}",
        text(&late.stderr)
    );
    let status = pipewright(&["status", "--json"], ws);
    assert!(
        text(&status.stdout).contains(first.as_str()),
        "{}",
        text(&status.stdout)
    );
    let stopped = pipewright(
        &["stop", first.short(), "--abandon", "--reason", "done here"],
        ws,
    );
    assert_eq!(stopped.status.code(), Some(0), "{}", text(&stopped.stderr));
    host.close("test over");
}

/// Appends "in ID" and "out ID" around a sleep in stage Two, so overlaps show in the file.
fn two_stage(mode: &str) -> String {
    format!(
        r#"(name: "shared", execution_mode: {mode}, stages: [
    (name: "One", actions: [(name: "Quick", category: Build, provider: Commands(commands: ["true"]))]),
    (name: "Two", actions: [(name: "Slow", category: Build, provider: Commands(commands: [
        "echo in $PIPEWRIGHT_EXECUTION_ID >> {{ws}}/two.log; sleep 1.5; echo out $PIPEWRIGHT_EXECUTION_ID >> {{ws}}/two.log"]))]),
])"#
    )
}

/// Starts three runs 0.2 s apart; returns their exit codes and execution ids, in start order.
fn three_runs(ws: &Path) -> Vec<(Option<i32>, String)> {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let mut run = Running::start(ws, &["shared.pipeline.ron"]);
        let line = run.expect("execution ", false);
        runs.push((run, line));
        std::thread::sleep(Duration::from_millis(200));
    }
    runs.into_iter()
        .map(|(run, line)| {
            let id = line.split_whitespace().nth(1).expect("id").to_string();
            let (code, _) = run.finish();
            (code, id)
        })
        .collect()
}

/// The order executions entered stage Two; panics if two were ever inside at once.
fn entries_of_stage_two(ws: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(ws.join("two.log")).expect("stage Two ran");
    let mut inside: Option<String> = None;
    let mut order = Vec::new();
    for line in log.lines() {
        let (what, id) = line.split_once(' ').expect("in/out ID");
        match what {
            "in" => {
                assert!(inside.is_none(), "two executions inside stage Two:\n{log}");
                inside = Some(id.to_string());
                order.push(id.to_string());
            }
            _ => {
                assert_eq!(inside.as_deref(), Some(id), "{log}");
                inside = None;
            }
        }
    }
    order
}

#[test]
fn three_superseded_runs_end_succeeded_superseded_succeeded_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(ws, "shared.pipeline.ron", &two_stage("Superseded"));
    let runs = three_runs(ws);
    let codes: Vec<Option<i32>> = runs.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes, vec![Some(0), Some(1), Some(0)]);
    let history = text(&pipewright(&["history", "--json"], ws).stdout);
    let status_of = |id: &str| {
        history
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("json"))
            .find(|row| row["id"] == id)
            .map(|row| row["status"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(status_of(&runs[0].1).as_deref(), Some("Succeeded"));
    assert_eq!(status_of(&runs[1].1).as_deref(), Some("Superseded"));
    assert_eq!(status_of(&runs[2].1).as_deref(), Some("Succeeded"));
    assert_eq!(
        entries_of_stage_two(ws),
        vec![runs[0].1.clone(), runs[2].1.clone()]
    );
}

#[test]
fn three_queued_runs_pass_stage_two_in_order_one_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(ws, "shared.pipeline.ron", &two_stage("Queued"));
    let runs = three_runs(ws);
    assert!(runs.iter().all(|(code, _)| *code == Some(0)), "{runs:?}");
    let ids: Vec<String> = runs.into_iter().map(|(_, id)| id).collect();
    assert_eq!(entries_of_stage_two(ws), ids);
}

#[test]
fn eight_runs_on_a_new_workspace_all_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(
        ws,
        "quick.pipeline.ron",
        r#"(name: "quick", execution_mode: Parallel, stages: [
    (name: "Build", actions: [(name: "Echo", category: Build, provider: Commands(commands: ["echo hi"]))]),
])"#,
    );
    let children: Vec<Child> = (0..8)
        .map(|_| {
            Command::new(binary())
                .args(["run", "quick.pipeline.ron"])
                .current_dir(ws)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("exits");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        );
    }
    let history = text(&pipewright(&["history", "--json"], ws).stdout);
    assert_eq!(history.lines().count(), 8, "{history}");
}

#[test]
fn a_client_takes_over_when_its_host_is_killed_and_the_interruption_is_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    write(
        ws,
        "slow.pipeline.ron",
        r#"(name: "slow", execution_mode: Parallel, stages: [
    (name: "Work", actions: [(name: "Sleep", category: Build, provider: Commands(commands: ["sleep 60"]))]),
])"#,
    );
    let mut host = Running::start(ws, &["slow.pipeline.ron"]);
    host.expect("Work/Sleep started", false);
    let mut client = Running::start(ws, &["slow.pipeline.ron"]);
    let started = client.expect("execution ", false);
    let id = started.split_whitespace().nth(1).expect("id").to_string();
    client.expect("Work/Sleep started", false);
    host.child.kill().expect("SIGKILL");
    host.child.wait().expect("reaped");
    client.expect("this process hosts it now", false);
    let (code, out) = client.finish();
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("interrupted: Pipewright exited"), "{out}");
    let history = text(&pipewright(&["history", "--json"], ws).stdout);
    let rows: Vec<serde_json::Value> = history
        .lines()
        .map(|line| serde_json::from_str(line).expect("json"))
        .collect();
    assert_eq!(rows.len(), 2, "{history}");
    for row in &rows {
        assert_eq!(row["status"], "Failed", "{row}");
        assert_eq!(row["reason"], "interrupted: Pipewright exited", "{row}");
    }
    assert!(rows.iter().any(|row| row["id"] == id.as_str()));
}
