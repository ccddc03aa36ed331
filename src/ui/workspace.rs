//! The open workspace folder: its pipeline files, kept up to date by a file watcher (which
//! wakes the UI only when something changed, so an idle window stays idle).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use notify::{RecursiveMode, Watcher};

use crate::model::workspace::pipeline_files;

/// Whether an event is a change worth looking at: not a read (listing the folder is one,
/// and reacting to it would wake the UI forever) and not a change of permissions or times.
pub fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(modify) => !matches!(modify, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// A workspace folder.
pub struct WorkspaceView {
    root: PathBuf,
    files: Vec<PathBuf>,
    changes: Receiver<()>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl WorkspaceView {
    /// Opens `root` and starts watching it; says why when it cannot watch.
    pub fn open(root: &Path, ctx: &egui::Context) -> (Self, Option<String>) {
        let (sender, changes) = channel();
        let ctx = ctx.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|event| changes_content(&event.kind)) {
                let _ = sender.send(());
                ctx.request_repaint();
            }
        })
        .and_then(|mut watcher| {
            watcher
                .watch(root, RecursiveMode::NonRecursive)
                .map(|()| watcher)
        })
        .map_err(|error| {
            format!(
                "Not watching {} for changes ({error}): files changed elsewhere show after a reopen",
                root.display()
            )
        });
        let (watcher, problem) = match watcher {
            Ok(watcher) => (Some(watcher), None),
            Err(problem) => (None, Some(problem)),
        };
        let view = Self {
            root: root.to_path_buf(),
            files: pipeline_files(root),
            changes,
            _watcher: watcher,
        };
        (view, problem)
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder's name, for the title.
    pub fn name(&self) -> String {
        self.root.file_name().map_or_else(
            || self.root.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    }

    /// The pipeline files, sorted.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Lists the files again.
    pub fn rescan(&mut self) {
        self.files = pipeline_files(&self.root);
    }

    /// Whether something in the folder changed since the last call (the list is refreshed).
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        while self.changes.try_recv().is_ok() {
            changed = true;
        }
        if changed {
            self.rescan();
        }
        changed
    }
}
