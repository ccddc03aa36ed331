//! `pipewright export FILE --format codepipeline-json|cloudformation [--role-arn ARN]
//! [--artifact-bucket NAME] [--out FILE] [--lossy]`: a pipeline back to AWS.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::model::aws::export::{ExportOptions, Format, export};
use crate::model::ron_io;

use super::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};

/// The export formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// `aws codepipeline create-pipeline --cli-input-json` input.
    CodepipelineJson,
    /// A CloudFormation template.
    Cloudformation,
}

/// Arguments of `pipewright export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The `*.pipeline.ron` file.
    pub file: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The pipeline's service role ARN.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The S3 bucket for the pipeline's artifacts.
    #[arg(long, value_name = "NAME")]
    pub artifact_bucket: Option<String>,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Export even when something cannot be expressed (it is listed and left out).
    #[arg(long)]
    pub lossy: bool,
}

/// Exports the pipeline; returns the exit code.
pub fn run(args: ExportArgs) -> anyhow::Result<u8> {
    let loaded = match ron_io::load(&args.file) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let options = ExportOptions {
        format: match args.format {
            FormatArg::CodepipelineJson => Format::CodePipelineJson,
            FormatArg::Cloudformation => Format::CloudFormation,
        },
        role_arn: args.role_arn,
        artifact_bucket: args.artifact_bucket,
        lossy: args.lossy,
    };
    let exported = match export(&loaded.pipeline, &options) {
        Ok(exported) => exported,
        Err(error) => {
            eprintln!("{}: {error}", args.file.display());
            return Ok(EXIT_FAILED);
        }
    };
    for item in &exported.report.items {
        eprintln!("{}: {item}", args.file.display());
    }
    match &args.out {
        Some(out) => {
            ron_io::write_atomically(out, exported.text.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("wrote {}", out.display());
        }
        None => print!("{}", exported.text),
    }
    Ok(EXIT_OK)
}
