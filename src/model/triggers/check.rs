//! The rules for a pipeline's `triggers` section: each trigger names a source action of the
//! right provider, its globs and cron line are valid, its intervals are in range, and a
//! schedule sets only declared variables.

use super::filter::{Filter, check_glob};
use super::{Schedule, TriggerSpec};
use crate::model::{Duration, Pipeline, ProviderKind};

/// Polling a remote repository more often than this is refused.
const MIN_POLL: Duration = Duration::from_secs(10);
/// Waiting longer than a day between polls is refused.
const MAX_POLL: Duration = Duration::from_days(1);
/// The longest quiet time a folder trigger may wait for.
const MAX_DEBOUNCE: Duration = Duration::from_secs(3_600);

/// Every problem in `pipeline.triggers`, as (path, message).
pub fn check(pipeline: &Pipeline) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (index, trigger) in pipeline.triggers.iter().enumerate() {
        let path = format!("triggers[{index}]");
        let mut report = |field: &str, message: String| {
            let at = if field.is_empty() {
                path.clone()
            } else {
                format!("{path}.{field}")
            };
            problems.push((at, message));
        };
        match trigger {
            TriggerSpec::GitChange(git) => {
                if let Err(message) = source(pipeline, &git.source, ProviderKind::Git) {
                    report("source", message);
                }
                for (field, filter) in [
                    ("branches", &git.branches),
                    ("tags", &git.tags),
                    ("file_paths", &git.file_paths),
                ] {
                    if let Some(filter) = filter {
                        check_filter(filter, &mut |part, message| {
                            report(&format!("{field}.{part}"), message)
                        });
                    }
                }
                if let Some(every) = git.poll_interval
                    && !(MIN_POLL..=MAX_POLL).contains(&every)
                {
                    report(
                        "poll_interval",
                        format!("poll_interval {every} is out of range: use 10s to 1d"),
                    );
                }
            }
            TriggerSpec::FolderChange(folder) => {
                if let Err(message) = source(pipeline, &folder.source, ProviderKind::Folder) {
                    report("source", message);
                }
                for (item, pattern) in folder.exclude.iter().enumerate() {
                    if let Err(message) = check_glob(pattern) {
                        report(&format!("exclude[{item}]"), message);
                    }
                }
                if let Some(quiet) = folder.debounce
                    && (quiet.as_secs() == 0 || quiet > MAX_DEBOUNCE)
                {
                    report(
                        "debounce",
                        format!("debounce {quiet} is out of range: use 1s to 1h"),
                    );
                }
            }
            TriggerSpec::Schedule(schedule) => {
                if let Err(message) = Schedule::parse(&schedule.cron, None) {
                    report("cron", message);
                }
                if let Some(zone) = &schedule.timezone
                    && let Err(message) = Schedule::parse("0 0 * * *", Some(zone))
                {
                    report("timezone", message);
                }
                for name in schedule.variables.keys() {
                    if !pipeline.variables.iter().any(|v| &v.name == name) {
                        report(
                            &format!("variables.{name}"),
                            format!(
                                "the pipeline declares no variable \"{name}\": declare it under variables or remove it here"
                            ),
                        );
                    }
                }
            }
        }
    }
    problems
}

/// Finds the source action `name` and checks that its provider is `kind`.
fn source(pipeline: &Pipeline, name: &str, kind: ProviderKind) -> Result<(), String> {
    let provider = kind.as_str();
    match pipeline
        .source_action(name)
        .map(|action| action.provider.kind())
    {
        None => Err(format!(
            "there is no source action \"{name}\" in the first stage: name a {provider} source action"
        )),
        Some(found) if found == kind => Ok(()),
        Some(other) => Err(format!(
            "\"{name}\" is a {} action: this trigger needs a {provider} source",
            other.as_str()
        )),
    }
}

fn check_filter(filter: &Filter, report: &mut impl FnMut(&str, String)) {
    for (list, patterns) in [
        ("includes", &filter.includes),
        ("excludes", &filter.excludes),
    ] {
        for (item, pattern) in patterns.iter().enumerate() {
            if let Err(message) = check_glob(pattern) {
                report(&format!("{list}[{item}]"), message);
            }
        }
    }
}
