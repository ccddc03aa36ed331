//! Retention in SQL: which executions are past a workspace's [`Retention`] rule, and removing
//! them with everything they left: their rows in every table that names an execution, in one
//! transaction, then their folder (logs, artifacts, reports, kept working copies). The store
//! never picks a live execution (running, stopping or waiting); the caller names any other to
//! keep (the release that is deployed).

use std::collections::HashSet;

use rusqlite::{TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::artifacts::remove_tree;
use super::{Store, StoreError};
use crate::execution::ExecutionId;
use crate::model::settings::Retention;
use crate::model::status::ExecutionStatus;

/// A day in milliseconds.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// An execution that retention removes (or would remove).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prunable {
    /// Its id.
    pub id: ExecutionId,
    /// Its pipeline.
    pub pipeline: String,
    /// When it started (Unix ms).
    pub started_ms: i64,
    /// How it ended.
    pub status: ExecutionStatus,
}

/// The statuses of executions that are still live, as stored.
fn live_statuses() -> [&'static str; 2] {
    [
        ExecutionStatus::InProgress.as_str(),
        ExecutionStatus::Stopping.as_str(),
    ]
}

/// The start time before which executions are too old (`None`: no age limit).
fn cutoff(rule: &Retention, now_ms: i64) -> Option<i64> {
    rule.days.map(|days| now_ms - i64::from(days) * DAY_MS)
}

impl Store {
    /// Whether `pipeline` has executions past `rule` (two indexed look-ups): the cheap check
    /// made after every execution ends, before any real work.
    pub fn over_retention(
        &self,
        pipeline: &str,
        rule: &Retention,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        if let Some(kept) = rule.executions {
            let count: i64 = self.connection.query_row(
                "SELECT COUNT(*) FROM executions WHERE pipeline = ?1",
                params![pipeline],
                |row| row.get(0),
            )?;
            if count > i64::from(kept) {
                return Ok(true);
            }
        }
        let Some(cutoff) = cutoff(rule, now_ms) else {
            return Ok(false);
        };
        let oldest: Option<i64> = self.connection.query_row(
            "SELECT MIN(started_ms) FROM executions WHERE pipeline = ?1",
            params![pipeline],
            |row| row.get(0),
        )?;
        Ok(oldest.is_some_and(|oldest| oldest < cutoff))
    }

    /// Every execution past `rule`, oldest first: beyond the newest `executions` of its
    /// pipeline, or started more than `days` ago. Live executions and those in `keep` are
    /// never listed (they still count among the newest).
    pub fn past_retention(
        &self,
        rule: &Retention,
        keep: &HashSet<String>,
        now_ms: i64,
    ) -> Result<Vec<Prunable>, StoreError> {
        let [running, stopping] = live_statuses();
        let mut statement = self.connection.prepare(
            "SELECT id, pipeline, started_ms, status FROM (
                SELECT id, pipeline, started_ms, status, ROW_NUMBER() OVER (
                    PARTITION BY pipeline ORDER BY started_ms DESC, id DESC) AS newer
                FROM executions)
             WHERE status NOT IN (?1, ?2)
               AND ((?3 IS NOT NULL AND newer > ?3) OR (?4 IS NOT NULL AND started_ms < ?4))
             ORDER BY started_ms, id",
        )?;
        let rows = statement.query_map(
            params![running, stopping, rule.executions, cutoff(rule, now_ms)],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, String>(3)?,
                ))
            },
        )?;
        let mut found = Vec::new();
        for row in rows {
            let (id, pipeline, started_ms, status) = row?;
            if keep.contains(&id) {
                continue;
            }
            let status = ExecutionStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("execution status {status}")))?;
            found.push(Prunable {
                id: ExecutionId::from(id),
                pipeline,
                started_ms,
                status,
            });
        }
        Ok(found)
    }

    /// Removes `executions`: their rows in every table that names an execution (and the
    /// definitions no execution uses any more) in one transaction, then their folders. A live
    /// execution is left alone even when named. Returns the folders that could not be removed.
    pub fn prune(&mut self, executions: &[ExecutionId]) -> Result<Vec<String>, StoreError> {
        let [running, stopping] = live_statuses();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let tables: Vec<String> = {
            let mut statement = transaction.prepare(
                "SELECT m.name FROM sqlite_master AS m, pragma_table_info(m.name) AS c
                 WHERE m.type = 'table' AND m.name != 'executions' AND c.name = 'execution_id'
                 ORDER BY m.name",
            )?;
            statement
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut removed = Vec::new();
        {
            let mut is_done = transaction.prepare(
                "SELECT COUNT(*) FROM executions WHERE id = ?1 AND status NOT IN (?2, ?3)",
            )?;
            let mut deletes = tables
                .iter()
                .map(|table| {
                    transaction.prepare(&format!("DELETE FROM {table} WHERE execution_id = ?1"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut delete_execution =
                transaction.prepare("DELETE FROM executions WHERE id = ?1")?;
            for id in executions {
                let done: i64 =
                    is_done.query_row(params![id.as_str(), running, stopping], |row| row.get(0))?;
                if done == 0 {
                    continue;
                }
                for delete in &mut deletes {
                    delete.execute(params![id.as_str()])?;
                }
                delete_execution.execute(params![id.as_str()])?;
                removed.push(id.clone());
            }
        }
        transaction.execute(
            "DELETE FROM definitions WHERE hash NOT IN (SELECT definition_hash FROM executions)",
            [],
        )?;
        transaction.commit()?;
        let mut left = Vec::new();
        for id in removed {
            let folder = self.paths.run(id.as_str());
            if let Err(error) = remove_tree(folder.dir()) {
                left.push(format!("{}: {error}", folder.dir().display()));
            }
        }
        Ok(left)
    }

    /// How many bytes the workspace's state takes on disk (`.pipewright/`: the database, logs,
    /// artifacts, reports and working folders). Walks every file: ask it off the UI thread.
    pub fn disk_use(&self) -> u64 {
        walkdir::WalkDir::new(self.paths.state_dir())
            .follow_links(false)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.metadata().ok())
            .filter(|metadata| metadata.is_file())
            .map(|metadata| metadata.len())
            .sum()
    }
}
