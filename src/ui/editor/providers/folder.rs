//! The Folder source's form: the folder or `.zip` (with a folder button) and exclude globs.

use egui::Ui;

use super::{ProviderForm, folder_row};
use crate::model::FolderConfig;
use crate::ui::editor::form::Form;

impl ProviderForm for FolderConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, pick: &mut Option<&'static str>) {
        folder_row(
            ui,
            form,
            "Folder or .zip",
            &mut self.path,
            "provider.path",
            pick,
        );
        form.list(
            ui,
            "Exclude",
            "Exclude glob",
            &mut self.exclude,
            "provider.exclude",
            "**/*.tmp",
        );
    }
}
