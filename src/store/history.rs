//! Reading execution history back: pages of executions filtered in SQL with true counts,
//! one execution as a snapshot, its stages, attempts and approvals.

use indexmap::IndexMap;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::records::{ApprovalRow, AttemptRow, ExecutionRow, StageRow, TransitionRow};
use super::{Store, StoreError};
use crate::execution::{
    ActionId, ApprovalDecision, ApprovalState, AttemptKey, AttemptState, ExecutionSnapshot,
    Revision, StageState, Trigger, TriggerKind,
};
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

/// Which executions history lists. Every condition is applied in SQL, so the total and the
/// pages cover all executions, not only recent ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HistoryFilter {
    /// Only this pipeline's.
    pub pipeline: Option<String>,
    /// Only those with this status.
    pub status: Option<ExecutionStatus>,
    /// Only those started by this kind of trigger.
    pub trigger_kind: Option<TriggerKind>,
    /// Only those whose Git source took, or was asked for, a branch or commit containing this.
    pub revision: Option<String>,
    /// Only those whose pipeline name or trigger sentence contains this.
    pub text: Option<String>,
    /// Only those started at or after this time (Unix ms).
    pub from_ms: Option<i64>,
    /// Only those started before this time (Unix ms).
    pub until_ms: Option<i64>,
}

/// A window of the history list, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Page {
    /// How many executions to skip.
    pub offset: usize,
    /// At most this many (0: all).
    pub limit: usize,
}

/// An approval decision, as the history list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionMark {
    /// Approved (true) or rejected.
    pub approved: bool,
    /// Who decided.
    pub by: String,
}

/// One line of the history list: the execution, the commit its Git source took and who
/// approved or rejected what, all read by one query.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The execution.
    pub execution: ExecutionRow,
    /// The commit its first Git source took.
    pub revision: Option<Revision>,
    /// Approval decisions, in the order they were made.
    pub decisions: Vec<DecisionMark>,
}

/// How many executions of each status match a filter (its status condition aside).
pub type StatusCounts = Vec<(ExecutionStatus, usize)>;

/// The WHERE clause of a filter and its parameters.
struct Conditions {
    sql: String,
    values: Vec<Value>,
}

fn like(text: &str) -> Value {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Value::Text(format!("%{escaped}%"))
}

fn conditions(filter: &HistoryFilter, with_status: bool) -> Conditions {
    let mut clauses: Vec<&str> = Vec::new();
    let mut values = Vec::new();
    if let Some(pipeline) = &filter.pipeline {
        clauses.push("pipeline = ?");
        values.push(Value::Text(pipeline.clone()));
    }
    if with_status && let Some(status) = filter.status {
        clauses.push("status = ?");
        values.push(Value::Text(status.as_str().to_string()));
    }
    if let Some(kind) = filter.trigger_kind {
        clauses.push("trigger_kind = ?");
        values.push(Value::Text(kind.as_str().to_string()));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        clauses.push("(pipeline LIKE ? ESCAPE '\\' OR trigger_detail LIKE ? ESCAPE '\\')");
        values.extend([like(text), like(text)]);
    }
    if let Some(revision) = filter
        .revision
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        clauses.push(
            "(source_revisions LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM action_attempts a
               WHERE a.execution_id = executions.id AND a.provider = ?
                 AND a.output_variables LIKE ? ESCAPE '\\'))",
        );
        values.extend([
            like(revision),
            Value::Text(ProviderKind::Git.as_str().to_string()),
            like(revision),
        ]);
    }
    if let Some(from) = filter.from_ms {
        clauses.push("started_ms >= ?");
        values.push(Value::Integer(from));
    }
    if let Some(until) = filter.until_ms {
        clauses.push("started_ms < ?");
        values.push(Value::Integer(until));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    Conditions { sql, values }
}

/// The columns of a history entry: the execution's, the first Git source's variables (the
/// provider's name is the first parameter), and the decisions as `approved,decided_ms,by`
/// lines. Both extras are index lookups per row.
const ENTRY_COLUMNS: &str = "e.rowid, e.id, e.pipeline, e.file, e.definition_hash, e.trigger_kind,
    e.trigger_detail, e.variables, e.source_revisions, e.status, e.reason, e.waiting_for,
    e.started_ms, e.ended_ms,
    (SELECT g.output_variables FROM (SELECT a.output_variables, min(a.started_ms)
        FROM action_attempts a
        WHERE a.execution_id = e.id AND a.provider = ? AND a.status = 'Succeeded') g),
    (SELECT group_concat(p.approved || ',' || p.decided_ms || ',' || p.decided_by, char(10))
        FROM approvals p WHERE p.execution_id = e.id AND p.approved IS NOT NULL)";

