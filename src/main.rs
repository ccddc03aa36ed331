//! The `pipewright` binary.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = pipewright::cli::Cli::parse();
    match pipewright::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("pipewright: {error}");
            ExitCode::from(error.code)
        }
    }
}
