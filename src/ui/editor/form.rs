//! Form fields for the inspector. Each field has a visible label that is also its accessible
//! name, and shows the validation problems of its path right under it.

use egui::{Id, TextEdit, Ui};
use indexmap::IndexMap;

use crate::model::{Duration, Problem};
use crate::ui::theme;

/// Fields for one object (pipeline, stage or action) whose problems start with `prefix`.
pub struct Form<'a> {
    problems: &'a [Problem],
    prefix: String,
}

impl<'a> Form<'a> {
    /// A form for the object at `prefix` (`""` for the pipeline).
    pub fn new(problems: &'a [Problem], prefix: impl Into<String>) -> Self {
        Self {
            problems,
            prefix: prefix.into(),
        }
    }

    fn path(&self, field: &str) -> String {
        match (self.prefix.is_empty(), field.is_empty()) {
            (true, _) => field.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{field}", self.prefix),
        }
    }

    /// The problems of exactly this field or anything inside it.
    pub fn problems_at(&self, field: &str) -> Vec<&'a Problem> {
        let path = self.path(field);
        self.problems
            .iter()
            .filter(|p| {
                p.path == path
                    || p.path
                        .strip_prefix(&path)
                        .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
            })
            .collect()
    }

    /// Shows the problems of a field in red.
    pub fn errors(&self, ui: &mut Ui, field: &str) {
        for problem in self.problems_at(field) {
            ui.label(
                egui::RichText::new(format!("⚠ {}", problem.message))
                    .color(theme::ERROR)
                    .small(),
            );
        }
    }

    /// A one-line text field.
    pub fn text(
        &self,
        ui: &mut Ui,
        label: &str,
        value: &mut String,
        field: &str,
        hint: &str,
    ) -> egui::Response {
        let caption = ui.label(label);
        let response = ui
            .add(
                TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(caption.id);
        self.errors(ui, field);
        response
    }

    /// A text field for an optional value: empty means "not set".
    pub fn optional(
        &self,
        ui: &mut Ui,
        label: &str,
        value: &mut Option<String>,
        field: &str,
        hint: &str,
        multiline: bool,
    ) {
        let mut text = value.clone().unwrap_or_default();
        let caption = ui.label(label);
        let editor = if multiline {
            TextEdit::multiline(&mut text).desired_rows(2)
        } else {
            TextEdit::singleline(&mut text)
        };
        ui.add(editor.hint_text(hint).desired_width(f32::INFINITY))
            .labelled_by(caption.id);
        *value = (!text.is_empty()).then_some(text);
        self.errors(ui, field);
    }

    /// A duration field (`90s`, `10m`, `1h30m`, `7d`); the text is kept while it does not parse.
    pub fn duration(
        &self,
        ui: &mut Ui,
        label: &str,
        value: &mut Option<Duration>,
        field: &str,
        hint: &str,
    ) {
        let id = Id::new(("duration", &self.prefix, field));
        let caption = ui.label(label);
        let shown = value.map(|d| d.to_string()).unwrap_or_default();
        let mut text = ui
            .data(|d| d.get_temp::<String>(id))
            .unwrap_or(shown.clone());
        let response = ui
            .add(
                TextEdit::singleline(&mut text)
                    .hint_text(hint)
                    .desired_width(120.0),
            )
            .labelled_by(caption.id);
        if response.changed() {
            if text.trim().is_empty() {
                *value = None;
            } else if let Ok(parsed) = text.parse::<Duration>() {
                *value = Some(parsed);
            }
        }
        let invalid = !text.trim().is_empty() && text.parse::<Duration>().is_err();
        if response.has_focus() || invalid {
            ui.data_mut(|d| d.insert_temp(id, text.clone()));
        } else {
            ui.data_mut(|d| d.remove_temp::<String>(id));
        }
        if invalid {
            ui.label(
                egui::RichText::new(format!(
                    "⚠ \"{text}\" is not a duration: write it like 90s, 10m, 1h30m or 7d"
                ))
                .color(theme::ERROR)
                .small(),
            );
        }
        self.errors(ui, field);
    }

    /// An editable list of lines with add, remove and reorder.
    pub fn list(
        &self,
        ui: &mut Ui,
        label: &str,
        item: &str,
        items: &mut Vec<String>,
        field: &str,
        hint: &str,
    ) {
        ui.label(egui::RichText::new(label).strong());
        let mut remove = None;
        let mut swap = None;
        let count = items.len();
        for (index, value) in items.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(format!("{}.", index + 1)).color(theme::TEXT_WEAK))
                    .on_hover_text(format!("{item} {}", index + 1));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let name = format!("{item} {}", index + 1);
                    if named(ui.small_button("✖"), &format!("Remove {name}")).clicked() {
                        remove = Some(index);
                    }
                    let down = egui::Button::new("⬇").small();
                    if named(
                        ui.add_enabled(index + 1 < count, down),
                        &format!("Move {name} down"),
                    )
                    .clicked()
                    {
                        swap = Some((index, index + 1));
                    }
                    let up = egui::Button::new("⬆").small();
                    if named(ui.add_enabled(index > 0, up), &format!("Move {name} up")).clicked() {
                        swap = Some((index - 1, index));
                    }
                    let edit = TextEdit::singleline(value)
                        .hint_text(hint)
                        .desired_width(f32::INFINITY)
                        .code_editor();
                    // The visible label is just the number; screen readers hear "Command 2".
                    let response = ui.add(edit);
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::WidgetType::TextEdit, true, name.clone())
                    });
                });
            });
            self.errors(ui, &format!("{field}[{index}]"));
        }
        if let Some((a, b)) = swap {
            items.swap(a, b);
        }
        if let Some(index) = remove {
            items.remove(index);
        }
        if ui
            .small_button(format!("➕ Add {}", item.to_lowercase()))
            .clicked()
        {
            items.push(String::new());
        }
        let own: Vec<&Problem> = self
            .problems_at(field)
            .into_iter()
            .filter(|p| p.path == self.path(field))
            .collect();
        for problem in own {
            ui.label(
                egui::RichText::new(format!("⚠ {}", problem.message))
                    .color(theme::ERROR)
                    .small(),
            );
        }
    }

    /// An editable map of names to values.
    pub fn map(&self, ui: &mut Ui, label: &str, map: &mut IndexMap<String, String>, field: &str) {
        ui.label(egui::RichText::new(label).strong());
        let mut entries: Vec<(String, String)> =
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut remove = None;
        for (index, (key, value)) in entries.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let name = ui.label(format!("{label} name {}", index + 1));
                ui.add(TextEdit::singleline(key).desired_width(100.0))
                    .labelled_by(name.id);
                let val = ui.label("=");
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("✖").on_hover_text("Remove").clicked() {
                        remove = Some(index);
                    }
                    ui.add(TextEdit::singleline(value).desired_width(f32::INFINITY))
                        .labelled_by(val.id);
                });
            });
            self.errors(ui, &format!("{field}.{key}"));
        }
        if let Some(index) = remove {
            entries.remove(index);
        }
        if ui.small_button("➕ Add variable").clicked() {
            let mut n = entries.len() + 1;
            while entries.iter().any(|(k, _)| *k == format!("NAME_{n}")) {
                n += 1;
            }
            entries.push((format!("NAME_{n}"), String::new()));
        }
        // Keep the first of two equal names; the second is still shown until renamed.
        let mut rebuilt = IndexMap::new();
        for (key, value) in entries {
            rebuilt.entry(key).or_insert(value);
        }
        *map = rebuilt;
    }
}

/// Gives an icon-only button a name for screen readers (and tests), and a tooltip.
fn named(response: egui::Response, name: &str) -> egui::Response {
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, name));
    response.on_hover_text(name)
}
