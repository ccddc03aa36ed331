//! Triggers with real git repositories and folders in temp dirs and the real engine: commits,
//! branch / path / tag filters, a burst in SUPERSEDED mode, a debounced folder change, a
//! schedule on a controllable clock, and a repository that disappears and comes back.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::{PATIENCE, Workspace, commit, git, init_repo};
use pipewright::execution::{Change, NewExecution, TriggerKind};
use pipewright::model::status::ExecutionStatus;
use pipewright::watch::{ManualClock, Note, NoteKind, WatchOptions, Watcher};

type Notes = Arc<Mutex<Vec<Note>>>;

fn options() -> WatchOptions {
    WatchOptions {
        local_poll: Duration::from_millis(500),
        retry_first: Duration::from_millis(100),
        retry_max: Duration::from_millis(400),
        rescan: Duration::from_millis(200),
        ..WatchOptions::default()
    }
}

/// Starts the watcher on the workspace, starting executions in its engine.
fn watch(ws: &Workspace, options: WatchOptions) -> (Watcher, Notes) {
    let notes: Notes = Arc::default();
    let sink = notes.clone();
    let commander = ws.engine.commander();
    let watcher = Watcher::start(
        ws.path(),
        options,
        Box::new(move |request| commander.start(request)),
        Box::new(move |note| sink.lock().expect("notes").push(note.clone())),
    )
    .expect("watcher starts");
    (watcher, notes)
}

fn wait_note(notes: &Notes, what: &str, wanted: impl Fn(&NoteKind) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !notes.lock().expect("notes").iter().any(|n| wanted(&n.kind)) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            notes.lock().expect("notes")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_watching(notes: &Notes) {
    wait_note(notes, "the trigger to watch", |k| *k == NoteKind::Watching);
}

fn fired(notes: &Notes) -> Vec<String> {
    notes
        .lock()
        .expect("notes")
        .iter()
        .filter_map(|n| match &n.kind {
            NoteKind::Fired { detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .collect()
}

fn next_start(ws: &Workspace) -> NewExecution {
    match ws.wait_for("an execution to start", |c| {
        matches!(c, Change::ExecutionStarted(_))
    }) {
        Change::ExecutionStarted(new) => *new,
        _ => unreachable!(),
    }
}

/// Nothing starts during `quiet`.
fn assert_no_start(ws: &Workspace, quiet: Duration) {
    let deadline = Instant::now() + quiet;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Ok(pipewright::engine::Event::Changed(Change::ExecutionStarted(new))) =
            ws.events.recv_timeout(left)
        {
            panic!("unexpected execution: {:?}", new.trigger);
        }
    }
}

fn write_pipeline(ws: &Workspace, text: &str) {
    std::fs::write(ws.path().join("app.pipeline.ron"), text).expect("pipeline");
}

fn git_pipeline(trigger: &str, mode: &str, build: &str) -> String {
    format!(
        r#"(name: "app", execution_mode: {mode}, triggers: [{trigger}], stages: [
    (name: "Source", actions: [(name: "Code", category: Source,
        provider: Git(repository: "repo", branch: "main"), output_artifacts: [(name: "Src")])]),
    (name: "Build", actions: [(name: "Make", category: Build,
        provider: Commands(commands: ["{build}"]), input_artifacts: ["Src"])]),
])"#
    )
}

fn repo(ws: &Workspace) -> std::path::PathBuf {
    let repo = ws.path().join("repo");
    init_repo(&repo);
    commit(&repo, &[("src/lib.rs", "1")], "first");
    repo
}

#[test]
fn a_commit_on_the_watched_branch_starts_an_execution_with_that_commit() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    write_pipeline(
        &ws,
        &git_pipeline(
            "GitChange(source: \"Code\")",
            "SUPERSEDED",
            "cat src/lib.rs",
        ),
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    let id = commit(&repo, &[("src/lib.rs", "2")], "Second version");
    let started = next_start(&ws);
    assert_eq!(started.source_revisions["Code"], id);
    assert_eq!(started.trigger.kind, TriggerKind::GitChange);
    assert_eq!(
        started.trigger.detail,
        format!("push to main by Ada Tester: {} Second version", &id[..7])
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
    let row = ws
        .store()
        .execution(&started.id)
        .expect("read")
        .expect("row");
    assert_eq!(
        row.trigger.detail, started.trigger.detail,
        "history keeps it"
    );
}

#[test]
fn excluded_branches_and_excluded_paths_do_not_fire() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let trigger = r#"GitChange(source: "Code",
        branches: (includes: ["main", "release/*"], excludes: ["release/old"]),
        file_paths: (excludes: ["docs/**", "*.md"]))"#;
    write_pipeline(&ws, &git_pipeline(trigger, "QUEUED", "true"));
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);

    git(&repo, &["checkout", "-q", "-b", "release/old"]);
    commit(&repo, &[("src/lib.rs", "old")], "on an excluded branch");
    git(&repo, &["checkout", "-q", "main"]);
    commit(
        &repo,
        &[
            ("docs/guide.txt", "x"),
            ("docs/café.txt", "z"),
            ("README.md", "y"),
        ],
        "docs only",
    );
    assert_no_start(&ws, Duration::from_millis(1500));

    let id = commit(
        &repo,
        &[("docs/more.txt", "x"), ("src/lib.rs", "3")],
        "code too",
    );
    let started = next_start(&ws);
    assert_eq!(started.source_revisions["Code"], id);
    wait_note(&notes, "the fire", |k| matches!(k, NoteKind::Fired { .. }));
    assert_eq!(fired(&notes).len(), 1, "{:?}", notes.lock().expect("notes"));
}

