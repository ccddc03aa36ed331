//! The database schema, as numbered migrations applied in order (`PRAGMA user_version`).

use rusqlite::{Connection, TransactionBehavior};

/// Each entry moves the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: executions, stages, attempts, approvals, transitions, processes, events.
    r#"
    CREATE TABLE definitions (
        hash TEXT PRIMARY KEY,
        pipeline TEXT NOT NULL,
        ron TEXT NOT NULL,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        pipeline TEXT NOT NULL,
        file TEXT NOT NULL,
        definition_hash TEXT NOT NULL REFERENCES definitions(hash),
        trigger_kind TEXT NOT NULL,
        trigger_detail TEXT NOT NULL,
        variables TEXT NOT NULL,
        source_revisions TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        waiting_for TEXT,
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        owner_pid INTEGER NOT NULL,
        owner_start TEXT NOT NULL
    );
    CREATE INDEX executions_by_pipeline ON executions (pipeline, started_ms);
    CREATE INDEX executions_by_status ON executions (status);
    CREATE TABLE stage_executions (
        execution_id TEXT NOT NULL REFERENCES executions(id),
        stage TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT,
        reason TEXT,
        attempt INTEGER NOT NULL DEFAULT 0,
        started_ms INTEGER,
        ended_ms INTEGER,
        PRIMARY KEY (execution_id, stage)
    );
    CREATE TABLE action_attempts (
        execution_id TEXT NOT NULL REFERENCES executions(id),
        stage TEXT NOT NULL,
        action TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        provider TEXT NOT NULL,
        status TEXT NOT NULL,
        exit_code INTEGER,
        resolved_config TEXT NOT NULL,
        output_variables TEXT NOT NULL DEFAULT '{}',
        log_path TEXT NOT NULL,
        summary TEXT,
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        PRIMARY KEY (execution_id, stage, action, attempt)
    );
    CREATE TABLE approvals (
        execution_id TEXT NOT NULL REFERENCES executions(id),
        stage TEXT NOT NULL,
        action TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        message TEXT,
        review_url TEXT,
        requested_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        approved INTEGER,
        decided_by TEXT,
        summary TEXT,
        decided_ms INTEGER,
        PRIMARY KEY (execution_id, stage, action, attempt)
    );
    CREATE TABLE transitions (
        pipeline TEXT NOT NULL,
        stage TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        reason TEXT,
        changed_by TEXT NOT NULL,
        changed_ms INTEGER NOT NULL,
        PRIMARY KEY (pipeline, stage)
    );
    CREATE TABLE processes (
        pgid INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        action TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        started_ms INTEGER NOT NULL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        execution_id TEXT,
        at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX events_by_execution ON events (execution_id, seq);
    "#,
    // 2: test reports per attempt, and warnings on attempts.
    r#"
    ALTER TABLE action_attempts ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE test_reports (
        execution_id TEXT NOT NULL REFERENCES executions(id),
        stage TEXT NOT NULL,
        action TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        file TEXT NOT NULL,
        tests INTEGER NOT NULL,
        failures INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        suites TEXT NOT NULL,
        PRIMARY KEY (execution_id, stage, action, attempt, file)
    );
    "#,
    // 3: the events table goes (nothing read it, and it was three quarters of the database:
    // the state tables hold every change); indexes that serve history's queries newest first,
    // per pipeline with or without a status, by status, and across pipelines.
    r#"
    DROP INDEX events_by_execution;
    DROP TABLE events;
    DROP INDEX executions_by_status;
    CREATE INDEX executions_by_status ON executions (status, started_ms);
    CREATE INDEX executions_by_pipeline_status ON executions (pipeline, status, started_ms);
    CREATE INDEX executions_by_started ON executions (started_ms);
    "#,
    // 4: what a running attempt waits for (a deploy target held by another execution).
    r#"
    ALTER TABLE action_attempts ADD COLUMN waiting TEXT;
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: usize = MIGRATIONS.len();

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The database was written by a newer Pipewright.
    #[error(
        "the database has schema version {found}, newer than this Pipewright understands ({CURRENT_VERSION}): update Pipewright"
    )]
    TooNew {
        /// The version found.
        found: usize,
    },
    /// The database was written by an older Pipewright and has not been upgraded yet (only a
    /// host upgrades it).
    #[error(
        "the database has schema version {found}, older than this Pipewright's ({CURRENT_VERSION}): run a pipeline in this workspace once to upgrade it"
    )]
    TooOld {
        /// The version found.
        found: usize,
    },
    /// SQLite refused a statement.
    #[error("database migration failed: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Applies the migrations the database does not have yet, each in its own transaction. The
/// version is read inside a write transaction, so two processes (or threads) opening the same
/// workspace at once do not both migrate.
pub fn migrate(connection: &mut Connection) -> Result<(), MigrationError> {
    loop {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let found = usize::try_from(found).unwrap_or(usize::MAX);
        if found > CURRENT_VERSION {
            return Err(MigrationError::TooNew { found });
        }
        let Some(sql) = MIGRATIONS.get(found) else {
            return Ok(());
        };
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", (found + 1) as i64)?;
        transaction.commit()?;
    }
}

fn version(connection: &Connection) -> Result<usize, MigrationError> {
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    Ok(usize::try_from(found).unwrap_or(usize::MAX))
}

/// Checks, without changing anything, that this build can read the database.
pub fn check_readable(connection: &Connection) -> Result<(), MigrationError> {
    match version(connection)? {
        found if found > CURRENT_VERSION => Err(MigrationError::TooNew { found }),
        found if found < CURRENT_VERSION => Err(MigrationError::TooOld { found }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(connection: &Connection) -> Vec<String> {
        let mut statement = connection
            .prepare(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name",
            )
            .expect("prepare");
        statement
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("names")
    }

    #[test]
    fn two_connections_opening_a_new_database_at_once_both_succeed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.db");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut connection = Connection::open(&path).expect("open");
                    connection
                        .busy_timeout(std::time::Duration::from_secs(10))
                        .expect("timeout");
                    migrate(&mut connection)
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("joined").expect("migrated");
        }
    }

    #[test]
    fn a_database_of_version_2_loses_its_events_table_and_gains_the_history_indexes() {
        let mut connection = Connection::open_in_memory().expect("open");
        for (index, sql) in MIGRATIONS.iter().enumerate().take(2) {
            connection.execute_batch(sql).expect("old schema");
            connection
                .pragma_update(None, "user_version", (index + 1) as i64)
                .expect("version");
        }
        connection
            .execute(
                "INSERT INTO events (execution_id, at_ms, kind, body) VALUES ('x', 1, 'k', '{}')",
                [],
            )
            .expect("an old event row");
        migrate(&mut connection).expect("migrates");
        let names = tables(&connection);
        assert!(!names.iter().any(|n| n.starts_with("events")), "{names:?}");
        assert!(names.contains(&"executions_by_pipeline_status".to_string()));
        assert!(names.contains(&"executions_by_started".to_string()));
    }
}
