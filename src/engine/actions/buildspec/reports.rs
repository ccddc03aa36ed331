//! A buildspec's report groups: the files each names, read by their `file-format` (JUnit XML
//! through the engine's JUnit reader, Cucumber JSON through serde_json). A report that cannot
//! be read is a warning, never a failure.

use std::path::Path;

use walkdir::WalkDir;

use crate::engine::test_reports;
use crate::execution::{CaseOutcome, TestCase, TestReport, TestSuite};
use crate::model::buildspec::{Buildspec, ReportFormat, ReportGroup};
use crate::store::artifacts::{glob_set, join_inside};

/// The reports found, and a warning per file or group that could not be read.
#[derive(Debug, Default)]
pub struct Found {
    /// Parsed reports.
    pub reports: Vec<TestReport>,
    /// One sentence each.
    pub warnings: Vec<String>,
}

/// Reads every report group of `spec` under `src_dir`.
pub fn collect(spec: &Buildspec, src_dir: &Path) -> Found {
    let mut found = Found::default();
    for (group, report) in &spec.reports {
        if let Err(warning) = read_group(group, report, src_dir, &mut found) {
            found
                .warnings
                .push(format!("report group {group}: {warning}"));
        }
    }
    found
}

fn read_group(
    group: &str,
    report: &ReportGroup,
    src_dir: &Path,
    found: &mut Found,
) -> Result<(), String> {
    let base = match &report.base_directory {
        Some(relative) => join_inside(src_dir, relative)
            .ok_or_else(|| format!("base-directory {relative:?} leaves the source folder"))?,
        None => src_dir.to_path_buf(),
    };
    let matcher = glob_set(&report.files).map_err(|e| e.to_string())?;
    let mut files: Vec<_> = WalkDir::new(&base)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(&base).ok()?.to_path_buf();
            matcher.is_match(&relative).then_some(relative)
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no report file matches {}",
            report.files.join(", ")
        ));
    }
    for relative in files {
        let shown = if report.discard_paths {
            relative
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            relative.to_string_lossy().into_owned()
        };
        let name = format!("{group}/{shown}");
        let path = base.join(&relative);
        let parsed = match report.file_format {
            ReportFormat::JunitXml => test_reports::parse(&path, &name),
            ReportFormat::CucumberJson => cucumber(&path, &name),
            other => Err(format!(
                "{other:?} reports are not read on this machine yet: use JUNITXML or CUCUMBERJSON"
            )),
        };
        match parsed {
            Ok(report) => found.reports.push(report),
            Err(error) => found.warnings.push(format!("report {name}: {error}")),
        }
    }
    Ok(())
}

/// Reads a Cucumber JSON report: features become suites, scenarios cases; a scenario fails
/// when a step failed, is skipped when a step was skipped or pending, passes otherwise.
fn cucumber(path: &Path, name: &str) -> Result<TestReport, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let features: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| format!("not Cucumber JSON: {e}"))?;
    let mut suites = Vec::new();
    for feature in &features {
        let feature_name = feature["name"].as_str().unwrap_or("feature").to_string();
        let mut cases = Vec::new();
        for scenario in feature["elements"].as_array().into_iter().flatten() {
            let mut duration_ns: u64 = 0;
            let mut outcome = CaseOutcome::Passed;
            for step in scenario["steps"].as_array().into_iter().flatten() {
                let result = &step["result"];
                duration_ns += result["duration"].as_u64().unwrap_or(0);
                match result["status"].as_str().unwrap_or("") {
                    "failed" => {
                        outcome = CaseOutcome::Failed {
                            message: format!(
                                "step failed: {}",
                                step["name"].as_str().unwrap_or("?")
                            ),
                            details: result["error_message"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                        }
                    }
                    "skipped" | "pending" | "undefined"
                        if matches!(outcome, CaseOutcome::Passed) =>
                    {
                        outcome = CaseOutcome::Skipped {
                            message: format!(
                                "step {}: {}",
                                step["name"].as_str().unwrap_or("?"),
                                result["status"].as_str().unwrap_or("skipped")
                            ),
                        }
                    }
                    _ => {}
                }
            }
            cases.push(TestCase {
                name: scenario["name"].as_str().unwrap_or("scenario").to_string(),
                classname: Some(feature_name.clone()),
                duration_ms: (duration_ns / 1_000_000) as i64,
                outcome,
            });
        }
        suites.push(TestSuite {
            name: feature_name,
            duration_ms: cases.iter().map(|c| c.duration_ms).sum(),
            cases,
        });
    }
    if suites.iter().all(|suite| suite.cases.is_empty()) {
        return Err("it contains no scenarios".into());
    }
    Ok(TestReport {
        file: name.to_string(),
        suites,
    })
}
