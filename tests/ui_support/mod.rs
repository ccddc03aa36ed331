//! Helpers for the headless UI tests: the real app in an egui_kittest harness, with file
//! dialogs replaced by answers the test sets, and pointer gestures built from the screen
//! rectangles the app reports.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{Pos2, vec2};
use egui_kittest::Harness;
use pipewright::ui::services::Dialogs;
use pipewright::ui::{Launch, PipewrightApp};

/// File dialogs that answer with whatever the test put in.
#[derive(Default)]
pub struct FakeDialogs {
    pub folder: Mutex<Option<PathBuf>>,
    pub save: Mutex<Option<PathBuf>>,
}

impl Dialogs for FakeDialogs {
    fn pick_folder(&self, _ctx: &egui::Context, _start: &Path) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let _ = sender.send(self.folder.lock().expect("lock").take());
        receiver
    }

    fn save_file(
        &self,
        _ctx: &egui::Context,
        _start: &Path,
        _name: &str,
    ) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let _ = sender.send(self.save.lock().expect("lock").take());
        receiver
    }
}

/// A temporary workspace with the demo pipeline as `lighthouse.pipeline.ron` and an empty
/// `other.pipeline.ron`, plus a data folder.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub dialogs: Arc<FakeDialogs>,
}

impl Setup {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("ws")).expect("ws");
        std::fs::copy(
            "assets/demo/lighthouse.pipeline.ron",
            dir.path().join("ws/lighthouse.pipeline.ron"),
        )
        .expect("copy");
        std::fs::write(
            dir.path().join("ws/other.pipeline.ron"),
            "(name: \"other\", stages: [])\n",
        )
        .expect("write");
        Self {
            dir,
            dialogs: Arc::new(FakeDialogs::default()),
        }
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.workspace().join(name)
    }

    /// The app opened on `file` of the workspace.
    pub fn app(&self, file: &str) -> Harness<'static, PipewrightApp> {
        let launch = Launch {
            workspace: None,
            file: Some(self.file(file)),
            data_dir: self.dir.path().join("data"),
            dialogs: self.dialogs.clone(),
        };
        let mut harness = Harness::builder()
            .with_size(vec2(1440.0, 900.0))
            .build_eframe(move |cc| PipewrightApp::new(cc, launch));
        harness.run();
        harness
    }
}

/// Presses at `from`, moves in steps to `to`, releases there.
pub fn drag(harness: &mut Harness<'static, PipewrightApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.drag_at(from);
    for step in 1..=4 {
        harness.hover_at(from + (to - from) * (step as f32 / 4.0));
    }
    harness.hover_at(to);
    harness.drop_at(to);
    harness.run();
}

/// Steps the app until `done` holds (for things that arrive from other threads).
pub fn wait_until(
    harness: &mut Harness<'static, PipewrightApp>,
    what: &str,
    done: impl Fn(&PipewrightApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}
