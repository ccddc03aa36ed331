//! The Triggers part of the pipeline inspector: add, edit and remove Git change, Folder change
//! and Schedule triggers, with each field's problems under it and a schedule's next three
//! fire times.

use chrono::Utc;
use egui::{ComboBox, Ui};

use super::form::Form;
use crate::model::triggers::{
    Filter, FolderTrigger, GitTrigger, Schedule, ScheduleTrigger, TriggerSpec,
};
use crate::model::{Pipeline, ProviderKind};
use crate::ui::theme;

/// Edits `triggers` (a copy of the pipeline's).
pub fn show(ui: &mut Ui, form: &Form, pipeline: &Pipeline, triggers: &mut Vec<TriggerSpec>) {
    ui.label(egui::RichText::new("Triggers").strong());
    ui.label(
        egui::RichText::new("Start this pipeline by itself; Run always works too.")
            .small()
            .color(theme::TEXT_WEAK),
    );
    let sources = |kind: ProviderKind| -> Vec<String> {
        pipeline
            .stages
            .first()
            .map(|stage| {
                stage
                    .actions
                    .iter()
                    .filter(|a| a.provider.kind() == kind)
                    .map(|a| a.name.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (git_sources, folder_sources) = (sources(ProviderKind::Git), sources(ProviderKind::Folder));
    let mut remove = None;
    for (index, trigger) in triggers.iter_mut().enumerate() {
        let path = format!("triggers[{index}]");
        ui.group(|ui| {
            ui.label(egui::RichText::new(format!("{}. {}", index + 1, trigger.kind())).strong());
            match trigger {
                TriggerSpec::GitChange(git) => git_form(ui, form, &path, git, &git_sources),
                TriggerSpec::FolderChange(folder) => {
                    folder_form(ui, form, &path, folder, &folder_sources)
                }
                TriggerSpec::Schedule(schedule) => schedule_form(ui, form, &path, schedule),
            }
            if ui
                .small_button(format!("✖ Remove trigger {}", index + 1))
                .clicked()
            {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        triggers.remove(index);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.small_button("➕ Git trigger").clicked() {
            triggers.push(TriggerSpec::GitChange(GitTrigger {
                source: git_sources.first().cloned().unwrap_or_default(),
                ..GitTrigger::default()
            }));
        }
        if ui.small_button("➕ Folder trigger").clicked() {
            triggers.push(TriggerSpec::FolderChange(FolderTrigger {
                source: folder_sources.first().cloned().unwrap_or_default(),
                ..FolderTrigger::default()
            }));
        }
        if ui.small_button("➕ Schedule").clicked() {
            triggers.push(TriggerSpec::Schedule(ScheduleTrigger {
                cron: "0 2 * * *".into(),
                ..ScheduleTrigger::default()
            }));
        }
    });
}

fn source_picker(
    ui: &mut Ui,
    form: &Form,
    path: &str,
    source: &mut String,
    choices: &[String],
    kind: &str,
) {
    let caption = ui.label(format!("{kind} source"));
    ComboBox::from_id_salt((path, "source"))
        .selected_text(if source.is_empty() {
            "(none)"
        } else {
            source.as_str()
        })
        .show_ui(ui, |ui| {
            for choice in choices {
                ui.selectable_value(source, choice.clone(), choice);
            }
        })
        .response
        .labelled_by(caption.id);
    if choices.is_empty() {
        ui.label(
            egui::RichText::new(format!("Add a {kind} source action to the first stage."))
                .small()
                .color(theme::TEXT_WEAK),
        );
    }
    form.errors(ui, &format!("{path}.source"));
}

/// Include and exclude lists; both empty means "no filter".
fn filter_form(
    ui: &mut Ui,
    form: &Form,
    field: &str,
    (plural, item): (&str, &str),
    filter: &mut Option<Filter>,
    hint: &str,
) {
    let mut edited = filter.clone().unwrap_or_default();
    form.list(
        ui,
        &format!("{plural} to include"),
        &format!("{item} include"),
        &mut edited.includes,
        &format!("{field}.includes"),
        hint,
    );
    form.list(
        ui,
        &format!("{plural} to exclude"),
        &format!("{item} exclude"),
        &mut edited.excludes,
        &format!("{field}.excludes"),
        hint,
    );
    *filter = (edited != Filter::default()).then_some(edited);
}

fn git_form(ui: &mut Ui, form: &Form, path: &str, git: &mut GitTrigger, sources: &[String]) {
    source_picker(ui, form, path, &mut git.source, sources, "Git");
    ui.label(
        egui::RichText::new(
            "Without branch or tag filters, new commits on the source's own branch fire.",
        )
        .small()
        .color(theme::TEXT_WEAK),
    );
    filter_form(
        ui,
        form,
        &format!("{path}.branches"),
        ("Branches", "Branch"),
        &mut git.branches,
        "main or release/*",
    );
    filter_form(
        ui,
        form,
        &format!("{path}.tags"),
        ("Tags", "Tag"),
        &mut git.tags,
        "v*",
    );
    filter_form(
        ui,
        form,
        &format!("{path}.file_paths"),
        ("File paths", "Path"),
        &mut git.file_paths,
        "src/** or *.md",
    );
    form.duration(
        ui,
        "Poll interval (remote repositories)",
        &mut git.poll_interval,
        &format!("{path}.poll_interval"),
        "60s",
    );
}

fn folder_form(
    ui: &mut Ui,
    form: &Form,
    path: &str,
    folder: &mut FolderTrigger,
    sources: &[String],
) {
    source_picker(ui, form, path, &mut folder.source, sources, "Folder");
    form.list(
        ui,
        "Ignore changes to",
        "Ignored glob",
        &mut folder.exclude,
        &format!("{path}.exclude"),
        "**/*.tmp",
    );
    form.duration(
        ui,
        "Quiet time before running",
        &mut folder.debounce,
        &format!("{path}.debounce"),
        "2s",
    );
}

fn schedule_form(ui: &mut Ui, form: &Form, path: &str, schedule: &mut ScheduleTrigger) {
    form.text(
        ui,
        "Cron",
        &mut schedule.cron,
        &format!("{path}.cron"),
        "minute hour day month weekday",
    );
    form.optional(
        ui,
        "Time zone",
        &mut schedule.timezone,
        &format!("{path}.timezone"),
        "this machine's (or e.g. Europe/Paris)",
        false,
    );
    if let Ok(parsed) = Schedule::parse(&schedule.cron, schedule.timezone.as_deref()) {
        let next: Vec<String> = parsed
            .next_fires(Utc::now(), 3)
            .iter()
            .map(|at| at.format("%a %Y-%m-%d %H:%M:%S %:z").to_string())
            .collect();
        ui.label(
            egui::RichText::new(format!("Next: {}", next.join(" · ")))
                .small()
                .color(theme::TEXT_WEAK),
        );
    }
    form.map(
        ui,
        "Variables",
        &mut schedule.variables,
        &format!("{path}.variables"),
    );
}
