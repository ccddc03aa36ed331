//! The edge of the OS the UI talks to, behind small traits so tests can replace them:
//! file dialogs (run off the UI thread), showing a folder, and desktop notifications.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

/// File dialogs. Each call returns at once; the answer arrives on the receiver, and the
/// implementation asks `ctx` for a repaint when it does.
pub trait Dialogs: Send + Sync {
    /// Asks for a folder.
    fn pick_folder(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>>;
    /// Asks where to save a pipeline file.
    fn save_file(&self, ctx: &egui::Context, start: &Path, name: &str)
    -> Receiver<Option<PathBuf>>;
    /// Asks for a file to read (an AWS pipeline definition to import).
    fn pick_file(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>>;
    /// Asks where to write an export (a JSON file).
    fn save_export(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>>;
    /// Shows a folder in the desktop's file manager.
    fn open_folder(&self, folder: &Path) -> Result<(), String>;
}

/// The desktop's own dialogs (rfd: the portal, then zenity), on a background thread.
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn pick_folder(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let (ctx, start) = (ctx.clone(), start.to_path_buf());
        std::thread::spawn(move || {
            let folder = rfd::FileDialog::new().set_directory(start).pick_folder();
            let _ = sender.send(folder);
            ctx.request_repaint();
        });
        receiver
    }

    fn save_file(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let (ctx, start, name) = (ctx.clone(), start.to_path_buf(), name.to_string());
        std::thread::spawn(move || {
            let file = rfd::FileDialog::new()
                .set_directory(start)
                .set_file_name(name)
                .add_filter("Pipeline", &["ron"])
                .save_file();
            let _ = sender.send(file);
            ctx.request_repaint();
        });
        receiver
    }
    fn pick_file(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let (ctx, start) = (ctx.clone(), start.to_path_buf());
        std::thread::spawn(move || {
            let file = rfd::FileDialog::new()
                .set_directory(start)
                .add_filter(
                    "CodePipeline or CloudFormation",
                    &["json", "yml", "yaml", "template"],
                )
                .pick_file();
            let _ = sender.send(file);
            ctx.request_repaint();
        });
        receiver
    }

    fn save_export(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>> {
        let (sender, receiver) = channel();
        let (ctx, start, name) = (ctx.clone(), start.to_path_buf(), name.to_string());
        std::thread::spawn(move || {
            let file = rfd::FileDialog::new()
                .set_directory(start)
                .set_file_name(name)
                .add_filter("JSON", &["json"])
                .save_file();
            let _ = sender.send(file);
            ctx.request_repaint();
        });
        receiver
    }

    fn open_folder(&self, folder: &Path) -> Result<(), String> {
        std::process::Command::new("xdg-open")
            .arg(folder)
            .spawn()
            .map(|_| ())
            .map_err(|error| format!("cannot open {} (xdg-open: {error})", folder.display()))
    }
}

/// Desktop notifications (approval requested, execution ended).
pub trait Notifier: Send + Sync {
    /// Shows a notification.
    fn notify(&self, title: &str, body: &str);
}

/// Notifications through the desktop's notification service (D-Bus); failures (no service
/// running) are ignored, as a notification is a courtesy.
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, title: &str, body: &str) {
        let (title, body) = (title.to_string(), body.to_string());
        // Showing talks to D-Bus and may block: keep it off the UI thread.
        std::thread::spawn(move || {
            let _ = notify_rust::Notification::new()
                .appname("Pipewright")
                .summary(&title)
                .body(&body)
                .show();
        });
    }
}
