//! Helpers shared by the engine and CLI tests: temp workspaces, pipelines from text, and
//! waiting for engine events with a deadline (so a bug fails a test instead of hanging it).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use pipewright::engine::{Command, Engine, EngineOptions, Event, Reply, StartRequest};
use pipewright::execution::{Change, Trigger};
use pipewright::model::status::ExecutionStatus;
use pipewright::model::{Pipeline, ron_io};
use pipewright::store::Store;

/// How long any test waits for something before failing.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A temporary workspace with its own engine.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    pub events: Receiver<Event>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::with_options(EngineOptions::default())
    }

    pub fn with_options(options: EngineOptions) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = Engine::start(dir.path(), options).expect("engine starts");
        let events = engine.subscribe();
        Self {
            dir,
            engine,
            events,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the workspace, as text for pipeline files.
    pub fn file(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// Parses pipeline text; `{ws}` is replaced by the workspace path.
    pub fn pipeline(&self, text: &str) -> Pipeline {
        let text = text.replace("{ws}", &self.dir.path().to_string_lossy());
        ron_io::parse(&text, Path::new("test.pipeline.ron"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
            .pipeline
    }

    pub fn start(&self, pipeline: &Pipeline) -> String {
        self.start_with(pipeline, IndexMap::new())
    }

    pub fn start_with(&self, pipeline: &Pipeline, variables: IndexMap<String, String>) -> String {
        let reply = self
            .engine
            .send(Command::Start(Box::new(StartRequest {
                pipeline: pipeline.clone(),
                file: self.dir.path().join("test.pipeline.ron"),
                variables,
                source_revisions: IndexMap::new(),
                trigger: Trigger::manual("test"),
            })))
            .wait()
            .expect("starts");
        match reply {
            Reply::Started { execution_id } => execution_id.to_string(),
            other => panic!("no execution id: {other:?}"),
        }
    }

    pub fn send(&self, command: Command) {
        self.engine.send(command).wait().expect("command accepted");
    }

    /// Waits for the first event matching `wanted` and returns it.
    pub fn wait_for(&self, what: &str, mut wanted: impl FnMut(&Change) -> bool) -> Change {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Changed(change)) if wanted(&change) => return change,
                Ok(_) => {}
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Waits until the execution ends and returns its final status.
    pub fn wait_end(&self, id: &str) -> ExecutionStatus {
        match self.wait_for(&format!("execution {id} to end"), |change| {
            matches!(change, Change::ExecutionStatus { execution_id, status, .. }
                if execution_id == id && status.is_final())
        }) {
            Change::ExecutionStatus { status, .. } => status,
            _ => unreachable!(),
        }
    }

    /// Waits for an attempt of `stage/action` in execution `id` to start.
    pub fn wait_started(&self, id: &str, stage: &str, action: &str) {
        self.wait_for(&format!("{stage}/{action} to start"), |change| {
            matches!(change, Change::AttemptStarted { key, .. }
                if key.execution_id == id && key.stage == stage && key.action == action)
        });
    }

    /// A separate connection to the workspace's store, to read history.
    pub fn store(&self) -> Store {
        Store::open(self.dir.path()).expect("store opens")
    }
}

/// Waits until `path` exists.
pub fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + PATIENCE;
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a process is running (a zombie waiting to be reaped counts as gone).
pub fn process_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rfind(')')
                .and_then(|i| stat[i + 1..].split_whitespace().next())
                .unwrap_or("");
            state != "Z" && state != "X"
        }
        Err(_) => false,
    }
}

/// Reads a pid written by a test command into a file.
pub fn read_pid(path: &Path) -> u32 {
    wait_for_file(path);
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(Instant::now() < deadline, "no pid in {}", path.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The path of the built `pipewright` binary.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pipewright"))
}

/// Runs the `pipewright` binary in `cwd` with stdin closed.
pub fn pipewright(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run pipewright")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs git in `dir` with a fixed identity; returns trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Ada Tester",
            "-c",
            "user.email=ada@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Writes `files` (path, contents) under `dir` and commits them; returns the commit id.
pub fn commit(dir: &Path, files: &[(&str, &str)], message: &str) -> String {
    for (path, contents) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A new repository on branch `main` at `dir`.
pub fn init_repo(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Waits for the first change matching `wanted` on `events` (from an engine or a session).
pub fn wait_event(
    events: &Receiver<Event>,
    what: &str,
    mut wanted: impl FnMut(&Change) -> bool,
) -> Change {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Event::Changed(change)) if wanted(&change) => return change,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}
