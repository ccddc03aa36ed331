//! The Commands provider (Build, Test): shell commands in the working copy.
//!
//! All `commands` run in one `sh` with `set -e`, so `cd` and variables carry from one command
//! to the next and the first failure stops the rest. Each command is announced in the log
//! before it runs. `finally` commands run afterwards in a second shell, whatever happened.
//! Exported variables are read from the shell's environment once every command succeeded.
//! A lone simple command (words of plain characters, no shell syntax, not a builtin) runs
//! without the shell: the same process, arguments and exit code, one program start fewer.

use std::path::Path;

use indexmap::IndexMap;

use crate::clock::format_duration_ms;
use crate::model::CommandsConfig;
use crate::model::status::ActionStatus;
use crate::store::logs::NOTE_MARKER;

use super::{ActionContext, ActionResult, ActionStep, StepFuture, shell_quote};
use crate::engine::process::{self, End, Spec};

/// How many output lines a failure summary quotes.
const TAIL_LINES: usize = 5;

impl ActionStep for CommandsConfig {
    fn uses_working_copy(&self) -> bool {
        true
    }

    fn report_globs(&self) -> &[String] {
        &self.reports
    }

    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            let work_dir = context.work_dir.clone();
            let mut result =
                run_shell(context, &self.commands, &work_dir, &self.exported_variables).await;
            let out_of_time = context
                .control
                .deadline
                .is_some_and(|deadline| tokio::time::Instant::now() >= deadline);
            if !self.finally.is_empty() && result.status != ActionStatus::Abandoned && !out_of_time
            {
                context.log.note("running finally commands");
                let after = run_shell(context, &self.finally, &work_dir, &[]).await;
                if result.status == ActionStatus::Succeeded
                    && after.status != ActionStatus::Succeeded
                {
                    result = ActionResult {
                        output_variables: IndexMap::new(),
                        ..after
                    };
                }
            }
            result
        })
    }
}

/// The shell script that announces and runs `commands`, then writes `exports` to the file
/// named by `$PIPEWRIGHT_EXPORTS` as NUL-separated `NAME=value` pairs.
fn script(commands: &[String], exports: &[String]) -> String {
    let marker = format!("\\{:03o}", NOTE_MARKER);
    let mut script = String::from("set -e\n");
    for command in commands.iter().filter(|c| !c.trim().is_empty()) {
        let shown = match command.lines().count() {
            0 | 1 => command.trim().to_string(),
            _ => format!("{} …", command.lines().next().unwrap_or_default().trim()),
        };
        script.push_str(&format!(
            "printf '{marker}$ %s\\n' {}\n{command}\n",
            shell_quote(&shown)
        ));
    }
    if !exports.is_empty() {
        script.push_str("{\n");
        for name in exports {
            script.push_str(&format!("  printf '%s=%s\\0' {name} \"${{{name}-}}\"\n"));
        }
        script.push_str("} > \"$PIPEWRIGHT_EXPORTS\"\n");
    }
    script
}

/// Runs `commands` as one shell script in `cwd` and turns the outcome into a result with the
/// exported variables.
pub(super) async fn run_shell(
    context: &mut ActionContext,
    commands: &[String],
    cwd: &Path,
    exports: &[String],
) -> ActionResult {
    let exports_file = context.side_dir.join("exports");
    if !exports.is_empty()
        && let Err(error) = std::fs::create_dir_all(&context.side_dir)
    {
        return ActionResult::failed(format!(
            "cannot create {}: {error}",
            context.side_dir.display()
        ));
    }
    let mut env = context.env.clone();
    env.push((
        "PIPEWRIGHT_EXPORTS".into(),
        exports_file.to_string_lossy().into_owned(),
    ));
    let (program, args) = match direct(commands, exports, &env) {
        Some((command, words)) => {
            context.log.note(&format!("$ {}", command.trim()));
            (words[0].clone(), words[1..].to_vec())
        }
        None => (
            shell().to_string(),
            vec!["-c".to_string(), script(commands, exports)],
        ),
    };
    let spec = Spec {
        program: &program,
        args: &args,
        cwd,
        env: &env,
        stdin: None,
        capture_stdout: false,
    };
    let finished = match process::run(spec, &context.log, &context.control, &context.launcher).await
    {
        Ok(finished) => finished,
        Err(error) => return ActionResult::failed(format!("could not start {}: {error}", shell())),
    };
    let mut result = describe_end(context, finished.end);
    if result.status == ActionStatus::Succeeded && !exports.is_empty() {
        match std::fs::read(&exports_file) {
            Ok(bytes) => result.output_variables = parse_exports(&bytes),
            Err(error) => {
                return ActionResult::failed(format!(
                    "the commands succeeded but their exported variables could not be read: {error}"
                ));
            }
        }
    }
    result
}

/// Words a shell would not treat specially: a command made only of these means the same run
/// directly as through `sh -c`.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./,:=+@% \t".contains(c)
}

