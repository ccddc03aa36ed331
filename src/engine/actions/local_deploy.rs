//! The LocalDeploy provider: the input artifact becomes `releases/<execution-id>/` under the
//! target folder, `before` commands run in it, the `current` link switches to it atomically
//! (a temporary link renamed over the old one), then `after` commands run in the target
//! folder. If `after` fails, `current` switches back to the previous release. The newest
//! `keep_releases` releases are kept; the deployment order is kept in `<target>/.releases`.
//! One deploy at a time per target, across executions: the others wait, and say for whom.

use std::path::Path;

use indexmap::IndexMap;

use crate::model::LocalDeployConfig;
use crate::model::status::ActionStatus;
use crate::store::artifacts::{copy_tree, remove_tree};

use super::commands::run_shell;
use super::{ActionContext, ActionResult, ActionStep, StepFuture};

/// The link that points at the live release.
pub const CURRENT: &str = "current";
/// The folder of releases inside the target.
pub const RELEASES: &str = "releases";

impl ActionStep for LocalDeployConfig {
    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            match deploy(self, context).await {
                Ok(result) | Err(result) => result,
            }
        })
    }
}

/// Points `current` at `release` (relative to the target) atomically.
fn switch(target: &Path, release: Option<&str>) -> std::io::Result<()> {
    let link = target.join(CURRENT);
    match release {
        Some(release) => {
            let temporary = target.join(format!(".{CURRENT}.{}.tmp", std::process::id()));
            let _ = std::fs::remove_file(&temporary);
            std::os::unix::fs::symlink(Path::new(RELEASES).join(release), &temporary)?;
            std::fs::rename(&temporary, &link)
        }
        None => std::fs::remove_file(&link),
    }
}

/// The release `current` points at, if it is a link into `releases/`.
fn current_release(target: &Path) -> Option<String> {
    let pointed = std::fs::read_link(target.join(CURRENT)).ok()?;
    pointed
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
}

async fn deploy(
    config: &LocalDeployConfig,
    context: &mut ActionContext,
) -> Result<ActionResult, ActionResult> {
    let target = context.workspace.join(&config.target);
    let holder = format!("execution {}", context.key.execution_id.short());
    let control = context.control.clone();
    let targets = context.targets.clone();
    let acquire = targets.acquire(&target, &config.target, &holder, context.waiting.as_ref());
    let _target = tokio::select! {
        guard = acquire => guard,
        () = control.cancel.cancelled() => {
            context.waiting.waiting(None);
            return Err(ActionResult::abandoned("stopped while waiting for the deploy target"));
        }
        () = until(control.deadline) => {
            context.waiting.waiting(None);
            return Err(ActionResult::failed(format!(
                "timed out after {} waiting for another deploy to {}",
                crate::clock::format_duration_ms(context.timeout.as_millis() as i64),
                target.display()
            )));
        }
    };
    // A retry of the same execution gets its own folder: the first attempt's may be live.
    let release_name = match context.key.attempt {
        1 => context.key.execution_id.to_string(),
        attempt => format!("{}-{attempt}", context.key.execution_id),
    };
    let releases = target.join(RELEASES);
    let release = releases.join(&release_name);
    let Some((input, artifact)) = context.inputs.first().cloned() else {
        return Err(ActionResult::failed("LocalDeploy needs an input artifact"));
    };
    let link = target.join(CURRENT);
    if link.exists() && !link.is_symlink() {
        return Err(ActionResult::failed(format!(
            "{} exists and is not a link: move it away so Pipewright can manage releases there",
            link.display()
        )));
    }
    let previous = current_release(&target).filter(|name| *name != release_name);
    context
        .log
        .note(&format!("deploying {input} to {}", release.display()));
    let prepared = {
        let release = release.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
            remove_tree(&release)?;
            std::fs::create_dir_all(&release)?;
            copy_tree(&artifact, &release, None)
        })
        .await
        .unwrap_or_else(|error| Err(std::io::Error::other(error.to_string())))
    };
    let files = prepared.map_err(|e| {
        ActionResult::failed(format!("cannot create release {}: {e}", release.display()))
    })?;
    context
        .log
        .note(&format!("release {release_name}: {files} files"));
    let release_path = release.to_string_lossy().into_owned();
    context.env.extend([
        ("PIPEWRIGHT_RELEASE_PATH".to_string(), release_path.clone()),
        (
            "PIPEWRIGHT_TARGET".to_string(),
            target.to_string_lossy().into_owned(),
        ),
        (
            "PIPEWRIGHT_PREVIOUS_RELEASE".to_string(),
            previous.clone().unwrap_or_default(),
        ),
    ]);

    if !config.before.is_empty() {
        context.log.note("running before commands");
        let before = run_shell(context, &config.before, &release, &[]).await;
        if before.status != ActionStatus::Succeeded {
            let _ = remove_tree(&release);
            return Err(with_prefix("before commands failed", before));
        }
    }

    switch(&target, Some(&release_name)).map_err(|e| {
        ActionResult::failed(format!(
            "cannot switch {} to {release_name}: {e}",
            link.display()
        ))
    })?;
    context
        .log
        .note(&format!("current → {RELEASES}/{release_name}"));

    if !config.after.is_empty() {
        context.log.note("running after commands");
        let after = run_shell(context, &config.after, &target, &[]).await;
        if after.status != ActionStatus::Succeeded {
            let rollback = switch(&target, previous.as_deref());
            let outcome = match (&previous, rollback) {
                (Some(name), Ok(())) => format!("rolled back to {name}"),
                (None, Ok(())) => "no previous release: removed current".to_string(),
                (_, Err(e)) => format!("and the rollback failed: {e}"),
            };
            context.log.note(&outcome);
            return Err(with_prefix(
                &format!("after commands failed; {outcome}"),
                after,
            ));
        }
    }

    let keep = config.keep() as usize;
    for pruned in prune(&target, keep, &release_name) {
        context.log.note(&format!("removed old release {pruned}"));
    }
    let mut variables = IndexMap::new();
    variables.insert("ReleasePath".to_string(), release_path);
    variables.insert("PreviousRelease".to_string(), previous.unwrap_or_default());
    Ok(ActionResult {
        output_variables: variables,
        ..ActionResult::succeeded(Some(format!("released {release_name}")))
    })
}

