//! Durable state: execution history in SQLite (WAL), one log file per action attempt, and
//! artifact folders per execution. The engine writes; the UI and CLI read.

pub mod artifacts;
pub mod history;
pub mod logs;
pub mod owner;
pub mod paths;
pub mod records;
pub mod recovery;
pub mod reports;
pub mod retention;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

pub use paths::{RunPaths, WorkspacePaths};
pub use records::{ApprovalRow, AttemptRow, ExecutionRow, StageRow, TransitionRow};

use crate::execution::{AttemptKey, Change};

use crate::model::status::ExecutionStatus;

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state folder or database could not be created or opened.
    #[error("cannot open the workspace state at {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The schema could not be migrated.
    #[error(transparent)]
    Migration(#[from] schema::MigrationError),
    /// SQLite refused a statement.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored value could not be read back.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// No execution matches an id or prefix.
    #[error("no execution has an id starting with \"{0}\": list them with `pipewright history`")]
    UnknownExecution(String),
    /// The folder has no Pipewright history.
    #[error("{} has no Pipewright history (no .pipewright/state.db): run a pipeline there first, or give the workspace folder", .0.display())]
    NoHistory(PathBuf),
    /// Several executions match an id prefix.
    #[error("\"{0}\" matches several executions: give more characters of the id")]
    AmbiguousExecution(String),
}

/// A connection to one workspace's state database.
pub struct Store {
    connection: Connection,
    paths: WorkspacePaths,
    owner: owner::Owner,
}

