//! The pipeline files of a workspace folder: listing, creating, renaming, duplicating and
//! deleting them.

use std::path::{Path, PathBuf};

use super::edit::unique_name;
use super::pipeline::Pipeline;
use super::ron_io::{self, LoadError, PIPELINE_SUFFIX, SaveError, is_pipeline_file};
use super::templates::Template;
use super::validate::Problem;

/// Why a file operation failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The file could not be written.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// The OS refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The new name cannot be used.
    #[error("{0}")]
    Name(String),
}

/// The pipeline files in `root`, sorted by name.
pub fn pipeline_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| is_pipeline_file(path) && path.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The pipeline name a file stands for: its name without `.pipeline.ron`.
pub fn stem(path: &Path) -> String {
    path.file_name()
        .map(|name| {
            name.to_string_lossy()
                .trim_end_matches(PIPELINE_SUFFIX)
                .to_string()
        })
        .unwrap_or_default()
}

fn path_for(root: &Path, name: &str) -> PathBuf {
    root.join(format!("{name}{PIPELINE_SUFFIX}"))
}

fn free_name(root: &Path, base: &str) -> String {
    unique_name(base, |candidate| path_for(root, candidate).exists())
}

/// Creates a new pipeline file from a template; returns its path.
pub fn create(root: &Path, template: Template) -> Result<PathBuf, FileError> {
    let name = free_name(root, "pipeline");
    let path = path_for(root, &name);
    ron_io::save(&path, &template.create(&name))?;
    Ok(path)
}

/// Renames a pipeline: its file and the name inside it. Returns the new path.
pub fn rename(path: &Path, new_name: &str) -> Result<PathBuf, FileError> {
    super::validate::check_entity_name("pipeline", new_name).map_err(FileError::Name)?;
    let root = path.parent().unwrap_or(Path::new("."));
    let target = path_for(root, new_name);
    if target != path && target.exists() {
        return Err(FileError::Name(format!(
            "{} already exists: choose another name",
            target.display()
        )));
    }
    let loaded = ron_io::load(path)?;
    let mut pipeline = loaded.pipeline.clone();
    pipeline.name = new_name.to_string();
    ron_io::save_edit(&target, &loaded.source, &loaded.pipeline, &pipeline)?;
    if target != path {
        std::fs::remove_file(path).map_err(|source| FileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(target)
}

/// Copies a pipeline to a new file with a free name; returns the new path.
pub fn duplicate(path: &Path) -> Result<PathBuf, FileError> {
    let root = path.parent().unwrap_or(Path::new("."));
    let name = free_name(root, &format!("{}-copy", stem(path)));
    let loaded = ron_io::load(path)?;
    let mut pipeline = loaded.pipeline.clone();
    pipeline.name = name.clone();
    let target = path_for(root, &name);
    ron_io::save_edit(&target, &loaded.source, &loaded.pipeline, &pipeline)?;
    Ok(target)
}

/// The rule that keeps a pipeline and its file together: a pipeline's name is its file's
/// name without `.pipeline.ron` (the workspace lists files; history, approvals and triggers
/// go by the name). A problem at `name` when they differ.
pub fn name_problem(path: &Path, pipeline: &Pipeline) -> Option<Problem> {
    let stem = stem(path);
    (pipeline.name != stem).then(|| Problem {
        path: "name".into(),
        message: format!(
            "the pipeline is named \"{}\" but its file is {stem}{PIPELINE_SUFFIX}: a pipeline's name is its file's name; set the name to \"{stem}\", or use Rename… in the workspace panel to rename both",
            pipeline.name
        ),
        position: None,
    })
}

/// What validation cannot see because it reads no files: a Git repository or Folder path
/// of `pipeline` that does not exist in the workspace `root`. The editor shows these with
/// the other problems, so a pipeline from a template names its missing repository at once.
pub fn missing_sources(root: &Path, pipeline: &Pipeline) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (stage_index, stage) in pipeline.stages.iter().enumerate() {
        for (action_index, action) in stage.actions.iter().enumerate() {
            let Some((field, source)) = action.provider.config().local_source() else {
                continue;
            };
            if source.trim().is_empty() || source.contains("#{") || root.join(source).exists() {
                continue;
            }
            problems.push(Problem {
                path: format!("stages[{stage_index}].actions[{action_index}].provider.{field}"),
                message: format!(
                    "\"{source}\" does not exist in the workspace ({}): create it, or choose another {field}",
                    root.display()
                ),
                position: None,
            });
        }
    }
    problems
}

/// Deletes a pipeline file.
pub fn delete(path: &Path) -> Result<(), FileError> {
    std::fs::remove_file(path).map_err(|source| FileError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_rename_duplicate_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let first = create(dir.path(), Template::Classic).unwrap();
        let second = create(dir.path(), Template::Empty).unwrap();
        assert_eq!([stem(&first), stem(&second)], ["pipeline", "pipeline-2"]);
        let renamed = rename(&first, "shop").unwrap();
        assert_eq!(ron_io::load(&renamed).unwrap().pipeline.name, "shop");
        assert!(!first.exists());
        assert!(rename(&second, "shop").is_err(), "names must stay unique");
        assert!(rename(&second, "bad name").is_err());
        let copy = duplicate(&renamed).unwrap();
        assert_eq!(stem(&copy), "shop-copy");
        delete(&copy).unwrap();
        assert_eq!(pipeline_files(dir.path()), vec![second, renamed]);
    }

    #[test]
    fn a_name_that_differs_from_the_file_name_is_a_problem_until_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let path = create(dir.path(), Template::Empty).unwrap();
        let mut pipeline = ron_io::load(&path).unwrap().pipeline;
        assert_eq!(name_problem(&path, &pipeline), None);
        pipeline.name = "shop".into();
        let problem = name_problem(&path, &pipeline).expect("a problem");
        assert_eq!(problem.path, "name");
        assert!(
            problem
                .message
                .contains("its file is pipeline.pipeline.ron")
        );
        ron_io::save(&path, &pipeline).unwrap();
        let renamed = rename(&path, "shop").unwrap();
        assert_eq!(name_problem(&renamed, &pipeline), None);
    }

    #[test]
    fn a_template_names_its_missing_repository_until_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let pipeline = Template::Classic.create("shop");
        let problems = missing_sources(dir.path(), &pipeline);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "stages[0].actions[0].provider.repository");
        assert!(problems[0].message.contains("\"app-repo\" does not exist"));
        std::fs::create_dir(dir.path().join("app-repo")).unwrap();
        assert!(missing_sources(dir.path(), &pipeline).is_empty());
    }
}
