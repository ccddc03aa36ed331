//! `pipewright import FILE [--out DIR] [--map NAME=PATH_OR_URL]...`: AWS CodePipeline JSON or
//! a CloudFormation template into `*.pipeline.ron` files, with a report line per item.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::model::aws::import::{ImportError, ImportOptions, import};
use crate::model::ron_io::{self, PIPELINE_SUFFIX};
use crate::model::validate_located;

use super::validate::format_problem;
use super::{EXIT_BAD_INPUT, EXIT_OK};

/// Arguments of `pipewright import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// `get-pipeline` output, create-pipeline input, or a CloudFormation template (YAML/JSON).
    pub file: PathBuf,
    /// The folder to write the pipeline files into (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where a repository, bucket object or Lambda function is on this machine: NAME is a
    /// source action, a repository (`owner/repo`), an S3 key or bucket, or a function name
    /// (repeatable).
    #[arg(long = "map", value_name = "NAME=PATH_OR_URL")]
    pub maps: Vec<String>,
}

/// Imports the file; returns the exit code.
pub fn run(args: ImportArgs) -> anyhow::Result<u8> {
    let mut options = ImportOptions::default();
    for item in &args.maps {
        let (name, location) = item
            .split_once('=')
            .with_context(|| format!("--map {item:?}: write it as NAME=PATH_OR_URL"))?;
        options.maps.insert(name.to_string(), location.to_string());
    }
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{}: cannot read the file: {error}", args.file.display());
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pipeline".into());
    let imported = match import(&text, &stem, &options) {
        Ok(imported) => imported,
        Err(error @ ImportError::Syntax { .. }) => {
            eprintln!("{}:{error}", args.file.display());
            return Ok(EXIT_BAD_INPUT);
        }
        Err(error) => {
            eprintln!("{}: {error}", args.file.display());
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let out = args.out.unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = Vec::new();
    for pipeline in &imported {
        let target = out.join(format!("{}{PIPELINE_SUFFIX}", pipeline.pipeline.name));
        if target.exists() {
            eprintln!(
                "{}: already exists: remove it or import into another folder with --out",
                target.display()
            );
            return Ok(EXIT_BAD_INPUT);
        }
        written.push(target);
    }
    for (pipeline, target) in imported.iter().zip(&written) {
        println!(
            "{} ({}) → {}",
            args.file.display(),
            if pipeline.origin.is_empty() {
                "pipeline"
            } else {
                &pipeline.origin
            },
            target.display()
        );
        for item in &pipeline.report.items {
            println!("  {item}");
        }
        ron_io::save(target, &pipeline.pipeline)
            .with_context(|| format!("cannot write {}", target.display()))?;
        let loaded = ron_io::load(target)
            .with_context(|| format!("cannot read back {}", target.display()))?;
        let problems = validate_located(&loaded.pipeline, &loaded.source);
        if !problems.is_empty() {
            println!("  to fix before it runs here:");
            for problem in &problems {
                println!("    {}", format_problem(target, problem));
            }
        }
    }
    Ok(EXIT_OK)
}
