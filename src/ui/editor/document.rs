//! The pipeline file being edited: its content, undo and redo grouped by gesture, whether it
//! differs from the file, and whether the file changed under us. Saving writes only what
//! changed into the file's own text, so its comments and layout survive.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::model::ron_io::{self, LoadError, LoadedPipeline, SaveError};
use crate::model::workspace::{missing_sources, name_problem};
use crate::model::{Pipeline, Problem, validate};

/// The most undo steps kept.
const UNDO_LIMIT: usize = 200;

/// What the file looked like when we last read or wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DiskStamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl DiskStamp {
    fn of(path: &Path) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(Self {
            modified: metadata.modified().ok(),
            len: metadata.len(),
        })
    }
}

/// The rules' problems, a name that is not the file's, and the sources missing from the
/// file's folder.
fn problems_of(path: &Path, pipeline: &Pipeline) -> Vec<Problem> {
    let mut problems: Vec<Problem> = name_problem(path, pipeline).into_iter().collect();
    problems.extend(validate(pipeline));
    let root = path.parent().unwrap_or(Path::new("."));
    problems.extend(missing_sources(root, pipeline));
    problems
}

/// An open pipeline file.
pub struct Document {
    path: PathBuf,
    pipeline: Pipeline,
    saved: Pipeline,
    /// The file's text as last read or written; it means `saved`.
    source: String,
    stamp: Option<DiskStamp>,
    undo: Vec<Pipeline>,
    redo: Vec<Pipeline>,
    group: Option<String>,
    revision: u64,
    problems: Vec<Problem>,
}

impl Document {
    /// Reads a pipeline file.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let LoadedPipeline {
            pipeline, source, ..
        } = ron_io::load(path)?;
        let problems = problems_of(path, &pipeline);
        Ok(Self {
            path: path.to_path_buf(),
            saved: pipeline.clone(),
            pipeline,
            source,
            stamp: DiskStamp::of(path),
            undo: Vec::new(),
            redo: Vec::new(),
            group: None,
            revision: 0,
            problems,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's name, for titles.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
    }

    /// The pipeline as edited.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Increases with every change, so views know when to rebuild.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The validation problems of the pipeline as edited.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether there are edits that are not in the file.
    pub fn is_dirty(&self) -> bool {
        self.pipeline != self.saved
    }

    /// Changes the pipeline. Edits with the same `group` that follow each other (typing
    /// into one field) make one undo step; `None` always makes a new step.
    pub fn edit<R>(&mut self, group: Option<&str>, change: impl FnOnce(&mut Pipeline) -> R) -> R {
        let continues = group.is_some() && self.group.as_deref() == group;
        let before = (!continues).then(|| self.pipeline.clone());
        let result = change(&mut self.pipeline);
        if let Some(before) = before {
            if before == self.pipeline {
                return result;
            }
            self.undo.push(before);
            if self.undo.len() > UNDO_LIMIT {
                self.undo.remove(0);
            }
        }
        self.group = group.map(str::to_string);
        self.redo.clear();
        self.changed();
        result
    }

    /// Ends the current gesture: the next edit starts a new undo step.
    pub fn end_group(&mut self) {
        self.group = None;
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Goes back one step.
    pub fn undo(&mut self) -> bool {
        let Some(previous) = self.undo.pop() else {
            return false;
        };
        self.redo
            .push(std::mem::replace(&mut self.pipeline, previous));
        self.group = None;
        self.changed();
        true
    }

    /// Goes forward one step.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo.push(std::mem::replace(&mut self.pipeline, next));
        self.group = None;
        self.changed();
        true
    }

    fn changed(&mut self) {
        self.revision += 1;
        self.problems = problems_of(&self.path, &self.pipeline);
    }

    /// Writes the pipeline to its file: only the text of what changed is rewritten.
    pub fn save(&mut self) -> Result<(), SaveError> {
        let path = self.path.clone();
        self.save_as(&path)
    }

    /// Writes the pipeline to `path`, which becomes the document's file. The text is the
    /// file's own, with only the text of what changed rewritten.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        self.source = ron_io::save_edit(path, &self.source, &self.saved, &self.pipeline)?;
        self.path = path.to_path_buf();
        self.problems = problems_of(&self.path, &self.pipeline);
        self.saved = self.pipeline.clone();
        self.stamp = DiskStamp::of(path);
        self.group = None;
        self.revision += 1;
        Ok(())
    }

    /// Whether the file changed since we last read or wrote it.
    pub fn changed_on_disk(&self) -> bool {
        DiskStamp::of(&self.path) != self.stamp
    }

    /// Reads the file again; the edits it replaces can be undone.
    pub fn reload(&mut self) -> Result<(), LoadError> {
        let loaded = ron_io::load(&self.path)?;
        self.stamp = DiskStamp::of(&self.path);
        self.saved = loaded.pipeline.clone();
        self.source = loaded.source;
        if self.pipeline != loaded.pipeline {
            self.undo
                .push(std::mem::replace(&mut self.pipeline, loaded.pipeline));
            self.redo.clear();
        }
        self.group = None;
        self.changed();
        Ok(())
    }

    /// Keeps the edits and forgets that the file changed (saving will overwrite it).
    pub fn keep_edits(&mut self) {
        self.stamp = DiskStamp::of(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> (tempfile::TempDir, Document) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pipeline.ron");
        std::fs::write(&path, "(name: \"p\", stages: [])").unwrap();
        let document = Document::open(&path).unwrap();
        (dir, document)
    }

    #[test]
    fn typing_in_one_field_is_one_undo_step() {
        let (_dir, mut doc) = document();
        for name in ["a", "ab", "abc"] {
            doc.edit(Some("name"), |p| p.name = name.into());
        }
        doc.end_group();
        doc.edit(Some("name"), |p| p.name = "other".into());
        assert!(doc.undo());
        assert_eq!(doc.pipeline().name, "abc");
        assert!(doc.undo());
        assert_eq!(doc.pipeline().name, "p");
        assert!(!doc.undo());
        assert!(doc.redo());
        assert_eq!(doc.pipeline().name, "abc");
    }

    #[test]
    fn dirty_until_saved_and_a_repeated_value_is_not_an_edit() {
        let (_dir, mut doc) = document();
        assert!(!doc.is_dirty());
        doc.edit(None, |p| p.name = "q".into());
        assert!(doc.is_dirty());
        doc.save().unwrap();
        assert!(!doc.is_dirty());
        assert!(!doc.changed_on_disk());
        doc.edit(None, |p| p.name = "q".into());
        assert!(!doc.can_redo());
    }

    #[test]
    fn a_change_on_disk_is_noticed_and_reloading_can_be_undone() {
        let (_dir, mut doc) = document();
        std::fs::write(doc.path(), "(name: \"from-outside\", stages: [])").unwrap();
        assert!(doc.changed_on_disk());
        doc.reload().unwrap();
        assert_eq!(doc.pipeline().name, "from-outside");
        assert!(!doc.is_dirty());
        assert!(doc.undo());
        assert_eq!(doc.pipeline().name, "p");
    }

    #[test]
    fn saving_keeps_the_comments_of_the_file_read_last() {
        let (_dir, mut doc) = document();
        let text = "// mine\n(\n    name: \"p\", // the name\n    stages: [],\n)\n";
        std::fs::write(doc.path(), text).unwrap();
        doc.reload().unwrap();
        doc.edit(None, |p| p.name = "q".into());
        doc.save().unwrap();
        assert_eq!(
            std::fs::read_to_string(doc.path()).unwrap(),
            text.replace("\"p\"", "\"q\"")
        );
    }
}