fn page_sql(filter: &HistoryFilter, page: Page) -> (String, Vec<Value>) {
    let Conditions {
        sql,
        values: conditions,
    } = conditions(filter, true);
    let mut values = vec![Value::Text(ProviderKind::Git.as_str().to_string())];
    values.extend(conditions);
    let limit = if page.limit == 0 {
        -1
    } else {
        i64::try_from(page.limit).unwrap_or(i64::MAX)
    };
    values.push(Value::Integer(limit));
    values.push(Value::Integer(
        i64::try_from(page.offset).unwrap_or(i64::MAX),
    ));
    (
        format!(
            "SELECT {ENTRY_COLUMNS} FROM executions e WHERE e.rowid IN (
               SELECT rowid FROM executions {sql}
               ORDER BY started_ms DESC, rowid DESC LIMIT ? OFFSET ?)"
        ),
        values,
    )
}

fn count_sql(filter: &HistoryFilter) -> (String, Vec<Value>) {
    let Conditions { sql, values } = conditions(filter, true);
    (format!("SELECT count(*) FROM executions {sql}"), values)
}

/// Every execution status, in the order history counts them.
const STATUSES: [ExecutionStatus; 7] = [
    ExecutionStatus::InProgress,
    ExecutionStatus::Stopping,
    ExecutionStatus::Stopped,
    ExecutionStatus::Succeeded,
    ExecutionStatus::Superseded,
    ExecutionStatus::Failed,
    ExecutionStatus::Cancelled,
];

/// One pass over the matching rows, a count per status (no sorting, unlike GROUP BY).
fn status_counts_sql(filter: &HistoryFilter) -> (String, Vec<Value>) {
    let Conditions { sql, values } = conditions(filter, false);
    let columns: Vec<String> = STATUSES
        .iter()
        .map(|status| format!("count(*) FILTER (WHERE status = '{}')", status.as_str()))
        .collect();
    (
        format!("SELECT {} FROM executions {sql}", columns.join(", ")),
        values,
    )
}

const NEWER_SQL: &str = "SELECT count(*) FROM executions WHERE pipeline = ?1 AND started_ms > ?2";

fn decisions(text: Option<String>) -> Vec<DecisionMark> {
    let mut marks: Vec<(i64, DecisionMark)> = text
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ',');
            let approved = parts.next()? == "1";
            let at: i64 = parts.next()?.parse().ok()?;
            let by = parts.next()?.to_string();
            Some((at, DecisionMark { approved, by }))
        })
        .collect();
    marks.sort_by_key(|(at, _)| *at);
    marks.into_iter().map(|(_, mark)| mark).collect()
}

fn entry_row(row: &Row<'_>) -> rusqlite::Result<(i64, HistoryEntry)> {
    let status: String = row.get(9)?;
    let execution = ExecutionRow {
        id: row.get(1)?,
        pipeline: row.get(2)?,
        file: row.get(3)?,
        definition_hash: row.get(4)?,
        trigger: Trigger {
            kind: trigger_kind(&row.get::<_, String>(5)?)?,
            detail: row.get(6)?,
        },
        variables: map_json(row.get(7)?)?,
        source_revisions: map_json(row.get(8)?)?,
        status: ExecutionStatus::parse(&status).ok_or_else(|| bad_status(&status))?,
        reason: row.get(10)?,
        waiting_for: row.get(11)?,
        started_ms: row.get(12)?,
        ended_ms: row.get(13)?,
    };
    let revision = row
        .get::<_, Option<String>>(14)?
        .and_then(|text| map_json(text).ok())
        .and_then(|variables| Revision::from_variables(&variables));
    Ok((
        row.get(0)?,
        HistoryEntry {
            execution,
            revision,
            decisions: decisions(row.get(15)?),
        },
    ))
}

impl Store {
    /// A page of history, newest first, with each execution's revision and decisions: one
    /// query, served by an index whatever the filter.
    pub fn history(
        &self,
        filter: &HistoryFilter,
        page: Page,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let (sql, values) = page_sql(filter, page);
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut entries: Vec<(i64, HistoryEntry)> = statement
            .query_map(params_from_iter(values), entry_row)?
            .collect::<Result<_, _>>()?;
        entries.sort_by(|(a_row, a), (b_row, b)| {
            (b.execution.started_ms, b_row).cmp(&(a.execution.started_ms, a_row))
        });
        Ok(entries.into_iter().map(|(_, entry)| entry).collect())
    }

