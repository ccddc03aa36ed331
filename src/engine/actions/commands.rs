//! The Commands provider (Build, Test): shell commands in the working copy.
//!
//! All `commands` run in one `sh` with `set -e`, so `cd` and variables carry from one command
//! to the next and the first failure stops the rest. Each command is announced in the log
//! before it runs. `finally` commands run afterwards in a second shell, whatever happened.
//! Exported variables are read from the shell's environment once every command succeeded.

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
    let args = vec!["-c".to_string(), script(commands, exports)];
    let spec = Spec {
        program: shell(),
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
    fn exports_are_read_as_nul_separated_pairs() {
        let parsed = parse_exports(b"A=1\0B=two=2\0C=\0");
        assert_eq!(parsed.get("A").map(String::as_str), Some("1"));
        assert_eq!(parsed.get("B").map(String::as_str), Some("two=2"));
        assert_eq!(parsed.get("C").map(String::as_str), Some(""));
    }
}
