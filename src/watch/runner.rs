//! The watcher's thread: keeps one watch per trigger of every valid pipeline file in the
//! workspace (rebuilt when a file changes, kept when its trigger did not), checks them every
//! tick or when woken, and starts an execution for each fire.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use super::error::WatchError;
use super::folder::FolderWatch;
use super::git::GitWatch;
use super::health::Health;
use super::schedule::ScheduleWatch;
use super::{
    Control, Fire, Note, NoteKind, NoteSink, Shared, Starter, Tick, TriggerStatus, Wake,
    WatchOptions,
};
use crate::engine::StartRequest;
use crate::execution::Trigger;
use crate::model::triggers::TriggerSpec;
use crate::model::{Pipeline, Provider, ron_io, validate, workspace};
use crate::store::WorkspacePaths;

/// How often the watches are looked at when nothing wakes the thread.
const TICK: Duration = Duration::from_millis(100);

/// One trigger's live watch.
enum AnyWatch {
    Git(GitWatch),
    Folder(FolderWatch),
    Schedule(ScheduleWatch),
}

impl AnyWatch {
    fn poll(&mut self, tick: &Tick) -> Result<Vec<Fire>, WatchError> {
        match self {
            AnyWatch::Git(git) => git.poll(tick),
            AnyWatch::Folder(folder) => folder.poll(tick),
            AnyWatch::Schedule(schedule) => Ok(schedule.poll(tick)),
        }
    }
}

struct Entry {
    file: PathBuf,
    pipeline: String,
    /// The trigger and its source's configuration: equal keys keep the watch on reload.
    key: String,
    summary: String,
    watch: AnyWatch,
    health: Health,
    /// Whether "watching" was reported (after the first successful check).
    announced: bool,
    last_fired: Option<String>,
}

/// A pipeline file as last read.
struct FileState {
    stamp: Option<(SystemTime, u64)>,
    pipeline: Option<Pipeline>,
}

/// The state of the watcher's thread.
pub struct Runner {
    workspace: PathBuf,
    options: WatchOptions,
    starter: Starter,
    notes: NoteSink,
    shared: Arc<Shared>,
    wake: Wake,
    files: HashMap<PathBuf, FileState>,
    entries: Vec<Entry>,
    next_scan: Instant,
}

impl Runner {
    /// A runner for `workspace`; nothing is read until [`Runner::run`].
    pub(super) fn new(
        workspace: PathBuf,
        options: WatchOptions,
        starter: Starter,
        notes: NoteSink,
        shared: Arc<Shared>,
        wake: Wake,
    ) -> Self {
        Self {
            workspace,
            options,
            starter,
            notes,
            shared,
            wake,
            files: HashMap::new(),
            entries: Vec::new(),
            next_scan: Instant::now(),
        }
    }

