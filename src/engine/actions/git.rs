//! The Git source provider: any repository `git` can read, a branch or a commit, into an
//! artifact of files (default) or a full clone with `.git`. It uses the user's `git` and its
//! credentials; a password in a URL never reaches the log.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::model::{GitConfig, GitOutputFormat};

use super::{ActionContext, ActionResult, ActionStep, StepFuture};
use crate::engine::process::{self, End, Spec};

impl ActionStep for GitConfig {
    fn run<'a>(&'a self, context: &'a mut ActionContext) -> StepFuture<'a> {
        Box::pin(async move {
            match fetch(self, context).await {
                Ok(variables) => ActionResult {
                    output_variables: variables,
                    ..ActionResult::succeeded(None)
                },
                Err(Failure::Stopped) => ActionResult::abandoned("stopped while fetching"),
                Err(Failure::Message(message)) => ActionResult::failed(message),
            }
        })
    }
}

enum Failure {
    Stopped,
    Message(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

pub use crate::model::providers::is_url;

/// The repository as git should see it: URLs as written, paths made absolute.
fn locate(repository: &str, workspace: &Path) -> Result<String, String> {
    if is_url(repository) {
        return Ok(repository.to_string());
    }
    let path = workspace.join(repository);
    if !path.exists() {
        return Err(format!(
            "repository {} does not exist: check the repository path",
            path.display()
        ));
    }
    Ok(path.to_string_lossy().into_owned())
}

/// The user-info part of a URL (`user:password`), which must never be shown.
fn credentials(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let host_start = rest.find('/').unwrap_or(rest.len());
    let at = rest[..host_start].rfind('@')?;
    Some(&rest[..at])
}

/// The URL with its user-info replaced by `***`.
pub fn redact(url: &str) -> String {
    match credentials(url) {
        Some(secret) => url.replacen(&format!("{secret}@"), "***@", 1),
        None => url.to_string(),
    }
}

/// `…/my-app.git` → `my-app`.
fn repository_name(repository: &str) -> String {
    let trimmed = repository.trim_end_matches('/');
    let last = trimmed.rsplit(['/', ':']).next().unwrap_or(trimmed);
    last.strip_suffix(".git").unwrap_or(last).to_string()
}

/// Runs `git args` in `cwd`, logging it; returns its stdout, or the end it came to.
async fn git(
    context: &ActionContext,
    cwd: &Path,
    args: &[String],
) -> Result<String, (End, String)> {
    let shown: Vec<String> = args.iter().map(|arg| redact(arg)).collect();
    context.log.note(&format!("$ git {}", shown.join(" ")));
    let mut env = context.env.clone();
    env.push(("GIT_TERMINAL_PROMPT".into(), "0".into()));
    env.push(("LC_ALL".into(), "C".into()));
    let spec = Spec {
        program: "git",
        args,
        cwd,
        env: &env,
        stdin: None,
        capture_stdout: true,
    };
    match process::run(spec, &context.log, &context.control, &context.launcher).await {
        Ok(finished) if finished.end == End::Exited(0) => {
            Ok(String::from_utf8_lossy(&finished.stdout).into_owned())
        }
        Ok(finished) => Err((finished.end, context.log.tail(3).join("\n"))),
        Err(error) => Err((End::Exited(-1), format!("cannot run git: {error}"))),
    }
}

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|part| part.to_string()).collect()
}