#[test]
fn a_tag_that_matches_the_filter_fires() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    let trigger = r#"GitChange(source: "Code", tags: (includes: ["v[0-9]*"]))"#;
    write_pipeline(&ws, &git_pipeline(trigger, "QUEUED", "true"));
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);

    git(&repo, &["tag", "nightly"]);
    commit(&repo, &[("src/lib.rs", "2")], "not tagged yet");
    assert_no_start(&ws, Duration::from_millis(1500));

    let id = git(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["tag", "-a", "v1.0", "-m", "release 1.0"]);
    let started = next_start(&ws);
    assert_eq!(started.source_revisions["Code"], id, "the tagged commit");
    assert!(
        started.trigger.detail.starts_with("tag v1.0 by Ada Tester"),
        "{}",
        started.trigger.detail
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
}

#[test]
fn two_quick_commits_in_superseded_mode_end_with_the_latest_run() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    write_pipeline(
        &ws,
        &git_pipeline("GitChange(source: \"Code\")", "SUPERSEDED", "sleep 1"),
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    commit(&repo, &[("src/lib.rs", "a")], "first of a burst");
    let latest = commit(&repo, &[("src/lib.rs", "b")], "second of a burst");

    let mut ended = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    let mut revisions = std::collections::HashMap::new();
    // Until the execution of the latest commit has ended.
    while !ended
        .iter()
        .any(|(id, _)| revisions.get(id) == Some(&latest))
    {
        assert!(Instant::now() < deadline, "the latest commit never ran");
        match ws.events.recv_timeout(Duration::from_secs(1)) {
            Ok(pipewright::engine::Event::Changed(Change::ExecutionStarted(new))) => {
                revisions.insert(new.id.clone(), new.source_revisions["Code"].clone());
            }
            Ok(pipewright::engine::Event::Changed(Change::ExecutionStatus {
                execution_id,
                status,
                ..
            })) if status.is_final() => ended.push((execution_id, status)),
            _ => {}
        }
    }
    let (last_id, last_status) = ended.last().expect("one ended").clone();
    assert_eq!(revisions[&last_id], latest);
    assert_eq!(last_status, ExecutionStatus::Succeeded);
    assert!(revisions.len() <= 2, "no queue of runs: {revisions:?}");
    for (id, status) in &ended {
        if revisions[id] != latest {
            assert!(
                matches!(
                    status,
                    ExecutionStatus::Superseded | ExecutionStatus::Succeeded
                ),
                "{status}"
            );
        }
    }
}

