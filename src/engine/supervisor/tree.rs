//! The processes below a supervisor, read from `/proc`.

use std::collections::HashMap;

/// The direct children of `pid` (from `/proc/PID/task/*/children`, one list per thread that
/// forked, or by scanning every process's parent when the kernel does not offer those files).
pub fn children(pid: i32) -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for task in tasks.flatten() {
        match std::fs::read_to_string(task.path().join("children")) {
            Ok(text) => found.extend(
                text.split_ascii_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            ),
            Err(_) => {
                return parents()
                    .into_iter()
                    .filter(|&(_, parent)| parent == pid)
                    .map(|(child, _)| child)
                    .collect();
            }
        }
    }
    found
}

/// Every process below `pid`, parents before their children.
pub fn descendants(pid: i32) -> Vec<i32> {
    let mut found = Vec::new();
    let mut next = vec![pid];
    while let Some(parent) = next.pop() {
        for child in children(parent) {
            if !found.contains(&child) {
                found.push(child);
                next.push(child);
            }
        }
    }
    found
}

/// Every process on the machine and its parent.
fn parents() -> HashMap<i32, i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .filter_map(|entry| {
            let pid: i32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, parent_in_stat(&stat)?))
        })
        .collect()
}

/// The parent pid in the text of `/proc/PID/stat` (the command name may hold spaces and
/// parentheses; the fields after it follow the last `)`).
fn parent_in_stat(stat: &str) -> Option<i32> {
    stat[stat.rfind(')')? + 1..]
        .split_ascii_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_follows_the_last_parenthesis() {
        assert_eq!(parent_in_stat("12 (a) b) c) S 7 12 12 0"), Some(7));
        assert_eq!(parent_in_stat("garbage"), None);
    }

    #[test]
    fn a_spawned_process_is_a_child_and_a_descendant() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep starts");
        let me = std::process::id() as i32;
        let pid = child.id() as i32;
        assert!(children(me).contains(&pid));
        assert!(descendants(me).contains(&pid));
        let _ = child.kill();
        let _ = child.wait();
    }
}
