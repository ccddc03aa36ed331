//! What an import or an export did, item by item, each with the path of its source (for
//! example `Resources.Pipeline.Properties.Stages[2].Actions[0]`).

use std::fmt;

/// How an item came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It runs here as a Pipewright provider or field.
    Mapped,
    /// It is kept for export but runs on AWS only (skipped here).
    Foreign,
    /// It is kept and shown but not run yet (stage conditions).
    NotRun,
    /// A value that could not be resolved: a readable placeholder stands in for it.
    Placeholder,
    /// Something to do before it runs here (map a repository, a program, a secret).
    ToDo,
    /// Dropped: it has no place on the other side.
    Lost,
    /// Worth knowing, nothing to do.
    Note,
}

impl Outcome {
    /// A short word for the outcome, as the report prints it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Mapped => "mapped",
            Outcome::Foreign => "AWS only",
            Outcome::NotRun => "not run",
            Outcome::Placeholder => "placeholder",
            Outcome::ToDo => "to do",
            Outcome::Lost => "lost",
            Outcome::Note => "note",
        }
    }
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where in the source (import) or the pipeline (export) it is.
    pub path: String,
    /// How it came through.
    pub outcome: Outcome,
    /// What happened and, where there is something to do, what.
    pub text: String,
}

/// The lines of a report, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every item.
    pub items: Vec<Item>,
}

impl Report {
    /// Adds a line.
    pub fn add(&mut self, path: impl Into<String>, outcome: Outcome, text: impl Into<String>) {
        self.items.push(Item {
            path: path.into(),
            outcome,
            text: text.into(),
        });
    }

    /// The lines with this outcome.
    pub fn with(&self, outcome: Outcome) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(move |item| item.outcome == outcome)
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.path, self.outcome.label(), self.text)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(f, "{item}")?;
        }
        Ok(())
    }
}
