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
use egui_kittest::kittest::Queryable;
use pipewright::ui::services::{Dialogs, Notifier};
use pipewright::ui::{Launch, PipewrightApp};

/// File dialogs that answer with whatever the test put in.
#[derive(Default)]
pub struct FakeDialogs {
    pub folder: Mutex<Option<PathBuf>>,
    pub save: Mutex<Option<PathBuf>>,
    pub pick: Mutex<Option<PathBuf>>,
    pub opened: Mutex<Vec<PathBuf>>,
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

    fn pick_file(&self, _ctx: &egui::Context, _start: &Path) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let _ = sender.send(self.pick.lock().expect("lock").take());
        receiver
    }

    fn save_export(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>> {
        self.save_file(ctx, start, name)
    }

    fn open_folder(&self, folder: &Path) -> std::io::Result<()> {
        self.opened.lock().expect("lock").push(folder.to_path_buf());
        Ok(())
    }
}

/// Notifications, recorded instead of shown.
#[derive(Default)]
pub struct RecordingNotifier {
    pub shown: Mutex<Vec<(String, String)>>,
}

impl Notifier for RecordingNotifier {
    fn notify(&self, title: &str, body: &str) {
        self.shown
            .lock()
            .expect("lock")
            .push((title.to_string(), body.to_string()));
    }
}

/// A temporary workspace with the demo pipeline as `lighthouse.pipeline.ron` (and an empty
/// `lighthouse-site` folder for its source) and an empty `other.pipeline.ron`, plus a data
/// folder.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub dialogs: Arc<FakeDialogs>,
    pub notifier: Arc<RecordingNotifier>,
}

impl Setup {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        // The demo pipeline's source folder, so the editor finds its repository path.
        std::fs::create_dir_all(dir.path().join("ws/lighthouse-site")).expect("ws");
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
            notifier: Arc::new(RecordingNotifier::default()),
        }
    }

    /// A workspace holding the bundled demo (its git repository and pipeline) and `file`
    /// with `text`.
    pub fn demo_with(name: &str, text: &str) -> Self {
        let setup = Self::new();
        std::fs::remove_file(setup.file("lighthouse.pipeline.ron")).expect("remove the copy");
        pipewright::demo::ensure(&setup.workspace()).expect("demo unpacks");
        std::fs::write(
            setup.file(name),
            text.replace("{ws}", &setup.workspace().to_string_lossy()),
        )
        .expect("write");
        setup
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.workspace().join(name)
    }

    /// A workspace like [`Setup::new`]'s with `file` copied in under its own name; returns
    /// the setup and that name.
    pub fn with_copy(file: &Path) -> (Self, String) {
        let setup = Self::new();
        let name = file
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        std::fs::copy(file, setup.file(&name)).expect("copy");
        (setup, name)
    }

    /// The app opened on `file` of the workspace.
    pub fn app(&self, file: &str) -> Harness<'static, PipewrightApp> {
        self.app_with(file, pipewright::watch::WatchOptions::default())
    }

    /// The app opened on `file`, its triggers watched with `watch` (a clock the test moves).
    pub fn app_with(
        &self,
        file: &str,
        watch: pipewright::watch::WatchOptions,
    ) -> Harness<'static, PipewrightApp> {
        let launch = Launch {
            workspace: None,
            file: Some(self.file(file)),
            data_dir: self.dir.path().join("data"),
            dialogs: self.dialogs.clone(),
            notifier: self.notifier.clone(),
            watch,
        };
        // The store reader and the engine answer from their threads and wake the UI, so a
        // frame may be followed by a few more than egui's default allows `run` to settle in.
        let mut harness = Harness::builder()
            .with_size(vec2(1440.0, 900.0))
            .with_max_steps(32)
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

/// Clicks an outline row (`Stage Build`, `Build/Package`).
pub fn select_in_outline(app: &mut Harness<'static, PipewrightApp>, label: &str) {
    app.get_by_label(label).click();
    app.run();
}

/// Clicks a text field, goes to its end, types `text` and leaves the field.
pub fn type_into(app: &mut Harness<'static, PipewrightApp>, label: &str, text: &str) {
    app.get_by_label(label).click();
    app.run();
    app.key_press(egui::Key::End);
    app.run();
    app.get_by_label(label).type_text(text);
    app.run();
    app.key_press(egui::Key::Escape);
    app.run();
}

/// The open document's problems.
pub fn problems(app: &Harness<'static, PipewrightApp>) -> Vec<pipewright::model::Problem> {
    app.state()
        .editor()
        .expect("a pipeline is open")
        .document
        .problems()
        .to_vec()
}

/// Asks to close the window, as the window manager would (the app answers on its next step).
pub fn request_close(app: &mut Harness<'static, PipewrightApp>) {
    app.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
}

/// Saves with Ctrl+S.
pub fn save(app: &mut Harness<'static, PipewrightApp>) {
    app.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    app.run();
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
