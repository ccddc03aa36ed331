//! A secret never leaves Pipewright unmasked: run through the real `pipewright run` binary,
//! printed plainly, inside a word, in JSON, on a 300 KB line, in an Invoke failure message
//! and through an exported variable a later action uses, its value is nowhere in
//! `.pipewright/` (every file, as bytes, state.db and its WAL included) nor in the terminal.

mod common;

use std::path::{Path, PathBuf};

use common::{binary, text};

const SECRET: &str = "Qx7Vb2LmNp4Rt9Ws";
const HALVES: [&str; 2] = ["Qx7Vb2Lm", "Np4Rt9Ws"];
const VARIABLE: &str = "PIPEWRIGHT_TEST_SECRET_TOKEN";

const PIPELINE: &str = r##"(name: "leaky", stages: [
    (name: "Build", actions: [(name: "Print", category: Build, namespace: "Print",
        secrets: {"TOKEN": Env("PIPEWRIGHT_TEST_SECRET_TOKEN")},
        provider: Commands(commands: [
            "echo plain $TOKEN",
            "echo word${TOKEN}word",
            "printf '{\"token\": \"%s\", \"n\": 1}\\n' \"$TOKEN\"",
            "sh {ws}/long.sh",
            "DERIVED=id-${TOKEN}-x",
        ], exported_variables: ["DERIVED"]))]),
    (name: "Use", actions: [
        (name: "Echo", category: Build, provider: Commands(commands: ["echo got #{Print.DERIVED}"])),
        (name: "Gate", category: Invoke, secrets: {"TOKEN": Env("PIPEWRIGHT_TEST_SECRET_TOKEN")},
            provider: Script(program: "sh", arguments: ["{ws}/job.sh"])),
    ]),
])"##;

/// One 300 KB line with the secret right across the log's 64 KiB cuts, and at its end.
const LONG: &str = r#"s=$(head -c 65530 /dev/zero | tr '\0' x)
for i in 1 2 3 4 5; do printf '%s%s' "$s" "$TOKEN"; done
printf '%s\n' "$TOKEN""#;

const JOB: &str = r#"cat > /dev/null
echo "{\"status\": \"failure\", \"failureType\": \"JobFailed\", \"message\": \"rejected token $TOKEN\"}""#;

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn a_secret_is_nowhere_on_disk_or_in_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    let with_ws = |text: &str| text.replace("{ws}", &ws.to_string_lossy());
    std::fs::write(ws.join("leaky.pipeline.ron"), with_ws(PIPELINE)).expect("write");
    std::fs::write(ws.join("long.sh"), LONG).expect("write");
    std::fs::write(ws.join("job.sh"), JOB).expect("write");

    let run = std::process::Command::new(binary())
        .args(["run", "leaky.pipeline.ron", "--logs"])
        .current_dir(ws)
        .env(VARIABLE, SECRET)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run pipewright");
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    // Each path was taken, masked.
    for shown in [
        "plain ***",
        "word***word",
        "{\"token\": \"***\", \"n\": 1}",
        "got ***",
        "rejected token ***",
    ] {
        assert!(stdout.contains(shown), "{shown:?} not in:\n{stdout}");
    }

    let mut files = Vec::new();
    files_under(&ws.join(".pipewright"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("state.db")), "{files:?}");
    let mut long_line_seen = false;
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        long_line_seen |= contains(&bytes, &"x".repeat(60_000));
        for value in std::iter::once(SECRET).chain(HALVES) {
            assert!(!contains(&bytes, value), "{value} in {}", file.display());
        }
    }
    assert!(long_line_seen, "the long line reached a log");
    for value in std::iter::once(SECRET).chain(HALVES) {
        assert!(!stdout.contains(value), "{value} on stdout");
        assert!(!stderr.contains(value), "{value} on stderr");
    }
}
