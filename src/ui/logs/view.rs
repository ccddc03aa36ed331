//! The logs panel for one action attempt: reads the log by offset through a line index, so
//! a huge log opens at once; follows the tail while it grows (until you scroll up); shows
//! ANSI colours, stdout and stderr apart, times on demand; searches off the UI thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};

use chrono::{Local, TimeZone};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Stroke, Ui};

use super::ansi::Style;
use super::index::{Index, Line};
use super::search::Search;
use crate::store::logs::{Stream, parse_line};
use crate::ui::theme;

/// Logs up to this size are indexed at once; larger ones in the background.
const INDEX_AT_ONCE: u64 = 8 * 1024 * 1024;
/// Lines drawn above and below the visible ones.
const MARGIN_LINES: usize = 2;
/// Logs up to this size can be copied whole.
const COPY_ALL_LIMIT: u64 = 4 * 1024 * 1024;

struct Building {
    progress: Arc<AtomicU64>,
    total: u64,
    cancel: Arc<AtomicBool>,
    result: Receiver<std::io::Result<Index>>,
}

impl Drop for Building {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The log of one attempt, on screen.
pub struct LogView {
    path: PathBuf,
    /// What the log belongs to, e.g. `Build/Package`.
    pub title: String,
    index: Option<Index>,
    building: Option<Building>,
    tail: Vec<Line>,
    /// Whether the view sticks to the newest line.
    pub follow: bool,
    /// Whether each line shows its time.
    pub show_times: bool,
    query: String,
    search: Option<Search>,
    current: Option<usize>,
    jump_to: Option<usize>,
    visible: Vec<Line>,
    error: Option<String>,
}

/// The last lines of a file, read from its end (styles start plain).
fn read_tail(path: &Path, bytes: u64) -> Vec<Line> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let start = len.saturating_sub(bytes);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut data = Vec::new();
    let _ = file.read_to_end(&mut data);
    let skip = if start > 0 {
        memchr::memchr(b'\n', &data).map_or(data.len(), |n| n + 1)
    } else {
        0
    };
    let mut parsers = [
        super::ansi::Parser::default(),
        super::ansi::Parser::default(),
    ];
    data[skip..]
        .split(|&b| b == b'\n')
        .filter(|raw| !raw.is_empty())
        .filter_map(parse_line)
        .map(|(at_ms, stream, text)| {
            let mut runs = Vec::new();
            match stream {
                Stream::Stdout => parsers[0].feed(text, &mut runs),
                Stream::Stderr => parsers[1].feed(text, &mut runs),
                Stream::Note => {
                    runs.push((Style::default(), String::from_utf8_lossy(text).into_owned()))
                }
            }
            Line {
                number: 0,
                at_ms,
                stream,
                runs,
            }
        })
        .collect()
}

impl LogView {
    /// Opens the log at `path`; `wake` is called when background work has news.
    pub fn open(path: &Path, title: &str, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let mut view = Self {
            path: path.to_path_buf(),
            title: title.to_string(),
            index: None,
            building: None,
            tail: Vec::new(),
            follow: true,
            show_times: false,
            query: String::new(),
            search: None,
            current: None,
            jump_to: None,
            visible: Vec::new(),
            error: None,
        };
        let len = std::fs::metadata(path).map_or(0, |m| m.len());
        if len <= INDEX_AT_ONCE {
            let mut index = Index::default();
            match index.update(path) {
                Ok(_) => view.index = Some(index),
                Err(error) => view.error = Some(error.to_string()),
            }
            return view;
        }
        view.tail = read_tail(path, 64 * 1024);
        let progress = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (sender, result) = channel();
        let (worker_path, worker_progress, worker_cancel) =
            (path.to_path_buf(), progress.clone(), cancel.clone());
        let wake = Arc::new(wake);
        let ticker = wake.clone();
        std::thread::spawn(move || {
            let built = Index::build(&worker_path, &worker_progress, &worker_cancel);
            let _ = sender.send(built);
            ticker();
        });
        view.building = Some(Building {
            progress,
            total: len,
            cancel,
            result,
        });
        view
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lines indexed so far.
    pub fn line_count(&self) -> usize {
        self.index.as_ref().map_or(self.tail.len(), Index::lines)
    }

    /// The lines drawn in the last frame (with their styles).
    pub fn visible_lines(&self) -> &[Line] {
        &self.visible
    }

    /// Whether the index is complete (false while a large log is being indexed).
    pub fn is_ready(&self) -> bool {
        self.index.is_some()
    }

    /// The running or finished search.
    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref()
    }

