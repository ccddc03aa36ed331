//! What crash recovery reads: executions still marked running, the process groups their
//! actions started, and when anything last happened to them.

use rusqlite::params;

use super::{Store, StoreError};
use crate::execution::ExecutionId;

/// An execution the store still shows as running, and the process that ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The execution.
    pub id: ExecutionId,
    /// The pid of the process that ran it.
    pub owner_pid: u32,
    /// That process's start time (`/proc/PID/stat` field 22), empty when unknown.
    pub owner_start: String,
}

/// A process group an action started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackedProcess {
    /// The group's id (the pid of its first process).
    pub pgid: i32,
    /// When it started (Unix ms).
    pub started_ms: i64,
}

impl Store {
    /// Executions whose status is still InProgress or Stopping.
    pub fn unfinished_executions(&self) -> Result<Vec<Unfinished>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, owner_pid, owner_start FROM executions WHERE status IN ('InProgress', 'Stopping')",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Unfinished {
                id: row.get(0)?,
                owner_pid: row.get(1)?,
                owner_start: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Process groups recorded as running for an execution.
    pub fn tracked_processes(&self, execution_id: &str) -> Result<Vec<TrackedProcess>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT pgid, started_ms FROM processes WHERE execution_id = ?1")?;
        let rows = statement.query_map(params![execution_id], |row| {
            Ok(TrackedProcess {
                pgid: row.get(0)?,
                started_ms: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest time recorded for anything of the execution (its start, or a stage's or an
    /// attempt's start or end), in Unix ms.
    pub fn last_recorded_ms(&self, execution_id: &str) -> Result<i64, StoreError> {
        Ok(self.connection.query_row(
            "SELECT MAX(t) FROM (
                SELECT started_ms AS t FROM executions WHERE id = ?1
                UNION ALL SELECT MAX(COALESCE(ended_ms, started_ms)) FROM stage_executions WHERE execution_id = ?1
                UNION ALL SELECT MAX(COALESCE(ended_ms, started_ms)) FROM action_attempts WHERE execution_id = ?1
             )",
            params![execution_id],
            |row| row.get::<_, Option<i64>>(0),
        )?
        .unwrap_or(0))
    }
}
