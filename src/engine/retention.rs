//! Retention as the host applies it: the workspace's rule (see
//! [`crate::model::settings`]), minus what must stay: live executions and the release each
//! LocalDeploy target has deployed (its `current` link names the execution that produced it).
//! Runs on the core thread, so pruning never races the engine's own writes.

use std::collections::HashSet;
use std::path::Path;

use crate::clock::now_ms;
use crate::execution::ExecutionId;
use crate::model::settings::WorkspaceSettings;
use crate::model::{Provider, ron_io, workspace};
use crate::store::Store;
use crate::store::retention::Prunable;

use super::EngineError;
use super::actions::local_deploy::{CURRENT, RELEASES};

/// What a prune removed (or, dry, would remove).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pruned {
    /// The executions, oldest first.
    pub executions: Vec<Prunable>,
    /// Folders that could not be removed, with the reason (their rows are gone).
    pub left: Vec<String>,
    /// Whether nothing was removed (`--dry-run`).
    pub dry_run: bool,
}

/// The executions whose release a LocalDeploy target of the workspace's pipelines points at:
/// `<target>/current` → `releases/<execution id>`.
pub fn deployed(root: &Path) -> HashSet<String> {
    let mut found = HashSet::new();
    for file in workspace::pipeline_files(root) {
        let Ok(loaded) = ron_io::load(&file) else {
            continue;
        };
        let targets = loaded
            .pipeline
            .stages
            .iter()
            .flat_map(|stage| &stage.actions)
            .filter_map(|action| match &action.provider {
                Provider::LocalDeploy(config) => Some(root.join(&config.target)),
                _ => None,
            });
        for target in targets {
            let Ok(pointed) = std::fs::read_link(target.join(CURRENT)) else {
                continue;
            };
            let mut parts = pointed.components().rev();
            let release = parts
                .next()
                .map(|p| p.as_os_str().to_string_lossy().into_owned());
            let folder = parts
                .next()
                .map(|p| p.as_os_str().to_string_lossy().into_owned());
            if let (Some(release), Some(RELEASES)) = (release, folder.as_deref()) {
                found.insert(release);
            }
        }
    }
    found
}

/// Applies (or, with `dry_run`, lists) the workspace's retention rule; `live` are the
/// executions the engine runs.
pub fn prune(
    store: &mut Store,
    root: &Path,
    live: impl IntoIterator<Item = ExecutionId>,
    dry_run: bool,
) -> Result<Pruned, EngineError> {
    let rule = WorkspaceSettings::load(root)?.retention;
    let mut keep = deployed(root);
    keep.extend(live.into_iter().map(|id| id.to_string()));
    let executions = store.past_retention(&rule, &keep, now_ms())?;
    let left = if dry_run {
        Vec::new()
    } else {
        let ids: Vec<ExecutionId> = executions.iter().map(|e| e.id.clone()).collect();
        store.prune(&ids)?
    };
    Ok(Pruned {
        executions,
        left,
        dry_run,
    })
}

/// The most executions one automatic prune removes, so the engine's thread never stalls on a
/// large backlog (a workspace from before retention): the rest go at the next ends.
pub const AUTO_BATCH: usize = 500;

/// After an execution of `pipeline` ended: prunes the oldest executions past the rule, at most
/// [`AUTO_BATCH`], when the pipeline is over it (two indexed counts otherwise). A settings
/// file with a mistake prunes nothing.
pub fn after_end(
    store: &mut Store,
    root: &Path,
    pipeline: &str,
    live: impl IntoIterator<Item = ExecutionId>,
) -> Result<(), EngineError> {
    let Ok(settings) = WorkspaceSettings::load(root) else {
        return Ok(());
    };
    let now = now_ms();
    if !store.over_retention(pipeline, &settings.retention, now)? {
        return Ok(());
    }
    let mut keep = deployed(root);
    keep.extend(live.into_iter().map(|id| id.to_string()));
    let past = store.past_retention(&settings.retention, &keep, now)?;
    let ids: Vec<ExecutionId> = past.into_iter().take(AUTO_BATCH).map(|e| e.id).collect();
    store.prune(&ids)?;
    Ok(())
}
