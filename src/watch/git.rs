//! A Git change trigger: looks at the repository's refs with `git ls-remote`, right away when a
//! local repository's refs change on disk (notify) and otherwise at an interval, and fires for
//! each watched branch or tag that moved. A remote repository's new commits are fetched into
//! a cache to read their files and authors.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use sha2::{Digest, Sha256};

use super::error::{GitError, WatchError};
use super::git_command::{FETCH, git, git_within};
use super::refs::{self, Moved, Snapshot};
use super::{Fire, Tick, Wake};
use crate::engine::actions::git::{is_url, redact};
use crate::execution::TriggerKind;
use crate::model::GitConfig;
use crate::model::triggers::{DEFAULT_POLL_INTERVAL, GitTrigger, GlobFilter};

/// Watches one repository for one trigger.
pub struct GitWatch {
    source: String,
    configured_branch: Option<String>,
    /// A local path or URL, as git is given it.
    location: String,
    /// Where commits can be read: the local repository, or the cache of a remote one.
    objects: PathBuf,
    local: bool,
    branches: Option<GlobFilter>,
    tags: Option<GlobFilter>,
    paths: Option<GlobFilter>,
    interval: Duration,
    /// When to look again without a ref change (`None`: at once).
    next_check: Option<Instant>,
    dirty: Arc<AtomicBool>,
    wake: Wake,
    ref_watcher: Option<RecommendedWatcher>,
    baseline: Option<Snapshot>,
}

impl GitWatch {
    /// Prepares the watch; nothing is read until the first [`GitWatch::poll`].
    pub fn new(
        trigger: &GitTrigger,
        config: &GitConfig,
        workspace: &Path,
        cache_root: &Path,
        local_interval: Duration,
        wake: Wake,
    ) -> Result<Self, WatchError> {
        let compile = |filter| GlobFilter::new(filter).map_err(WatchError::Filter);
        let local = !is_url(&config.repository);
        let location = if local {
            workspace
                .join(&config.repository)
                .to_string_lossy()
                .into_owned()
        } else {
            config.repository.clone()
        };
        let objects = if local {
            PathBuf::from(&location)
        } else {
            let digest = Sha256::digest(location.as_bytes());
            cache_root.join(format!("{}.git", hex::encode(&digest[..8])))
        };
        let interval = if local {
            local_interval
        } else {
            trigger
                .poll_interval
                .unwrap_or(DEFAULT_POLL_INTERVAL)
                .to_std()
        };
        Ok(Self {
            source: trigger.source.clone(),
            configured_branch: config.branch.clone(),
            location,
            objects,
            local,
            branches: trigger.branches.as_ref().map(compile).transpose()?,
            tags: trigger.tags.as_ref().map(compile).transpose()?,
            paths: trigger.file_paths.as_ref().map(compile).transpose()?,
            interval,
            next_check: None,
            dirty: Arc::new(AtomicBool::new(false)),
            wake,
            ref_watcher: None,
            baseline: None,
        })
    }

    /// Checks the refs when a change was seen or the interval is up; what fired.
    pub fn poll(&mut self, tick: &Tick) -> Result<Vec<Fire>, WatchError> {
        let woken = self.dirty.swap(false, Ordering::SeqCst);
        if !woken && self.next_check.is_some_and(|at| tick.now < at) {
            return Ok(Vec::new());
        }
        self.next_check = Some(tick.now + self.interval);
        let checked = self.check();
        if checked.is_err() {
            // The back-off decides when to try again; then look for real.
            self.next_check = None;
        }
        checked
    }

    /// Reads the refs and compares them with the last look.
    fn check(&mut self) -> Result<Vec<Fire>, WatchError> {
        if self.local && self.ref_watcher.is_none() {
            self.ref_watcher = self.watch_refs();
        }
        let listing = git(
            Path::new("/"),
            &["ls-remote", "--symref", "--", &self.location],
        )
        .map_err(|source| {
            // The repository may come back as a new folder: watch that one then.
            self.ref_watcher = None;
            WatchError::Unreadable {
                repository: redact(&self.location),
                source,
            }
        })?;
        let now = refs::parse(&listing);
        let Some(before) = &self.baseline else {
            self.baseline = Some(now);
            return Ok(Vec::new());
        };
        let moved = refs::moved(
            before,
            &now,
            self.branch_filter(&now).as_ref(),
            self.tags.as_ref(),
        );
        let mut fires = Vec::new();
        if !moved.is_empty() && !self.local {
            // Needed for file path filters; otherwise it only names the author.
            let fetched = self.fetch();
            if self.paths.is_some() {
                fetched?;
            }
        }
        for change in moved {
            if let Some(fire) = self.fire_for(&change)? {
                fires.push(fire);
            }
        }
        // Only now: a failure above leaves the baseline as it was, so the change is not lost.
        self.baseline = Some(now);
        Ok(fires)
    }

