//! Helpers for the tests of saving into hand-written pipeline files: the files to try, and a
//! line diff that says which lines an edit removed and added.

#![allow(dead_code)]

use std::path::PathBuf;

/// Every `*.pipeline.ron` in `folder`, sorted.
pub fn pipeline_files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".pipeline.ron"))
        .collect();
    files.sort();
    files
}

/// The examples and the demo: the hand-written files users start from.
pub fn hand_written() -> Vec<PathBuf> {
    let mut files = pipeline_files("assets/examples");
    files.extend(pipeline_files("assets/demo"));
    assert!(files.len() >= 9, "every example and the demo: {files:?}");
    files
}

/// The lines only `before` has and the lines only `after` has, by a longest common
/// subsequence of lines.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LineDiff {
    /// Lines of `before` that are not in `after`.
    pub removed: Vec<String>,
    /// Lines of `after` that are not in `before`.
    pub added: Vec<String>,
}

/// Diffs two texts line by line.
pub fn line_diff(before: &str, after: &str) -> LineDiff {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut diff = LineDiff::default();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j == m || (i < n && table[i + 1][j] >= table[i][j + 1]) {
            diff.removed.push(a[i].to_string());
            i += 1;
        } else {
            diff.added.push(b[j].to_string());
            j += 1;
        }
    }
    diff
}

/// The comment lines of a text, trimmed.
pub fn comments(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("//"))
        .map(str::to_string)
        .collect()
}
