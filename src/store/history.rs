//! Reading execution history back: executions, their stages, attempts and approvals.

use indexmap::IndexMap;
use rusqlite::{OptionalExtension, Row, params};

use super::records::{ApprovalRow, AttemptRow, ExecutionRow, StageRow, TransitionRow};
use super::{Store, StoreError};
use crate::execution::{AttemptKey, Trigger, TriggerKind};
use crate::model::ProviderKind;
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};

const EXECUTION_COLUMNS: &str = "id, pipeline, file, definition_hash, trigger_kind, trigger_detail,
    variables, source_revisions, status, reason, waiting_for, started_ms, ended_ms";

fn map_json(text: String) -> rusqlite::Result<IndexMap<String, String>> {
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn list_json(text: String) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn trigger_kind(text: &str) -> rusqlite::Result<TriggerKind> {
    TriggerKind::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            format!("unknown trigger kind {text:?}").into(),
        )
    })
}

fn bad_status(text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown status {text:?}").into(),
    )
}

fn execution_row(row: &Row<'_>) -> rusqlite::Result<ExecutionRow> {
    let status: String = row.get(8)?;
    Ok(ExecutionRow {
        id: row.get(0)?,
        pipeline: row.get(1)?,
        file: row.get(2)?,
        definition_hash: row.get(3)?,
        trigger: Trigger {
            kind: trigger_kind(&row.get::<_, String>(4)?)?,
            detail: row.get(5)?,
        },
        variables: map_json(row.get(6)?)?,
        source_revisions: map_json(row.get(7)?)?,
        status: ExecutionStatus::parse(&status).ok_or_else(|| bad_status(&status))?,
        reason: row.get(9)?,
        waiting_for: row.get(10)?,
        started_ms: row.get(11)?,
        ended_ms: row.get(12)?,
    })
}

/// What history shows about an execution besides its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryExtra {
    /// The commit its Git source took: short id and first line of the message.
    pub revision: Option<(String, String)>,
    /// Approval decisions: approved or not, and by whom.
    pub decisions: Vec<(bool, String)>,
}

/// Which executions to list.
#[derive(Debug, Clone, Default)]
pub struct ExecutionFilter {
    /// Only this pipeline's.
    pub pipeline: Option<String>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<ExecutionStatus>,
    /// At most this many (0: no limit).
    pub limit: usize,
}

