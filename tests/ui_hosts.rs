//! The app shares its workspace with command-line processes: an execution a `pipewright run`
//! process started shows live in the app and is approved from it; with the app and
//! `pipewright watch` both open, a commit fires its pipeline once. Headless with egui_kittest,
//! real processes.

mod common;
mod ui_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use pipewright::model::status::ExecutionStatus;
use pipewright::ui::PipewrightApp;
use ui_support::{Setup, wait_until};

type App = egui_kittest::Harness<'static, PipewrightApp>;

const GATED: &str = r#"(name: "gated", stages: [
    (name: "Build", actions: [(name: "Hello", category: Build, provider: Commands(commands: ["echo hello"]))]),
    (name: "Gate", actions: [(name: "Ship", category: Approval, provider: Manual(custom_message: "ship it?"))]),
])"#;

/// Spawns `pipewright ARGS` in the workspace; its stdout lines arrive on the receiver.
fn spawn(setup: &Setup, args: &[&str]) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(common::binary())
        .args(args)
        .current_dir(setup.workspace())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pipewright starts");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, lines) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

fn expect_line(lines: &std::sync::mpsc::Receiver<String>, wanted: &str) {
    let deadline = Instant::now() + common::PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => return,
            Ok(line) => seen.push(line),
            Err(_) => panic!("no line with {wanted:?}; saw:\n{}", seen.join("\n")),
        }
    }
}

#[test]
fn an_execution_a_cli_run_started_shows_live_in_the_app_and_is_approved_there() {
    let setup = Setup::demo_with("gated.pipeline.ron", GATED);
    let (mut run, lines) = spawn(&setup, &["run", "gated.pipeline.ron"]);
    expect_line(&lines, "Gate/Ship waits for approval");
    // The CLI hosts the workspace: the app becomes its client.
    let mut app: App = setup.app("gated.pipeline.ron");
    wait_until(
        &mut app,
        "the CLI's execution to show as waiting",
        |state| {
            state.run_data().is_some_and(|data| {
                data.latest_of("gated")
                    .is_some_and(|e| e.is_live() && !data.waiting_approvals().is_empty())
            })
        },
    );
    app.get_by_label("👁 Run view").click();
    app.run_ok();
    wait_until(&mut app, "the execution on the canvas", |state| {
        state.shown_execution().is_some_and(|e| e.is_live())
    });
    app.run_ok();
    app.get_by_label("Approve").click();
    app.run_ok();
    wait_until(&mut app, "the execution to succeed", |state| {
        state
            .shown_execution()
            .is_some_and(|e| e.status == ExecutionStatus::Succeeded)
    });
    let status = run.wait().expect("the CLI exits");
    assert_eq!(
        status.code(),
        Some(0),
        "approving in the app ends the CLI's run"
    );
    // The CLI was the host; the app takes over, so it keeps working.
    wait_until(&mut app, "the app to host the workspace", |state| {
        state.is_host()
    });
}

#[test]
fn with_the_app_and_watch_open_a_commit_fires_once() {
    let setup = Setup::new();
    let repo = setup.workspace().join("repo");
    common::init_repo(&repo);
    common::commit(&repo, &[("a.txt", "1")], "first");
    std::fs::write(
        setup.file("app.pipeline.ron"),
        r#"(name: "app", triggers: [GitChange(source: "Code")], stages: [
    (name: "Source", actions: [(name: "Code", category: Source,
        provider: Git(repository: "repo", branch: "main"), output_artifacts: [(name: "Src")])]),
    (name: "Build", actions: [(name: "Say", category: Build, provider: Commands(commands: ["echo built"]),
        input_artifacts: ["Src"])]),
])"#,
    )
    .expect("pipeline");
    let mut app: App = setup.app("app.pipeline.ron");
    wait_until(&mut app, "the app to host and watch the trigger", |state| {
        state.is_host() && state.triggers().is_some_and(|t| !t.statuses().is_empty())
    });
    let (mut watch, lines) = spawn(&setup, &["watch"]);
    expect_line(&lines, "hosts");
    common::commit(&repo, &[("a.txt", "2")], "second");
    expect_line(&lines, "ended Succeeded");
    // Give a second firing every chance to show up before counting.
    let settle = Instant::now() + Duration::from_secs(3);
    while Instant::now() < settle {
        app.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    let store = pipewright::store::Store::open_read_only(&setup.workspace()).expect("store");
    let page = store
        .history(
            &pipewright::store::history::HistoryFilter::default(),
            pipewright::store::history::Page {
                offset: 0,
                limit: 10,
            },
        )
        .expect("history");
    assert_eq!(page.len(), 1, "one commit, one execution");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(watch.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("SIGINT");
    assert_eq!(watch.wait().expect("watch exits").code(), Some(130));
}
