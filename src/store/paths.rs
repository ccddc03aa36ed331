//! Where a workspace keeps its state: `.pipewright/state.db` and one folder per execution.

use std::path::{Path, PathBuf};

/// The folder, inside a workspace, that holds Pipewright's state.
pub const STATE_DIR: &str = ".pipewright";

/// Paths of a workspace's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspacePaths {
    root: PathBuf,
}

impl WorkspacePaths {
    /// The state of the workspace at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The workspace folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `.pipewright/`.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    /// `.pipewright/scratch/`: pools of empty working folders.
    pub fn scratch(&self) -> PathBuf {
        self.state_dir().join("scratch")
    }

    /// A file whose modification time the engine refreshes while executions run, so crash
    /// recovery knows when they really ended.
    pub fn heartbeat(&self) -> PathBuf {
        self.state_dir().join("heartbeat")
    }

    /// The lock file held by the process that hosts the workspace's engine.
    pub fn host_lock(&self) -> PathBuf {
        self.state_dir().join("host.lock")
    }

    /// The SQLite database.
    pub fn database(&self) -> PathBuf {
        self.state_dir().join("state.db")
    }

    /// The folder of one execution.
    pub fn run(&self, execution_id: &str) -> RunPaths {
        RunPaths {
            dir: self.state_dir().join("runs").join(execution_id),
        }
    }
}

/// Paths inside one execution's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPaths {
    dir: PathBuf,
}

impl RunPaths {
    /// `runs/<execution-id>/`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `artifacts/<name>/`: read-only once the producing action succeeded.
    pub fn artifact(&self, name: &str) -> PathBuf {
        self.dir.join("artifacts").join(name)
    }

    /// `logs/<stage>~<action>~<attempt>.log`. (`~` cannot appear in stage or action names;
    /// one flat folder keeps creating a log to a single file creation.)
    pub fn log(&self, stage: &str, action: &str, attempt: u32) -> PathBuf {
        self.dir
            .join("logs")
            .join(format!("{stage}~{action}~{attempt}.log"))
    }

    /// `work/<stage>~<action>~<attempt>/`: where a failed attempt's working copy is kept.
    pub fn work(&self, stage: &str, action: &str, attempt: u32) -> PathBuf {
        self.dir
            .join("work")
            .join(format!("{stage}~{action}~{attempt}"))
    }

    /// `work/<stage>~<action>~<attempt>.side/`: files about the attempt that are not part of
    /// its working copy (exported variables, copies of extra inputs, a clone).
    pub fn side(&self, stage: &str, action: &str, attempt: u32) -> PathBuf {
        self.dir
            .join("work")
            .join(format!("{stage}~{action}~{attempt}.side"))
    }

    /// `reports/<stage>/<action>/<attempt>/`: copies of the test reports an attempt wrote.
    pub fn reports(&self, stage: &str, action: &str, attempt: u32) -> PathBuf {
        self.dir
            .join("reports")
            .join(stage)
            .join(action)
            .join(attempt.to_string())
    }
}