    /// How many executions match a filter.
    pub fn history_count(&self, filter: &HistoryFilter) -> Result<usize, StoreError> {
        let (sql, values) = count_sql(filter);
        let count: i64 = self
            .connection
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |row| row.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// How many executions of each status match a filter (whatever its status condition).
    pub fn status_counts(&self, filter: &HistoryFilter) -> Result<StatusCounts, StoreError> {
        let (sql, values) = status_counts_sql(filter);
        let mut statement = self.connection.prepare_cached(&sql)?;
        let counts = statement.query_row(params_from_iter(values), |row| {
            STATUSES
                .iter()
                .enumerate()
                .map(|(index, status)| {
                    let count: i64 = row.get(index)?;
                    Ok((*status, usize::try_from(count).unwrap_or(0)))
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(counts.into_iter().filter(|(_, count)| *count > 0).collect())
    }

    /// How many executions of `pipeline` started after `started_ms`.
    pub fn newer_than(&self, pipeline: &str, started_ms: i64) -> Result<usize, StoreError> {
        let count: i64 = self
            .connection
            .prepare_cached(NEWER_SQL)?
            .query_row(params![pipeline, started_ms], |row| row.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
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

fn attempt_state(root: &std::path::Path, row: &Row<'_>) -> rusqlite::Result<AttemptState> {
    let status: String = row.get(4)?;
    let log_path: String = row.get(8)?;
    Ok(AttemptState {
        key: AttemptKey {
            execution_id: row.get(0)?,
            stage: row.get(1)?,
            action: row.get(2)?,
            attempt: row.get(3)?,
        },
        status: ActionStatus::parse(&status).ok_or_else(|| bad_status(&status))?,
        provider: row.get(5)?,
        exit_code: row.get(6)?,
        resolved_config: row.get(7)?,
        log_len: std::fs::metadata(root.join(&log_path)).map_or(0, |m| m.len()),
        log_path,
        output_variables: map_json(row.get(9)?)?,
        summary: row.get(10)?,
        warnings: list_json(row.get(11)?)?,
        started_ms: row.get(12)?,
        ended_ms: row.get(13)?,
        waiting: row.get(14)?,
    })
}

fn approval_state(row: &Row<'_>) -> rusqlite::Result<(ActionId, ApprovalState)> {
    let decision = match (
        row.get::<_, Option<bool>>(5)?,
        row.get::<_, Option<String>>(6)?,
        row.get::<_, Option<String>>(7)?,
        row.get::<_, Option<i64>>(8)?,
    ) {
        (Some(approved), Some(by), Some(summary), Some(at_ms)) => Some(ApprovalDecision {
            approved,
            by,
            summary,
            at_ms,
        }),
        _ => None,
    };
    Ok((
        ActionId::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?),
        ApprovalState {
            message: row.get(2)?,
            review_url: row.get(3)?,
            expires_ms: row.get(4)?,
            decision,
        },
    ))
}

impl Store {
    /// One execution as a snapshot, read straight from its rows: the execution, its stages,
    /// the latest attempt of each action (with its log's length) and the latest approval
    /// request of each approval action.
    pub fn snapshot(&self, id: &str) -> Result<Option<ExecutionSnapshot>, StoreError> {
        let Some(row) = self.execution(id)? else {
            return Ok(None);
        };
        let mut snapshot = ExecutionSnapshot {
            id: row.id,
            pipeline: row.pipeline,
            definition_hash: row.definition_hash,
            trigger: row.trigger,
            variables: row.variables,
            status: row.status,
            reason: row.reason,
            waiting_for: row.waiting_for,
            started_ms: row.started_ms,
            ended_ms: row.ended_ms,
            stages: Default::default(),
            attempts: Default::default(),
            approvals: Default::default(),
            waits: Vec::new(),
        };
        let mut statement = self.connection.prepare_cached(
            "SELECT stage, status, reason, attempt, started_ms, ended_ms
             FROM stage_executions WHERE execution_id = ?1",
        )?;
        let stages = statement.query_map(params![id], |row| {
            let status: Option<String> = row.get(1)?;
            let status = match status {
                Some(text) => Some(StageStatus::parse(&text).ok_or_else(|| bad_status(&text))?),
                None => None,
            };
            Ok((
                row.get::<_, String>(0)?,
                StageState {
                    status,
                    reason: row.get(2)?,
                    attempt: row.get(3)?,
                    started_ms: row.get(4)?,
                    ended_ms: row.get(5)?,
                },
            ))
        })?;
        for stage in stages {
            let (name, state) = stage?;
            snapshot.stages.insert(name, state);
        }
        let root = self.paths().root().to_path_buf();
        let mut statement = self.connection.prepare_cached(
            "SELECT execution_id, stage, action, attempt, status, provider, exit_code,
                    resolved_config, log_path, output_variables, summary, warnings, started_ms,
                    ended_ms, waiting
             FROM action_attempts WHERE execution_id = ?1 ORDER BY attempt",
        )?;
        for attempt in statement.query_map(params![id], |row| attempt_state(&root, row))? {
            let attempt = attempt?;
            let action = ActionId::new(&attempt.key.stage, &attempt.key.action);
            snapshot.attempts.insert(action, attempt);
        }
        let mut statement = self.connection.prepare_cached(
            "SELECT stage, action, message, review_url, expires_ms, approved, decided_by,
                    summary, decided_ms
             FROM approvals WHERE execution_id = ?1 ORDER BY attempt",
        )?;
        for approval in statement.query_map(params![id], approval_state)? {
            let (action, state) = approval?;
            snapshot.approvals.insert(action, state);
        }
        Ok(Some(snapshot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite chooses for `sql`, one line per step.
    fn plan(store: &Store, sql: &str, values: Vec<Value>) -> Vec<String> {
        let mut statement = store
            .connection
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepare");
        statement
            .query_map(params_from_iter(values), |row| row.get::<_, String>(3))
            .expect("explain")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    /// A step that reads a whole table, or sorts rows, is what makes history slow at 100k.
    fn assert_served_by_indexes(what: &str, lines: &[String]) {
        // Scanning a co-routine (a subquery's few rows) is not scanning a table.
        let coroutines: Vec<&str> = lines
            .iter()
            .filter_map(|line| line.strip_prefix("CO-ROUTINE "))
            .collect();
        for line in lines {
            let scanned = line.strip_prefix("SCAN ").unwrap_or_default();
            let full_scan = line.starts_with("SCAN")
                && !line.contains("USING")
                && !coroutines.contains(&scanned);
            assert!(!full_scan, "{what} scans a whole table: {lines:#?}");
            assert!(
                !line.contains("TEMP B-TREE"),
                "{what} sorts outside an index: {lines:#?}"
            );
        }
    }

    #[test]
    fn every_history_query_is_served_by_an_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("store");
        let pipeline = HistoryFilter {
            pipeline: Some("p".into()),
            ..HistoryFilter::default()
        };
        // The app lists one pipeline's history, with any of the filters; the CLI lists all
        // executions or one pipeline's, a page at a time.
        let app = [
            ("one pipeline", pipeline.clone()),
            (
                "one pipeline's failures",
                HistoryFilter {
                    status: Some(ExecutionStatus::Failed),
                    ..pipeline.clone()
                },
            ),
            (
                "a trigger kind, a text, a revision and a date range",
                HistoryFilter {
                    trigger_kind: Some(TriggerKind::Schedule),
                    text: Some("nightly".into()),
                    revision: Some("main".into()),
                    from_ms: Some(1),
                    until_ms: Some(2),
                    ..pipeline.clone()
                },
            ),
        ];
        let deep = Page {
            offset: 99_900,
            limit: 100,
        };
        for (what, filter) in &app {
            let (sql, values) = page_sql(filter, deep);
            assert_served_by_indexes(&format!("the page of {what}"), &plan(&store, &sql, values));
            let (sql, values) = count_sql(filter);
            assert_served_by_indexes(&format!("the count of {what}"), &plan(&store, &sql, values));
            let (sql, values) = status_counts_sql(filter);
            assert_served_by_indexes(
                &format!("the status counts of {what}"),
                &plan(&store, &sql, values),
            );
        }
        for (what, filter) in [
            ("everything", HistoryFilter::default()),
            ("one pipeline", pipeline),
        ] {
            let (sql, values) = page_sql(&filter, deep);
            assert_served_by_indexes(
                &format!("the CLI's page of {what}"),
                &plan(&store, &sql, values),
            );
        }
        let newer = plan(
            &store,
            NEWER_SQL,
            vec![Value::Text("p".into()), Value::Integer(5)],
        );
        assert_served_by_indexes("the count of newer executions", &newer);
        assert!(
            newer
                .iter()
                .any(|line| line.contains("executions_by_pipeline")),
            "{newer:#?}"
        );
    }

    #[test]
    fn likes_escape_wildcards() {
        assert_eq!(like("50%_a\\b"), Value::Text("%50\\%\\_a\\\\b%".into()));
    }
}
