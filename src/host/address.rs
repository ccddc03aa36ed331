//! Where a workspace's host listens: a Unix socket in the user's runtime folder
//! (`$XDG_RUNTIME_DIR/pipewright/`, else a private `pipewright-UID` folder in the temp dir),
//! named by a hash of the workspace's path, because socket paths are limited to about 100
//! bytes and workspace paths are not.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The socket of the workspace at `workspace` (which must exist).
pub fn socket_path(workspace: &Path) -> io::Result<PathBuf> {
    let canonical = workspace.canonicalize()?;
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    Ok(runtime_dir()?.join(format!("{}.sock", &hex::encode(digest)[..24])))
}

/// The private folder the sockets live in, created (mode 0700) when missing. A folder that
/// another user owns, or that others may enter, is refused.
fn runtime_dir() -> io::Result<PathBuf> {
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(base) => PathBuf::from(base).join("pipewright"),
        None => std::env::temp_dir().join(format!("pipewright-{}", nix::unistd::getuid())),
    };
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(error),
    }
    let meta = std::fs::symlink_metadata(&dir)?;
    let mine = meta.uid() == nix::unistd::getuid().as_raw();
    if !meta.is_dir() || !mine || meta.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a private folder of this user: remove it, or set XDG_RUNTIME_DIR to one",
                dir.display()
            ),
        ));
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_is_short_stable_and_differs_per_workspace() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let path_a = socket_path(a.path()).expect("path");
        assert_eq!(path_a, socket_path(a.path()).expect("path"));
        assert_ne!(path_a, socket_path(b.path()).expect("path"));
        assert!(path_a.as_os_str().len() < 100, "{}", path_a.display());
        let folder = path_a.parent().expect("folder");
        let mode = std::fs::metadata(folder)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the folder is private");
    }
}
