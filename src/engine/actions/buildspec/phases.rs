//! Running a buildspec's phases with CodeBuild's rules: commands stop at the first failure,
//! `finally` always runs after them, a failed `build` still lets `post_build` run, a failed
//! `install`, `pre_build` or `post_build` (or any phase with `on-failure: ABORT`) skips what
//! remains, and `on-failure: CONTINUE` goes on to the next phase. Version 0.2 keeps one shell
//! state (variables and folder) through the build; version 0.1 runs each command in its own
//! shell.

use std::path::Path;

use indexmap::IndexMap;

use crate::engine::actions::commands::{describe_end, parse_exports};
use crate::engine::actions::{ActionContext, ActionResult, shell_quote};
use crate::engine::process::{self, Spec};
use crate::model::buildspec::{Buildspec, OnFailure, Version};
use crate::model::status::ActionStatus;
use crate::store::logs::NOTE_MARKER;

/// The variable that tells commands whether the build has failed so far.
const SUCCEEDING: &str = "CODEBUILD_BUILD_SUCCEEDING";

/// How the phases went.
pub struct Outcome {
    /// The first failure (or the stop), when there was one.
    pub failure: Option<ActionResult>,
    /// The exported variables' final values.
    pub exported: IndexMap<String, String>,
}

/// Runs every phase in `src_dir` with `env`, keeping shell state under `state_dir`.
pub async fn run(
    context: &mut ActionContext,
    spec: &Buildspec,
    src_dir: &Path,
    state_dir: &Path,
    env: &[(String, String)],
) -> Outcome {
    let shell = spec.shell.clone().unwrap_or_else(|| "sh".to_string());
    let mut failure: Option<ActionResult> = None;
    let mut aborted_by: Option<&str> = None;
    for phase in &spec.phases {
        let after_failed_build = phase.name == "post_build" && aborted_by == Some("build");
        if aborted_by.is_some() && !after_failed_build {
            context
                .log
                .note(&format!("phase {}: skipped after a failure", phase.name));
            continue;
        }
        context.log.note(&format!("phase {}", phase.name));
        for (runtime, version) in &phase.runtime_versions {
            context.log.note(&format!(
                "runtime-versions {runtime}: {version} asked; this machine's own {runtime} toolchain is used"
            ));
        }
        let mut phase_env = env.to_vec();
        phase_env.push((
            SUCCEEDING.into(),
            if failure.is_none() { "1" } else { "0" }.into(),
        ));
        let mut result = run_list(
            context,
            spec,
            &shell,
            &phase.commands,
            src_dir,
            state_dir,
            &phase_env,
        )
        .await;
        if result.status == ActionStatus::Abandoned || out_of_time(context) {
            return Outcome {
                failure: Some(result),
                exported: IndexMap::new(),
            };
        }
        if !phase.finally.is_empty() {
            context.log.note(&format!("phase {}: finally", phase.name));
            let after = run_list(
                context,
                spec,
                &shell,
                &phase.finally,
                src_dir,
                state_dir,
                &phase_env,
            )
            .await;
            if after.status == ActionStatus::Abandoned {
                return Outcome {
                    failure: Some(after),
                    exported: IndexMap::new(),
                };
            }
            if result.status == ActionStatus::Succeeded {
                result = after;
            }
        }
        if result.status != ActionStatus::Succeeded {
            let summary = format!(
                "phase {} failed: {}",
                phase.name,
                result.summary.as_deref().unwrap_or("no reason given")
            );
            context.log.note(&summary);
            if failure.is_none() {
                failure = Some(ActionResult {
                    summary: Some(summary),
                    ..result
                });
            }
            match phase.on_failure {
                OnFailure::Continue => context.log.note(&format!(
                    "phase {}: on-failure CONTINUE, going on with the next phase",
                    phase.name
                )),
                OnFailure::Abort => aborted_by = Some(&phase.name),
            }
        }
    }
    let exported = if failure.is_none() {
        read_exports(&state_dir.join("exports"))
    } else {
        IndexMap::new()
    };
    Outcome { failure, exported }
}

