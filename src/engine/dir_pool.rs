//! Empty working folders, reused from one action to the next. On a filesystem where creating
//! and removing a folder costs a fraction of a millisecond, an action that leaves its folder
//! empty should not pay for a new one. Each engine has its own pool under
//! `.pipewright/scratch/<pid>-<n>/`; pools left by processes that are gone are removed at start.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::store::artifacts::remove_tree;

static POOLS: AtomicUsize = AtomicUsize::new(0);

/// A pool of empty folders.
pub struct DirPool {
    root: PathBuf,
    free: Mutex<Vec<PathBuf>>,
    next: AtomicUsize,
}

impl DirPool {
    /// A new pool under `scratch`, removing the pools of processes that no longer run.
    pub fn new(scratch: &Path) -> std::io::Result<Self> {
        if let Ok(entries) = std::fs::read_dir(scratch) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let pid = name
                    .split('-')
                    .next()
                    .and_then(|pid| pid.parse::<u32>().ok());
                if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                    let _ = remove_tree(&entry.path());
                }
            }
        }
        let root = scratch.join(format!(
            "{}-{}",
            std::process::id(),
            POOLS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&root)?;
        Ok(Self {
            root,
            free: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        })
    }

    /// An empty folder, reused when one is free.
    pub fn take(&self) -> std::io::Result<PathBuf> {
        if let Some(dir) = self.lock().pop() {
            return Ok(dir);
        }
        let dir = self
            .root
            .join(self.next.fetch_add(1, Ordering::Relaxed).to_string());
        std::fs::create_dir(&dir)?;
        Ok(dir)
    }

    /// Returns a folder: kept for reuse if it is empty; otherwise handed back to the caller,
    /// who removes it (where that is cheap to do).
    #[must_use = "a folder that is not empty must be removed"]
    pub fn give_back(&self, dir: PathBuf) -> Option<PathBuf> {
        let empty = std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_none());
        if empty {
            self.lock().push(dir);
            None
        } else {
            Some(dir)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for DirPool {
    fn drop(&mut self) {
        let _ = remove_tree(&self.root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_folders_are_reused_and_used_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DirPool::new(dir.path()).unwrap();
        let first = pool.take().unwrap();
        assert_eq!(pool.give_back(first.clone()), None);
        assert_eq!(pool.take().unwrap(), first, "an empty folder comes back");
        std::fs::write(first.join("junk"), "x").unwrap();
        assert_eq!(
            pool.give_back(first.clone()),
            Some(first.clone()),
            "a used one is not kept"
        );
        assert_ne!(pool.take().unwrap(), first);
    }

    #[test]
    fn pools_of_dead_processes_are_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join("999999999-0");
        std::fs::create_dir_all(stale.join("7")).unwrap();
        let _pool = DirPool::new(dir.path()).unwrap();
        assert!(!stale.exists());
    }
}
