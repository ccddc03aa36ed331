//! The Git source provider, against real repositories made in temp folders.

mod common;

use common::{Workspace, commit, git, init_repo};
use indexmap::IndexMap;
use pipewright::engine::{Command, Reply, StartRequest};
use pipewright::execution::Trigger;
use pipewright::model::status::ExecutionStatus;

struct Repo {
    first: String,
    second: String,
    feature: String,
}

/// `repo/` with two commits on main and one on a `feature` branch.
fn repo(ws: &Workspace) -> Repo {
    let dir = ws.path().join("repo");
    init_repo(&dir);
    let first = commit(&dir, &[("app.txt", "v1")], "First version");
    let second = commit(&dir, &[("app.txt", "v2")], "Second version\n\nWith a body.");
    git(&dir, &["checkout", "-q", "-b", "feature"]);
    let feature = commit(&dir, &[("feature.txt", "new")], "Add a feature");
    git(&dir, &["checkout", "-q", "main"]);
    Repo {
        first,
        second,
        feature,
    }
}

fn source_pipeline(ws: &Workspace, git_config: &str) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r##"(name: "git", stages: [
            (name: "Source", actions: [(name: "Repo", category: Source, namespace: "Src",
                provider: Git({git_config}), output_artifacts: [(name: "Code")])]),
            (name: "Show", actions: [(name: "Read", category: Build, input_artifacts: ["Code"],
                provider: Commands(commands: ["cat app.txt > {{ws}}/seen", "ls -a > {{ws}}/listing",
                    "echo '#{{Src.CommitId}} #{{Src.BranchName}} #{{Src.RepositoryName}}' > {{ws}}/vars"]))]),
        ])"##
    ))
}

fn run(
    ws: &Workspace,
    pipeline: &pipewright::model::Pipeline,
    revisions: &[(&str, &str)],
) -> (String, ExecutionStatus) {
    let reply = ws
        .engine
        .send(Command::Start(Box::new(StartRequest {
            pipeline: pipeline.clone(),
            file: ws.path().join("git.pipeline.ron"),
            variables: IndexMap::new(),
            source_revisions: revisions
                .iter()
                .map(|(a, r)| (a.to_string(), r.to_string()))
                .collect(),
            trigger: Trigger::manual("test"),
        })))
        .wait()
        .expect("starts");
    let Reply::Started { execution_id } = reply else {
        panic!("no id")
    };
    let status = ws.wait_end(&execution_id);
    (execution_id.to_string(), status)
}

fn read(ws: &Workspace, name: &str) -> String {
    std::fs::read_to_string(ws.path().join(name))
        .expect(name)
        .trim()
        .to_string()
}

fn summary(ws: &Workspace, id: &str) -> String {
    ws.store().attempts(id).expect("attempts")[0]
        .summary
        .clone()
        .unwrap_or_default()
}

#[test]
fn a_branch_is_checked_out_with_its_variables() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let (id, status) = run(
        &ws,
        &source_pipeline(&ws, r#"repository: "repo", branch: "feature""#),
        &[],
    );
    assert_eq!(status, ExecutionStatus::Succeeded, "{}", summary(&ws, &id));
    assert_eq!(read(&ws, "vars"), format!("{} feature repo", repo.feature));
    assert!(
        !read(&ws, "listing").lines().any(|l| l == ".git"),
        "files only by default"
    );
    let variables = &ws.store().attempts(&id).expect("attempts")[0].output_variables;
    assert_eq!(variables["CommitMessage"], "Add a feature");
    assert!(variables["AuthorDate"].starts_with("20") && !variables["CommitterDate"].is_empty());
}

#[test]
fn without_a_branch_the_default_branch_is_taken() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let (id, status) = run(&ws, &source_pipeline(&ws, r#"repository: "repo""#), &[]);
    assert_eq!(status, ExecutionStatus::Succeeded, "{}", summary(&ws, &id));
    assert_eq!(read(&ws, "seen"), "v2");
    assert_eq!(read(&ws, "vars"), format!("{} main repo", repo.second));
    let variables = &ws.store().attempts(&id).expect("attempts")[0].output_variables;
    assert_eq!(variables["CommitMessage"], "Second version\n\nWith a body.");
}

#[test]
fn a_revision_override_at_start_checks_out_that_commit() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let pipeline = source_pipeline(&ws, r#"repository: "repo", branch: "main""#);
    let (_, status) = run(&ws, &pipeline, &[("Repo", &repo.first)]);
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(read(&ws, "seen"), "v1");
    assert!(read(&ws, "vars").starts_with(&repo.first));
}

#[test]
fn a_configured_commit_and_a_full_clone() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let config = format!(
        r#"repository: "repo", commit: "{}", output_format: FullClone"#,
        &repo.first[..10]
    );
    let (id, status) = run(&ws, &source_pipeline(&ws, &config), &[]);
    assert_eq!(status, ExecutionStatus::Succeeded, "{}", summary(&ws, &id));
    assert_eq!(read(&ws, "seen"), "v1");
    assert!(
        read(&ws, "listing").lines().any(|l| l == ".git"),
        "a full clone keeps .git"
    );
}

#[test]
fn missing_repository_branch_or_commit_is_named_in_the_failure() {
    let ws = Workspace::new();
    repo(&ws);
    let cases = [
        (r#"repository: "nowhere""#, "repository"),
        (
            r#"repository: "repo", branch: "nope""#,
            "branch nope does not exist in repository",
        ),
        (
            r#"repository: "repo", commit: "deadbeef""#,
            "commit deadbeef does not exist in repository",
        ),
    ];
    for (config, expected) in cases {
        let (id, status) = run(&ws, &source_pipeline(&ws, config), &[]);
        assert_eq!(status, ExecutionStatus::Failed, "{config}");
        let text = summary(&ws, &id);
        assert!(text.contains(expected), "{config}: {text}");
        if expected == "repository" {
            assert!(text.contains("nowhere does not exist"), "{text}");
        }
    }
}

#[test]
fn a_password_in_the_repository_url_never_reaches_the_log() {
    let ws = Workspace::new();
    let pipeline = source_pipeline(
        &ws,
        r#"repository: "http://ada:s3cret-pw@127.0.0.1:9/repo.git""#,
    );
    let (id, status) = run(&ws, &pipeline, &[]);
    assert_eq!(status, ExecutionStatus::Failed);
    let attempt = &ws.store().attempts(&id).expect("attempts")[0];
    let log = std::fs::read_to_string(ws.path().join(&attempt.log_path)).expect("log");
    assert!(log.contains("http://***@127.0.0.1:9/repo.git"), "{log}");
    assert!(!log.contains("s3cret-pw"), "{log}");
    assert!(
        !attempt
            .summary
            .clone()
            .unwrap_or_default()
            .contains("s3cret-pw")
    );
}