/// Waits until `deadline`, or forever without one.
async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Keeps `result`'s status and details, with `headline` in front of its summary.
fn with_prefix(headline: &str, result: ActionResult) -> ActionResult {
    let summary = match &result.summary {
        Some(detail) => format!("{headline}: {detail}"),
        None => headline.to_string(),
    };
    ActionResult {
        summary: Some(summary),
        ..result
    }
}

/// The file in the target that lists releases in the order they were deployed.
pub const ORDER_FILE: &str = ".releases";

/// Records `release` as the newest, removes all but the newest `keep` releases (never
/// `live`, nor the release `current` points at), and returns the removed names. Folders the order file does not know count as
/// older than every listed one.
fn prune(target: &Path, keep: usize, live: &str) -> Vec<String> {
    let order_file = target.join(ORDER_FILE);
    let mut order: Vec<String> = std::fs::read_to_string(&order_file)
        .unwrap_or_default()
        .lines()
        .filter(|name| !name.is_empty() && *name != live)
        .map(str::to_string)
        .collect();
    order.push(live.to_string());
    let releases = target.join(RELEASES);
    let mut unknown: Vec<String> = std::fs::read_dir(&releases)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| !order.contains(name))
                .collect()
        })
        .unwrap_or_default();
    unknown.sort();
    let present: Vec<String> = unknown
        .into_iter()
        .chain(
            order
                .into_iter()
                .filter(|name| releases.join(name).is_dir()),
        )
        .collect();
    let excess = present.len().saturating_sub(keep.max(1));
    let (old, kept) = present.split_at(excess);
    let current = current_release(target);
    let removed = old
        .iter()
        .filter(|name| *name != live && current.as_deref() != Some(name.as_str()))
        .filter(|name| remove_tree(&releases.join(name)).is_ok())
        .cloned()
        .collect();
    let _ = crate::model::ron_io::write_atomically(
        &order_file,
        format!("{}\n", kept.join("\n")).as_bytes(),
    );
    removed
}
