//! While executions run, the engine refreshes the modification time of the workspace's
//! heartbeat file twice a second. If the process dies, crash recovery reads that time as the
//! moment its executions really ended.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// How often the heartbeat is refreshed while anything runs.
const EVERY: Duration = Duration::from_millis(500);

/// Refreshes `path` while `live` (the number of executions in progress) is above zero.
pub async fn beat(path: PathBuf, live: Arc<AtomicUsize>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if live.load(Ordering::Relaxed) > 0 {
            let _ = touch(&path);
        }
    }
}

fn touch(path: &PathBuf) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}
