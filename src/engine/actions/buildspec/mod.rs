//! The Buildspec provider: CodeBuild's `buildspec.yml` run on this machine.
//!
//! The buildspec is read (with its warnings noted in the log, line and column each), the
//! source folders and CodeBuild's variables are set up, `env.parameter-store` and
//! `env.secrets-manager` are taken from the action's secrets by name, the cache is restored,
//! the phases run ([`phases`]), then artifacts, reports and the cache are collected
//! ([`outputs`], [`reports`]).

mod outputs;
mod phases;
mod reports;

use std::path::{Path, PathBuf};

use crate::engine::actions::{ActionContext, ActionResult, ActionStep, StepFuture};
use crate::model::BuildspecConfig;
use crate::model::buildspec::{self, Buildspec};

impl ActionStep for BuildspecConfig {
    fn uses_working_copy(&self) -> bool {
        true
    }

    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            match build(self, context).await {
                Ok(result) | Err(result) => result,
            }
        })
    }
}

async fn build(
    config: &BuildspecConfig,
    context: &mut ActionContext,
) -> Result<ActionResult, ActionResult> {
    let src_dir = source_dir(config, context).map_err(ActionResult::failed)?;
    let spec = read(config, &src_dir, context).map_err(ActionResult::failed)?;
    let env = environment(&spec, context, &src_dir).map_err(ActionResult::failed)?;
    let state_dir = context.side_dir.join("buildspec-state");
    std::fs::create_dir_all(&state_dir).map_err(|error| {
        ActionResult::failed(format!("cannot create {}: {error}", state_dir.display()))
    })?;
    let cache = cache_dir(context);
    if !spec.cache_paths.is_empty() {
        for note in outputs::restore_cache(&spec, &cache, &src_dir) {
            context.log.note(&note);
        }
    }

    let outcome = phases::run(context, &spec, &src_dir, &state_dir, &env).await;

    let found = reports::collect(&spec, &src_dir);
    for report in &found.reports {
        let totals = report.totals();
        context.log.note(&format!(
            "test report {}: {} tests, {} failed, {} errors, {} skipped",
            report.file, totals.tests, totals.failures, totals.errors, totals.skipped
        ));
    }
    for warning in &found.warnings {
        context.log.note(&format!("warning: {warning}"));
    }
    let mut result = match outcome.failure {
        Some(failure) => failure,
        None => {
            let notes = outputs::collect(&spec, &src_dir, &context.outputs)
                .map_err(ActionResult::failed)?;
            for note in notes {
                context.log.note(&note);
            }
            for note in outputs::save_cache(&spec, &cache, &src_dir) {
                context.log.note(&note);
            }
            ActionResult {
                output_variables: outcome.exported,
                exit_code: Some(0),
                ..ActionResult::succeeded(None)
            }
        }
    };
    result.reports = found.reports;
    result.warnings.extend(found.warnings);
    Ok(result)
}

/// `CODEBUILD_SRC_DIR`: the private copy of the primary source (default: the first input).
fn source_dir(config: &BuildspecConfig, context: &ActionContext) -> Result<PathBuf, String> {
    let Some(primary) = &config.primary_source else {
        return Ok(context.work_dir.clone());
    };
    context
        .inputs
        .iter()
        .find(|(name, _)| name == primary)
        .map(|(_, path)| path.clone())
        .ok_or_else(|| {
            format!(
                "primary_source {primary} is not one of the action's input artifacts: add it to input_artifacts or fix the name"
            )
        })
}

/// Reads the buildspec (inline or from the source folder) and notes its warnings.
fn read(
    config: &BuildspecConfig,
    src_dir: &Path,
    context: &ActionContext,
) -> Result<Buildspec, String> {
    let (name, text) = match &config.inline {
        Some(text) => ("inline buildspec".to_string(), text.clone()),
        None => {
            let file = config.file();
            let path = src_dir.join(file);
            let text = std::fs::read_to_string(&path).map_err(|error| {
                format!(
                    "cannot read the buildspec {file} in the source folder: {error}: add it to the repository or set the provider's file"
                )
            })?;
            (file.to_string(), text)
        }
    };
    let parsed = buildspec::parse(&text)
        .map_err(|error| format!("{name}:{}: {}", error.at, error.message))?;
    for warning in &parsed.warnings {
        context.log.note(&format!(
            "{name}:{}: warning: {}",
            warning.at, warning.message
        ));
    }
    Ok(parsed.buildspec)
}

