//! Test reports stored per action attempt (the `test_reports` table).

use rusqlite::params;

use super::{Store, StoreError};
use crate::execution::{AttemptKey, TestReport};

impl Store {
    /// The test reports of an execution, with the attempt each belongs to.
    pub fn test_reports(
        &self,
        execution_id: &str,
    ) -> Result<Vec<(AttemptKey, TestReport)>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT execution_id, stage, action, attempt, file, suites FROM test_reports
             WHERE execution_id = ?1 ORDER BY stage, action, attempt, file",
        )?;
        let rows = statement.query_map(params![execution_id], |row| {
            Ok((
                AttemptKey {
                    execution_id: row.get(0)?,
                    stage: row.get(1)?,
                    action: row.get(2)?,
                    attempt: row.get(3)?,
                },
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, file, suites) = row?;
            let suites = serde_json::from_str(&suites)
                .map_err(|e| StoreError::Corrupt(format!("test report {file}: {e}")))?;
            out.push((key, TestReport { file, suites }));
        }
        Ok(out)
    }
}

/// Writes the reports of one attempt (inside the caller's transaction).
pub(super) fn insert(
    db: &rusqlite::Connection,
    key: &AttemptKey,
    reports: &[TestReport],
) -> Result<(), StoreError> {
    let mut statement = db.prepare_cached(
        "INSERT OR REPLACE INTO test_reports (execution_id, stage, action, attempt, file, tests,
           failures, errors, skipped, duration_ms, suites)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for report in reports {
        let totals = report.totals();
        let suites = serde_json::to_string(&report.suites)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        statement.execute(params![
            key.execution_id,
            key.stage,
            key.action,
            key.attempt,
            report.file,
            totals.tests,
            totals.failures,
            totals.errors,
            totals.skipped,
            totals.duration_ms,
            suites
        ])?;
    }
    Ok(())
}
