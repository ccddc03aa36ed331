//! Triggers: what starts a pipeline by itself (new commits, folder changes, schedules), as
//! written in the `triggers` section of a pipeline file. Watching lives in `crate::watch`.

pub mod check;
pub mod filter;
pub mod schedule;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::duration::Duration;
pub use filter::{Filter, GlobFilter};
pub use schedule::Schedule;

/// How often a remote repository is asked for new commits unless the trigger says otherwise.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);
/// How long a folder must stay quiet before a change fires, unless the trigger says otherwise.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_secs(2);

/// One trigger of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TriggerSpec {
    /// New commits or tags in the repository of a Git source action.
    GitChange(GitTrigger),
    /// Changes under the folder of a Folder source action.
    FolderChange(FolderTrigger),
    /// A cron schedule.
    Schedule(ScheduleTrigger),
}

impl TriggerSpec {
    /// The trigger kind as recorded with executions: `GitChange`, `FolderChange`, `Schedule`.
    pub fn kind(&self) -> &'static str {
        match self {
            TriggerSpec::GitChange(_) => "GitChange",
            TriggerSpec::FolderChange(_) => "FolderChange",
            TriggerSpec::Schedule(_) => "Schedule",
        }
    }

    /// The source action it watches (none for a schedule).
    pub fn source(&self) -> Option<&str> {
        match self {
            TriggerSpec::GitChange(git) => Some(&git.source),
            TriggerSpec::FolderChange(folder) => Some(&folder.source),
            TriggerSpec::Schedule(_) => None,
        }
    }

    /// A short description for lists: `GitChange on Checkout`, `Schedule 0 2 * * *`.
    pub fn summary(&self) -> String {
        match self {
            TriggerSpec::GitChange(git) => format!("GitChange on {}", git.source),
            TriggerSpec::FolderChange(folder) => format!("FolderChange on {}", folder.source),
            TriggerSpec::Schedule(schedule) => format!("Schedule {}", schedule.cron),
        }
    }
}

/// CodePipeline V2's push trigger, for a local or remote repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitTrigger {
    /// The Git source action whose repository is watched (its first-stage action name).
    pub source: String,
    /// Branches whose new commits fire. Without `branches` and `tags`, the source action's
    /// own branch is watched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branches: Option<Filter>,
    /// Tags whose creation (or move) fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Filter>,
    /// A push fires only when a changed file passes this filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_paths: Option<Filter>,
    /// How often a remote repository is polled with `git ls-remote` (default 60s; a local
    /// repository is watched for ref changes and polled as a fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval: Option<Duration>,
}

/// Changes under a Folder source's folder (or to its `.zip` file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderTrigger {
    /// The Folder source action whose path is watched.
    pub source: String,
    /// Globs (relative to the folder) of files whose changes are ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// How long the folder must stay quiet before the change fires (default 2s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debounce: Option<Duration>,
}

/// A start on a cron schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleTrigger {
    /// Five fields (minute hour day month weekday) or six (with seconds first).
    pub cron: String,
    /// An IANA time zone such as `Europe/Paris` or `UTC` (default: this machine's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Pipeline variable values for the executions it starts.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub variables: IndexMap<String, String>,
}
