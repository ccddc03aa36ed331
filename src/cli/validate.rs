//! `pipewright validate FILE...`

use std::path::{Path, PathBuf};

use crate::model::ron_io::{self, LoadError};
use crate::model::{Problem, validate_located};

use super::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};

/// Checks each file; prints problems as `FILE:LINE:COL: message`. Returns the exit code.
pub fn run(files: &[PathBuf]) -> u8 {
    let mut code = EXIT_OK;
    for file in files {
        let outcome = check_file(file);
        code = code.max(outcome);
    }
    code
}

fn check_file(file: &Path) -> u8 {
    let loaded = match ron_io::load(file) {
        Ok(loaded) => loaded,
        Err(error @ LoadError::Io { .. }) => {
            eprintln!("{error}");
            return EXIT_BAD_INPUT;
        }
        Err(error @ LoadError::Syntax { .. }) => {
            println!("{error}");
            return EXIT_FAILED;
        }
    };
    let problems = validate_located(&loaded.pipeline, &loaded.source);
    for problem in &problems {
        println!("{}", format_problem(file, problem));
    }
    if problems.is_empty() {
        let actions: usize = loaded.pipeline.stages.iter().map(|s| s.actions.len()).sum();
        println!(
            "{}: valid ({} stage{}, {actions} action{})",
            file.display(),
            loaded.pipeline.stages.len(),
            plural(loaded.pipeline.stages.len()),
            plural(actions),
        );
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// `FILE:LINE:COL: message (path)`, or `FILE: path: message` when the position is unknown.
pub fn format_problem(file: &Path, problem: &Problem) -> String {
    match problem.position {
        Some(position) => format!(
            "{}:{position}: {} ({})",
            file.display(),
            problem.message,
            problem.path
        ),
        None => format!("{}: {}: {}", file.display(), problem.path, problem.message),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
