//! The Folder source provider (the S3 equivalent): a local folder or `.zip` file into an
//! artifact, minus `exclude` globs. Sets ETag (a SHA-256 over the files taken, by path) and
//! FileCount. A zip whose entries would land outside the artifact (absolute paths, `..`,
//! links pointing out) is refused before anything is written.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::model::FolderConfig;
use crate::store::artifacts::{copy_tree, glob_set};

use super::{ActionContext, ActionResult, ActionStep, StepFuture};

impl ActionStep for FolderConfig {
    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            let Some((_, target)) = context.outputs.first().cloned() else {
                return ActionResult::failed("a Folder source needs an output artifact");
            };
            let source = context.workspace.join(&self.path);
            let exclude = self.exclude.clone();
            context.log.note(&format!("taking {}", source.display()));
            let taken = tokio::task::spawn_blocking(move || take(&source, &exclude, &target))
                .await
                .unwrap_or_else(|error| Err(format!("taking the files panicked: {error}")));
            match taken {
                Ok((count, etag)) => {
                    context.log.note(&format!("{count} files, ETag {etag}"));
                    let mut variables = IndexMap::new();
                    variables.insert("ETag".to_string(), etag);
                    variables.insert("FileCount".to_string(), count.to_string());
                    ActionResult {
                        output_variables: variables,
                        ..ActionResult::succeeded(Some(format!("{count} files")))
                    }
                }
                Err(message) => ActionResult::failed(message),
            }
        })
    }
}

/// Copies or extracts `source` into `target`; returns the file count and the ETag.
fn take(source: &Path, exclude: &[String], target: &Path) -> Result<(usize, String), String> {
    let exclude = glob_set(exclude).map_err(|e| format!("exclude: {e}"))?;
    let metadata = std::fs::metadata(source)
        .map_err(|e| format!("{} cannot be read: {e}", source.display()))?;
    let count = if metadata.is_dir() {
        copy_tree(source, target, Some(&exclude))
            .map_err(|e| format!("cannot copy {}: {e}", source.display()))?
    } else if source
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("zip"))
    {
        extract_zip(source, &exclude, target)?
    } else {
        return Err(format!(
            "{} is neither a folder nor a .zip file",
            source.display()
        ));
    };
    Ok((
        count,
        etag(target).map_err(|e| format!("cannot hash the artifact: {e}"))?,
    ))
}

/// A relative path with no `..`, root or prefix components, or `None`.
fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Whether a link at `link` (relative to the root) pointing to `target` stays inside the root.
fn link_stays_inside(link: &Path, target: &str) -> bool {
    if target.starts_with('/') {
        return false;
    }
    let mut depth: usize = link.components().count().saturating_sub(1);
    for component in Path::new(target).components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

enum Entry {
    Folder(PathBuf),
    File {
        index: usize,
        path: PathBuf,
        mode: Option<u32>,
    },
    Link {
        path: PathBuf,
        target: String,
    },
}

fn extract_zip(source: &Path, exclude: &GlobSet, target: &Path) -> Result<usize, String> {
    let shown = source.display();
    let file = std::fs::File::open(source).map_err(|e| format!("{shown} cannot be read: {e}"))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{shown} is not a valid zip file: {e}"))?;
    // First look at every entry; write only if all of them are safe.
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("{shown}: entry {index} cannot be read: {e}"))?;
        let name = entry
            .name()
            .map_err(|e| format!("{shown}: entry {index} has an unreadable name: {e}"))?
            .into_owned();
        let path = safe_relative(&name).ok_or_else(|| {
            format!(
                "{shown}: entry \"{name}\" would be written outside the artifact folder (absolute path or '..'): refusing the archive"
            )
        })?;
        if exclude.is_match(&path) {
            continue;
        }
        if entry.is_symlink() {
            let mut link_target = String::new();
            entry
                .read_to_string(&mut link_target)
                .map_err(|e| format!("{shown}: link \"{name}\" cannot be read: {e}"))?;
            if !link_stays_inside(&path, &link_target) {
                return Err(format!(
                    "{shown}: link \"{name}\" points outside the artifact folder (to \"{link_target}\"): refusing the archive"
                ));
            }
            entries.push(Entry::Link {
                path,
                target: link_target,
            });
        } else if entry.is_dir() {
            entries.push(Entry::Folder(path));
        } else {
            entries.push(Entry::File {
                index,
                path,
                mode: entry.unix_mode(),
            });
        }
    }
    let mut count = 0;
    for item in entries {
        match item {
            Entry::Folder(path) => std::fs::create_dir_all(target.join(path))
                .map_err(|e| format!("cannot create a folder: {e}"))?,
            Entry::Link { path, target: link } => {
                let at = target.join(&path);
                create_parent(&at)?;
                std::os::unix::fs::symlink(&link, &at)
                    .map_err(|e| format!("cannot create link {}: {e}", path.display()))?;
                count += 1;
            }
            Entry::File { index, path, mode } => {
                let at = target.join(&path);
                create_parent(&at)?;
                let mut entry = archive
                    .by_index(index)
                    .map_err(|e| format!("{shown}: entry {index} cannot be read: {e}"))?;
                let mut out = std::fs::File::create(&at)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                std::io::copy(&mut entry, &mut out)
                    .map_err(|e| format!("{shown}: cannot extract {}: {e}", path.display()))?;
                if let Some(mode) = mode {
                    let permissions = std::fs::Permissions::from_mode((mode & 0o777) | 0o600);
                    let _ = std::fs::set_permissions(&at, permissions);
                }
                count += 1;
            }
        }
    }
    Ok(count)
}

fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create a folder: {e}"))
        }
        None => Ok(()),
    }
}

/// SHA-256 over every file's relative path and contents (links: their target), in path order.
fn etag(root: &Path) -> std::io::Result<String> {
    let mut paths: Vec<PathBuf> = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .map(|entry| entry.into_path())
        .collect();
    paths.sort();
    let mut hasher = Sha256::new();
    for path in paths {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update([0]);
        let metadata = std::fs::symlink_metadata(&path)?;
        if metadata.file_type().is_symlink() {
            hasher.update(std::fs::read_link(&path)?.to_string_lossy().as_bytes());
        } else {
            let mut file = std::fs::File::open(&path)?;
            let mut buffer = [0u8; 64 * 1024];
            loop {
                let read = file.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                hasher.update(&buffer[..read]);
            }
        }
        hasher.update([0]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_recognised() {
        assert_eq!(safe_relative("a/b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(safe_relative("./a"), Some(PathBuf::from("a")));
        for bad in ["../evil", "a/../../evil", "/etc/passwd", "", "."] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn links_must_stay_inside() {
        assert!(link_stays_inside(Path::new("a/link"), "../b"));
        assert!(link_stays_inside(Path::new("link"), "sub/file"));
        assert!(!link_stays_inside(Path::new("link"), "../outside"));
        assert!(!link_stays_inside(Path::new("a/link"), "../../outside"));
        assert!(!link_stays_inside(Path::new("link"), "/etc"));
    }
}
