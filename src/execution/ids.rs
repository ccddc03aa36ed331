//! Names of an execution, of an action within a pipeline, and of one attempt of an action.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How many characters of an execution id people see (like a short git commit id).
pub const SHORT_ID_LEN: usize = 8;

/// An execution's id (a UUID in text form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExecutionId(String);

impl ExecutionId {
    /// A new random id.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first eight characters, as shown in lists and messages.
    pub fn short(&self) -> &str {
        short_id(&self.0)
    }
}

/// The first eight characters of an execution id given as text.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(SHORT_ID_LEN) {
        Some((end, _)) => &id[..end],
        None => id,
    }
}

impl fmt::Display for ExecutionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for ExecutionId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ExecutionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ExecutionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<String> for ExecutionId {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for ExecutionId {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl From<ExecutionId> for String {
    fn from(id: ExecutionId) -> Self {
        id.0
    }
}

impl PartialEq<str> for ExecutionId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ExecutionId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for ExecutionId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl rusqlite::ToSql for ExecutionId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl rusqlite::types::FromSql for ExecutionId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        String::column_result(value).map(Self)
    }
}

/// An action within a pipeline: its stage's name and its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActionId {
    /// The stage's name.
    pub stage: String,
    /// The action's name.
    pub action: String,
}

impl ActionId {
    /// The action `action` of stage `stage`.
    pub fn new(stage: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            stage: stage.into(),
            action: action.into(),
        }
    }

    /// Reads `STAGE/ACTION` (stage names cannot contain `/`; the action name may).
    pub fn parse(text: &str) -> Option<Self> {
        let (stage, action) = text.split_once('/')?;
        (!stage.is_empty() && !action.is_empty()).then(|| Self::new(stage, action))
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.stage, self.action)
    }
}

/// Identifies one attempt of one action in one execution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttemptKey {
    /// The execution.
    pub execution_id: ExecutionId,
    /// The stage's name.
    pub stage: String,
    /// The action's name.
    pub action: String,
    /// 1 for the first run, 2 for the first retry, ...
    pub attempt: u32,
}

impl AttemptKey {
    /// The action this is an attempt of.
    pub fn action_id(&self) -> ActionId {
        ActionId::new(&self.stage, &self.action)
    }

    /// Whether this is an attempt of `action`.
    pub fn is_of(&self, action: &ActionId) -> bool {
        self.stage == action.stage && self.action == action.action
    }
}

impl fmt::Display for AttemptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.stage, self.action)?;
        if self.attempt > 1 {
            write!(f, " (attempt {})", self.attempt)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_eight_characters_or_the_whole_id() {
        let id = ExecutionId::from("0123456789abcdef");
        assert_eq!(id.short(), "01234567");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id("ééééééééé"), "éééééééé");
    }

    #[test]
    fn action_ids_read_stage_slash_action() {
        assert_eq!(
            ActionId::parse("Deploy/Site/Main"),
            Some(ActionId::new("Deploy", "Site/Main"))
        );
        assert_eq!(ActionId::parse("Deploy"), None);
        assert_eq!(ActionId::parse("/Site"), None);
        assert_eq!(ActionId::new("A", "B").to_string(), "A/B");
    }
}
