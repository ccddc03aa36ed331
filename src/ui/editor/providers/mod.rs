//! The inspector form of each provider, one file each, behind [`ProviderForm`].
//!
//! [`form`] is the editor's one `match` over providers: a provider added to the model's
//! registry fails to compile until it has a file here. Cards show the model's
//! [`summary`](crate::model::ProviderConfig::summary).

mod buildspec;
mod commands;
mod folder;
mod foreign;
mod git;
mod local_deploy;
mod manual;
mod script;

use egui::Ui;

use super::form::Form;
use crate::model::Provider;

/// Draws a provider's configuration fields in the inspector.
pub trait ProviderForm {
    /// Draws the fields, editing the configuration in place. A folder field's 📁 button
    /// sets `pick` to the field's path (`provider.repository`).
    fn show(&mut self, ui: &mut Ui, form: &Form, pick: &mut Option<&'static str>);
}

/// The editor's registry: the form of each provider.
fn form_of(provider: &mut Provider) -> &mut dyn ProviderForm {
    match provider {
        Provider::Git(config) => config,
        Provider::Folder(config) => config,
        Provider::Commands(config) => config,
        Provider::Manual(config) => config,
        Provider::LocalDeploy(config) => config,
        Provider::Script(config) => config,
        Provider::Buildspec(config) => config,
        Provider::Foreign(config) => config,
    }
}

/// Draws the provider's form; returns the path of a folder field whose 📁 was clicked.
pub fn show(ui: &mut Ui, form: &Form, provider: &mut Provider) -> Option<&'static str> {
    let mut pick = None;
    form_of(provider).show(ui, form, &mut pick);
    pick
}

/// A text field with a 📁 button that asks for a folder dialog.
fn folder_row(
    ui: &mut Ui,
    form: &Form,
    label: &str,
    value: &mut String,
    field: &'static str,
    pick: &mut Option<&'static str>,
) {
    ui.horizontal(|ui| {
        let caption = ui.label(label);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let hint = format!("Choose the {} folder", label.to_lowercase());
            if ui.button("📁").on_hover_text(hint).clicked() {
                *pick = Some(field);
            }
            ui.add(egui::TextEdit::singleline(value).desired_width(f32::INFINITY))
                .labelled_by(caption.id);
        });
    });
    form.errors(ui, field);
}
