//! Test reports an action wrote (read from JUnit XML files), as suites of cases.

use serde::{Deserialize, Serialize};

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

    /// Calls `visit` on the report's names and messages (see [`super::Change::for_each_text`]).
    pub fn for_each_text(&mut self, visit: &mut dyn FnMut(&mut String)) {
        for suite in &mut self.suites {
            visit(&mut suite.name);
            for case in &mut suite.cases {
                visit(&mut case.name);
                case.classname.iter_mut().for_each(&mut *visit);
                match &mut case.outcome {
                    CaseOutcome::Passed => {}
                    CaseOutcome::Failed { message, details }
                    | CaseOutcome::Errored { message, details } => {
                        visit(message);
                        visit(details);
                    }
                    CaseOutcome::Skipped { message } => visit(message),
                }
            }
        }
    }
}