    /// The branches that fire: the trigger's filter, or else the source's own branch (unless
    /// the trigger only names tags).
    fn branch_filter(&self, now: &Snapshot) -> Option<GlobFilter> {
        match (&self.branches, &self.tags) {
            (Some(filter), _) => Some(filter.clone()),
            (None, Some(_)) => None,
            (None, None) => self
                .configured_branch
                .as_ref()
                .or(now.head.as_ref())
                .map(|branch| GlobFilter::exactly(branch)),
        }
    }

    fn fire_for(&self, change: &Moved) -> Result<Option<Fire>, WatchError> {
        if let (Moved::Branch { from, to, .. }, Some(paths)) = (change, &self.paths) {
            let files = self.changed_files(from.as_deref(), to)?;
            if !paths.matches_any(files.iter().map(String::as_str)) {
                return Ok(None);
            }
        }
        let commit = change.commit();
        let short = &commit[..7.min(commit.len())];
        let about = self
            .in_objects(&["log", "-1", "--format=%an%x1f%s", commit])
            .ok()
            .and_then(|line| {
                let (author, subject) = line.trim_end().split_once('\u{1f}')?;
                Some((author.to_string(), subject.to_string()))
            });
        let what = match change {
            Moved::Branch { name, .. } => format!("push to {name}"),
            Moved::Tag { name, .. } => format!("tag {name}"),
        };
        let detail = match about {
            Some((author, subject)) => format!("{what} by {author}: {short} {subject}"),
            None => format!("{what}: {short}"),
        };
        let branch = match change {
            Moved::Branch { name, .. } => Some((self.source.clone(), name.clone())),
            Moved::Tag { .. } => None,
        };
        Ok(Some(Fire {
            kind: TriggerKind::GitChange,
            detail,
            revisions: IndexMap::from([(self.source.clone(), commit.to_string())]),
            variables: IndexMap::new(),
            branch,
        }))
    }

    /// The files a push changed: against the previous commit of the branch, or (for a new
    /// branch, or history that was rewritten away) the files of its newest commit.
    fn changed_files(&self, from: Option<&str>, to: &str) -> Result<Vec<String>, WatchError> {
        let listed = match from {
            Some(from) => self
                .in_objects(&["diff", "-z", "--name-only", from, to])
                .ok(),
            None => None,
        };
        let listed = match listed {
            Some(listed) => listed,
            None => self
                .in_objects(&[
                    "diff-tree",
                    "-z",
                    "--no-commit-id",
                    "--name-only",
                    "-r",
                    "--root",
                    to,
                ])
                .map_err(|source| WatchError::ChangedFiles {
                    commit: to.to_string(),
                    source,
                })?,
        };
        Ok(listed
            .split('\0')
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect())
    }

    /// Runs git on the commits: in the local repository, or with `--git-dir` on the cache of a
    /// remote one (never in whatever repository happens to hold the cache folder).
    fn in_objects(&self, args: &[&str]) -> Result<String, GitError> {
        if self.local {
            return git(&self.objects, args);
        }
        let git_dir = self.objects.to_string_lossy().into_owned();
        let mut full = vec!["--git-dir", git_dir.as_str()];
        full.extend_from_slice(args);
        git(Path::new("/"), &full)
    }

    /// Brings a remote repository's branches and tags into the cache.
    fn fetch(&self) -> Result<(), WatchError> {
        let failed = |source| WatchError::Fetch {
            repository: redact(&self.location),
            source,
        };
        if !self.objects.join("HEAD").is_file() {
            std::fs::create_dir_all(&self.objects).map_err(|error| WatchError::Cache {
                path: self.objects.clone(),
                message: error.to_string(),
            })?;
            let cache = self.objects.to_string_lossy().into_owned();
            git(Path::new("/"), &["init", "--bare", "--quiet", &cache]).map_err(failed)?;
        }
        let git_dir = self.objects.to_string_lossy().into_owned();
        git_within(
            Path::new("/"),
            &[
                "--git-dir",
                &git_dir,
                "fetch",
                "--quiet",
                "--force",
                "--",
                &self.location,
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ],
            FETCH,
        )
        .map(|_| ())
        .map_err(failed)
    }

    /// Watches the local repository's ref files, so a commit is seen at once.
    fn watch_refs(&self) -> Option<RecommendedWatcher> {
        // The common dir holds the refs, also for a linked worktree.
        let git_dir = git(
            &self.objects,
            &["rev-parse", "--path-format=absolute", "--git-common-dir"],
        )
        .ok()?;
        let git_dir = PathBuf::from(git_dir.trim());
        let (dirty, wake) = (self.dirty.clone(), self.wake.clone());
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                // Reading the repository (our own checks included) is not a change.
                if event.is_ok_and(|event| !event.kind.is_access()) {
                    dirty.store(true, Ordering::SeqCst);
                    wake();
                }
            })
            .ok()?;
        watcher.watch(&git_dir, RecursiveMode::NonRecursive).ok()?;
        watcher
            .watch(&git_dir.join("refs"), RecursiveMode::Recursive)
            .ok()?;
        Some(watcher)
    }
}
