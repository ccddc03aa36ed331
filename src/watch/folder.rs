//! A Folder change trigger: file events under a Folder source's folder, or for its `.zip`
//! file. It fires once the folder has been quiet for the trigger's `debounce`: every relevant
//! change restarts that quiet period, so a burst of changes, however spread, fires once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::{Fire, Tick, Wake, WatchError};
use crate::execution::TriggerKind;
use crate::model::FolderConfig;
use crate::model::triggers::{DEFAULT_DEBOUNCE, Filter, FolderTrigger, GlobFilter};

/// The workspace's own state folder, never a reason to run.
const STATE_DIR: &str = ".pipewright";
/// Files named in a trigger's detail.
const NAMED_FILES: usize = 3;

/// Relevant paths changed since the last fire, and when the last of them changed.
#[derive(Default)]
struct Pending {
    /// A set, so a file written again and again during a long burst is counted once.
    paths: BTreeSet<String>,
    last: Option<Instant>,
}

/// Which changed paths count, as paths relative to the folder.
#[derive(Clone)]
struct Scope {
    path: PathBuf,
    shown: String,
    excludes: GlobFilter,
}

impl Scope {
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

/// Watches one folder (or zip file) for one trigger.
pub struct FolderWatch {
    scope: Scope,
    debounce: Duration,
    wake: Wake,
    pending: Arc<Mutex<Pending>>,
    watcher: Option<RecommendedWatcher>,
    /// The folder was gone at the last look: its return is a change.
    was_missing: bool,
}

impl FolderWatch {
    /// Prepares the watch; it starts at the first [`FolderWatch::poll`].
    pub fn new(
        trigger: &FolderTrigger,
        config: &FolderConfig,
        workspace: &Path,
        wake: Wake,
    ) -> Result<Self, WatchError> {
        // Written like the Folder source reads them: relative, `./` optional.
        let excludes = trigger
            .exclude
            .iter()
            .chain(&config.exclude)
            .map(|glob| glob.strip_prefix("./").unwrap_or(glob).to_string())
            .collect();
        let excludes = GlobFilter::new(&Filter {
            includes: Vec::new(),
            excludes,
        })
        .map_err(WatchError::Filter)?;
        Ok(Self {
            scope: Scope {
                path: workspace.join(&config.path),
                shown: config.path.clone(),
                excludes,
            },
            debounce: trigger.debounce.unwrap_or(DEFAULT_DEBOUNCE).to_std(),
            wake,
            pending: Arc::default(),
            watcher: None,
            was_missing: false,
        })
    }

    /// Starts watching if needed; fires once the folder has been quiet for `debounce` since
    /// its last relevant change.
    pub fn poll(&mut self, tick: &Tick) -> Result<Vec<Fire>, WatchError> {
        if !self.scope.path.exists() {
            self.watcher = None;
            self.was_missing = true;
            return Err(WatchError::FolderMissing {
                path: self.scope.path.clone(),
            });
        }
        if self.watcher.is_none() {
            // Changes seen before the folder went away are not news once it is back.
            if let Ok(mut pending) = self.pending.lock() {
                *pending = Pending::default();
            }
            self.watcher = Some(self.start()?);
            if std::mem::take(&mut self.was_missing) {
                return Ok(vec![self.fire(format!(
                    "change in {}: the folder is back",
                    self.scope.shown
                ))]);
            }
        }
        let changed: Vec<String> = {
            let Ok(mut pending) = self.pending.lock() else {
                return Ok(Vec::new());
            };
            match pending.last {
                Some(last) if tick.now.duration_since(last) >= self.debounce => {
                    pending.last = None;
                    std::mem::take(&mut pending.paths).into_iter().collect()
                }
                _ => return Ok(Vec::new()),
            }
        };
        let mut named = changed[..changed.len().min(NAMED_FILES)].join(", ");
        if changed.len() > NAMED_FILES {
            named.push_str(", …");
        }
        let files = if changed.len() == 1 { "file" } else { "files" };
        Ok(vec![self.fire(format!(
            "change in {}: {} {files} ({named})",
            self.scope.shown,
            changed.len()
        ))])
    }

    fn fire(&self, detail: String) -> Fire {
        Fire {
            kind: TriggerKind::FolderChange,
            detail,
            revisions: IndexMap::new(),
            variables: IndexMap::new(),
            branch: None,
        }
    }

    fn start(&self) -> Result<RecommendedWatcher, WatchError> {
        let cannot = |error: notify::Error| WatchError::Notify {
            path: self.scope.path.clone(),
            message: error.to_string(),
        };
        let (pending, wake, scope) = (self.pending.clone(), self.wake.clone(), self.scope.clone());
        let mut watcher =
            notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
                let Ok(event) = result else { return };
                // Reading the folder (the Folder source copying it, say), excluded files and the
                // workspace's own state do not count, nor restart the quiet period.
                if event.kind.is_access() {
                    return;
                }
                let relevant: Vec<String> = event
                    .paths
                    .iter()
                    .filter_map(|path| scope.relevant(path))
                    .collect();
                if relevant.is_empty() {
                    return;
                }
                if let Ok(mut pending) = pending.lock() {
                    pending.paths.extend(relevant);
                    pending.last = Some(Instant::now());
                }
                wake();
            })
            .map_err(cannot)?;
        // A zip file is watched through its folder, keeping only its own events.
        let (target, mode) = if self.scope.path.is_file() {
            (
                self.scope.path.parent().unwrap_or(Path::new("/")),
                RecursiveMode::NonRecursive,
            )
        } else {
            (self.scope.path.as_path(), RecursiveMode::Recursive)
        };
        watcher.watch(target, mode).map_err(cannot)?;
        Ok(watcher)
    }
}