#[test]
fn a_folder_change_fires_once_after_the_debounce() {
    let ws = Workspace::new();
    let site = ws.path().join("site");
    std::fs::create_dir_all(&site).expect("site");
    std::fs::write(site.join("index.html"), "v1").expect("write");
    write_pipeline(
        &ws,
        r#"(name: "app", triggers: [FolderChange(source: "Pages", exclude: ["*.tmp"], debounce: "1s")],
        stages: [
            (name: "Source", actions: [(name: "Pages", category: Source,
                provider: Folder(path: "site"), output_artifacts: [(name: "Site")])]),
            (name: "Check", actions: [(name: "Count", category: Test,
                provider: Commands(commands: ["ls"]), input_artifacts: ["Site"])]),
        ])"#,
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    std::fs::write(site.join("scratch.tmp"), "ignored").expect("write");
    assert_no_start(&ws, Duration::from_millis(2000));

    for (name, text) in [
        ("index.html", "v2"),
        ("about.html", "a"),
        ("style.css", "c"),
    ] {
        std::fs::write(site.join(name), text).expect("write");
        std::thread::sleep(Duration::from_millis(100));
    }
    let started = next_start(&ws);
    assert_eq!(started.trigger.kind, TriggerKind::FolderChange);
    assert_eq!(
        started.trigger.detail,
        "change in site: 3 files (about.html, index.html, style.css)"
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
    assert_no_start(&ws, Duration::from_millis(2500));
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("time")
        .with_timezone(&Utc)
}

#[test]
fn a_schedule_fires_when_the_clock_reaches_it_with_its_variables() {
    let ws = Workspace::new();
    write_pipeline(
        &ws,
        r#"(name: "nightly", variables: [(name: "environment", default: "staging")],
        triggers: [Schedule(cron: "0 2 * * *", timezone: "UTC", variables: {"environment": "nightly"})],
        stages: [(name: "Build", actions: [(name: "Say", category: Build,
            provider: Commands(commands: ["echo #{variables.environment}"]))])])"#,
    );
    let clock = Arc::new(ManualClock::new(at("2026-11-22T01:59:30Z")));
    let (watcher, notes) = watch(
        &ws,
        WatchOptions {
            clock: clock.clone(),
            ..options()
        },
    );
    wait_watching(&notes);
    assert_eq!(
        watcher.statuses()[0].next_fire,
        Some(at("2026-11-22T02:00:00Z"))
    );
    assert_no_start(&ws, Duration::from_millis(500));

    clock.set(at("2026-11-22T02:00:00Z"));
    let started = next_start(&ws);
    assert_eq!(started.trigger.kind, TriggerKind::Schedule);
    assert_eq!(started.trigger.detail, "schedule 0 2 * * * (UTC)");
    assert_eq!(started.variables["environment"], "nightly");
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
    assert_no_start(&ws, Duration::from_millis(500));
    assert_eq!(
        watcher.statuses()[0].next_fire,
        Some(at("2026-11-23T02:00:00Z"))
    );
}

#[test]
fn paused_triggers_do_not_start_executions() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    write_pipeline(
        &ws,
        &git_pipeline("GitChange(source: \"Code\")", "QUEUED", "true"),
    );
    let (watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    watcher.set_paused("app", true);
    commit(&repo, &[("src/lib.rs", "2")], "while paused");
    wait_note(&notes, "the paused fire", |k| {
        matches!(k, NoteKind::Paused { .. })
    });
    assert_no_start(&ws, Duration::from_millis(300));
    watcher.set_paused("app", false);
    let id = commit(&repo, &[("src/lib.rs", "3")], "resumed");
    assert_eq!(next_start(&ws).source_revisions["Code"], id);
}

#[test]
fn the_watcher_survives_the_repository_being_deleted_and_recreated() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    write_pipeline(
        &ws,
        &git_pipeline("GitChange(source: \"Code\")", "QUEUED", "true"),
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);

    // Moved away first, so the watcher never sees a half-deleted repository.
    let gone = ws.path().join("gone");
    std::fs::rename(&repo, &gone).expect("move the repository away");
    std::fs::remove_dir_all(&gone).expect("delete the repository");
    wait_note(&notes, "the failure", |k| matches!(k, NoteKind::Failing(_)));
    std::thread::sleep(Duration::from_millis(1000));
    let failures = notes
        .lock()
        .expect("notes")
        .iter()
        .filter(|n| matches!(n.kind, NoteKind::Failing(_)))
        .count();
    assert_eq!(
        failures,
        1,
        "reported once, however often it is retried: {:?}",
        notes.lock().expect("notes")
    );

    init_repo(&repo);
    commit(&repo, &[("src/lib.rs", "new life")], "re-created");
    wait_note(&notes, "the recovery", |k| *k == NoteKind::Recovered);
    // Whatever the re-creation itself started, a new commit starts an execution of it.
    let id = commit(&repo, &[("src/lib.rs", "after")], "after the return");
    let deadline = Instant::now() + PATIENCE;
    loop {
        assert!(Instant::now() < deadline, "the new commit never fired");
        if next_start(&ws).source_revisions["Code"] == id {
            break;
        }
    }
    assert!(Path::new(&repo).exists());
}

