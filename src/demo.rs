//! The demo workspace that ships inside the binary: the Lighthouse site (made into a local
//! git repository when unpacked) and a classic pipeline over it. It needs only `sh`,
//! coreutils and `git`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The demo pipeline's file name.
pub const PIPELINE_FILE: &str = "lighthouse.pipeline.ron";
/// The folder of the demo site's repository.
pub const REPOSITORY: &str = "lighthouse-site";

const FILES: [(&str, &str); 7] = [
    ("README.md", include_str!("../assets/demo/app/README.md")),
    (
        "site/index.html",
        include_str!("../assets/demo/app/site/index.html"),
    ),
    (
        "site/about.html",
        include_str!("../assets/demo/app/site/about.html"),
    ),
    (
        "site/style.css",
        include_str!("../assets/demo/app/site/style.css"),
    ),
    (
        "tests/unit.sh",
        include_str!("../assets/demo/app/tests/unit.sh"),
    ),
    (
        "tests/links.sh",
        include_str!("../assets/demo/app/tests/links.sh"),
    ),
    (".gitignore", "reports/\n"),
];

/// Why the demo could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file could not be written.
    #[error("cannot write the demo into {}: {source}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// git failed or is missing.
    #[error("the demo needs git to make its repository: {0}; install git and start again")]
    Git(String),
}

/// Unpacks the demo into `dir` unless it is already there; returns the pipeline file.
pub fn ensure(dir: &Path) -> Result<PathBuf, DemoError> {
    let pipeline = dir.join(PIPELINE_FILE);
    if pipeline.exists() {
        return Ok(pipeline);
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DemoError::Io { path, source }
    };
    let repository = dir.join(REPOSITORY);
    for (name, text) in FILES {
        let path = repository.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    git(&repository, &["init", "-q", "-b", "main"])?;
    git(&repository, &["add", "-A"])?;
    git(
        &repository,
        &[
            "-c",
            "user.name=Pipewright",
            "-c",
            "user.email=demo@pipewright.invalid",
            "commit",
            "-q",
            "-m",
            "Lighthouse: first version of the site",
        ],
    )?;
    // The pipeline goes last, so a half-unpacked demo is unpacked again next time.
    let text = include_str!("../assets/demo/lighthouse.pipeline.ron");
    crate::model::ron_io::write_atomically(&pipeline, text.as_bytes()).map_err(io(&pipeline))?;
    Ok(pipeline)
}

fn git(dir: &Path, args: &[&str]) -> Result<(), DemoError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|error| DemoError::Git(error.to_string()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(DemoError::Git(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_unpacks_once_into_a_valid_pipeline_over_a_git_repository() {
        let dir = tempfile::tempdir().unwrap();
        let file = ensure(dir.path()).unwrap();
        let loaded = crate::model::ron_io::load(&file).unwrap();
        assert!(crate::model::validate(&loaded.pipeline).is_empty());
        assert!(dir.path().join(REPOSITORY).join(".git").is_dir());
        std::fs::write(&file, "edited").unwrap();
        ensure(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "edited",
            "an existing demo is left alone"
        );
    }
}
