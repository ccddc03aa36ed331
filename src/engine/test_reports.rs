//! Reads the JUnit XML test reports an action wrote. A report that cannot be read is a
//! warning on the attempt, never a failure.

use std::path::Path;

use walkdir::WalkDir;

use crate::execution::{CaseOutcome, TestCase, TestReport, TestSuite};
use crate::store::artifacts::glob_set;

/// What was found: the reports, and a warning per file that could not be read.
#[derive(Debug, Default)]
pub struct Found {
    /// Parsed reports, by file.
    pub reports: Vec<TestReport>,
    /// One sentence per unreadable file.
    pub warnings: Vec<String>,
}

/// Finds the files under `work` matching `globs`, parses them, and keeps a copy of each in
/// `keep` (the attempt's reports folder).
pub fn collect(work: &Path, globs: &[String], keep: &Path) -> Found {
    let mut found = Found::default();
    if globs.is_empty() {
        return found;
    }
    let matcher = match glob_set(globs) {
        Ok(matcher) => matcher,
        Err(error) => {
            found.warnings.push(format!("test report globs: {error}"));
            return found;
        }
    };
    let mut files: Vec<_> = WalkDir::new(work)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(work).ok()?.to_path_buf();
            matcher.is_match(&relative).then_some(relative)
        })
        .collect();
    files.sort();
    if files.is_empty() {
        found
            .warnings
            .push(format!("no test report matches {}", globs.join(", ")));
    }
    for relative in files {
        let name = relative.to_string_lossy().into_owned();
        let source = work.join(&relative);
        let copy = keep.join(&relative);
        if let Some(parent) = copy.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::copy(&source, &copy);
        match parse(&source, &name) {
            Ok(report) => found.reports.push(report),
            Err(error) => found.warnings.push(format!(
                "test report {name} is not valid JUnit XML: {error}"
            )),
        }
    }
    found
}

/// Parses one JUnit XML file.
pub fn parse(path: &Path, name: &str) -> Result<TestReport, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let parsed = junit_parser::from_reader(std::io::BufReader::new(file)).map_err(|error| {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        text
    })?;
    let mut suites = Vec::new();
    for suite in parsed.suites {
        flatten(suite, &mut suites);
    }
    if suites.iter().all(|suite| suite.cases.is_empty()) {
        return Err("it contains no test cases".into());
    }
    Ok(TestReport {
        file: name.to_string(),
        suites,
    })
}

fn millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

fn flatten(suite: junit_parser::TestSuite, out: &mut Vec<TestSuite>) {
    let cases = suite
        .cases
        .into_iter()
        .map(|case| TestCase {
            name: case.original_name,
            classname: case.classname,
            duration_ms: millis(case.time),
            outcome: match case.status {
                junit_parser::TestStatus::Success => CaseOutcome::Passed,
                junit_parser::TestStatus::Failure(failure) => CaseOutcome::Failed {
                    message: failure.message,
                    details: failure.text,
                },
                junit_parser::TestStatus::Error(error) => CaseOutcome::Errored {
                    message: error.message,
                    details: error.text,
                },
                junit_parser::TestStatus::Skipped(skipped) => CaseOutcome::Skipped {
                    message: skipped.message,
                },
            },
        })
        .collect();
    out.push(TestSuite {
        name: suite.name,
        duration_ms: millis(suite.time),
        cases,
    });
    for nested in suite.suites {
        flatten(nested, out);
    }
}
