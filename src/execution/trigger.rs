//! What started an execution.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kinds of things that start executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TriggerKind {
    /// A person (app, `pipewright run`).
    Manual,
    /// New commits or tags in a watched git repository.
    GitChange,
    /// A watched folder changed.
    FolderChange,
    /// A cron schedule fired.
    Schedule,
}

impl TriggerKind {
    /// Every kind, in the order menus list them.
    pub const ALL: [TriggerKind; 4] = [
        TriggerKind::Manual,
        TriggerKind::GitChange,
        TriggerKind::FolderChange,
        TriggerKind::Schedule,
    ];

    /// The name stored in history.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::Manual => "Manual",
            TriggerKind::GitChange => "GitChange",
            TriggerKind::FolderChange => "FolderChange",
            TriggerKind::Schedule => "Schedule",
        }
    }

    /// The kind with this stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for TriggerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What started an execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// The kind.
    pub kind: TriggerKind,
    /// A sentence such as "push to main by Ada: 1a2b3c4" or "started by ada".
    pub detail: String,
}

impl Trigger {
    /// A start by a person.
    pub fn manual(by: &str) -> Self {
        Self {
            kind: TriggerKind::Manual,
            detail: format!("started by {by}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in TriggerKind::ALL {
            assert_eq!(TriggerKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TriggerKind::parse("manual"), None);
    }
}
