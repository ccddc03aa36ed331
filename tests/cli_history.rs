//! `pipewright history` and `logs` over a store with many executions: `--limit` and
//! `--offset` page through all of them, and a reader that stops early (`| head -1`) ends
//! them quietly with exit code 0.

mod common;

#[path = "common/history.rs"]
mod generator;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::binary;
use pipewright::store::logs::{LogWriter, Stream};

const START: i64 = 1_700_000_000_000;

fn pipewright(args: &[&str], workspace: &Path) -> Output {
    Command::new(binary())
        .args(args)
        .arg(workspace)
        .stdin(Stdio::null())
        .output()
        .expect("run pipewright")
}

/// Runs `pipewright ARGS WORKSPACE | head -1` in bash with pipefail, so the exit code is
/// pipewright's own when it fails.
fn piped_into_head(args: &str, workspace: &Path) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; \"$0\" {args} \"$1\" | head -1 > /dev/null"
        ))
        .arg(binary())
        .arg(workspace)
        .stdin(Stdio::null())
        .output()
        .expect("run bash")
}

fn ids(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("json");
            value["id"].as_str().expect("an id").to_string()
        })
        .collect()
}

#[test]
fn limit_and_offset_page_through_every_execution() {
    let dir = tempfile::tempdir().expect("tempdir");
    generator::fill(dir.path(), 30, generator::minutely("busy", START, 0));
    let all = ids(&pipewright(
        &["history", "--json", "--limit", "0"],
        dir.path(),
    ));
    assert_eq!(all.len(), 30);
    let page = ids(&pipewright(
        &["history", "--json", "--limit", "2", "--offset", "1"],
        dir.path(),
    ));
    assert_eq!(page, all[1..3]);
    let last = ids(&pipewright(
        &["history", "--json", "--limit", "5", "--offset", "29"],
        dir.path(),
    ));
    assert_eq!(last, all[29..], "the oldest is reachable");
    let past = pipewright(&["history", "--offset", "30"], dir.path());
    assert!(past.status.success());
    assert!(String::from_utf8_lossy(&past.stdout).contains("no executions this far back"));
}

#[test]
fn history_piped_into_head_exits_0_without_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Far more than a pipe holds, so pipewright is still writing when head goes away.
    generator::fill(dir.path(), 3000, generator::minutely("busy", START, 0));
    for args in ["history --limit 0", "history --json --limit 0"] {
        let output = piped_into_head(args, dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
    }
}

#[test]
fn logs_piped_into_head_exits_0_without_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    generator::fill(dir.path(), 1, generator::minutely("busy", START, 0));
    let id = ids(&pipewright(&["history", "--json"], dir.path()))
        .pop()
        .expect("one execution");
    let log = dir
        .path()
        .join(format!(".pipewright/runs/{id}/logs/Build/Compile/1.log"));
    std::fs::create_dir_all(log.parent().expect("folder")).expect("folders");
    let mut writer = LogWriter::create(&log).expect("log");
    for line in 0..20_000 {
        writer
            .write_output(Stream::Stdout, format!("line {line}\n").as_bytes(), START)
            .expect("write");
    }
    writer.flush().expect("flush");
    let output = Command::new("bash")
        .arg("-c")
        .arg("set -o pipefail; \"$0\" logs \"$1\" -w \"$2\" | head -1 > /dev/null")
        .arg(binary())
        .arg(&id)
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
