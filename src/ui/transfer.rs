//! File ▸ Import… and File ▸ Export…: AWS CodePipeline definitions (get-pipeline JSON or
//! CloudFormation) into the workspace, and the open pipeline back out, each followed by the
//! report window.

use std::path::{Path, PathBuf};

use super::app::{FileTarget, PipewrightApp};
use super::command::{AppCommand, Notice};
use super::dialogs::Dialog;
use super::transfer_report::TransferReport;
use crate::model::aws::export::{ExportOptions, Format, export};
use crate::model::aws::import::{ImportOptions, import};
use crate::model::ron_io::{self, PIPELINE_SUFFIX};

impl PipewrightApp {
    /// Asks for a file to import; the answer arrives as [`AppCommand::Import`].
    pub(super) fn ask_import(&mut self, ctx: &egui::Context) {
        let start = self
            .workspace_root()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        self.services.file_request = Some((
            self.services.dialogs.pick_file(ctx, &start),
            FileTarget::Import,
        ));
    }

    /// Imports every pipeline of `file` into the workspace, opens the first and shows the
    /// report.
    pub(super) fn import_file(&mut self, file: &Path) {
        let Some(root) = self.workspace_root().map(Path::to_path_buf) else {
            self.report(Notice::error(
                "Open a folder first: imported pipelines are saved into the workspace",
            ));
            return;
        };
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(error) => {
                self.report(Notice::error(format!(
                    "{}: cannot read the file: {error}",
                    file.display()
                )));
                return;
            }
        };
        let stem = file.file_stem().map_or_else(
            || "pipeline".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let imported = match import(&text, &stem, &ImportOptions::default()) {
            Ok(imported) => imported,
            Err(error) => {
                self.state.dialog = Some(Dialog::Message(
                    "Cannot import".into(),
                    format!("{}:{error}", file.display()),
                ));
                return;
            }
        };
        let mut report = TransferReport::imported(file);
        let mut first = None;
        for mut pipeline in imported {
            let target = free_file(&root, &pipeline.pipeline.name);
            // A pipeline is named after its file.
            if let Some(stem) = target
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(PIPELINE_SUFFIX))
            {
                pipeline.pipeline.name = stem.to_string();
            }
            if let Err(error) = ron_io::save(&target, &pipeline.pipeline) {
                self.report(Notice::error(error.to_string()));
                return;
            }
            first.get_or_insert_with(|| target.clone());
            report.add_pipeline(&target, pipeline.report);
        }
        self.rescan();
        if let Some(first) = first {
            self.open_file(&first);
            if let Some(editor) = &mut self.state.editor {
                editor.canvas.request_fit();
            }
        }
        self.state.dialog = Some(Dialog::Transfer(Box::new(report)));
    }

    /// Asks where to export the open pipeline; the answer arrives as
    /// [`AppCommand::ExportTo`].
    pub(super) fn ask_export(&mut self, ctx: &egui::Context, format: Format) {
        let (Some(root), Some(editor)) = (self.workspace_root(), &self.state.editor) else {
            return;
        };
        let name = match format {
            Format::CodePipelineJson => format!("{}.codepipeline.json", editor.pipeline().name),
            Format::CloudFormation => format!("{}.cloudformation.json", editor.pipeline().name),
        };
        self.services.file_request = Some((
            self.services.dialogs.save_export(ctx, root, &name),
            FileTarget::Export(format),
        ));
    }

    /// Exports the open pipeline to `path`; what cannot be expressed is shown first, with a
    /// way to export without it.
    pub(super) fn export_to(&mut self, path: PathBuf, format: Format, lossy: bool) {
        let Some(editor) = &self.state.editor else {
            return;
        };
        let options = ExportOptions {
            format,
            role_arn: None,
            artifact_bucket: None,
            lossy,
        };
        match export(editor.pipeline(), &options) {
            Ok(exported) => {
                if let Err(error) = ron_io::write_atomically(&path, exported.text.as_bytes()) {
                    self.report(Notice::error(format!(
                        "{}: cannot write the export: {error}",
                        path.display()
                    )));
                    return;
                }
                self.report(Notice::info(format!("Exported to {}", path.display())));
                self.state.dialog = Some(Dialog::Transfer(Box::new(TransferReport::exported(
                    &path,
                    exported.report,
                    None,
                ))));
            }
            Err(refused) => {
                let retry = AppCommand::ExportTo {
                    path: path.clone(),
                    format,
                    lossy: true,
                };
                self.state.dialog = Some(Dialog::Transfer(Box::new(TransferReport::exported(
                    &path,
                    refused.report,
                    Some(retry),
                ))));
            }
        }
    }
}

/// `<root>/<name>.pipeline.ron`, or `<name>-2…` when that file exists.
fn free_file(root: &Path, name: &str) -> PathBuf {
    (1..)
        .map(|n| match n {
            1 => root.join(format!("{name}{PIPELINE_SUFFIX}")),
            n => root.join(format!("{name}-{n}{PIPELINE_SUFFIX}")),
        })
        .find(|path| !path.exists())
        .unwrap_or_else(|| root.join(format!("{name}{PIPELINE_SUFFIX}")))
}