/// The action's environment plus CodeBuild's variables and the buildspec's `env`.
fn environment(
    spec: &Buildspec,
    context: &ActionContext,
    src_dir: &Path,
) -> Result<Vec<(String, String)>, String> {
    let mut env = context.env.clone();
    let lookup = |name: &str| {
        env.iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let pipeline = lookup("PIPEWRIGHT_PIPELINE").unwrap_or_default();
    for (kind, entries) in [
        ("parameter-store", &spec.parameter_store),
        ("secrets-manager", &spec.secrets_manager),
    ] {
        for (variable, source) in entries {
            if lookup(variable).is_none() {
                return Err(format!(
                    "env.{kind} {variable} ({source}): there is no secret named {variable}: add {variable} to the action's secrets"
                ));
            }
        }
    }
    let key = &context.key;
    let mut added: Vec<(String, String)> = vec![
        ("CODEBUILD_CI".into(), "true".into()),
        (
            "CODEBUILD_SRC_DIR".into(),
            src_dir.to_string_lossy().into_owned(),
        ),
        (
            "CODEBUILD_BUILD_ID".into(),
            format!("{pipeline}-{}:{}", key.action, key.execution_id),
        ),
        ("CODEBUILD_BUILD_NUMBER".into(), build_number(context)),
        (
            "CODEBUILD_INITIATOR".into(),
            format!("codepipeline/{pipeline}"),
        ),
        (
            "CODEBUILD_START_TIME".into(),
            crate::clock::now_ms().to_string(),
        ),
        ("CODEBUILD_BUILD_IMAGE".into(), "local".into()),
    ];
    for (name, path) in &context.inputs {
        added.push((
            format!("CODEBUILD_SRC_DIR_{name}"),
            path.to_string_lossy().into_owned(),
        ));
    }
    if let Some(commit) = head_commit(src_dir) {
        added.push(("CODEBUILD_RESOLVED_SOURCE_VERSION".into(), commit.clone()));
        added.push(("CODEBUILD_SOURCE_VERSION".into(), commit));
    }
    env.extend(added);
    env.extend(spec.variables.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(env)
}

/// The commit of a source folder that is a full clone.
fn head_commit(src_dir: &Path) -> Option<String> {
    if !src_dir.join(".git").exists() {
        return None;
    }
    let output = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(src_dir)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The action's folder of kept state, per pipeline: `.pipewright/buildspec/<pipeline>/<stage>~<action>/`.
fn state_root(context: &ActionContext) -> PathBuf {
    let pipeline = context
        .env
        .iter()
        .find(|(key, _)| key == "PIPEWRIGHT_PIPELINE")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    context
        .workspace
        .join(".pipewright")
        .join("buildspec")
        .join(component(&pipeline))
        .join(component(&format!(
            "{}~{}",
            context.key.stage, context.key.action
        )))
}

/// A name as one path component: names may be all dots, which must not climb folders.
fn component(name: &str) -> String {
    if name.chars().all(|c| c == '.') {
        name.replace('.', "_")
    } else {
        name.to_string()
    }
}

/// Where `cache.paths` are kept between executions.
fn cache_dir(context: &ActionContext) -> PathBuf {
    state_root(context).join("cache")
}

/// The next build number of this action (1, 2, …), counted in its state folder.
fn build_number(context: &ActionContext) -> String {
    let root = state_root(context);
    let file = root.join("build-number");
    let next = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    let _ = std::fs::create_dir_all(&root)
        .and_then(|()| crate::model::ron_io::write_atomically(&file, next.to_string().as_bytes()));
    next.to_string()
}