#[test]
fn a_remote_repository_is_polled_and_its_new_commit_fires() {
    let ws = Workspace::new();
    let remote = ws.path().join("elsewhere/remote");
    init_repo(&remote);
    commit(&remote, &[("src/lib.rs", "1")], "first");
    let url = format!("file://{}", remote.display());
    write_pipeline(
        &ws,
        &format!(
            r#"(name: "app", triggers: [GitChange(source: "Code", poll_interval: "10s",
                file_paths: (includes: ["src/**"]))], stages: [
    (name: "Source", actions: [(name: "Code", category: Source,
        provider: Git(repository: "{url}", branch: "main"), output_artifacts: [(name: "Src")])]),
    (name: "Build", actions: [(name: "Make", category: Build,
        provider: Commands(commands: ["cat src/lib.rs"]), input_artifacts: ["Src"])]),
])"#
        ),
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    commit(&remote, &[("docs/a.txt", "x")], "docs");
    let id = commit(&remote, &[("src/lib.rs", "2")], "Remote change");
    let started = next_start(&ws);
    assert_eq!(started.source_revisions["Code"], id);
    assert_eq!(
        started.trigger.detail,
        format!("push to main by Ada Tester: {} Remote change", &id[..7])
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
}

/// `pipewright watch` on `dir` with `extra` arguments, and the lines it prints.
fn spawn_watch(
    dir: &Path,
    extra: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(common::binary())
        .arg("watch")
        .arg(dir)
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pipewright watch starts");
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    (child, received)
}

/// Reads printed lines until one contains `wanted`.
fn expect_line(received: &std::sync::mpsc::Receiver<String>, wanted: &str) {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = received
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no line with {wanted:?}; saw {seen:?}"));
        if line.contains(wanted) {
            return;
        }
        seen.push(line);
    }
}

/// Ctrl-C, then the exit status.
fn interrupt(mut child: std::process::Child) -> std::process::ExitStatus {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("interrupt");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "watch did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn pipewright_watch_logs_what_fired_and_stops_cleanly_on_ctrl_c() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    init_repo(&repo);
    commit(&repo, &[("src/lib.rs", "1")], "first");
    std::fs::write(
        dir.path().join("app.pipeline.ron"),
        git_pipeline("GitChange(source: \"Code\")", "QUEUED", "true"),
    )
    .expect("pipeline");
    let (child, lines) = spawn_watch(dir.path(), &[]);
    expect_line(&lines, "app: watching GitChange on Code");
    let id = commit(&repo, &[("src/lib.rs", "2")], "From the CLI");
    expect_line(
        &lines,
        &format!(
            "app: push to main by Ada Tester: {} From the CLI → started execution",
            &id[..7]
        ),
    );
    expect_line(&lines, "ended Succeeded");
    assert_eq!(
        interrupt(child).code(),
        Some(130),
        "SIGINT ends watch with 128 + 2"
    );
}

#[test]
fn pipewright_watch_approves_what_it_is_told_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    init_repo(&repo);
    commit(&repo, &[("src/lib.rs", "1")], "first");
    std::fs::write(
        dir.path().join("app.pipeline.ron"),
        r#"(name: "app", triggers: [GitChange(source: "Code")], stages: [
    (name: "Source", actions: [(name: "Code", category: Source,
        provider: Git(repository: "repo", branch: "main"), output_artifacts: [(name: "Src")])]),
    (name: "Gate", actions: [(name: "Release", category: Approval,
        provider: Manual(custom_message: "ship it?"))]),
])"#,
    )
    .expect("pipeline");
    let (child, lines) = spawn_watch(dir.path(), &["--approve", "Gate/Release"]);
    expect_line(&lines, "app: watching GitChange on Code");
    commit(&repo, &[("src/lib.rs", "2")], "Needs a yes");
    expect_line(&lines, "Gate/Release approved");
    expect_line(&lines, "ended Succeeded");
    assert_eq!(
        interrupt(child).code(),
        Some(130),
        "SIGINT ends watch with 128 + 2"
    );
    let history = std::process::Command::new(common::binary())
        .arg("history")
        .arg(dir.path())
        .output()
        .expect("history runs");
    let text = String::from_utf8_lossy(&history.stdout);
    assert!(text.contains("push to main by Ada Tester"), "{text}");
}

