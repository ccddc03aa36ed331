//! No process escapes its action: an action that backgrounds, detaches with `setsid`,
//! `nohup`s and ignores SIGTERM leaves nothing running after a timeout, a stop-and-abandon,
//! SIGINT / SIGTERM / SIGHUP to `pipewright run`, or `kill -9` of it. Survivors are looked for
//! by their exact command lines.

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::{PATIENCE, Workspace, binary};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pipewright::engine::Command as EngineCommand;
use pipewright::model::status::{ExecutionStatus, StopMode};

/// The five ways a shell command tries to outlive its action (the issue's own example).
struct Escaper {
    /// The sleep arguments, unique to this test so parallel tests never see each other's.
    marks: [String; 5],
}

impl Escaper {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "{}{:03}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Self {
            marks: std::array::from_fn(|i| format!("30{i}.{unique}")),
        }
    }

    /// `sleep 300 & setsid sleep 301 & nohup sleep 302 & (trap '' TERM; sleep 304) & sleep 303`.
    fn command(&self) -> String {
        let [a, b, c, d, e] = &self.marks;
        format!(
            "sleep {a} & setsid sleep {b} & nohup sleep {c} >/dev/null 2>&1 & (trap '' TERM; sleep {e}) & sleep {d}"
        )
    }

    fn pipeline(&self, timeout: Option<&str>) -> String {
        let timeout = timeout.map_or(String::new(), |t| format!(", timeout: \"{t}\""));
        format!(
            r#"(name: "escaper", stages: [
    (name: "Work", actions: [(name: "Escape", category: Build{timeout}, provider: Commands(commands: [{:?}]))]),
])"#,
            self.command()
        )
    }

    /// The pids of the five sleeps still alive.
    fn survivors(&self) -> Vec<(String, u32)> {
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return found;
        };
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                continue;
            };
            let words: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            if words.first().is_some_and(|w| w.ends_with(b"sleep"))
                && let Some(mark) = self
                    .marks
                    .iter()
                    .find(|mark| words.get(1) == Some(&mark.as_bytes()))
                && common::process_running(pid)
            {
                found.push((mark.clone(), pid));
            }
        }
        found
    }

    /// Waits until all five are running.
    fn wait_all_running(&self) {
        let deadline = Instant::now() + PATIENCE;
        while self.survivors().len() < 5 {
            assert!(
                Instant::now() < deadline,
                "the escaping processes never all started: {:?}",
                self.survivors()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (up to the test patience) until none is left; returns how long that took.
    fn wait_none_left(&self) -> Duration {
        let start = Instant::now();
        while !self.survivors().is_empty() {
            assert!(
                start.elapsed() < PATIENCE,
                "processes outlived their action: {:?}",
                self.survivors()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        start.elapsed()
    }
}

impl Drop for Escaper {
    fn drop(&mut self) {
        // A failing test must not leave its sleeps behind either.
        for (_, pid) in self.survivors() {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
        }
    }
}

fn run_in_background(ws: &Path) -> Child {
    Command::new(binary())
        .args(["run", "escaper.pipeline.ron"])
        .current_dir(ws)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pipewright run starts")
}

fn history_json(ws: &Path) -> serde_json::Value {
    let output = Command::new(binary())
        .args(["history", "--json"])
        .current_dir(ws)
        .output()
        .expect("history runs");
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.lines().next().expect("one execution")).expect("json")
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_timeout_leaves_no_survivor() {
    let escaper = Escaper::new();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("escaper.pipeline.ron"),
        escaper.pipeline(Some("2s")),
    )
    .expect("write");
    let output = run_in_background(dir.path())
        .wait_with_output()
        .expect("run ends");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("timed out after 2.0s"),
        "{}",
        text(&output)
    );
    assert!(
        escaper.survivors().is_empty(),
        "survivors when run exited: {:?}",
        escaper.survivors()
    );
}

#[test]
fn stop_and_abandon_leaves_no_survivor() {
    let escaper = Escaper::new();
    let ws = Workspace::new();
    let pipeline = ws.pipeline(&escaper.pipeline(None));
    let id = ws.start(&pipeline);
    escaper.wait_all_running();
    ws.send(EngineCommand::Stop {
        execution_id: id.as_str().into(),
        mode: StopMode::Abandon,
        reason: "test".into(),
    });
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Stopped);
    assert!(
        escaper.survivors().is_empty(),
        "survivors once the execution was Stopped: {:?}",
        escaper.survivors()
    );
}

fn signal_run(signal: Signal, exit_code: i32) {
    let escaper = Escaper::new();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("escaper.pipeline.ron"),
        escaper.pipeline(None),
    )
    .expect("write");
    let child = run_in_background(dir.path());
    escaper.wait_all_running();
    kill(Pid::from_raw(child.id() as i32), signal).expect("signal");
    let output = child.wait_with_output().expect("run ends");
    assert_eq!(output.status.code(), Some(exit_code), "{}", text(&output));
    assert!(
        escaper.survivors().is_empty(),
        "survivors when run exited: {:?}",
        escaper.survivors()
    );
    let row = history_json(dir.path());
    assert_eq!(row["status"], "Stopped");
    assert_eq!(row["reason"], format!("stopped: {signal}"));
}

#[test]
fn sigint_stops_abandons_records_and_exits_130() {
    signal_run(Signal::SIGINT, 130);
}

#[test]
fn sigterm_stops_abandons_records_and_exits_143() {
    signal_run(Signal::SIGTERM, 143);
}

#[test]
fn sighup_stops_abandons_records_and_exits_129() {
    signal_run(Signal::SIGHUP, 129);
}

#[test]
fn kill_9_of_the_host_takes_every_tree_down_and_is_recorded_as_interrupted() {
    let escaper = Escaper::new();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("escaper.pipeline.ron"),
        escaper.pipeline(None),
    )
    .expect("write");
    let mut child = run_in_background(dir.path());
    escaper.wait_all_running();
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let killed_at = chrono::Utc::now();
    let took = escaper.wait_none_left();
    eprintln!("the escaping tree was gone {took:?} after kill -9 of its host");
    // Recovery runs at the next start, later than the crash: the record must still say when
    // the execution really ended.
    std::thread::sleep(Duration::from_secs(3));
    std::fs::write(
        dir.path().join("next.pipeline.ron"),
        r#"(name: "next", stages: [(name: "S", actions: [(name: "A", category: Build, provider: Commands(commands: ["true"]))])])"#,
    )
    .expect("write");
    let next = Command::new(binary())
        .args(["run", "next.pipeline.ron"])
        .current_dir(dir.path())
        .output()
        .expect("the next start");
    assert_eq!(next.status.code(), Some(0), "{}", text(&next));
    let output = Command::new(binary())
        .args(["history", "--json", "--pipeline", "escaper"])
        .current_dir(dir.path())
        .output()
        .expect("history runs");
    let row: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .expect("the escaper's execution"),
    )
    .expect("json");
    assert_eq!(row["status"], "Failed");
    assert_eq!(row["reason"], "interrupted: Pipewright exited");
    let ended: chrono::DateTime<chrono::Utc> = row["ended"]
        .as_str()
        .expect("an end time")
        .parse()
        .expect("RFC 3339");
    let off = (ended - killed_at).num_milliseconds().abs();
    assert!(
        off < 2_000,
        "the recorded end ({ended}) is when the host died ({killed_at}), not when recovery ran"
    );
}
