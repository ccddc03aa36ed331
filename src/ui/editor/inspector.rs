//! The inspector: a typed form for the selected pipeline, stage or action. It edits a copy
//! and pushes the changed copy as a command; the editor turns that into one undoable edit.

use egui::{ComboBox, DragValue, Ui};

use super::canvas::Selection;
use super::form::Form;
use super::providers;
use super::triggers_form;
use crate::model::edit::{ActionRef, runs_before};
use crate::model::providers::DEFAULT_ACTION_TIMEOUT;
use crate::model::{
    Action, Category, ExecutionMode, OutputArtifact, Pipeline, PipelineVariable, Problem,
    SecretSource,
};
use crate::ui::command::{AppCommand, Commands, PipelineSettings};
use crate::ui::theme;

/// A folder field the person asked to pick with a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderField {
    /// The action.
    pub at: ActionRef,
    /// The field's path in the action, e.g. `provider.repository`.
    pub field: &'static str,
}

/// Draws the inspector for `selection`.
pub fn show(
    ui: &mut Ui,
    pipeline: &Pipeline,
    problems: &[Problem],
    selection: Selection,
    commands: &mut Commands,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match selection {
            Selection::Pipeline => pipeline_form(ui, pipeline, problems, commands),
            Selection::Stage(stage) if stage < pipeline.stages.len() => {
                stage_form(ui, pipeline, problems, stage, commands)
            }
            Selection::Action(at)
                if at.stage < pipeline.stages.len()
                    && at.action < pipeline.stages[at.stage].actions.len() =>
            {
                action_form(ui, pipeline, problems, at, commands)
            }
            _ => {
                ui.label("Nothing selected.");
            }
        });
}

fn heading(ui: &mut Ui, icon: &str, title: &str, subtitle: &str) {
    ui.horizontal(|ui| {
        ui.heading(format!("{icon} {title}"));
    });
    ui.label(egui::RichText::new(subtitle).color(theme::TEXT_WEAK));
    ui.separator();
}

fn pipeline_form(ui: &mut Ui, pipeline: &Pipeline, problems: &[Problem], commands: &mut Commands) {
    heading(ui, "📋", "Pipeline", "Settings of the whole pipeline");
    let form = Form::new(problems, "");
    let (mut name, mut mode, mut variables, mut triggers) = (
        pipeline.name.clone(),
        pipeline.execution_mode,
        pipeline.variables.clone(),
        pipeline.triggers.clone(),
    );
    form.text(ui, "Pipeline name", &mut name, "name", "my-pipeline");
    ui.add_space(4.0);
    let caption = ui.label("Execution mode");
    ComboBox::from_id_salt("execution-mode")
        .selected_text(mode.as_str())
        .show_ui(ui, |ui| {
            for option in ExecutionMode::ALL {
                ui.selectable_value(&mut mode, option, option.as_str());
            }
        })
        .response
        .labelled_by(caption.id);
    ui.label(
        egui::RichText::new(match mode {
            ExecutionMode::Superseded => {
                "One execution per stage; a newer one replaces the one waiting in front of a stage."
            }
            ExecutionMode::Queued => "One execution per stage; waiting executions queue in order.",
            ExecutionMode::Parallel => "Executions run independently of each other.",
        })
        .small()
        .color(theme::TEXT_WEAK),
    );
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Variables").strong());
    let mut remove = None;
    for (index, variable) in variables.iter_mut().enumerate() {
        ui.group(|ui| {
            form.text(
                ui,
                &format!("Variable {} name", index + 1),
                &mut variable.name,
                &format!("variables[{index}].name"),
                "name",
            );
            form.optional(
                ui,
                "Default",
                &mut variable.default,
                &format!("variables[{index}].default"),
                "value used when a run does not set it",
                false,
            );
            form.optional(
                ui,
                "Description",
                &mut variable.description,
                &format!("variables[{index}].description"),
                "shown in the Run dialog",
                false,
            );
            if ui.small_button("✖ Remove variable").clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        variables.remove(index);
    }
    if ui.small_button("➕ Add pipeline variable").clicked() {
        variables.push(PipelineVariable {
            name: format!("variable{}", variables.len() + 1),
            default: Some(String::new()),
            description: None,
        });
    }
    ui.add_space(8.0);
    triggers_form::show(ui, &form, pipeline, &mut triggers);
    form.errors(ui, "stages");
    if name != pipeline.name
        || mode != pipeline.execution_mode
        || variables != pipeline.variables
        || triggers != pipeline.triggers
    {
        commands.push(AppCommand::SetPipeline(Box::new(PipelineSettings {
            name,
            mode,
            variables,
            triggers,
        })));
    }
}

/// The stage's CodePipeline conditions, as imported: shown, kept for export, not run yet.
fn conditions(ui: &mut Ui, stage: &crate::model::Stage) {
    let named = stage.conditions.named();
    if named.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new("Conditions (imported, not run yet)").strong())
        .on_hover_text("Kept for export to AWS; Pipewright does not evaluate stage conditions yet");
    for (name, value) in named {
        ui.label(
            egui::RichText::new(format!("{name}: {value}"))
                .monospace()
                .small()
                .color(theme::TEXT_WEAK),
        );
    }
}

fn stage_form(
    ui: &mut Ui,
    pipeline: &Pipeline,
    problems: &[Problem],
    index: usize,
    commands: &mut Commands,
) {
    let stage = &pipeline.stages[index];
    heading(
        ui,
        "▭",
        &stage.name,
        &format!("Stage {} of {}", index + 1, pipeline.stages.len()),
    );
    let form = Form::new(problems, format!("stages[{index}]"));
    let mut name = stage.name.clone();
    form.text(ui, "Stage name", &mut name, "name", "Build");
    if name != stage.name {
        commands.push(AppCommand::RenameStage(index, name));
    }
    form.errors(ui, "actions");
    conditions(ui, stage);
    ui.add_space(6.0);
    ui.label(format!(
        "{} action(s). Add one by dragging from the palette, or click a palette item.",
        stage.actions.len()
    ));
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(index > 0, egui::Button::new("⬅ Move stage left"))
            .clicked()
        {
            commands.push(AppCommand::ShiftStage(index, -1));
        }
        if ui
            .add_enabled(
                index + 1 < pipeline.stages.len(),
                egui::Button::new("Move stage right ➡"),
            )
            .clicked()
        {
            commands.push(AppCommand::ShiftStage(index, 1));
        }
    });
    ui.horizontal(|ui| {
        if ui.button("➕ Add stage after").clicked() {
            commands.push(AppCommand::AddStage(index + 1));
        }
        if ui.button("🗑 Remove stage…").clicked() {
            commands.push(AppCommand::AskRemoveStage(index));
        }
    });
}