#[test]
fn a_push_to_another_watched_branch_runs_as_that_branch() {
    let ws = Workspace::new();
    let repo = repo(&ws);
    write_pipeline(
        &ws,
        r#"(name: "app", triggers: [GitChange(source: "Code", branches: (includes: ["main", "release/*"]))],
        stages: [
            (name: "Source", actions: [(name: "Code", category: Source, namespace: "Code",
                provider: Git(repository: "repo", branch: "main"), output_artifacts: [(name: "Src")])]),
            (name: "Build", actions: [(name: "Check", category: Build, input_artifacts: ["Src"],
                provider: Commands(commands: ["test '#{Code.BranchName}' = release/1.0", "test -f hotfix.txt"]))]),
        ])"#,
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    git(&repo, &["checkout", "-q", "-b", "release/1.0"]);
    let id = commit(&repo, &[("hotfix.txt", "fix")], "Hotfix");
    // Creating the branch may fire on its own (a new branch is a push); wait for the commit.
    let started = loop {
        let started = next_start(&ws);
        if started.source_revisions["Code"] == id {
            break started;
        }
    };
    assert!(
        started.trigger.detail.starts_with("push to release/1.0"),
        "{}",
        started.trigger.detail
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
}

#[test]
fn a_folder_that_is_replaced_fires_once_when_it_is_back() {
    let ws = Workspace::new();
    let site = ws.path().join("site");
    std::fs::create_dir_all(&site).expect("site");
    std::fs::write(site.join("index.html"), "v1").expect("write");
    write_pipeline(
        &ws,
        r#"(name: "app", triggers: [FolderChange(source: "Pages", debounce: "1s")],
        stages: [
            (name: "Source", actions: [(name: "Pages", category: Source,
                provider: Folder(path: "site"), output_artifacts: [(name: "Site")])]),
            (name: "Check", actions: [(name: "Read", category: Test,
                provider: Commands(commands: ["grep v2 index.html"]), input_artifacts: ["Site"])]),
        ])"#,
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    std::fs::remove_dir_all(&site).expect("remove");
    wait_note(&notes, "the missing folder", |k| {
        matches!(k, NoteKind::Failing(_))
    });
    let build = ws.path().join("build");
    std::fs::create_dir_all(&build).expect("build");
    std::fs::write(build.join("index.html"), "v2").expect("write");
    std::fs::rename(&build, &site).expect("put the new folder in place");
    let started = next_start(&ws);
    assert_eq!(started.trigger.detail, "change in site: the folder is back");
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
    assert_no_start(&ws, Duration::from_millis(2000));
}

#[test]
fn changes_1_3_s_apart_with_a_2_s_debounce_fire_once_after_the_folder_is_quiet() {
    let ws = Workspace::new();
    let site = ws.path().join("site");
    std::fs::create_dir_all(&site).expect("site");
    write_pipeline(
        &ws,
        r#"(name: "app", triggers: [FolderChange(source: "Pages", debounce: "2s")],
        stages: [
            (name: "Source", actions: [(name: "Pages", category: Source,
                provider: Folder(path: "site"), output_artifacts: [(name: "Site")])]),
            (name: "Check", actions: [(name: "Count", category: Test,
                provider: Commands(commands: ["ls"]), input_artifacts: ["Site"])]),
        ])"#,
    );
    let (_watcher, notes) = watch(&ws, options());
    wait_watching(&notes);
    let mut last_change_ms = 0;
    for (index, name) in ["a.html", "b.html", "c.html"].into_iter().enumerate() {
        if index > 0 {
            std::thread::sleep(Duration::from_millis(1300));
        }
        std::fs::write(site.join(name), name).expect("write");
        last_change_ms = Utc::now().timestamp_millis();
    }
    let started = next_start(&ws);
    assert_eq!(
        started.trigger.detail,
        "change in site: 3 files (a.html, b.html, c.html)"
    );
    let quiet_ms = started.started_ms - last_change_ms;
    assert!(
        quiet_ms >= 2000,
        "fired {quiet_ms} ms after the last change"
    );
    assert_eq!(ws.wait_end(&started.id), ExecutionStatus::Succeeded);
    assert_no_start(&ws, Duration::from_millis(3000));
    assert_eq!(fired(&notes).len(), 1, "{:?}", fired(&notes));
}