/// Shell keywords and builtins that have no program of their own, or whose program would not
/// do the same (they change the shell itself).
const SHELL_ONLY: &[&str] = &[
    "alias", "bg", "break", "cd", "command", "continue", "eval", "exec", "exit", "export", "fc",
    "fg", "getopts", "hash", "jobs", "read", "readonly", "return", "set", "shift", "times", "trap",
    "type", "ulimit", "umask", "unalias", "unset", "wait", "source", "local",
];

/// The command and its words when `commands` is one plain command whose program exists, so
/// it can run without a shell; `None` sends it through `sh -c`.
fn direct<'a>(
    commands: &'a [String],
    exports: &[String],
    env: &[(String, String)],
) -> Option<(&'a str, Vec<String>)> {
    let mut given = commands.iter().filter(|c| !c.trim().is_empty());
    let (command, None) = (given.next()?, given.next()) else {
        return None;
    };
    if !exports.is_empty() || !command.chars().all(is_plain) {
        return None;
    }
    let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    let program = words.first()?;
    if program.contains('=') || SHELL_ONLY.contains(&program.as_str()) {
        return None;
    }
    let path = env
        .iter()
        .rev()
        .find(|(name, _)| name == "PATH")
        .map(|(_, value)| value.clone())
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_default();
    crate::engine::supervisor::resolve(program, &[("PATH".to_string(), path)])?;
    Some((command, words))
}

/// Turns how the process ended into a result; failures quote the command and last lines.
pub(super) fn describe_end(context: &ActionContext, end: End) -> ActionResult {
    let with_tail = |headline: String| {
        let tail = context.log.tail(TAIL_LINES);
        if tail.is_empty() {
            headline
        } else {
            format!("{headline}\n{}", tail.join("\n"))
        }
    };
    let command = || {
        context
            .log
            .last_command()
            .map(|command| format!(": {command}"))
            .unwrap_or_default()
    };
    match end {
        End::Exited(0) => ActionResult {
            exit_code: Some(0),
            ..ActionResult::succeeded(None)
        },
        End::Exited(code) => ActionResult {
            exit_code: Some(code),
            ..ActionResult::failed(with_tail(format!("exit code {code}{}", command())))
        },
        End::Signaled(signal) => {
            ActionResult::failed(with_tail(format!("killed by signal {signal}{}", command())))
        }
        End::TimedOut => ActionResult::failed(format!(
            "timed out after {}{}",
            format_duration_ms(context.timeout.as_millis() as i64),
            command()
        )),
        End::Cancelled => ActionResult::abandoned(format!("stopped{}", command())),
    }
}

/// Reads `NAME=value` pairs separated by NUL bytes, as the export scripts write them.
pub(super) fn parse_exports(bytes: &[u8]) -> IndexMap<String, String> {
    bytes
        .split(|&b| b == 0)
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| {
            let text = String::from_utf8_lossy(entry);
            let (name, value) = text.split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

/// The shell commands run in: `/bin/sh` when it exists (saving a `PATH` search per
/// process), `sh` otherwise.
pub(super) fn shell() -> &'static str {
    static SHELL: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    SHELL.get_or_init(|| {
        if Path::new("/bin/sh").exists() {
            "/bin/sh"
        } else {
            "sh"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_announces_each_command_and_exports_variables() {
        let text = script(&["make".into(), "echo 'it''s'".into()], &["VERSION".into()]);
        assert!(text.starts_with("set -e\n"));
        assert!(text.contains("printf '\\036$ %s\\n' 'make'\nmake\n"));
        assert!(text.contains("printf '%s=%s\\0' VERSION \"${VERSION-}\""));
    }

    #[test]
    fn only_a_lone_plain_command_runs_without_the_shell() {
        let env = [("PATH".to_string(), "/usr/bin:/bin".to_string())];
        let one = |command: &str| direct(&[command.to_string()], &[], &env).map(|(_, w)| w);
        assert_eq!(one("true"), Some(vec!["true".to_string()]));
        assert_eq!(
            one("  ls -la /tmp "),
            Some(vec!["ls".into(), "-la".into(), "/tmp".into()])
        );
        for shell_syntax in [
            "echo $HOME",
            "ls *.txt",
            "true && false",
            "echo 'quoted'",
            "cd /tmp",
            "export A=1",
            "A=1 env",
            "echo hi > file",
            "echo ~",
            "true # comment",
            "no-such-program-here",
            "echo a\nb",
        ] {
            assert_eq!(one(shell_syntax), None, "{shell_syntax}");
        }
        let two = ["true".to_string(), "true".to_string()];
        assert_eq!(
            direct(&two, &[], &env),
            None,
            "two commands share one shell"
        );
        assert_eq!(
            direct(&["true".to_string()], &["V".to_string()], &env),
            None
        );
    }

    #[test]
    fn exports_are_read_as_nul_separated_pairs() {
        let parsed = parse_exports(b"A=1\0B=two=2\0C=\0");
        assert_eq!(parsed.get("A").map(String::as_str), Some("1"));
        assert_eq!(parsed.get("B").map(String::as_str), Some("two=2"));
        assert_eq!(parsed.get("C").map(String::as_str), Some(""));
    }
}
