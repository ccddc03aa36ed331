//! A Folder change trigger: debounced file events (notify-debouncer-full) under a Folder
//! source's folder, or for its `.zip` file; one burst of changes fires once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::{Fire, Tick, Wake};
use crate::model::FolderConfig;
use crate::model::triggers::{DEFAULT_DEBOUNCE, Filter, FolderTrigger, GlobFilter};

/// The workspace's own state folder, never a reason to run.
const STATE_DIR: &str = ".pipewright";
/// Files named in a trigger's detail.
const NAMED_FILES: usize = 3;

/// Paths changed since the last fire, and when the last debounced batch came.
#[derive(Default)]
struct Pending {
    paths: Vec<PathBuf>,
    last: Option<Instant>,
}

/// Watches one folder (or zip file) for one trigger.
pub struct FolderWatch {
    path: PathBuf,
    shown: String,
    excludes: GlobFilter,
    debounce: Duration,
    wake: Wake,
    pending: Arc<Mutex<Pending>>,
    debouncer: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
}

impl FolderWatch {
    /// Prepares the watch; it starts at the first [`FolderWatch::poll`].
    pub fn new(
        trigger: &FolderTrigger,
        config: &FolderConfig,
        workspace: &Path,
        wake: Wake,
    ) -> Result<Self, String> {
        let excludes = GlobFilter::new(&Filter {
            includes: Vec::new(),
            excludes: trigger
                .exclude
                .iter()
                .chain(&config.exclude)
                .cloned()
                .collect(),
        })?;
        Ok(Self {
            path: workspace.join(&config.path),
            shown: config.path.clone(),
            excludes,
            debounce: trigger.debounce.unwrap_or(DEFAULT_DEBOUNCE).to_std(),
            wake,
            pending: Arc::default(),
            debouncer: None,
        })
    }

    /// Starts watching if needed; fires once a burst of relevant changes has settled.
    pub fn poll(&mut self, tick: &Tick) -> Result<Vec<Fire>, String> {
        if !self.path.exists() {
            self.debouncer = None;
            return Err(format!(
                "folder {} does not exist: create it or fix the Folder source's path",
                self.path.display()
            ));
        }
        if self.debouncer.is_none() {
            self.debouncer = Some(self.start()?);
        }
        // The debouncer settles each file for half the quiet time; the folder as a whole must
        // then stay quiet for the other half, so one burst fires once.
        let grace = self.half_quiet();
        let paths = {
            let Ok(mut pending) = self.pending.lock() else {
                return Ok(Vec::new());
            };
            match pending.last {
                Some(last) if tick.now.duration_since(last) >= grace => {
                    pending.last = None;
                    std::mem::take(&mut pending.paths)
                }
                _ => return Ok(Vec::new()),
            }
        };
        let mut changed: Vec<String> = paths
            .iter()
            .filter_map(|path| self.relevant(path))
            .collect();
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let mut named = changed[..changed.len().min(NAMED_FILES)].join(", ");
        if changed.len() > NAMED_FILES {
            named.push_str(", …");
        }
        let files = if changed.len() == 1 { "file" } else { "files" };
        Ok(vec![Fire {
            kind: "FolderChange",
            detail: format!(
                "change in {}: {} {files} ({named})",
                self.shown,
                changed.len()
            ),
            revisions: IndexMap::new(),
            variables: IndexMap::new(),
        }])
    }

    fn start(&self) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, String> {
        let (pending, wake) = (self.pending.clone(), self.wake.clone());
        let mut debouncer = new_debouncer(
            self.half_quiet(),
            None,
            move |result: DebounceEventResult| {
                let Ok(events) = result else { return };
                if let Ok(mut pending) = pending.lock() {
                    // Reading the folder (the Folder source copying it, say) is not a change.
                    pending.paths.extend(
                        events
                            .into_iter()
                            .filter(|event| !event.kind.is_access())
                            .flat_map(|event| event.event.paths),
                    );
                    pending.last = Some(Instant::now());
                }
                wake();
            },
        )
        .map_err(|error| format!("cannot watch {}: {error}", self.path.display()))?;
        // A zip file is watched through its folder, keeping only its own events.
        let (target, mode) = if self.path.is_file() {
            (
                self.path.parent().unwrap_or(Path::new("/")),
                RecursiveMode::NonRecursive,
            )
        } else {
            (self.path.as_path(), RecursiveMode::Recursive)
        };
        debouncer
            .watch(target, mode)
            .map_err(|error| format!("cannot watch {}: {error}", self.path.display()))?;
        Ok(debouncer)
    }

    /// Half the trigger's quiet time (at least 100 ms).
    fn half_quiet(&self) -> Duration {
        (self.debounce / 2).max(Duration::from_millis(100))
    }

    /// The changed path relative to the folder, unless it does not count.
    fn relevant(&self, path: &Path) -> Option<String> {
        if self.path.is_file() {
            return (path == self.path).then(|| self.shown.clone());
        }
        let relative = path.strip_prefix(&self.path).ok()?;
        let text = relative.to_string_lossy().replace('\\', "/");
        let ignored = text.is_empty()
            || text == STATE_DIR
            || text.starts_with(&format!("{STATE_DIR}/"))
            || path.is_dir()
            || !self.excludes.matches(&text);
        (!ignored).then_some(text)
    }
}
