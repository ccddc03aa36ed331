//! Runs one action attempt: prepares its working copy and artifact folders, calls the
//! provider, collects output artifacts and makes them read-only.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use crate::clock::{format_duration_ms, now_ms};
use crate::execution::AttemptKey;
use crate::model::Action;
use crate::model::status::ActionStatus;
use crate::store::RunPaths;
use crate::store::artifacts::{self, join_inside};

use super::actions::{self, ActionContext, ActionResult, Signal};
use super::dir_pool::DirPool;
use super::log_sink::LogSink;
use super::process::{Control, Launcher};
use super::target_locks::{TargetLocks, WaitReporter};
use super::test_reports;

/// Everything the core hands to a running attempt.
pub struct AttemptJob {
    /// Which attempt.
    pub key: AttemptKey,
    /// The action with variables resolved.
    pub action: Action,
    /// The workspace folder.
    pub workspace: PathBuf,
    /// The execution's folders.
    pub run: RunPaths,
    /// Environment for processes.
    pub env: Vec<(String, String)>,
    /// How long the action may take.
    pub timeout: Duration,
    /// Cancelled by a stop-and-abandon.
    pub cancel: CancellationToken,
    /// Approval decisions.
    pub signals: UnboundedReceiver<Signal>,
    /// A revision asked for at start.
    pub source_revision: Option<String>,
    /// The attempt's log.
    pub log: Arc<LogSink>,
    /// Starts the attempt's processes under supervision.
    pub launcher: Launcher,
    /// Limits how many actions run processes at once.
    pub permits: Option<Arc<Semaphore>>,
    /// Empty working folders.
    pub pool: Arc<DirPool>,
    /// Deploy targets, one deploy at a time each.
    pub targets: Arc<TargetLocks>,
    /// Tells the engine what the attempt waits for.
    pub waiting: Arc<dyn WaitReporter>,
}

/// Runs the attempt to its end.
pub async fn run(job: AttemptJob) -> ActionResult {
    let started = now_ms();
    let log = job.log.clone();
    let result = run_inner(job).await;
    let took = format_duration_ms(now_ms() - started);
    match result.status {
        ActionStatus::Succeeded => log.note(&format!("succeeded in {took}")),
        ActionStatus::Failed => log.note(&format!(
            "failed after {took}: {}",
            result.summary.as_deref().unwrap_or("no reason given")
        )),
        ActionStatus::Abandoned => log.note(&format!("abandoned after {took}")),
        ActionStatus::InProgress => {}
    }
    log.finish();
    result
}

