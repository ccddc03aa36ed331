//! Recovery after Pipewright died mid-run: executions whose owning process is gone are marked
//! Failed ("interrupted: Pipewright exited") and their recorded process groups are killed.

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::clock::now_ms;
use crate::execution::Change;
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};
use crate::store::owner::process_start_time;
use crate::store::{Store, StoreError};

/// The reason given to executions interrupted by a crash.
pub const INTERRUPTED: &str = "interrupted: Pipewright exited";

fn owner_alive(pid: u32, start: &str) -> bool {
    match process_start_time(pid) {
        Some(actual) => start.is_empty() || actual == start,
        None => false,
    }
}

/// Fails every unfinished execution whose owner is gone; returns their ids.
pub fn recover(store: &mut Store) -> Result<Vec<String>, StoreError> {
    let mut recovered = Vec::new();
    for (id, pid, start) in store.unfinished_executions()? {
        if owner_alive(pid, &start) {
            continue;
        }
        for pgid in store.tracked_processes(&id)? {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            store.untrack_process(pgid)?;
        }
        let now = now_ms();
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
                    at_ms: now,
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
                execution_id: id.clone().into(),
                stage: stage.stage,
                status,
                reason: (status == StageStatus::Failed).then(|| INTERRUPTED.into()),
                attempt: stage.attempt,
                at_ms: now,
            })?;
        }
        store.record(&Change::ExecutionStatus {
            execution_id: id.clone().into(),
            status: ExecutionStatus::Failed,
            reason: Some(INTERRUPTED.into()),
            at_ms: now,
        })?;
        recovered.push(id);
    }
    Ok(recovered)
}
