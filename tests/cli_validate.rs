//! `pipewright validate`, `--help` and `--version`, run as the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pipewright(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipewright"))
        .args(args)
        .output()
        .expect("run pipewright")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("assets/examples")
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".pipeline.ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn all_examples_validate_with_exit_code_0() {
    let files = examples();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|f| f.to_str().expect("utf8")));
    let output = pipewright(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output).matches(": valid (").count(), files.len());
}

/// Damages an example in two ways a person might: a misspelled field, a missing bracket.
fn damaged_copies(example: &Path, dir: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(example).expect("read");
    let name = example
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let misspelled = dir.join(format!("misspelled-{name}"));
    std::fs::write(&misspelled, text.replacen("category:", "categroy:", 1)).expect("write");
    let unclosed = dir.join(format!("unclosed-{name}"));
    let cut = text.rfind(')').expect("has a closing parenthesis");
    std::fs::write(&unclosed, &text[..cut]).expect("write");
    vec![misspelled, unclosed]
}

#[test]
fn a_damaged_copy_of_any_example_exits_1_with_file_line_col() {
    let dir = tempfile::tempdir().expect("tempdir");
    for example in examples() {
        for damaged in damaged_copies(&example, dir.path()) {
            let file = damaged.to_str().expect("utf8");
            let output = pipewright(&["validate", file]);
            assert_eq!(output.status.code(), Some(1), "{file}: {}", stdout(&output));
            let out = stdout(&output);
            let rest = out
                .strip_prefix(&format!("{file}:"))
                .unwrap_or_else(|| panic!("output starts with FILE: {out}"));
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().and_then(|l| l.parse::<usize>().ok());
            let column = parts.next().and_then(|c| c.parse::<usize>().ok());
            assert!(
                line.is_some() && column.is_some(),
                "FILE:LINE:COL: in {out}"
            );
        }
    }
}

#[test]
fn a_rule_violation_prints_file_line_col_message_and_path() {
    let fixture = "tests/fixtures/invalid/input-artifact-missing.pipeline.ron";
    let output = pipewright(&["validate", fixture]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output).trim(),
        format!(
            "{fixture}:9:31: no action produces an artifact named \"Sight\": add it to an earlier action's output_artifacts or fix the name (stages[1].actions[0].input_artifacts[0])"
        )
    );
}

#[test]
fn an_unreadable_file_exits_2_even_when_others_are_invalid() {
    let output = pipewright(&[
        "validate",
        "tests/fixtures/invalid/no-stages.pipeline.ron",
        "does/not/exist.pipeline.ron",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does/not/exist.pipeline.ron: cannot read the file"),
        "{stderr}"
    );
}

#[test]
fn valid_and_invalid_together_exit_1() {
    let output = pipewright(&[
        "validate",
        "assets/examples/classic.pipeline.ron",
        "tests/fixtures/invalid/no-stages.pipeline.ron",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("classic.pipeline.ron: valid"));
}

#[test]
fn help_and_version_work() {
    let help = pipewright(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("validate"));
    let version = pipewright(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        stdout(&version).trim(),
        format!("pipewright {}", env!("CARGO_PKG_VERSION"))
    );
}