async fn run_inner(job: AttemptJob) -> ActionResult {
    let AttemptJob {
        key,
        action,
        workspace,
        run,
        mut env,
        timeout,
        cancel,
        signals,
        source_revision,
        log,
        launcher,
        permits,
        pool,
        targets,
        waiting,
    } = job;
    let step = actions::step(&action.provider);
    let uses_copy = step.uses_working_copy();
    let work_dir = if uses_copy {
        match pool.take() {
            Ok(dir) => dir,
            Err(error) => {
                return ActionResult::failed(format!("cannot create a working folder: {error}"));
            }
        }
    } else {
        workspace.clone()
    };
    let side_dir = run.side(&key.stage, &key.action, key.attempt);
    let output_dirs: Vec<(String, PathBuf)> = action
        .output_artifacts
        .iter()
        .map(|output| (output.name.clone(), run.artifact(&output.name)))
        .collect();
    let inputs: Vec<(String, PathBuf)> = action
        .input_artifacts
        .iter()
        .map(|name| (name.clone(), run.artifact(name)))
        .collect();
    let prepared = if uses_copy && !inputs.is_empty() {
        // Copying can take a while: keep it off the runtime's threads.
        let (work, side) = (work_dir.clone(), side_dir.clone());
        let outputs = output_dirs.clone();
        tokio::task::spawn_blocking(move || prepare(&work, &side, uses_copy, &inputs, &outputs))
            .await
            .unwrap_or_else(|error| Err(format!("preparing the working copy panicked: {error}")))
    } else {
        prepare(&work_dir, &side_dir, uses_copy, &inputs, &output_dirs)
    };
    let inputs = match prepared {
        Ok(prepared) => {
            if let Some(note) = &prepared.note {
                log.note(note);
            }
            prepared.inputs
        }
        Err(error) => return ActionResult::failed(error),
    };
    for (name, path) in &inputs {
        env.push((input_variable(name), path.to_string_lossy().into_owned()));
    }
    env.push((
        "PIPEWRIGHT_WORK_DIR".into(),
        work_dir.to_string_lossy().into_owned(),
    ));
    if cancel.is_cancelled() {
        return ActionResult::abandoned("stopped before it started");
    }

    let _permit = match &permits {
        Some(semaphore) if step.needs_slot() => {
            tokio::select! {
                permit = semaphore.clone().acquire_owned() => permit.ok(),
                () = cancel.cancelled() => return ActionResult::abandoned("stopped while waiting for a free slot"),
            }
        }
        _ => None,
    };

    let mut context = ActionContext {
        key,
        workspace,
        work_dir: work_dir.clone(),
        side_dir: side_dir.clone(),
        inputs,
        outputs: output_dirs.clone(),
        env,
        log: log.clone(),
        control: Control {
            deadline: Some(tokio::time::Instant::now() + timeout),
            cancel,
        },
        launcher,
        signals,
        source_revision,
        timeout,
        targets,
        waiting,
    };
    let mut result = step.run(&mut context).await;

    let collect_files = action.provider.info().collects_files;
    let report_globs = step.report_globs();
    if !report_globs.is_empty() && result.status != ActionStatus::Abandoned {
        let found = {
            let globs = report_globs.to_vec();
            let work = work_dir.clone();
            let key = &context.key;
            let keep = run.reports(&key.stage, &key.action, key.attempt);
            tokio::task::spawn_blocking(move || test_reports::collect(&work, &globs, &keep))
                .await
                .unwrap_or_default()
        };
        for report in &found.reports {
            let totals = report.totals();
            log.note(&format!(
                "test report {}: {} tests, {} failed, {} errors, {} skipped",
                report.file, totals.tests, totals.failures, totals.errors, totals.skipped
            ));
        }
        for warning in &found.warnings {
            log.note(&format!("warning: {warning}"));
        }
        result.reports = found.reports;
        result.warnings.extend(found.warnings);
    }
    let succeeded = result.status == ActionStatus::Succeeded;
    let finish = if output_dirs.is_empty() {
        Ok(Vec::new())
    } else {
        let action = action.clone();
        let (work, outputs) = (work_dir.clone(), output_dirs.clone());
        tokio::task::spawn_blocking(move || {
            finish(&action, succeeded, collect_files, &work, &outputs)
        })
        .await
        .unwrap_or_else(|error| Err(format!("collecting artifacts panicked: {error}")))
    };
    release(
        &pool,
        uses_copy.then_some(work_dir),
        side_dir,
        succeeded,
        run.work(&context.key.stage, &context.key.action, context.key.attempt),
    );
    match finish {
        Ok(notes) => notes.iter().for_each(|note| log.note(note)),
        Err(error) => {
            result = ActionResult {
                exit_code: result.exit_code,
                reports: std::mem::take(&mut result.reports),
                warnings: std::mem::take(&mut result.warnings),
                ..ActionResult::failed(error)
            }
        }
    }
    result
}

/// After an attempt: a success's working folder goes back to the pool (or is removed), a
/// failure's is kept under the run as `work/<stage>~<action>~<attempt>` for inspection.
fn release(
    pool: &DirPool,
    work: Option<PathBuf>,
    side: PathBuf,
    succeeded: bool,
    keep_as: PathBuf,
) {
    let mut remove = Vec::new();
    if side.exists() && succeeded {
        remove.push(side);
    }
    if let Some(work) = work {
        if succeeded {
            remove.extend(pool.give_back(work));
        } else {
            let kept = keep_as
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::rename(&work, &keep_as));
            if kept.is_err() {
                remove.push(work);
            }
        }
    }
    if !remove.is_empty() {
        tokio::task::spawn_blocking(move || {
            for dir in remove {
                let _ = artifacts::remove_tree(&dir);
            }
        });
    }
}

