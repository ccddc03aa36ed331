//! The Script (Invoke) form: program, arguments, user parameters and continuation delay.

use egui::Ui;

use super::ProviderForm;
use crate::model::ScriptConfig;
use crate::model::providers::DEFAULT_CONTINUATION_DELAY;
use crate::ui::editor::form::Form;

impl ProviderForm for ScriptConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, _pick: &mut Option<&'static str>) {
        form.text(
            ui,
            "Program",
            &mut self.program,
            "provider.program",
            "./check.sh",
        );
        form.list(
            ui,
            "Arguments",
            "Argument",
            &mut self.arguments,
            "provider.arguments",
            "--fast",
        );
        form.optional(
            ui,
            "User parameters",
            &mut self.user_parameters,
            "provider.user_parameters",
            "free text, e.g. JSON",
            true,
        );
        form.duration(
            ui,
            "Continuation delay",
            &mut self.continuation_delay,
            "provider.continuation_delay",
            &format!("{DEFAULT_CONTINUATION_DELAY} (default)"),
        );
    }
}