    /// Catches up with lines appended to the file (a bounded amount per call).
    pub fn refresh(&mut self) {
        if let Some(building) = &self.building
            && let Ok(result) = building.result.try_recv()
        {
            self.building = None;
            match result {
                Ok(index) => self.index = Some(index),
                Err(error) => self.error = Some(error.to_string()),
            }
        }
        if let Some(index) = &mut self.index
            && let Err(error) = index.update(&self.path)
        {
            self.error = Some(error.to_string());
        }
    }

    /// Starts a search for `query` (replacing any other).
    pub fn start_search(&mut self, query: &str, wake: impl Fn() + Send + 'static) {
        self.query = query.to_string();
        self.current = None;
        if query.is_empty() {
            self.search = None;
            return;
        }
        // While a large log is still being indexed, search what the file holds now.
        let searched = match &self.index {
            Some(index) => index.end(),
            None => std::fs::metadata(&self.path).map_or(0, |m| m.len()),
        };
        self.search = Some(Search::start(self.path.clone(), query, searched, wake));
    }

    /// Moves to the next (`+1`) or previous (`-1`) match.
    pub fn step_match(&mut self, by: isize) {
        let Some(search) = &self.search else { return };
        let count = search.count();
        if count == 0 {
            return;
        }
        let next = match self.current {
            None if by >= 0 => 0,
            None => count - 1,
            Some(current) => (current as isize + by).rem_euclid(count as isize) as usize,
        };
        self.current = Some(next);
        self.jump_to = search.match_at(next);
        self.follow = false;
    }

    fn toolbar(&mut self, ui: &mut Ui, wake: &(impl Fn() + Clone + Send + 'static)) {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(format!("Log of {}", self.title)).strong());
            ui.label(
                egui::RichText::new(format!("{} lines", self.line_count())).color(theme::TEXT_WEAK),
            );
            if ui
                .selectable_label(self.follow, "⇣ Follow")
                .on_hover_text("Stick to the newest line")
                .clicked()
            {
                self.follow = !self.follow;
            }
            ui.checkbox(&mut self.show_times, "Times");
            let caption = ui.label("Search");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.query)
                        .desired_width(160.0)
                        .hint_text("text in the log"),
                )
                .labelled_by(caption.id);
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let query = self.query.clone();
                let wake = wake.clone();
                self.start_search(&query, wake);
                self.step_match(1);
            }
            if ui.button("⬆ Previous").clicked() {
                self.step_match(-1);
            }
            if ui.button("⬇ Next").clicked() {
                if self.search.as_ref().is_none_or(|s| s.needle != self.query) {
                    let query = self.query.clone();
                    let wake = wake.clone();
                    self.start_search(&query, wake);
                }
                self.step_match(1);
            }
            if let Some(search) = &self.search {
                let position = self
                    .current
                    .map_or(String::from("–"), |c| (c + 1).to_string());
                let text = if search.is_done() {
                    format!("{position} of {} matches", search.count())
                } else {
                    format!(
                        "{position} of {}+ matches, {:.0}% searched",
                        search.count(),
                        search.progress() * 100.0
                    )
                };
                ui.label(text);
            }
            if ui
                .button("📋 Copy")
                .on_hover_text("Copy the lines on screen")
                .clicked()
            {
                let text: Vec<String> = self.visible.iter().map(plain).collect();
                ui.ctx().copy_text(text.join("\n"));
            }
            let len = std::fs::metadata(&self.path).map_or(u64::MAX, |m| m.len());
            if len <= COPY_ALL_LIMIT
                && ui.button("Copy all").clicked()
                && let Some(index) = &self.index
                && let Ok(lines) = index.read(&self.path, 0, index.lines())
            {
                ui.ctx()
                    .copy_text(lines.iter().map(plain).collect::<Vec<_>>().join("\n"));
            }
        });
    }

    /// Draws the panel.
    pub fn show(&mut self, ui: &mut Ui, wake: impl Fn() + Clone + Send + 'static) {
        self.refresh();
        self.toolbar(ui, &wake);
        if let Some(error) = &self.error {
            ui.label(egui::RichText::new(format!("⚠ {error}")).color(theme::ERROR));
        }
        if let Some(building) = &self.building {
            let done =
                building.progress.load(Ordering::Relaxed) as f32 / building.total.max(1) as f32;
            ui.add(egui::ProgressBar::new(done).text(format!(
                "indexing {:.0}% — showing the end of the log meanwhile",
                done * 100.0
            )));
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(200));
        }
        let font = FontId::monospace(12.5);
        let row_height = ui.fonts_mut(|f| f.row_height(&font));
        let total = self.line_count();
        let mut area = egui::ScrollArea::vertical()
            .id_salt(("log", &self.path))
            .auto_shrink([false, false])
            .stick_to_bottom(self.follow);
        // A jump waits for the index: until then only the tail is on screen.
        if self.index.is_some()
            && let Some(line) = self.jump_to.take()
        {
            let spacing = ui.spacing().item_spacing.y;
            area =
                area.vertical_scroll_offset((line as f32 * (row_height + spacing) - 80.0).max(0.0));
        }
        // Tail lines are numbered from the tail, so the current match is marked once indexed.
        let current_line = self
            .current
            .filter(|_| self.index.is_some())
            .and_then(|c| self.search.as_ref().and_then(|s| s.match_at(c)));
        let needle = self.search.as_ref().map(|s| s.needle.to_lowercase());
        let output = area.show_rows(ui, row_height, total, |ui, rows| {
            let first = rows.start.saturating_sub(MARGIN_LINES);
            let count = rows.end + MARGIN_LINES - first;
            self.visible = match &self.index {
                Some(index) => index.read(&self.path, first, count).unwrap_or_default(),
                None => self.tail.iter().skip(first).take(count).cloned().collect(),
            };
            for line in self
                .visible
                .iter()
                .filter(|l| rows.contains(&l.number) || self.index.is_none())
            {
                let highlight = if Some(line.number) == current_line {
                    Some(theme::ACCENT.gamma_multiply(0.35))
                } else if needle
                    .as_ref()
                    .is_some_and(|n| plain(line).to_lowercase().contains(n.as_str()))
                {
                    Some(theme::WARNING.gamma_multiply(0.15))
                } else {
                    None
                };
                ui.label(layout(line, &font, self.show_times, highlight));
            }
        });
        let max = (output.content_size.y - output.inner_rect.height()).max(0.0);
        let at_bottom = output.state.offset.y >= max - 2.0;
        let scrolled = ui.input(|i| i.smooth_scroll_delta.y != 0.0)
            && output
                .inner_rect
                .contains(ui.input(|i| i.pointer.hover_pos()).unwrap_or_default());
        if scrolled || at_bottom {
            self.follow = at_bottom;
        }
    }
}

