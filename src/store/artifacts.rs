//! Artifact folders: copying a tree into a working copy, collecting files by globs into an
//! artifact, and making an artifact read-only once its action succeeded.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

/// Builds a matcher from globs where `*` stays within one folder and `**` crosses folders.
pub fn glob_set(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
        builder.add(
            globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()?,
        );
    }
    builder.build()
}

/// Copies the tree under `from` into `to` (which must exist), keeping symbolic links as links
/// and making copied files writable. Paths matching `exclude` are left out. Returns the number
/// of files copied.
pub fn copy_tree(from: &Path, to: &Path, exclude: Option<&GlobSet>) -> io::Result<usize> {
    let mut files = 0;
    for entry in WalkDir::new(from).min_depth(1).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        let relative = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        if exclude.is_some_and(|set| set.is_match(relative)) {
            continue;
        }
        let target = to.join(relative);
        let kind = entry.file_type();
        if kind.is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
            files += 1;
        } else {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(entry.path(), &target)?;
            let mut permissions = std::fs::metadata(&target)?.permissions();
            if permissions.mode() & 0o200 == 0 {
                permissions.set_mode(permissions.mode() | 0o200);
                std::fs::set_permissions(&target, permissions)?;
            }
            files += 1;
        }
    }
    Ok(files)
}

/// Puts the files under `base` that match `files` (everything when empty) into `artifact`,
/// keeping their paths relative to `base`. Files are hard-linked where possible (the working
/// copy is discarded afterwards), copied otherwise. Returns the number of files collected.
pub fn collect(base: &Path, files: &[String], artifact: &Path) -> io::Result<usize> {
    let matcher = if files.is_empty() {
        None
    } else {
        Some(glob_set(files).map_err(io::Error::other)?)
    };
    std::fs::create_dir_all(artifact)?;
    let mut count = 0;
    for entry in WalkDir::new(base).min_depth(1).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(base).map_err(io::Error::other)?;
        if matcher.as_ref().is_some_and(|set| !set.is_match(relative)) {
            continue;
        }
        let target = artifact.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if entry.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
        count += 1;
    }
    Ok(count)
}

/// Removes write permission from everything under `dir` (and `dir` itself).
pub fn make_read_only(dir: &Path) -> io::Result<()> {
    // Files first, then folders deepest-first, so the walk never loses access.
    let mut folders = Vec::new();
    for entry in WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_symlink() {
            continue;
        }
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
        } else {
            let mut permissions = entry.metadata().map_err(io::Error::other)?.permissions();
            permissions.set_mode(permissions.mode() & !0o222);
            std::fs::set_permissions(entry.path(), permissions)?;
        }
    }
    for folder in folders.iter().rev() {
        let mut permissions = std::fs::metadata(folder)?.permissions();
        permissions.set_mode(permissions.mode() & !0o222);
        std::fs::set_permissions(folder, permissions)?;
    }
    Ok(())
}

/// Removes a tree, including read-only artifact folders. A missing tree is not an error.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).follow_links(false).into_iter().flatten() {
        if entry.file_type().is_dir() {
            let mut permissions = std::fs::metadata(entry.path())?.permissions();
            permissions.set_mode(permissions.mode() | 0o700);
            std::fs::set_permissions(entry.path(), permissions)?;
        }
    }
    std::fs::remove_dir_all(dir)
}

/// Joins `relative` onto `root`, refusing absolute paths and `..` that would leave `root`.
pub fn join_inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let mut out = root.to_path_buf();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path, files: &[&str]) {
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file).unwrap();
        }
    }

    #[test]
    fn collect_matches_globs_relative_to_the_base() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        tree(
            &work,
            &[
                "dist/index.html",
                "dist/css/site.css",
                "dist/notes.txt",
                "src/main.c",
            ],
        );
        let artifact = dir.path().join("artifact");
        let count = collect(
            &work.join("dist"),
            &["*.html".into(), "css/**".into()],
            &artifact,
        )
        .unwrap();
        assert_eq!(count, 2);
        assert!(artifact.join("index.html").exists());
        assert!(artifact.join("css/site.css").exists());
        assert!(!artifact.join("notes.txt").exists());
    }

    #[test]
    fn read_only_artifacts_copy_into_writable_working_copies() {
        let dir = tempfile::tempdir().unwrap();
        let artifact = dir.path().join("artifact");
        tree(&artifact, &["a.txt", "sub/b.txt"]);
        make_read_only(&artifact).unwrap();
        for path in [
            artifact.join("a.txt"),
            artifact.join("sub"),
            artifact.clone(),
        ] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o222, 0, "{} is still writable", path.display());
        }
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        assert_eq!(copy_tree(&artifact, &work, None).unwrap(), 2);
        std::fs::write(work.join("a.txt"), "changed").unwrap();
        assert_eq!(
            std::fs::read_to_string(artifact.join("a.txt")).unwrap(),
            "a.txt"
        );
        remove_tree(&artifact).unwrap();
        assert!(!artifact.exists());
    }

    #[test]
    fn join_inside_refuses_escapes() {
        let root = Path::new("/r");
        assert_eq!(join_inside(root, "a/./b"), Some(PathBuf::from("/r/a/b")));
        assert_eq!(join_inside(root, "../x"), None);
        assert_eq!(join_inside(root, "/etc"), None);
    }
}