fn action_form(
    ui: &mut Ui,
    pipeline: &Pipeline,
    problems: &[Problem],
    at: ActionRef,
    commands: &mut Commands,
) {
    let original = &pipeline.stages[at.stage].actions[at.action];
    let mut action = original.clone();
    let kind = action.provider.kind();
    heading(
        ui,
        theme::category_icon(action.category),
        &action.name,
        &format!(
            "{} action in stage {}",
            kind.as_str(),
            pipeline.stages[at.stage].name
        ),
    );
    let form = Form::new(
        problems,
        format!("stages[{}].actions[{}]", at.stage, at.action),
    );
    form.text(ui, "Action name", &mut action.name, "name", "Build");
    ui.horizontal(|ui| {
        let caption = ui.label("Category");
        ComboBox::from_id_salt("action-category")
            .selected_text(action.category.as_str())
            .show_ui(ui, |ui| {
                for category in kind.categories() {
                    ui.selectable_value(&mut action.category, *category, category.as_str());
                }
            })
            .response
            .labelled_by(caption.id);
        let caption = ui.label("Run order");
        ui.add(DragValue::new(&mut action.run_order).range(1..=999))
            .labelled_by(caption.id);
    });
    form.errors(ui, "category");
    form.errors(ui, "run_order");
    ui.separator();
    provider_form(ui, &form, &mut action, at, commands);
    ui.separator();
    artifacts_form(ui, &form, pipeline, at, &mut action);
    ui.separator();
    let mut namespace = action.namespace.clone();
    form.optional(
        ui,
        "Namespace",
        &mut namespace,
        "namespace",
        "lets later actions read #{Namespace.Key}",
        false,
    );
    action.namespace = namespace;
    if !action.provider.info().approval {
        form.duration(
            ui,
            "Timeout",
            &mut action.timeout,
            "timeout",
            &format!("{DEFAULT_ACTION_TIMEOUT} (default)"),
        );
    }
    form.map(ui, "Environment", &mut action.env, "env");
    secrets_form(ui, &form, &mut action);
    if action != *original {
        commands.push(AppCommand::SetAction(at, Box::new(action)));
    }
}

fn provider_form(
    ui: &mut Ui,
    form: &Form,
    action: &mut Action,
    at: ActionRef,
    commands: &mut Commands,
) {
    if let Some(field) = providers::show(ui, form, &mut action.provider) {
        commands.push(AppCommand::PickFolder(FolderField { at, field }));
    }
}

