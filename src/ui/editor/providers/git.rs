//! The Git source's form: repository (with a folder button), branch, commit, full clone.

use egui::Ui;

use super::{ProviderForm, folder_row};
use crate::model::{GitConfig, GitOutputFormat};
use crate::ui::editor::form::Form;

impl ProviderForm for GitConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, pick: &mut Option<&'static str>) {
        folder_row(
            ui,
            form,
            "Repository",
            &mut self.repository,
            "provider.repository",
            pick,
        );
        form.optional(
            ui,
            "Branch",
            &mut self.branch,
            "provider.branch",
            "the repository's default branch",
            false,
        );
        form.optional(
            ui,
            "Commit",
            &mut self.commit,
            "provider.commit",
            "the branch head",
            false,
        );
        let mut full = self.output_format == GitOutputFormat::FullClone;
        ui.checkbox(&mut full, "Full clone with .git");
        self.output_format = if full {
            GitOutputFormat::FullClone
        } else {
            GitOutputFormat::Files
        };
    }
}
