//! `pipewright history [WORKSPACE]` and `pipewright logs EXECUTION_ID [STAGE/ACTION]`.

use std::path::{Path, PathBuf};

use chrono::{Local, TimeZone};
use serde_json::json;

use crate::clock::format_duration_ms;
use crate::model::workspace;
use crate::store::history::{HistoryEntry, HistoryFilter, Page};
use crate::store::logs::{Stream, read_lines};
use crate::store::{AttemptRow, Store, StoreError};

use super::output::{Output, finish};
use super::{EXIT_BAD_INPUT, EXIT_OK};

/// The options of `pipewright history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The workspace folder (default: the current folder).
    pub workspace: Option<PathBuf>,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Only this pipeline's executions.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// At most this many executions (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Skip this many of the newest first (to page through history with --limit).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

/// The options of `pipewright logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// The execution id (or enough of its beginning to be unique).
    pub execution: String,
    /// Only this action's logs.
    #[arg(value_name = "STAGE/ACTION")]
    pub action: Option<String>,
    /// The workspace folder (default: the current folder).
    #[arg(long, short = 'w')]
    pub workspace: Option<PathBuf>,
    /// Show each line's time.
    #[arg(long)]
    pub timestamps: bool,
}

/// The store to read, or the exit code to end with.
fn open(workspace: Option<&Path>) -> Result<Store, u8> {
    let root = workspace.unwrap_or(Path::new("."));
    if !root.is_dir() {
        eprintln!("pipewright: {} is not a folder", root.display());
        return Err(EXIT_BAD_INPUT);
    }
    // Reading history writes nothing: not even crash recovery, which the next host runs.
    match Store::open_read_only(root) {
        Ok(store) => Ok(store),
        Err(StoreError::NoHistory(_)) if !workspace::pipeline_files(root).is_empty() => {
            println!("no executions yet");
            Err(EXIT_OK)
        }
        Err(error) => {
            eprintln!("pipewright: {error}");
            Err(EXIT_BAD_INPUT)
        }
    }
}

fn local_time(ms: i64) -> String {
    Local.timestamp_millis_opt(ms).single().map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

fn rfc3339(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| ms.to_string(), |t| t.to_rfc3339())
}

/// Lists executions, newest first.
pub fn history(args: HistoryArgs) -> anyhow::Result<u8> {
    let store = match open(args.workspace.as_deref()) {
        Ok(store) => store,
        Err(code) => return Ok(code),
    };
    let filter = HistoryFilter {
        pipeline: args.pipeline.clone(),
        ..HistoryFilter::default()
    };
    let page = Page {
        offset: args.offset,
        limit: args.limit,
    };
    let entries = store.history(&filter, page)?;
    let mut out = Output::stdout();
    finish(print_history(&mut out, &args, &entries), EXIT_OK)
}

fn print_history(
    out: &mut Output,
    args: &HistoryArgs,
    entries: &[HistoryEntry],
) -> std::io::Result<u8> {
    if args.json {
        for HistoryEntry { execution: row, .. } in entries {
            let line = json!({
                "id": row.id,
                "pipeline": row.pipeline,
                "status": row.status.as_str(),
                "reason": row.reason,
                "trigger": {"kind": row.trigger.kind, "detail": row.trigger.detail},
                "started": rfc3339(row.started_ms),
                "ended": row.ended_ms.map(rfc3339),
                "duration_ms": row.ended_ms.map(|end| end - row.started_ms),
                "variables": row.variables,
                "source_revisions": row.source_revisions,
                "file": row.file,
            });
            out.line(line)?;
        }
        out.flush()?;
        return Ok(EXIT_OK);
    }
    if entries.is_empty() {
        out.line(if args.offset > 0 {
            "no executions this far back"
        } else {
            "no executions yet"
        })?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    out.line(format_args!(
        "{:<8}  {:<20}  {:<11}  {:<19}  {:>8}  TRIGGER",
        "ID", "PIPELINE", "STATUS", "STARTED", "DURATION"
    ))?;
    for HistoryEntry { execution: row, .. } in entries {
        let duration = row.ended_ms.map_or_else(
            || "-".to_string(),
            |end| format_duration_ms(end - row.started_ms),
        );
        out.line(format_args!(
            "{:<8}  {:<20}  {:<11}  {:<19}  {:>8}  {}",
            crate::execution::short_id(&row.id),
            row.pipeline,
            row.status.as_str(),
            local_time(row.started_ms),
            duration,
            row.trigger.detail
        ))?;
        if let Some(reason) = &row.reason {
            out.line(format_args!("          {reason}"))?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// Prints the logs of an execution.
pub fn logs(args: LogsArgs) -> anyhow::Result<u8> {
    let store = match open(args.workspace.as_deref()) {
        Ok(store) => store,
        Err(code) => return Ok(code),
    };
    let id = match store.resolve_execution_id(&args.execution) {
        Ok(id) => id,
        Err(error) => {
            eprintln!("pipewright: {error}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let attempts: Vec<_> = store
        .attempts(&id)?
        .into_iter()
        .filter(|a| {
            args.action
                .as_ref()
                .is_none_or(|wanted| *wanted == format!("{}/{}", a.key.stage, a.key.action))
        })
        .collect();
    if attempts.is_empty() {
        eprintln!(
            "pipewright: execution {id} has no logs{}",
            args.action
                .as_ref()
                .map(|a| format!(" for {a}: check the STAGE/ACTION name"))
                .unwrap_or_default()
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let root = store.paths().root().to_path_buf();
    let mut out = Output::stdout();
    finish(print_logs(&mut out, &root, &attempts, &args), EXIT_OK)
}

fn print_logs(
    out: &mut Output,
    root: &Path,
    attempts: &[AttemptRow],
    args: &LogsArgs,
) -> std::io::Result<u8> {
    for attempt in attempts {
        out.line(format_args!("== {} [{}] ==", attempt.key, attempt.status))?;
        let path = root.join(&attempt.log_path);
        match read_lines(&path, 0) {
            Ok((lines, _)) => {
                for line in lines {
                    let time = if args.timestamps {
                        format!("{} ", local_time(line.at_ms))
                    } else {
                        String::new()
                    };
                    let tag = match line.stream {
                        Stream::Stdout => "",
                        Stream::Stderr => "! ",
                        Stream::Note => "# ",
                    };
                    out.line(format_args!("{time}{tag}{}", line.text))?;
                }
            }
            Err(error) => {
                out.flush()?;
                eprintln!("pipewright: cannot read {}: {error}", path.display());
            }
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}