impl Store {
    /// Opens (creating if needed) the state of the workspace at `root`.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        let paths = WorkspacePaths::new(root);
        let database = paths.database();
        let open_error = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: database.clone(),
            source,
        };
        std::fs::create_dir_all(paths.state_dir()).map_err(|e| open_error(Box::new(e)))?;
        let mut connection = Connection::open(&database).map_err(|e| open_error(Box::new(e)))?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| open_error(Box::new(e)))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| open_error(Box::new(e)))?;
        schema::migrate(&mut connection)?;
        Ok(Self {
            connection,
            paths,
            owner: owner::Owner::current(),
        })
    }

    /// Opens the state of the workspace at `root` for reading only: creates, migrates and
    /// writes nothing, and works on a read-only folder or mount (where SQLite cannot create
    /// its shared-memory file, the database is opened as immutable).
    pub fn open_read_only(root: &Path) -> Result<Self, StoreError> {
        let paths = WorkspacePaths::new(root);
        let database = paths.database();
        if !database.is_file() {
            return Err(StoreError::NoHistory(root.to_path_buf()));
        }
        let open_error = |source: rusqlite::Error| StoreError::Open {
            path: database.clone(),
            source: Box::new(source),
        };
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let uri = |extra: &str| {
            let path: String = database
                .to_string_lossy()
                .chars()
                .map(|c| match c {
                    '%' => "%25".to_string(),
                    '?' => "%3F".to_string(),
                    '#' => "%23".to_string(),
                    c => c.to_string(),
                })
                .collect();
            format!("file:{path}?mode=ro{extra}")
        };
        let attempt = |extra: &str| -> rusqlite::Result<Connection> {
            let connection = Connection::open_with_flags(uri(extra), flags)?;
            connection.busy_timeout(Duration::from_secs(10))?;
            connection.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))?;
            Ok(connection)
        };
        let connection = match attempt("") {
            Ok(connection) => connection,
            // A read-only folder: no -shm file can be made, so read the file as it is.
            Err(_) => attempt("&immutable=1").map_err(open_error)?,
        };
        schema::check_readable(&connection)?;
        Ok(Self {
            connection,
            paths,
            owner: owner::Owner::current(),
        })
    }

    /// Paths of this workspace's state.
    pub fn paths(&self) -> &WorkspacePaths {
        &self.paths
    }

    /// Commits one state change in a single transaction.
    pub fn record(&mut self, change: &Change) -> Result<(), StoreError> {
        self.record_all(std::slice::from_ref(change))
    }

    /// Commits several state changes in a single transaction.
    pub fn record_all(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let transaction = self.connection.transaction()?;
        for change in changes {
            apply(&transaction, &self.owner, change)?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// Remembers a running process group, so a later start can kill it if Pipewright died.
    /// The rows of an attempt are dropped when the attempt finishes.
    pub fn track_process(&self, key: &AttemptKey, pgid: i32, at_ms: i64) -> Result<(), StoreError> {
        self.connection
            .prepare_cached(
                "INSERT OR REPLACE INTO processes (pgid, execution_id, stage, action, attempt, started_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                pgid,
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                at_ms
            ])?;
        Ok(())
    }

    /// Forgets a process group (recovery killed it).
    pub fn untrack_process(&self, pgid: i32) -> Result<(), StoreError> {
        self.connection
            .prepare_cached("DELETE FROM processes WHERE pgid = ?1")?
            .execute(params![pgid])?;
        Ok(())
    }

    /// The definition text stored under `hash`.
    pub fn definition(&self, hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT ron FROM definitions WHERE hash = ?1",
                params![hash],
                |row| row.get(0),
            )
            .optional()?)
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn apply(db: &Connection, owner: &owner::Owner, change: &Change) -> Result<(), StoreError> {
    match change {
        Change::ExecutionStarted(new) => {
            db.prepare_cached(
                "INSERT OR IGNORE INTO definitions (hash, pipeline, ron, created_ms) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![new.definition_hash, new.pipeline, new.definition, new.started_ms])?;
            db.prepare_cached(
                "INSERT INTO executions (id, pipeline, file, definition_hash, trigger_kind, trigger_detail,
                   variables, source_revisions, status, started_ms, owner_pid, owner_start)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                new.id,
                new.pipeline,
                new.file,
                new.definition_hash,
                new.trigger.kind.as_str(),
                new.trigger.detail,
                json(&new.variables)?,
                json(&new.source_revisions)?,
                ExecutionStatus::InProgress.as_str(),
                new.started_ms,
                owner.pid,
                owner.start,
            ])?;
            let mut insert_stage = db.prepare_cached(
                "INSERT INTO stage_executions (execution_id, stage, position) VALUES (?1, ?2, ?3)",
            )?;
            for (position, stage) in new.stages.iter().enumerate() {
                insert_stage.execute(params![new.id, stage, position as i64])?;
            }
        }
        Change::ExecutionWaiting {
            execution_id,
            stage,
            ..
        } => {
            db.prepare_cached("UPDATE executions SET waiting_for = ?2 WHERE id = ?1")?
                .execute(params![execution_id, stage])?;
        }
        Change::ExecutionStatus {
            execution_id,
            status,
            reason,
            at_ms,
        } => {
            let ended = status.is_final().then_some(*at_ms);
            db.prepare_cached(
                "UPDATE executions SET status = ?2, reason = COALESCE(?3, reason), ended_ms = ?4,
                   waiting_for = CASE WHEN ?4 IS NULL THEN waiting_for ELSE NULL END
                 WHERE id = ?1",
            )?
            .execute(params![execution_id, status.as_str(), reason, ended])?;
        }
        Change::StageStatus {
            execution_id,
            stage,
            status,
            reason,
            attempt,
            at_ms,
        } => {
            let ended = status.is_final().then_some(*at_ms);
            db.prepare_cached(
                "UPDATE stage_executions SET status = ?3, reason = ?4, attempt = ?5,
                   started_ms = CASE WHEN ?6 IS NULL THEN ?7 ELSE COALESCE(started_ms, ?7) END,
                   ended_ms = ?6
                 WHERE execution_id = ?1 AND stage = ?2",
            )?
            .execute(params![
                execution_id,
                stage,
                status.as_str(),
                reason,
                attempt,
                ended,
                at_ms
            ])?;
        }
        Change::AttemptStarted {
            key,
            provider,
            resolved_config,
            log_path,
            at_ms,
        } => {
            db.prepare_cached(
                "INSERT INTO action_attempts (execution_id, stage, action, attempt, provider, status,
                   resolved_config, log_path, started_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'InProgress', ?6, ?7, ?8)",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                provider,
                resolved_config,
                log_path,
                at_ms
            ])?;
        }
        Change::AttemptFinished {
            key,
            status,
            exit_code,
            summary,
            output_variables,
            warnings,
            reports,
            at_ms,
        } => {
            db.prepare_cached(
                "UPDATE action_attempts SET status = ?5, exit_code = ?6, summary = ?7,
                   output_variables = ?8, warnings = ?9, ended_ms = ?10, waiting = NULL
                 WHERE execution_id = ?1 AND stage = ?2 AND action = ?3 AND attempt = ?4",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                status.as_str(),
                exit_code,
                summary,
                json(output_variables)?,
                json(warnings)?,
                at_ms
            ])?;
            reports::insert(db, key, reports)?;
            db.prepare_cached(
                "DELETE FROM processes
                 WHERE execution_id = ?1 AND stage = ?2 AND action = ?3 AND attempt = ?4",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt
            ])?;
        }
        Change::AttemptWaiting { key, reason, .. } => {
            db.prepare_cached(
                "UPDATE action_attempts SET waiting = ?5
                 WHERE execution_id = ?1 AND stage = ?2 AND action = ?3 AND attempt = ?4",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                reason
            ])?;
        }
        Change::ApprovalRequested {
            key,
            message,
            review_url,
            expires_ms,
            at_ms,
        } => {
            db.prepare_cached(
                "INSERT INTO approvals (execution_id, stage, action, attempt, message, review_url,
                   requested_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                message,
                review_url,
                at_ms,
                expires_ms
            ])?;
        }
        Change::ApprovalDecided {
            key,
            approved,
            by,
            summary,
            at_ms,
        } => {
            db.prepare_cached(
                "UPDATE approvals SET approved = ?5, decided_by = ?6, summary = ?7, decided_ms = ?8
                 WHERE execution_id = ?1 AND stage = ?2 AND action = ?3 AND attempt = ?4",
            )?
            .execute(params![
                key.execution_id,
                key.stage,
                key.action,
                key.attempt,
                approved,
                by,
                summary,
                at_ms
            ])?;
        }
        Change::TransitionChanged {
            pipeline,
            stage,
            enabled,
            reason,
            by,
            at_ms,
        } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO transitions (pipeline, stage, enabled, reason, changed_by, changed_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![pipeline, stage, enabled, reason, by, at_ms])?;
        }
    }
    Ok(())
}
