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
    /// Shows a folder in the desktop's file manager; why the file manager could not start.
    fn open_folder(&self, folder: &Path) -> std::io::Result<()>;
}

/// The desktop's own dialogs (rfd: the portal, then zenity), on a background thread.
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn pick_folder(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>> {
        on_thread(ctx, start, rfd::FileDialog::pick_folder)
    }

    fn save_file(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>> {
        save_as(ctx, start, name, ("Pipeline", &["ron"]))
    }

    fn pick_file(&self, ctx: &egui::Context, start: &Path) -> Receiver<Option<PathBuf>> {
        on_thread(ctx, start, |dialog| {
            dialog
                .add_filter(
                    "CodePipeline or CloudFormation",
                    &["json", "yml", "yaml", "template"],
                )
                .pick_file()
        })
    }

    fn save_export(
        &self,
        ctx: &egui::Context,
        start: &Path,
        name: &str,
    ) -> Receiver<Option<PathBuf>> {
        save_as(ctx, start, name, ("JSON", &["json"]))
    }

    fn open_folder(&self, folder: &Path) -> std::io::Result<()> {
        std::process::Command::new("xdg-open")
            .arg(folder)
            .spawn()
            .map(|_| ())
    }
}

/// Runs a file dialog that starts in `start` on a thread; its answer arrives on the receiver
/// and wakes the UI.
fn on_thread(
    ctx: &egui::Context,
    start: &Path,
    ask: impl FnOnce(rfd::FileDialog) -> Option<PathBuf> + Send + 'static,
) -> Receiver<Option<PathBuf>> {
    let (sender, receiver) = channel();
    let (ctx, start) = (ctx.clone(), start.to_path_buf());
    std::thread::spawn(move || {
        let answer = ask(rfd::FileDialog::new().set_directory(start));
        let _ = sender.send(answer);
        ctx.request_repaint();
    });
    receiver
}

/// Asks where to save a file named `name` at first, offering `filter`'s extensions.
fn save_as(
    ctx: &egui::Context,
    start: &Path,
    name: &str,
    filter: (&'static str, &'static [&'static str]),
) -> Receiver<Option<PathBuf>> {
    let name = name.to_string();
    on_thread(ctx, start, move |dialog| {
        dialog
            .set_file_name(name)
            .add_filter(filter.0, filter.1)
            .save_file()
    })
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
