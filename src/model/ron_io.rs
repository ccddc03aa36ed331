//! Reading and writing `*.pipeline.ron` files.
//!
//! Files are read with two RON extensions on by default, so hand-written files stay short:
//! `implicit_some` (`namespace: "Build"` instead of `Some("Build")`) and
//! `unwrap_variant_newtypes` (`Commands(commands: [..])` instead of `Commands((commands: [..]))`).
//! A new file is written in the same style (laid out by [`super::file::format`]), fields in
//! declaration order, stages and actions in their order. Saving an edited file changes only
//! the text of what changed ([`update`]), so its comments and layout survive. Files are
//! replaced atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;

use super::file::Position;
use super::file::format::pretty;
use super::pipeline::Pipeline;
use super::quote::shorten_quotes;

/// The file name suffix of pipeline definitions.
pub const PIPELINE_SUFFIX: &str = ".pipeline.ron";

/// A pipeline read from a file, with its text (for positions: see
/// [`super::validate_located`]).
#[derive(Debug, Clone)]
pub struct LoadedPipeline {
    /// The definition.
    pub pipeline: Pipeline,
    /// The text it was read from.
    pub source: String,
}

/// Why a pipeline file (or another RON file of the workspace) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The text is not a valid pipeline.
    #[error("{}:{position}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where the problem is.
        position: Position,
        /// What is wrong and what to do.
        message: String,
    },
}

/// Why a pipeline could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The pipeline could not be turned into RON.
    #[error("cannot write the pipeline as RON: {0}")]
    Serialize(#[from] ron::Error),
    /// The file could not be written.
    #[error("{}: cannot write the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

pub(crate) fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_default_extension(Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Reads and parses a pipeline file.
pub fn load(path: &Path) -> Result<LoadedPipeline, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let pipeline = read(&source, path)?;
    Ok(LoadedPipeline { pipeline, source })
}

/// Parses pipeline text; `path` only names the file in errors.
pub fn parse(source: &str, path: &Path) -> Result<LoadedPipeline, LoadError> {
    let pipeline = read(source, path)?;
    Ok(LoadedPipeline {
        pipeline,
        source: source.to_string(),
    })
}

fn read(source: &str, path: &Path) -> Result<Pipeline, LoadError> {
    match options().from_str::<Pipeline>(source) {
        Ok(pipeline) => Ok(pipeline),
        Err(error) => Err(syntax_error(&error, path)),
    }
}

/// A RON parse error of the file at `path`, with its line and column and what to do.
pub(crate) fn syntax_error(error: &ron::error::SpannedError, path: &Path) -> LoadError {
    LoadError::Syntax {
        path: path.to_path_buf(),
        position: Position {
            line: error.span.start.line,
            column: error.span.start.col,
        },
        message: shorten_quotes(&explain(&error.code)).into_owned(),
    }
}

/// Turns ron's error into a sentence that says what to do.
fn explain(error: &ron::Error) -> String {
    use ron::Error as E;
    match error {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "unknown field `{found}`{}; expected one of: {}",
            outer
                .as_ref()
                .map(|name| format!(" in {name}"))
                .unwrap_or_default(),
            expected.join(", ")
        ),
        E::MissingStructField { field, outer } => format!(
            "missing field `{field}`{}: add `{field}: ...`",
            outer
                .as_ref()
                .map(|name| format!(" in {name}"))
                .unwrap_or_default()
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown {} `{found}`; expected one of: {}",
            outer.as_deref().unwrap_or("variant"),
            expected.join(", ")
        ),
        E::DuplicateStructField { field, .. } => {
            format!("field `{field}` is given twice: keep one")
        }
        E::ExpectedComma | E::ExpectedStructLikeEnd | E::ExpectedArrayEnd | E::ExpectedMapEnd => {
            format!("{error}: check for a missing `)`, `]`, `}}` or `,` just before this point")
        }
        E::Eof => "the file ends too early: a `)`, `]` or `}` is missing".to_string(),
        other => other.to_string(),
    }
}

/// Writes a pipeline as pretty RON text.
pub fn to_string(pipeline: &Pipeline) -> Result<String, SaveError> {
    to_ron(pipeline)
}

/// Writes any model value (such as one action) as RON laid out like the pipeline files.
pub fn to_ron<T: serde::Serialize>(value: &T) -> Result<String, SaveError> {
    let compact = options().to_string(value)?;
    Ok(pretty(&compact))
}

/// The text of a pipeline file that held `source` (meaning `before`) once the pipeline is
/// `after`: only what changed is rewritten, so comments, blank lines and the order of what
/// did not change stay as they were. When the text cannot be edited in place (it does not
/// mean `before`, or it is not a pipeline at all), the pipeline is written afresh.
pub fn update(source: &str, before: &Pipeline, after: &Pipeline) -> Result<String, SaveError> {
    let edited = match parse(source, Path::new("")) {
        Ok(loaded) if loaded.pipeline == *before => {
            let old = options().to_string(before)?;
            let new = options().to_string(after)?;
            super::file::update::update(source, &old, &new)
        }
        _ => None,
    };
    match edited {
        // The edit must mean exactly `after`; anything else is written afresh.
        Some(text) if parse(&text, Path::new("")).is_ok_and(|l| l.pipeline == *after) => Ok(text),
        _ => to_string(after),
    }
}

/// Saves a pipeline to `path`, replacing the file atomically (write a temporary file beside
/// it, flush it to disk, rename it over the old one).
pub fn save(path: &Path, pipeline: &Pipeline) -> Result<(), SaveError> {
    let text = to_string(pipeline)?;
    write_atomically(path, text.as_bytes()).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Saves `after` to `path` as an edit of `source`, the text that meant `before` (see
/// [`update`]), replacing the file atomically. Returns the text written.
pub fn save_edit(
    path: &Path,
    source: &str,
    before: &Pipeline,
    after: &Pipeline,
) -> Result<String, SaveError> {
    let text = update(source, before, after)?;
    write_atomically(path, text.as_bytes()).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text)
}

/// Writes `bytes` to `path` so that readers see either the old or the new file, never half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Whether `path` names a pipeline definition file.
pub fn is_pipeline_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(PIPELINE_SUFFIX))
}
