//! The edge of the OS the UI talks to, behind small traits so tests can replace them:
//! file dialogs (run off the UI thread) and desktop notifications.

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
}