/// `PIPEWRIGHT_INPUT_<NAME>`, with characters `sh` cannot use in names replaced by `_`.
fn input_variable(artifact: &str) -> String {
    let name: String = artifact
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("PIPEWRIGHT_INPUT_{name}")
}

struct Prepared {
    inputs: Vec<(String, PathBuf)>,
    note: Option<String>,
}

/// Makes the working copy (first input) and private copies of the other inputs, and empties
/// the output folders.
fn prepare(
    work: &Path,
    side: &Path,
    uses_copy: bool,
    inputs: &[(String, PathBuf)],
    outputs: &[(String, PathBuf)],
) -> Result<Prepared, String> {
    let io = |what: &str, error: std::io::Error| format!("{what}: {error}");
    if side.exists() {
        artifacts::remove_tree(side).map_err(|e| io("cannot clear an old attempt's files", e))?;
    }
    for (name, folder) in outputs {
        artifacts::remove_tree(folder)
            .map_err(|e| io(&format!("cannot clear artifact {name}"), e))?;
        std::fs::create_dir_all(folder)
            .map_err(|e| io(&format!("cannot create artifact {name}"), e))?;
    }
    let mut copies = Vec::new();
    let mut note = None;
    for (index, (name, artifact)) in inputs.iter().enumerate() {
        if !uses_copy {
            copies.push((name.clone(), artifact.clone()));
            continue;
        }
        let target = if index == 0 {
            work.to_path_buf()
        } else {
            let target = side.join("inputs").join(name);
            std::fs::create_dir_all(&target)
                .map_err(|e| io(&format!("cannot copy input {name}"), e))?;
            target
        };
        let files = artifacts::copy_tree(artifact, &target, None)
            .map_err(|e| io(&format!("cannot copy input artifact {name}"), e))?;
        if index == 0 {
            note = Some(format!("working copy of {name}: {files} files"));
        }
        copies.push((name.clone(), target));
    }
    Ok(Prepared {
        inputs: copies,
        note,
    })
}

/// Collects output files (Commands), then seals the outputs of a success or removes those of
/// a failure. Returns notes for the log.
fn finish(
    action: &Action,
    succeeded: bool,
    collect_files: bool,
    work: &Path,
    outputs: &[(String, PathBuf)],
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    if !succeeded {
        for (_, folder) in outputs {
            let _ = artifacts::remove_tree(folder);
        }
        return Ok(notes);
    }
    if collect_files {
        for (output, (name, folder)) in action.output_artifacts.iter().zip(outputs) {
            let base = match &output.base_directory {
                Some(relative) => join_inside(work, relative).ok_or_else(|| {
                    format!(
                        "base_directory {relative:?} of artifact {name} leaves the working copy"
                    )
                })?,
                None => work.to_path_buf(),
            };
            if !base.is_dir() {
                return Err(format!(
                    "artifact {name}: base_directory {:?} does not exist after the commands ran",
                    output.base_directory.as_deref().unwrap_or(".")
                ));
            }
            let count = artifacts::collect(&base, &output.files, folder)
                .map_err(|e| format!("cannot collect artifact {name}: {e}"))?;
            if count == 0 && !output.files.is_empty() {
                return Err(format!(
                    "artifact {name}: no files match {}",
                    output.files.join(", ")
                ));
            }
            notes.push(format!("artifact {name}: {count} files"));
        }
    }
    for (name, folder) in outputs {
        artifacts::make_read_only(folder)
            .map_err(|e| format!("cannot seal artifact {name}: {e}"))?;
    }
    Ok(notes)
}
