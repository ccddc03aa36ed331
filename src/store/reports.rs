//! Test reports (from JUnit XML files) stored per action attempt.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::records::AttemptKey;
use super::{Store, StoreError};

/// How one test case ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseOutcome {
    /// It passed.
    Passed,
    /// An assertion failed.
    Failed {
        /// The failure message.
        message: String,
        /// Details such as a stack trace.
        details: String,
    },
    /// It crashed or could not run.
    Errored {
        /// The error message.
        message: String,
        /// Details such as a stack trace.
        details: String,
    },
    /// It was skipped.
    Skipped {
        /// Why.
        message: String,
    },
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCase {
    /// Its name.
    pub name: String,
    /// Its class or group, when the report gives one.
    pub classname: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
    /// How it ended.
    pub outcome: CaseOutcome,
}

/// A suite of test cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSuite {
    /// Its name.
    pub name: String,
    /// How long it took.
    pub duration_ms: i64,
    /// Its cases.
    pub cases: Vec<TestCase>,
}

/// The report read from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestReport {
    /// The report file, relative to the working copy.
    pub file: String,
    /// Its suites.
    pub suites: Vec<TestSuite>,
}

/// Counts of test cases by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// All cases.
    pub tests: u32,
    /// Passed.
    pub passed: u32,
    /// Failed.
    pub failures: u32,
    /// Errored.
    pub errors: u32,
    /// Skipped.
    pub skipped: u32,
    /// Summed suite durations.
    pub duration_ms: i64,
}

impl TestReport {
    /// Every case of every suite.
    pub fn cases(&self) -> impl Iterator<Item = (&TestSuite, &TestCase)> {
        self.suites
            .iter()
            .flat_map(|suite| suite.cases.iter().map(move |case| (suite, case)))
    }

    /// Counts by outcome.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals {
            duration_ms: self.suites.iter().map(|s| s.duration_ms).sum(),
            ..Totals::default()
        };
        for (_, case) in self.cases() {
            totals.tests += 1;
            match case.outcome {
                CaseOutcome::Passed => totals.passed += 1,
                CaseOutcome::Failed { .. } => totals.failures += 1,
                CaseOutcome::Errored { .. } => totals.errors += 1,
                CaseOutcome::Skipped { .. } => totals.skipped += 1,
            }
        }
        totals
    }
}

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
