//! A buildspec's files that outlive its commands: artifacts (primary and secondary, with
//! `base-directory`, `discard-paths` and `exclude-paths`) and the `cache.paths` kept per
//! pipeline between executions.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::model::buildspec::{ArtifactSpec, Buildspec};
use crate::store::artifacts::{copy_tree, glob_set, join_inside, remove_tree};

/// Fills each output folder from the artifact section that names it: a secondary artifact
/// whose identifier is the output's name, else the primary `artifacts` for the first output.
/// Returns notes for the log.
pub fn collect(
    spec: &Buildspec,
    src_dir: &Path,
    outputs: &[(String, PathBuf)],
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    for (index, (name, folder)) in outputs.iter().enumerate() {
        let section = spec
            .secondary_artifacts
            .get(name)
            .or(if index == 0 { spec.artifacts.as_ref() } else { None })
            .ok_or_else(|| {
                format!(
                    "output artifact {name}: the buildspec has no artifacts section for it: add `artifacts:` (first output) or `secondary-artifacts: {name}:`"
                )
            })?;
        let count = fill(section, src_dir, folder).map_err(|e| format!("artifact {name}: {e}"))?;
        if count == 0 {
            return Err(format!(
                "artifact {name}: no files match {}",
                section.files.join(", ")
            ));
        }
        notes.push(format!("artifact {name}: {count} files"));
    }
    Ok(notes)
}

/// Copies the files a section names into `folder`.
fn fill(section: &ArtifactSpec, src_dir: &Path, folder: &Path) -> Result<usize, String> {
    let base = match &section.base_directory {
        Some(relative) => join_inside(src_dir, relative)
            .ok_or_else(|| format!("base-directory {relative:?} leaves the source folder"))?,
        None => src_dir.to_path_buf(),
    };
    if !base.is_dir() {
        return Err(format!(
            "base-directory {:?} does not exist after the build",
            section.base_directory.as_deref().unwrap_or(".")
        ));
    }
    let files = if section.files.is_empty() {
        vec!["**/*".to_string()]
    } else {
        section.files.clone()
    };
    let include = glob_set(&files).map_err(|e| e.to_string())?;
    let exclude = glob_set(&section.exclude_paths).map_err(|e| e.to_string())?;
    let mut count = 0;
    for entry in WalkDir::new(&base).min_depth(1).follow_links(false) {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(&base)
            .map_err(|e| e.to_string())?;
        if !include.is_match(relative) || exclude.is_match(relative) {
            continue;
        }
        let target = if section.discard_paths {
            folder.join(relative.file_name().unwrap_or_default())
        } else {
            folder.join(relative)
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        count += 1;
    }
    Ok(count)
}

/// The folder a cache path names (the part before its first glob character), when it stays
/// inside the source folder.
fn cache_folder(path: &str) -> Option<String> {
    let cut = path.find(['*', '?', '[', '{']).unwrap_or(path.len());
    let folder = path[..cut].trim_end_matches('/');
    (!folder.is_empty() && !folder.starts_with('/') && !folder.split('/').any(|p| p == ".."))
        .then(|| folder.to_string())
}

/// Copies the cached folders into the source folder; returns notes.
pub fn restore_cache(spec: &Buildspec, cache: &Path, src_dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    for path in &spec.cache_paths {
        let Some(folder) = cache_folder(path) else {
            notes.push(format!(
                "cache path {path} is outside the source folder: not cached on this machine"
            ));
            continue;
        };
        let from = cache.join(&folder);
        if !from.is_dir() {
            notes.push(format!("cache {folder}: nothing cached yet"));
            continue;
        }
        let to = src_dir.join(&folder);
        match std::fs::create_dir_all(&to).and_then(|()| copy_tree(&from, &to, None)) {
            Ok(files) => notes.push(format!("cache {folder}: restored {files} files")),
            Err(error) => notes.push(format!("cache {folder}: not restored: {error}")),
        }
    }
    notes
}

/// Keeps the cached folders of a successful build for the next execution; returns notes.
pub fn save_cache(spec: &Buildspec, cache: &Path, src_dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    for folder in spec.cache_paths.iter().filter_map(|p| cache_folder(p)) {
        let from = src_dir.join(&folder);
        if !from.is_dir() {
            continue;
        }
        let to = cache.join(&folder);
        let saved = remove_tree(&to)
            .and_then(|()| std::fs::create_dir_all(&to))
            .and_then(|()| copy_tree(&from, &to, None));
        match saved {
            Ok(files) => notes.push(format!("cache {folder}: saved {files} files")),
            Err(error) => notes.push(format!("cache {folder}: not saved: {error}")),
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_paths_name_their_folder_and_stay_inside() {
        assert_eq!(
            cache_folder("node_modules/**/*").as_deref(),
            Some("node_modules")
        );
        assert_eq!(
            cache_folder(".cache/pip/**/*").as_deref(),
            Some(".cache/pip")
        );
        assert_eq!(cache_folder("/root/.m2/**/*"), None);
        assert_eq!(cache_folder("../x/**/*"), None);
    }
}
