//! Which process owns an execution: its pid and start time, so a later start can tell a live
//! owner from a dead one whose pid was reused.

/// The start time of a process (field 22 of `/proc/<pid>/stat`).
pub fn process_start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the fields after it follow the last ')'.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(str::to_string)
}

/// When a process started, in Unix milliseconds (from its start in clock ticks after boot).
pub fn process_started_ms(pid: u32) -> Option<i64> {
    let ticks: i64 = process_start_time(pid)?.parse().ok()?;
    let boot_seconds: i64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    // SAFETY: sysconf only reads a system setting.
    let per_second = i64::from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as i32).max(1);
    Some(boot_seconds * 1000 + ticks * 1000 / per_second)
}

/// This process: its pid and start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The pid.
    pub pid: u32,
    /// Its start time, or empty when unknown.
    pub start: String,
}

impl Owner {
    /// The current process.
    pub fn current() -> Self {
        let pid = std::process::id();
        Self {
            pid,
            start: process_start_time(pid).unwrap_or_default(),
        }
    }
}