    /// Checks the triggers until told to stop.
    pub(super) fn run(mut self, control: Receiver<Control>) {
        loop {
            self.step();
            match control.recv_timeout(TICK) {
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Control::Wake) | Err(RecvTimeoutError::Timeout) => {}
            }
            while let Ok(message) = control.try_recv() {
                if let Control::Stop = message {
                    return;
                }
            }
        }
    }

    fn step(&mut self) {
        let now = Instant::now();
        if now >= self.next_scan {
            self.next_scan = now + self.options.rescan;
            self.scan();
        }
        let tick = Tick {
            now,
            clock: self.options.clock.now(),
        };
        let mut fired = Vec::new();
        for (index, entry) in self.entries.iter_mut().enumerate() {
            if !entry.health.ready(now) {
                continue;
            }
            match entry.watch.poll(&tick) {
                Ok(fires) => {
                    if entry.health.succeeded() {
                        (self.notes)(&note(entry, NoteKind::Recovered));
                    }
                    if !entry.announced {
                        entry.announced = true;
                        (self.notes)(&note(entry, NoteKind::Watching));
                    }
                    fired.extend(fires.into_iter().map(|fire| (index, fire)));
                }
                Err(error) => {
                    let (first, max) = (self.options.retry_first, self.options.retry_max);
                    if entry.health.failed(error.clone(), now, first, max) {
                        (self.notes)(&note(entry, NoteKind::Failing(error)));
                    }
                }
            }
        }
        for (index, fire) in fired {
            self.start(index, fire);
        }
        self.publish();
    }

    /// Starts an execution for a fire, unless the pipeline's triggers are paused.
    fn start(&mut self, index: usize, fire: Fire) {
        if self.shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let entry = &self.entries[index];
        let paused = self
            .shared
            .paused
            .lock()
            .is_ok_and(|set| set.contains(&entry.pipeline));
        let kind = if paused {
            NoteKind::Paused {
                detail: fire.detail.clone(),
            }
        } else if let Some(mut pipeline) =
            self.files.get(&entry.file).and_then(|f| f.pipeline.clone())
        {
            if let Some((source, branch)) = &fire.branch {
                take_branch(&mut pipeline, source, branch);
            }
            let request = StartRequest {
                pipeline,
                file: entry.file.clone(),
                variables: fire.variables,
                source_revisions: fire.revisions,
                trigger: Trigger {
                    kind: fire.kind,
                    detail: fire.detail.clone(),
                },
            };
            match (self.starter)(request) {
                Ok(execution) => NoteKind::Fired {
                    detail: fire.detail.clone(),
                    execution,
                },
                Err(error) => NoteKind::NotStarted {
                    detail: fire.detail.clone(),
                    error: error.to_string(),
                },
            }
        } else {
            return;
        };
        if let NoteKind::Fired { detail, .. } = &kind {
            self.entries[index].last_fired = Some(detail.clone());
        }
        (self.notes)(&note(&self.entries[index], kind));
    }

    /// Reloads new and changed pipeline files and forgets removed ones.
    fn scan(&mut self) {
        let files = workspace::pipeline_files(&self.workspace);
        self.files.retain(|path, _| files.contains(path));
        self.entries.retain(|entry| files.contains(&entry.file));
        for file in files {
            let stamp = std::fs::metadata(&file)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())));
            if self.files.get(&file).is_some_and(|f| f.stamp == stamp) {
                continue;
            }
            let pipeline = self.load(&file);
            self.rebuild(&file, pipeline.as_ref());
            self.files.insert(file, FileState { stamp, pipeline });
        }
    }

    /// The pipeline in `file` if it is valid (a note says why not otherwise).
    fn load(&mut self, file: &Path) -> Option<Pipeline> {
        let shown = workspace::stem(file);
        let problem = match ron_io::load(file) {
            Err(error) => Some(error.to_string()),
            Ok(loaded) => match validate(&loaded.pipeline).first() {
                Some(problem) => Some(format!("{}: {}", problem.path, problem.message)),
                None => return Some(loaded.pipeline),
            },
        };
        if let Some(problem) = problem {
            let has_triggers = std::fs::read_to_string(file).is_ok_and(|t| t.contains("triggers"));
            if has_triggers {
                (self.notes)(&Note {
                    pipeline: shown,
                    trigger: String::new(),
                    kind: NoteKind::Invalid(problem),
                });
            }
        }
        None
    }

    /// Replaces the watches of `file`, keeping those whose trigger did not change.
    fn rebuild(&mut self, file: &Path, pipeline: Option<&Pipeline>) {
        let mut old: Vec<Entry> = Vec::new();
        let mut index = 0;
        while index < self.entries.len() {
            if self.entries[index].file == file {
                old.push(self.entries.remove(index));
            } else {
                index += 1;
            }
        }
        let Some(pipeline) = pipeline else { return };
        for trigger in &pipeline.triggers {
            let key = key(pipeline, trigger);
            if let Some(at) = old.iter().position(|e| e.key == key) {
                let mut kept = old.remove(at);
                kept.pipeline = pipeline.name.clone();
                self.entries.push(kept);
                continue;
            }
            let summary = trigger.summary();
            let entry = match self.watch(pipeline, trigger) {
                Ok(watch) => Entry {
                    file: file.to_path_buf(),
                    pipeline: pipeline.name.clone(),
                    key,
                    summary,
                    watch,
                    health: Health::default(),
                    announced: false,
                    last_fired: None,
                },
                Err(error) => {
                    (self.notes)(&Note {
                        pipeline: pipeline.name.clone(),
                        trigger: summary,
                        kind: NoteKind::Failing(error),
                    });
                    continue;
                }
            };
            self.entries.push(entry);
        }
    }

    fn watch(&self, pipeline: &Pipeline, trigger: &TriggerSpec) -> Result<AnyWatch, WatchError> {
        let provider = |name: &str| pipeline.source_action(name).map(|a| &a.provider);
        match trigger {
            TriggerSpec::GitChange(git) => match provider(&git.source) {
                Some(Provider::Git(config)) => Ok(AnyWatch::Git(GitWatch::new(
                    git,
                    config,
                    &self.workspace,
                    &WorkspacePaths::new(&self.workspace)
                        .state_dir()
                        .join("trigger-cache"),
                    self.options.local_poll,
                    self.wake.clone(),
                )?)),
                _ => Err(WatchError::NotASource {
                    action: git.source.clone(),
                    kind: "Git",
                }),
            },
            TriggerSpec::FolderChange(folder) => match provider(&folder.source) {
                Some(Provider::Folder(config)) => Ok(AnyWatch::Folder(FolderWatch::new(
                    folder,
                    config,
                    &self.workspace,
                    self.wake.clone(),
                )?)),
                _ => Err(WatchError::NotASource {
                    action: folder.source.clone(),
                    kind: "Folder",
                }),
            },
            TriggerSpec::Schedule(schedule) => Ok(AnyWatch::Schedule(ScheduleWatch::new(
                schedule,
                self.options.clock.now(),
            )?)),
        }
    }

    fn publish(&self) {
        let statuses = self
            .entries
            .iter()
            .map(|entry| TriggerStatus {
                pipeline: entry.pipeline.clone(),
                summary: entry.summary.clone(),
                problem: entry.health.problem().map(ToString::to_string),
                last_fired: entry.last_fired.clone(),
                next_fire: match &entry.watch {
                    AnyWatch::Schedule(schedule) => schedule.next(),
                    _ => None,
                },
            })
            .collect();
        if let Ok(mut shared) = self.shared.statuses.lock() {
            *shared = statuses;
        }
    }
}

/// Makes the Git source `source` of this execution's definition take `branch`, so a push to
/// another watched branch runs (and is labelled) as that branch.
fn take_branch(pipeline: &mut Pipeline, source: &str, branch: &str) {
    let actions = pipeline
        .stages
        .iter_mut()
        .take(1)
        .flat_map(|s| &mut s.actions);
    for action in actions {
        if action.name == source
            && let Provider::Git(config) = &mut action.provider
            && config.branch.as_deref() != Some(branch)
        {
            config.branch = Some(branch.to_string());
        }
    }
}

fn note(entry: &Entry, kind: NoteKind) -> Note {
    Note {
        pipeline: entry.pipeline.clone(),
        trigger: entry.summary.clone(),
        kind,
    }
}

/// A trigger together with the configuration of the source it watches.
fn key(pipeline: &Pipeline, trigger: &TriggerSpec) -> String {
    let provider = trigger
        .source()
        .and_then(|name| pipeline.source_action(name))
        .map(|a| &a.provider);
    format!("{trigger:?}|{provider:?}")
}
