//! One deploy per target folder at a time, across every execution the engine runs.
//!
//! A LocalDeploy takes its target's lock before it touches the target and keeps it until its
//! `current` switch and its release pruning are done. Another execution deploying to the same
//! folder waits, first in first served, and its card says whose deploy it waits for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// Told what a running attempt waits for (`None`: it no longer waits).
pub trait WaitReporter: Send + Sync {
    /// The attempt waits for `reason`, or stopped waiting.
    fn waiting(&self, reason: Option<String>);
}

/// The deploy targets currently held, and by whom.
#[derive(Default)]
pub struct TargetLocks {
    targets: Mutex<HashMap<PathBuf, Target>>,
}

#[derive(Clone, Default)]
struct Target {
    lock: Arc<tokio::sync::Mutex<()>>,
    holder: Arc<Mutex<Option<String>>>,
}

/// A held target; dropping it lets the next deploy in.
pub struct TargetGuard {
    _lock: OwnedMutexGuard<()>,
    holder: Arc<Mutex<Option<String>>>,
}

impl Drop for TargetGuard {
    fn drop(&mut self) {
        if let Ok(mut holder) = self.holder.lock() {
            *holder = None;
        }
    }
}

impl TargetLocks {
    /// Takes `target` (shown to people as `shown`) for `holder` (words such as "execution
    /// 1a2b3c4d"), telling `reporter` while it waits for another holder.
    pub async fn acquire(
        &self,
        target: &Path,
        shown: &str,
        holder: &str,
        reporter: &dyn WaitReporter,
    ) -> TargetGuard {
        let entry = self.entry(target);
        let lock = match entry.lock.clone().try_lock_owned() {
            Ok(lock) => lock,
            Err(_) => {
                let current = entry
                    .holder
                    .lock()
                    .ok()
                    .and_then(|holder| holder.clone())
                    .unwrap_or_else(|| "another execution".to_string());
                reporter.waiting(Some(format!("waiting: {current} deploys to {shown}")));
                let lock = entry.lock.clone().lock_owned().await;
                reporter.waiting(None);
                lock
            }
        };
        if let Ok(mut current) = entry.holder.lock() {
            *current = Some(holder.to_string());
        }
        TargetGuard {
            _lock: lock,
            holder: entry.holder,
        }
    }

    fn entry(&self, target: &Path) -> Target {
        let key = normalized(target);
        let mut targets = self
            .targets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        targets.entry(key).or_default().clone()
    }
}

/// The folder's real path when it exists (so two spellings of one folder share a lock),
/// else its absolute path.
fn normalized(target: &Path) -> PathBuf {
    target
        .canonicalize()
        .or_else(|_| std::path::absolute(target))
        .unwrap_or_else(|_| target.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[derive(Default)]
    struct Noted(Mutex<Vec<Option<String>>>);

    impl WaitReporter for Noted {
        fn waiting(&self, reason: Option<String>) {
            self.0.lock().unwrap().push(reason);
        }
    }

    #[tokio::test]
    async fn a_second_deploy_waits_naming_the_holder_then_goes_in() {
        let folder = tempfile::tempdir().unwrap();
        let locks = Arc::new(TargetLocks::default());
        let noted = Arc::new(Noted::default());
        let first = locks
            .acquire(folder.path(), "site", "execution aaaa", noted.as_ref())
            .await;
        let second = {
            let (locks, noted) = (locks.clone(), noted.clone());
            let target = folder.path().join("."); // another spelling of the same folder
            tokio::spawn(async move {
                let _guard = locks
                    .acquire(&target, "site", "execution bbbb", noted.as_ref())
                    .await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "the second deploy must wait");
        let reason = noted.0.lock().unwrap()[0].clone().unwrap();
        assert_eq!(reason, "waiting: execution aaaa deploys to site");
        drop(first);
        second.await.unwrap();
        assert_eq!(noted.0.lock().unwrap().last(), Some(&None));
    }

    #[tokio::test]
    async fn different_targets_do_not_wait_for_each_other() {
        let folder = tempfile::tempdir().unwrap();
        let locks = TargetLocks::default();
        let noted = Noted::default();
        let _a = locks
            .acquire(&folder.path().join("a"), "a", "x", &noted)
            .await;
        let _b = locks
            .acquire(&folder.path().join("b"), "b", "y", &noted)
            .await;
        assert!(noted.0.lock().unwrap().is_empty());
    }
}