/// A line's text without styles.
pub fn plain(line: &Line) -> String {
    line.runs.iter().map(|(_, text)| text.as_str()).collect()
}

fn layout(line: &Line, font: &FontId, times: bool, highlight: Option<Color32>) -> LayoutJob {
    let mut job = LayoutJob::default();
    let base = TextFormat {
        font_id: font.clone(),
        color: theme::TEXT,
        background: highlight.unwrap_or(Color32::TRANSPARENT),
        ..Default::default()
    };
    if times {
        let time = Local
            .timestamp_millis_opt(line.at_ms)
            .single()
            .map_or_else(String::new, |t| t.format("%H:%M:%S%.3f ").to_string());
        job.append(
            &time,
            0.0,
            TextFormat {
                color: theme::TEXT_WEAK,
                ..base.clone()
            },
        );
    }
    let (gutter, gutter_color) = match line.stream {
        Stream::Stdout => ("  ", theme::TEXT_WEAK),
        Stream::Stderr => ("▌ ", theme::ERROR),
        Stream::Note => ("▸ ", theme::ACCENT),
    };
    job.append(
        gutter,
        0.0,
        TextFormat {
            color: gutter_color,
            ..base.clone()
        },
    );
    for (style, text) in &line.runs {
        let mut color = style.fg.unwrap_or(match line.stream {
            Stream::Note => theme::TEXT_WEAK,
            Stream::Stderr => Color32::from_rgb(0xff, 0xb4, 0xb4),
            Stream::Stdout => theme::TEXT,
        });
        if style.bold {
            color = crate::ui::editor::card_shape::mix(color, Color32::WHITE, 0.35);
        }
        if style.dim {
            color = color.gamma_multiply(0.6);
        }
        job.append(
            text,
            0.0,
            TextFormat {
                color,
                background: style.bg.or(highlight).unwrap_or(Color32::TRANSPARENT),
                italics: style.italic || line.stream == Stream::Note,
                underline: if style.underline {
                    Stroke::new(1.0, color)
                } else {
                    Stroke::NONE
                },
                ..base.clone()
            },
        );
    }
    job
}