fn out_of_time(context: &ActionContext) -> bool {
    context
        .control
        .deadline
        .is_some_and(|deadline| tokio::time::Instant::now() >= deadline)
}

/// Runs one list of commands as a shell script; returns how it ended.
async fn run_list(
    context: &mut ActionContext,
    spec: &Buildspec,
    shell: &str,
    commands: &[String],
    src_dir: &Path,
    state_dir: &Path,
    env: &[(String, String)],
) -> ActionResult {
    if commands.iter().all(|c| c.trim().is_empty()) {
        return ActionResult::succeeded(None);
    }
    let text = script(spec, shell, commands, state_dir);
    let args = vec!["-c".to_string(), text];
    let spec = Spec {
        program: shell,
        args: &args,
        cwd: src_dir,
        env,
        stdin: None,
        capture_stdout: false,
    };
    match process::run(spec, &context.log, &context.control, &context.launcher).await {
        Ok(finished) => describe_end(context, finished.end),
        Err(error) => ActionResult::failed(format!("could not start {shell}: {error}")),
    }
}

/// The script of one list. Version 0.2 restores the shell state saved by the previous list
/// (variables, folder) and saves its own on exit, whatever happens; version 0.1 runs each
/// command in a new shell in the source folder.
fn script(spec: &Buildspec, shell: &str, commands: &[String], state_dir: &Path) -> String {
    let marker = format!("\\{:03o}", NOTE_MARKER);
    let state = shell_quote(&state_dir.to_string_lossy());
    let mut out = String::new();
    match spec.version {
        Version::V0_2 => {
            out.push_str(&format!(
                "__pw_state={state}\n\
                 __pw_succeeding=\"${SUCCEEDING}\"\n\
                 if [ -f \"$__pw_state/env\" ]; then . \"$__pw_state/env\"; fi\n\
                 {SUCCEEDING}=\"$__pw_succeeding\"\n\
                 if [ -f \"$__pw_state/cwd\" ]; then cd \"$(cat \"$__pw_state/cwd\")\" || true; fi\n\
                 __pw_save() {{\n  export -p > \"$__pw_state/env.new\" && mv \"$__pw_state/env.new\" \"$__pw_state/env\"\n  pwd > \"$__pw_state/cwd\"\n"
            ));
            if !spec.exported_variables.is_empty() {
                out.push_str("  {\n");
                for name in &spec.exported_variables {
                    out.push_str(&format!("    printf '%s=%s\\0' {name} \"${{{name}-}}\"\n"));
                }
                out.push_str("  } > \"$__pw_state/exports\"\n");
            }
            out.push_str("}\ntrap __pw_save EXIT\nset -a\nset -e\n");
            for command in commands.iter().filter(|c| !c.trim().is_empty()) {
                out.push_str(&format!(
                    "printf '{marker}$ %s\\n' {}\n{command}\n",
                    shell_quote(&shown(command))
                ));
            }
        }
        Version::V0_1 => {
            out.push_str("set -e\n");
            for command in commands.iter().filter(|c| !c.trim().is_empty()) {
                out.push_str(&format!(
                    "printf '{marker}$ %s\\n' {}\n{shell} -c {}\n",
                    shell_quote(&shown(command)),
                    shell_quote(command)
                ));
            }
            if !spec.exported_variables.is_empty() {
                out.push_str("{\n");
                for name in &spec.exported_variables {
                    out.push_str(&format!("  printf '%s=%s\\0' {name} \"${{{name}-}}\"\n"));
                }
                out.push_str(&format!("}} > {state}/exports\n"));
            }
        }
    }
    out
}

/// A command as announced in the log: its first line, with `…` when it has more.
fn shown(command: &str) -> String {
    match command.trim().lines().count() {
        0 | 1 => command.trim().to_string(),
        _ => format!(
            "{} …",
            command.trim().lines().next().unwrap_or_default().trim()
        ),
    }
}

fn read_exports(path: &Path) -> IndexMap<String, String> {
    std::fs::read(path)
        .map(|bytes| parse_exports(&bytes))
        .unwrap_or_default()
}
