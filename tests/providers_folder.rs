//! The Folder source provider: folders and zips, excludes, ETag, and refused zip entries.

mod common;

use std::io::Write;
use std::path::Path;

use common::Workspace;
use pipewright::model::status::ExecutionStatus;
use zip::write::SimpleFileOptions;

fn files(root: &Path, list: &[(&str, &str)]) {
    for (path, contents) in list {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
}

fn zip_file(path: &Path, entries: &[(&str, &str)]) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    for (name, contents) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .expect("entry");
        writer.write_all(contents.as_bytes()).expect("write");
    }
    writer.finish().expect("finish");
}

fn pipeline(ws: &Workspace, path: &str) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r#"(name: "folder", stages: [
            (name: "Source", actions: [(name: "Take", category: Source, namespace: "Src",
                provider: Folder(path: "{path}", exclude: ["**/*.tmp", "drafts/**"]), output_artifacts: [(name: "Files")])]),
            (name: "Look", actions: [(name: "List", category: Build, input_artifacts: ["Files"],
                provider: Commands(commands: ["find . -type f | sort > {{ws}}/listing"]))]),
        ])"#
    ))
}

fn listing(ws: &Workspace) -> Vec<String> {
    std::fs::read_to_string(ws.path().join("listing"))
        .expect("listing")
        .lines()
        .map(str::to_string)
        .collect()
}

fn variables(ws: &Workspace, id: &str) -> indexmap::IndexMap<String, String> {
    ws.store().attempts(id).expect("attempts")[0]
        .output_variables
        .clone()
}

#[test]
fn a_folder_is_taken_without_its_excluded_files() {
    let ws = Workspace::new();
    files(
        &ws.path().join("site"),
        &[
            ("index.html", "home"),
            ("css/a.css", "x"),
            ("b.tmp", "junk"),
            ("drafts/new.html", "wip"),
        ],
    );
    let id = ws.start(&pipeline(&ws, "site"));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert_eq!(listing(&ws), ["./css/a.css", "./index.html"]);
    let vars = variables(&ws, &id);
    assert_eq!(vars["FileCount"], "2");
    assert_eq!(vars["ETag"].len(), 64);

    let again = ws.start(&pipeline(&ws, "site"));
    assert_eq!(ws.wait_end(&again), ExecutionStatus::Succeeded);
    assert_eq!(
        variables(&ws, &again)["ETag"],
        vars["ETag"],
        "same content, same ETag"
    );
    std::fs::write(ws.path().join("site/index.html"), "changed").expect("write");
    let changed = ws.start(&pipeline(&ws, "site"));
    assert_eq!(ws.wait_end(&changed), ExecutionStatus::Succeeded);
    assert_ne!(variables(&ws, &changed)["ETag"], vars["ETag"]);
}

#[test]
fn a_zip_is_extracted_without_its_excluded_entries() {
    let ws = Workspace::new();
    zip_file(
        &ws.path().join("bundle.zip"),
        &[
            ("index.html", "home"),
            ("img/logo.svg", "<svg/>"),
            ("cache.tmp", "junk"),
        ],
    );
    let id = ws.start(&pipeline(&ws, "bundle.zip"));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert_eq!(listing(&ws), ["./img/logo.svg", "./index.html"]);
    assert_eq!(variables(&ws, &id)["FileCount"], "2");
}

#[test]
fn zip_entries_that_escape_are_refused_and_nothing_is_written() {
    for evil in [
        "../escaped.txt",
        "/tmp/pipewright-absolute-escape.txt",
        "a/../../escaped.txt",
    ] {
        let ws = Workspace::new();
        zip_file(
            &ws.path().join("evil.zip"),
            &[("fine.txt", "ok"), (evil, "gotcha")],
        );
        let id = ws.start(&pipeline(&ws, "evil.zip"));
        assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed, "{evil}");
        let summary = ws.store().attempts(&id).expect("attempts")[0]
            .summary
            .clone()
            .unwrap_or_default();
        assert!(
            summary.contains(&format!("entry \"{evil}\" would be written outside")),
            "{summary}"
        );
        let artifact = ws
            .path()
            .join(format!(".pipewright/runs/{id}/artifacts/Files"));
        assert!(
            !artifact.join("fine.txt").exists(),
            "nothing extracted before the check"
        );
        assert!(
            !ws.path()
                .join(format!(".pipewright/runs/{id}/artifacts/escaped.txt"))
                .exists()
        );
        assert!(!Path::new("/tmp/pipewright-absolute-escape.txt").exists());
    }
}

#[test]
fn a_zip_link_pointing_outside_is_refused() {
    let ws = Workspace::new();
    let mut writer =
        zip::ZipWriter::new(std::fs::File::create(ws.path().join("links.zip")).expect("zip"));
    writer
        .add_symlink("inside", "docs/readme", SimpleFileOptions::default())
        .expect("link");
    writer
        .add_symlink("outside", "../../etc/passwd", SimpleFileOptions::default())
        .expect("link");
    writer.finish().expect("finish");
    let id = ws.start(&pipeline(&ws, "links.zip"));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let summary = ws.store().attempts(&id).expect("attempts")[0]
        .summary
        .clone()
        .unwrap_or_default();
    assert!(
        summary.contains("link \"outside\" points outside the artifact folder"),
        "{summary}"
    );
}

#[test]
fn a_missing_source_is_named() {
    let ws = Workspace::new();
    let id = ws.start(&pipeline(&ws, "not-there"));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let summary = ws.store().attempts(&id).expect("attempts")[0]
        .summary
        .clone()
        .unwrap_or_default();
    assert!(summary.contains("not-there cannot be read"), "{summary}");
}
