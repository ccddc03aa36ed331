//! Why a trigger cannot watch: the watcher's typed errors. They end up in a
//! [`NoteKind::Failing`](super::NoteKind::Failing) note and a trigger's status, retried with
//! back-off; the message says what is wrong and, where it can, what to do.

use std::path::PathBuf;
use std::time::Duration;

/// A `git` call that did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started (not installed, not on `PATH`).
    #[error("cannot run git: {0}")]
    NotRun(String),
    /// Waiting for `git` failed.
    #[error("cannot wait for git: {0}")]
    Wait(String),
    /// `git` ran out of time and was killed with everything it started.
    #[error("git {command} took longer than {limit:?}")]
    TimedOut {
        /// The git subcommand, e.g. `ls-remote`.
        command: String,
        /// The time it had.
        limit: Duration,
    },
    /// `git` exited with an error; the first line of what it said.
    #[error("{0}")]
    Failed(String),
}

/// Why one trigger cannot watch right now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    /// The repository's refs cannot be listed.
    #[error("repository {repository} cannot be read: {source}")]
    Unreadable {
        /// The repository, with any password in its URL hidden.
        repository: String,
        /// What git said.
        source: GitError,
    },
    /// A remote repository's new commits cannot be fetched into the cache.
    #[error("cannot fetch {repository}: {source}")]
    Fetch {
        /// The repository, with any password in its URL hidden.
        repository: String,
        /// What git said.
        source: GitError,
    },
    /// Another git call on the repository's commits failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The files a push changed cannot be listed (for a file path filter).
    #[error("cannot list the files of {commit}: {source}")]
    ChangedFiles {
        /// The commit pushed.
        commit: String,
        /// What git said.
        source: GitError,
    },
    /// The cache folder of a remote repository cannot be created.
    #[error("cannot create {}: {message}", path.display())]
    Cache {
        /// The cache folder.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// A Folder source's folder is gone.
    #[error(
        "folder {} does not exist: create it or fix the Folder source's path",
        path.display()
    )]
    FolderMissing {
        /// The folder.
        path: PathBuf,
    },
    /// The system would not let the folder be watched (e.g. out of inotify watches).
    #[error("cannot watch {}: {message}", path.display())]
    Notify {
        /// The folder or file.
        path: PathBuf,
        /// The system's reason.
        message: String,
    },
    /// A branch, tag, path or exclude glob of the trigger does not compile.
    #[error("{0}")]
    Filter(String),
    /// The trigger's cron expression or time zone is wrong.
    #[error("{0}")]
    Schedule(String),
    /// The trigger names an action that is not a source of the kind it watches.
    #[error("{action} is not a {kind} source")]
    NotASource {
        /// The action the trigger names.
        action: String,
        /// `Git` or `Folder`.
        kind: &'static str,
    },
}
