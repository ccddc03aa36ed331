//! Recovery after Pipewright died mid-run: executions whose owning process is gone are marked
//! Failed ("interrupted: Pipewright exited") at the time they really ended.
//!
//! Their process trees are already gone: each action's supervisor kills its tree when the host
//! dies. As a fallback (a supervisor killed along with its host), a recorded process group is
//! killed if its leader is still the process that was recorded, never a stranger that reused
//! the number.

use std::path::Path;
use std::time::UNIX_EPOCH;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::clock::now_ms;
use crate::execution::{Change, ExecutionId};
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};
use crate::store::owner::{process_start_time, process_started_ms};
use crate::store::recovery::TrackedProcess;
use crate::store::{Store, StoreError};

/// The reason given to executions interrupted by a crash.
pub const INTERRUPTED: &str = "interrupted: Pipewright exited";

/// How far a process group leader's start may be from the recorded start and still be the
/// same process.
const SAME_PROCESS_WITHIN_MS: i64 = 2_000;

fn owner_alive(pid: u32, start: &str) -> bool {
    match process_start_time(pid) {
        Some(actual) => start.is_empty() || actual == start,
        None => false,
    }
}

/// Whether the recorded group still runs under the process that started it.
fn still_the_recorded_group(tracked: TrackedProcess) -> bool {
    u32::try_from(tracked.pgid)
        .ok()
        .and_then(process_started_ms)
        .is_some_and(|started| (started - tracked.started_ms).abs() <= SAME_PROCESS_WITHIN_MS)
}

/// The last time a running engine said it was alive (see `WorkspacePaths::heartbeat`).
fn heartbeat_ms(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    i64::try_from(modified.duration_since(UNIX_EPOCH).ok()?.as_millis()).ok()
}

/// When an interrupted execution really ended: its engine's last heartbeat when that is not
/// older than the execution's last record (a stale heartbeat belongs to an earlier run).
fn ended_at(last_recorded: i64, heartbeat: Option<i64>) -> i64 {
    heartbeat
        .filter(|&beat| beat >= last_recorded)
        .unwrap_or(last_recorded)
        .min(now_ms())
}

/// Fails every unfinished execution whose owner is gone; returns their ids.
pub fn recover(store: &mut Store) -> Result<Vec<ExecutionId>, StoreError> {
    let heartbeat = heartbeat_ms(&store.paths().heartbeat());
    let mut recovered = Vec::new();
    for unfinished in store.unfinished_executions()? {
        if owner_alive(unfinished.owner_pid, &unfinished.owner_start) {
            continue;
        }
        let id = unfinished.id;
        for tracked in store.tracked_processes(&id)? {
            if still_the_recorded_group(tracked) {
                let _ = killpg(Pid::from_raw(tracked.pgid), Signal::SIGKILL);
            }
            store.untrack_process(tracked.pgid)?;
        }
        let ended = ended_at(store.last_recorded_ms(&id)?, heartbeat);
        for attempt in store.attempts(&id)? {
            if attempt.status == ActionStatus::InProgress {
                store.record(&Change::AttemptFinished {
                    key: attempt.key,
                    status: ActionStatus::Failed,
                    exit_code: None,
                    summary: Some(INTERRUPTED.into()),
                    output_variables: Default::default(),
                    warnings: Vec::new(),
                    reports: Vec::new(),
                    at_ms: ended,
                })?;
            }
        }
        for stage in store.stages(&id)? {
            let status = match stage.status {
                Some(StageStatus::InProgress | StageStatus::Stopping) => StageStatus::Failed,
                None => StageStatus::Skipped,
                Some(_) => continue,
            };
            store.record(&Change::StageStatus {
                execution_id: id.clone(),
                stage: stage.stage,
                status,
                reason: (status == StageStatus::Failed).then(|| INTERRUPTED.into()),
                attempt: stage.attempt,
                at_ms: ended,
            })?;
        }
        store.record(&Change::ExecutionStatus {
            execution_id: id.clone(),
            status: ExecutionStatus::Failed,
            reason: Some(INTERRUPTED.into()),
            at_ms: ended,
        })?;
        recovered.push(id);
    }
    Ok(recovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_the_heartbeat_unless_it_is_stale() {
        assert_eq!(ended_at(1_000, Some(1_500)), 1_500);
        assert_eq!(ended_at(1_000, Some(900)), 1_000);
        assert_eq!(ended_at(1_000, None), 1_000);
    }

    #[test]
    fn this_process_is_its_own_recorded_group_and_a_shifted_start_is_not() {
        let me = std::process::id();
        let started = process_started_ms(me).expect("own start time");
        let pgid = me as i32;
        assert!(still_the_recorded_group(TrackedProcess {
            pgid,
            started_ms: started
        }));
        assert!(!still_the_recorded_group(TrackedProcess {
            pgid,
            started_ms: started - 60_000
        }));
    }
}
