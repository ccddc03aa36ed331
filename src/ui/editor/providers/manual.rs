//! The Manual approval's form: message, review link and approval timeout.

use egui::Ui;

use super::ProviderForm;
use crate::model::ManualConfig;
use crate::model::providers::MAX_APPROVAL_TIMEOUT;
use crate::ui::editor::form::Form;

impl ProviderForm for ManualConfig {
    fn show(&mut self, ui: &mut Ui, form: &Form, _pick: &mut Option<&'static str>) {
        form.optional(
            ui,
            "Message",
            &mut self.custom_message,
            "provider.custom_message",
            "shown to the approver",
            true,
        );
        form.optional(
            ui,
            "Review link",
            &mut self.review_url,
            "provider.review_url",
            "https://…",
            false,
        );
        form.duration(
            ui,
            "Approval timeout",
            &mut self.timeout,
            "provider.timeout",
            &format!("{MAX_APPROVAL_TIMEOUT} (default)"),
        );
    }
}
