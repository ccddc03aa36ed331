//! The desktop app (eframe + egui). It never blocks: it sends engine commands and folds
//! engine events into what it draws.

pub mod app;
pub mod command;
mod command_handling;
pub mod dialogs;
pub mod editor;
mod files;
mod frame;
mod housekeeping;
pub mod logs;
pub mod run;
mod run_frame;
pub mod services;
pub mod settings;
pub mod theme;
mod transfer;
pub mod transfer_report;
pub mod workspace;
pub mod workspace_panel;

use std::path::PathBuf;
use std::sync::Arc;

pub use app::{BottomTab, Launch, Mode, PipewrightApp};

/// The folder for settings and the demo workspace (`~/.local/share/pipewright` on Linux).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("dev", "pipewright", "pipewright")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("pipewright"))
}

/// Opens the window and runs until it closes.
pub fn run(workspace: Option<PathBuf>, file: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Pipewright")
            .with_app_id("pipewright")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 560.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let launch = Launch {
        workspace,
        file,
        data_dir: default_data_dir(),
        dialogs: Arc::new(services::NativeDialogs),
        notifier: Arc::new(services::DesktopNotifier),
        watch: crate::watch::WatchOptions::default(),
    };
    eframe::run_native(
        "pipewright",
        options,
        Box::new(|cc| Ok(Box::new(PipewrightApp::new(cc, launch)))),
    )
}