fn artifacts_form(
    ui: &mut Ui,
    form: &Form,
    pipeline: &Pipeline,
    at: ActionRef,
    action: &mut Action,
) {
    ui.label(egui::RichText::new("Input artifacts").strong());
    let mut available: Vec<String> = Vec::new();
    for (s, stage) in pipeline.stages.iter().enumerate() {
        for (a, other) in stage.actions.iter().enumerate() {
            let producer = ActionRef::new(s, a);
            if producer != at && runs_before(pipeline, producer, at) {
                available.extend(other.output_artifacts.iter().map(|o| o.name.clone()));
            }
        }
    }
    for name in action
        .input_artifacts
        .iter()
        .filter(|n| !available.contains(n))
        .cloned()
        .collect::<Vec<_>>()
    {
        available.push(name);
    }
    if available.is_empty() {
        ui.label(egui::RichText::new("No earlier action produces an artifact. Wire one by dragging from a card's ● port.").small().color(theme::TEXT_WEAK));
    }
    for name in available {
        let mut used = action.input_artifacts.contains(&name);
        if ui.checkbox(&mut used, format!("Input {name}")).changed() {
            if used {
                action.input_artifacts.push(name.clone());
            } else {
                action.input_artifacts.retain(|n| *n != name);
            }
        }
    }
    form.errors(ui, "input_artifacts");
    ui.label(egui::RichText::new("Output artifacts").strong());
    let collects = action.provider.info().collects_files;
    let mut remove = None;
    for (index, output) in action.output_artifacts.iter_mut().enumerate() {
        ui.group(|ui| {
            form.text(
                ui,
                &format!("Output {} name", index + 1),
                &mut output.name,
                &format!("output_artifacts[{index}].name"),
                "BuildOutput",
            );
            if collects {
                form.list(
                    ui,
                    "Files",
                    "File glob",
                    &mut output.files,
                    &format!("output_artifacts[{index}].files"),
                    "**/* (everything)",
                );
                let mut base = output.base_directory.clone();
                form.optional(
                    ui,
                    "Base directory",
                    &mut base,
                    &format!("output_artifacts[{index}].base_directory"),
                    "the working directory",
                    false,
                );
                output.base_directory = base;
            }
            if ui.small_button("✖ Remove output").clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        action.output_artifacts.remove(index);
    }
    if action.category != Category::Approval && ui.small_button("➕ Add output artifact").clicked()
    {
        let name = format!(
            "{}Output",
            action
                .name
                .replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
        action.output_artifacts.push(OutputArtifact::named(name));
    }
    form.errors(ui, "output_artifacts");
}

fn secrets_form(ui: &mut Ui, form: &Form, action: &mut Action) {
    ui.label(egui::RichText::new("Secrets").strong())
        .on_hover_text("Environment variables whose values are never written to logs");
    let mut entries: Vec<(String, SecretSource)> = action
        .secrets
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut remove = None;
    for (index, (name, source)) in entries.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let caption = ui.label(format!("Secret {}", index + 1));
            ui.add(egui::TextEdit::singleline(name).desired_width(100.0))
                .labelled_by(caption.id);
            let (kind, value) = match source {
                SecretSource::Env(v) => ("from env", v),
                SecretSource::File(v) => ("from file", v),
                SecretSource::Value(v) => ("value", v),
            };
            let mut chosen = kind;
            ComboBox::from_id_salt(("secret-kind", index))
                .selected_text(kind)
                .width(80.0)
                .show_ui(ui, |ui| {
                    for option in ["from env", "from file", "value"] {
                        ui.selectable_value(&mut chosen, option, option);
                    }
                });
            let mut text = value.clone();
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("✖").clicked() {
                    remove = Some(index);
                }
                let edit = egui::TextEdit::singleline(&mut text)
                    .desired_width(f32::INFINITY)
                    .password(chosen == "value");
                ui.add(edit);
            });
            *source = match chosen {
                "from env" => SecretSource::Env(text),
                "from file" => SecretSource::File(text),
                _ => SecretSource::Value(text),
            };
        });
        form.errors(ui, &format!("secrets.{name}"));
    }
    if let Some(index) = remove {
        entries.remove(index);
    }
    if ui.small_button("➕ Add secret").clicked() {
        entries.push((
            format!("SECRET_{}", entries.len() + 1),
            SecretSource::Env(String::new()),
        ));
    }
    action.secrets = entries.into_iter().collect();
}
