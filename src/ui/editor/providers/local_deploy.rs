//! The LocalDeploy form: target folder (with a folder button), releases to keep, and the
//! commands before and after the switch.

use egui::{DragValue, Ui};

use super::{ProviderForm, folder_row};
use crate::model::LocalDeployConfig;
use crate::model::providers::{DEFAULT_KEEP_RELEASES, MAX_KEEP_RELEASES};
use crate::ui::editor::form::Form;

impl ProviderForm for LocalDeployConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, pick: &mut Option<&'static str>) {
        folder_row(
            ui,
            form,
            "Target folder",
            &mut self.target,
            "provider.target",
            pick,
        );
        ui.horizontal(|ui| {
            let caption = ui.label("Releases to keep");
            let mut keep = self.keep();
            ui.add(DragValue::new(&mut keep).range(1..=MAX_KEEP_RELEASES))
                .labelled_by(caption.id);
            self.keep_releases = (keep != DEFAULT_KEEP_RELEASES).then_some(keep);
        });
        form.errors(ui, "provider.keep_releases");
        form.list(
            ui,
            "Before the switch",
            "Before command",
            &mut self.before,
            "provider.before",
            "test -f index.html",
        );
        form.list(
            ui,
            "After the switch (health check)",
            "After command",
            &mut self.after,
            "provider.after",
            "curl -f localhost:8080",
        );
    }
}
