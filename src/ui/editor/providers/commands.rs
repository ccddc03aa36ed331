//! The Commands form: commands, finally commands, exported variables and report globs.

use egui::Ui;

use super::ProviderForm;
use crate::model::CommandsConfig;
use crate::ui::editor::form::Form;

impl ProviderForm for CommandsConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, _pick: &mut Option<&'static str>) {
        form.list(
            ui,
            "Commands",
            "Command",
            &mut self.commands,
            "provider.commands",
            "make test",
        );
        form.list(
            ui,
            "Finally",
            "Finally command",
            &mut self.finally,
            "provider.finally",
            "always runs",
        );
        form.list(
            ui,
            "Exported variables",
            "Exported variable",
            &mut self.exported_variables,
            "provider.exported_variables",
            "VERSION",
        );
        form.list(
            ui,
            "Test reports",
            "Report glob",
            &mut self.reports,
            "provider.reports",
            "reports/*.xml",
        );
    }
}
