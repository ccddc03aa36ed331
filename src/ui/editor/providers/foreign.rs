//! A foreign action's form: what it is on AWS, its configuration as imported (read-only),
//! and whether running it here should fail instead of skipping it.

use egui::Ui;

use super::ProviderForm;
use crate::model::ForeignConfig;
use crate::ui::editor::form::Form;
use crate::ui::theme;

impl ProviderForm for ForeignConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, _pick: &mut Option<&'static str>) {
        ui.label(
            egui::RichText::new(format!(
                "Runs on AWS only: {}/{}/{}. Pipewright keeps it for export and skips it when running here.",
                self.owner, self.provider, self.version
            ))
            .color(theme::TEXT_WEAK),
        );
        form.errors(ui, "provider.provider");
        ui.label(egui::RichText::new("Configuration (as imported)").strong());
        for (key, value) in &self.configuration {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            ui.label(format!("{key}: {text}"));
        }
        ui.checkbox(
            &mut self.strict,
            "Strict: fail instead of skipping when run here",
        );
    }
}
