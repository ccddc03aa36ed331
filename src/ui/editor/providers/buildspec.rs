//! The Buildspec form: a buildspec file in the source, or the buildspec written inline, and
//! which input is the primary source.

use egui::Ui;

use super::ProviderForm;
use crate::model::BuildspecConfig;
use crate::model::providers::DEFAULT_BUILDSPEC_FILE;
use crate::ui::editor::form::Form;

impl ProviderForm for BuildspecConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, _pick: &mut Option<&'static str>) {
        let mut inline = self.inline.is_some();
        ui.horizontal(|ui| {
            ui.radio_value(&mut inline, false, "Buildspec file");
            ui.radio_value(&mut inline, true, "Inline buildspec");
        });
        if inline && self.inline.is_none() {
            self.file = None;
            self.inline =
                Some("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n".into());
        } else if !inline && self.inline.is_some() {
            self.inline = None;
        }
        if inline {
            form.optional(
                ui,
                "Buildspec",
                &mut self.inline,
                "provider.inline",
                "version: 0.2",
                true,
            );
        } else {
            form.optional(
                ui,
                "Buildspec file",
                &mut self.file,
                "provider.file",
                &format!("{DEFAULT_BUILDSPEC_FILE} (default)"),
                false,
            );
        }
        form.optional(
            ui,
            "Primary source",
            &mut self.primary_source,
            "provider.primary_source",
            "the first input artifact",
            false,
        );
    }
}