impl Store {
    /// Executions, newest first.
    pub fn executions(&self, filter: &ExecutionFilter) -> Result<Vec<ExecutionRow>, StoreError> {
        let limit = if filter.limit == 0 {
            -1
        } else {
            filter.limit as i64
        };
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions
             WHERE (?1 IS NULL OR pipeline = ?1)
             ORDER BY started_ms DESC, rowid DESC"
        ))?;
        let rows = statement.query_map(params![filter.pipeline], execution_row)?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            if filter.statuses.is_empty() || filter.statuses.contains(&row.status) {
                out.push(row);
                if limit > 0 && out.len() as i64 >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// One execution by its full id.
    pub fn execution(&self, id: &str) -> Result<Option<ExecutionRow>, StoreError> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE id = ?1"),
                params![id],
                execution_row,
            )
            .optional()?)
    }

    /// The full id of the one execution whose id starts with `prefix`.
    pub fn resolve_execution_id(&self, prefix: &str) -> Result<String, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id FROM executions WHERE id LIKE ?1 || '%' ESCAPE '\\' LIMIT 2",
        )?;
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let ids: Vec<String> = statement
            .query_map(params![escaped], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::UnknownExecution(prefix.to_string())),
            _ => Err(StoreError::AmbiguousExecution(prefix.to_string())),
        }
    }

    /// The stages of an execution, in pipeline order.
    pub fn stages(&self, execution_id: &str) -> Result<Vec<StageRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT stage, position, status, reason, attempt, started_ms, ended_ms
             FROM stage_executions WHERE execution_id = ?1 ORDER BY position",
        )?;
        let rows = statement.query_map(params![execution_id], |row| {
            let status: Option<String> = row.get(2)?;
            let status = match status {
                Some(text) => Some(StageStatus::parse(&text).ok_or_else(|| bad_status(&text))?),
                None => None,
            };
            Ok(StageRow {
                stage: row.get(0)?,
                position: row.get(1)?,
                status,
                reason: row.get(3)?,
                attempt: row.get(4)?,
                started_ms: row.get(5)?,
                ended_ms: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every action attempt of an execution, in the order they started.
    pub fn attempts(&self, execution_id: &str) -> Result<Vec<AttemptRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT execution_id, stage, action, attempt, provider, status, exit_code,
                    resolved_config, output_variables, log_path, summary, started_ms, ended_ms,
                    warnings
             FROM action_attempts WHERE execution_id = ?1 ORDER BY started_ms, rowid",
        )?;
        let rows = statement.query_map(params![execution_id], |row| {
            let status: String = row.get(5)?;
            Ok(AttemptRow {
                key: AttemptKey {
                    execution_id: row.get(0)?,
                    stage: row.get(1)?,
                    action: row.get(2)?,
                    attempt: row.get(3)?,
                },
                provider: row.get(4)?,
                status: ActionStatus::parse(&status).ok_or_else(|| bad_status(&status))?,
                exit_code: row.get(6)?,
                resolved_config: row.get(7)?,
                output_variables: map_json(row.get(8)?)?,
                log_path: row.get(9)?,
                summary: row.get(10)?,
                warnings: list_json(row.get(13)?)?,
                started_ms: row.get(11)?,
                ended_ms: row.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every approval request of an execution, with its decision.
    pub fn approvals(&self, execution_id: &str) -> Result<Vec<ApprovalRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT execution_id, stage, action, attempt, message, review_url, requested_ms,
                    expires_ms, approved, decided_by, summary, decided_ms
             FROM approvals WHERE execution_id = ?1 ORDER BY requested_ms",
        )?;
        let rows = statement.query_map(params![execution_id], |row| {
            Ok(ApprovalRow {
                key: AttemptKey {
                    execution_id: row.get(0)?,
                    stage: row.get(1)?,
                    action: row.get(2)?,
                    attempt: row.get(3)?,
                },
                message: row.get(4)?,
                review_url: row.get(5)?,
                requested_ms: row.get(6)?,
                expires_ms: row.get(7)?,
                approved: row.get(8)?,
                decided_by: row.get(9)?,
                summary: row.get(10)?,
                decided_ms: row.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stage transitions of a pipeline that were ever disabled.
    pub fn transitions(&self, pipeline: &str) -> Result<Vec<TransitionRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT stage, enabled, reason, changed_by, changed_ms FROM transitions WHERE pipeline = ?1",
        )?;
        let rows = statement.query_map(params![pipeline], |row| {
            Ok(TransitionRow {
                stage: row.get(0)?,
                enabled: row.get(1)?,
                reason: row.get(2)?,
                changed_by: row.get(3)?,
                changed_ms: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What history shows besides the execution row: the commit its Git source took (id and
    /// first line of the message) and who approved or rejected what.
    pub fn history_extra(&self, execution_id: &str) -> Result<HistoryExtra, StoreError> {
        let revision: Option<String> = self
            .connection
            .prepare_cached(
                "SELECT output_variables FROM action_attempts
                 WHERE execution_id = ?1 AND provider = ?2 AND status = 'Succeeded'
                 ORDER BY started_ms LIMIT 1",
            )?
            .query_row(params![execution_id, ProviderKind::Git.as_str()], |row| {
                row.get(0)
            })
            .optional()?;
        let revision = revision.and_then(|text| {
            let variables = map_json(text).ok()?;
            let commit: String = variables.get("CommitId")?.chars().take(7).collect();
            let message = variables
                .get("CommitMessage")
                .and_then(|m| m.lines().next())
                .unwrap_or("")
                .to_string();
            Some((commit, message))
        });
        let mut statement = self.connection.prepare_cached(
            "SELECT approved, decided_by FROM approvals
             WHERE execution_id = ?1 AND approved IS NOT NULL ORDER BY decided_ms",
        )?;
        let decisions = statement
            .query_map(params![execution_id], |row| {
                Ok((row.get::<_, bool>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(HistoryExtra {
            revision,
            decisions,
        })
    }

    /// Every stage transition of every pipeline that was ever disabled, with its pipeline.
    pub fn transitions_all(&self) -> Result<Vec<(String, TransitionRow)>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT pipeline, stage, enabled, reason, changed_by, changed_ms FROM transitions",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get(0)?,
                TransitionRow {
                    stage: row.get(1)?,
                    enabled: row.get(2)?,
                    reason: row.get(3)?,
                    changed_by: row.get(4)?,
                    changed_ms: row.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