async fn fetch(
    config: &GitConfig,
    context: &mut ActionContext,
) -> Result<IndexMap<String, String>, Failure> {
    let repository = locate(&config.repository, &context.workspace)?;
    let shown = redact(&repository);
    if let Some(secret) = credentials(&repository) {
        context.log.add_secrets(vec![secret.to_string()]);
    }
    let stopped_or = |end: End, message: String| {
        if end == End::Cancelled {
            Failure::Stopped
        } else {
            Failure::Message(message)
        }
    };
    let workspace = context.workspace.clone();

    // One ls-remote tells whether the repository is readable, its default branch, and
    // whether the wanted branch exists.
    let mut query = strings(&["ls-remote", "--symref", "--", &repository, "HEAD"]);
    if let Some(branch) = &config.branch {
        query.push(format!("refs/heads/{branch}"));
    }
    let listing = git(context, &workspace, &query)
        .await
        .map_err(|(end, tail)| {
            stopped_or(end, format!("repository {shown} cannot be read: {tail}"))
        })?;
    let branch = match &config.branch {
        Some(branch) => {
            if !listing.contains(&format!("\trefs/heads/{branch}")) {
                return Err(format!("branch {branch} does not exist in repository {shown}").into());
            }
            branch.clone()
        }
        None => listing
            .lines()
            .find_map(|line| line.strip_prefix("ref: refs/heads/")?.split('\t').next())
            .map(str::to_string)
            .ok_or_else(|| format!("repository {shown} has no default branch: set branch"))?,
    };

    let target = context
        .outputs
        .first()
        .map(|(_, folder)| folder.clone())
        .ok_or_else(|| "a Git source needs an output artifact".to_string())?;
    let full_clone = config.output_format == GitOutputFormat::FullClone;
    let clone_dir: PathBuf = if full_clone {
        target.clone()
    } else {
        context.side_dir.join("clone")
    };
    let clone_text = clone_dir.to_string_lossy().into_owned();
    git(
        context,
        &workspace,
        &strings(&[
            "clone",
            "--quiet",
            "--no-checkout",
            "--branch",
            &branch,
            "--",
            &repository,
            &clone_text,
        ]),
    )
    .await
    .map_err(|(end, tail)| stopped_or(end, format!("cannot clone {shown}: {tail}")))?;

    let wanted = context
        .source_revision
        .clone()
        .or_else(|| config.commit.clone());
    let revision = wanted.clone().unwrap_or_else(|| format!("origin/{branch}"));
    let commit = git(
        context,
        &clone_dir,
        &strings(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ]),
    )
    .await
    .map_err(|(end, _)| {
        stopped_or(
            end,
            format!(
                "commit {} does not exist in repository {shown}",
                wanted.as_deref().unwrap_or(&revision)
            ),
        )
    })?
    .trim()
    .to_string();

    if full_clone {
        git(
            context,
            &clone_dir,
            &strings(&["checkout", "--quiet", "-B", &branch, &commit]),
        )
        .await
        .map_err(|(end, tail)| stopped_or(end, format!("cannot check out {commit}: {tail}")))?;
    } else {
        let target_text = target.to_string_lossy().into_owned();
        git(
            context,
            &clone_dir,
            &strings(&[
                "--work-tree",
                &target_text,
                "checkout",
                "--quiet",
                "--force",
                &commit,
                "--",
                ".",
            ]),
        )
        .await
        .map_err(|(end, tail)| stopped_or(end, format!("cannot check out {commit}: {tail}")))?;
    }

    let details = git(
        context,
        &clone_dir,
        &strings(&["log", "-1", "--format=%H%n%aI%n%cI%n%B", &commit]),
    )
    .await
    .map_err(|(end, tail)| stopped_or(end, format!("cannot read commit {commit}: {tail}")))?;
    let mut lines = details.lines();
    let mut variables = IndexMap::new();
    variables.insert(
        "CommitId".into(),
        lines.next().unwrap_or(&commit).to_string(),
    );
    let author_date = lines.next().unwrap_or_default().to_string();
    let committer_date = lines.next().unwrap_or_default().to_string();
    let message: Vec<&str> = lines.collect();
    variables.insert(
        "CommitMessage".into(),
        message.join("\n").trim().to_string(),
    );
    variables.insert("BranchName".into(), branch);
    variables.insert("AuthorDate".into(), author_date);
    variables.insert("CommitterDate".into(), committer_date);
    variables.insert("RepositoryName".into(), repository_name(&config.repository));
    context.log.note(&format!("took {commit} from {shown}"));
    Ok(variables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart() {
        for url in [
            "https://github.com/a/b.git",
            "git@github.com:a/b.git",
            "ssh://host/x",
            "file:///tmp/r",
        ] {
            assert!(is_url(url), "{url}");
        }
        for path in ["app-repo", "../repos/app", "/srv/git/app.git", "C:dir"] {
            assert!(!is_url(path), "{path}");
        }
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact("https://ada:s3cret@example.com/org/app.git"),
            "https://***@example.com/org/app.git"
        );
        assert_eq!(credentials("https://token@example.com/x"), Some("token"));
        assert_eq!(redact("https://example.com/a@b"), "https://example.com/a@b");
    }

    #[test]
    fn repository_names_drop_the_git_suffix() {
        assert_eq!(
            repository_name("https://example.com/org/my-app.git"),
            "my-app"
        );
        assert_eq!(repository_name("git@host:org/tool.git"), "tool");
        assert_eq!(repository_name("app-repo/"), "app-repo");
    }
}
