//! Per-frame CPU time of the editor with 500 cards (50 stages × 10 actions, 450 artifact
//! arrows), in a release build: egui layout plus drawing (shapes and tessellation), no GPU.
//! Run with `cargo bench --bench ui_frame`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::vec2;
use egui_kittest::Harness;
use pipewright::model::edit::{ActionRef, add_action, connect, insert_stage, new_action};
use pipewright::model::{Category, Pipeline, ProviderKind, ron_io};
use pipewright::ui::services::{NativeDialogs, Notifier};
use pipewright::ui::{Launch, PipewrightApp};

/// Benchmarks show no notifications.
struct Silent;

impl Notifier for Silent {
    fn notify(&self, _title: &str, _body: &str) {}
}

fn big_pipeline() -> Pipeline {
    let mut pipeline = Pipeline::new("big");
    for stage in 0..50 {
        insert_stage(&mut pipeline, stage, &format!("Stage{stage:02}"));
        for action in 0..10 {
            let new = new_action(&pipeline, stage, ProviderKind::Commands, Category::Build);
            add_action(&mut pipeline, stage, new, action / 2 + 1);
        }
    }
    for stage in 1..50 {
        for action in 0..10 {
            let _ = connect(
                &mut pipeline,
                ActionRef::new(stage - 1, action),
                ActionRef::new(stage, action),
            );
        }
    }
    pipeline
}

fn measure(
    harness: &mut Harness<'_, PipewrightApp>,
    frames: usize,
    with_input: bool,
) -> (Duration, Duration) {
    let canvas = harness.state().editor().expect("open").canvas.screen();
    let mut frame_times = Vec::new();
    let mut tessellation = Duration::ZERO;
    for frame in 0..frames {
        if with_input {
            let x = canvas.left() + 40.0 + (frame % 20) as f32 * 30.0;
            harness.hover_at(egui::pos2(x, canvas.center().y));
        }
        let started = Instant::now();
        harness.step();
        let shapes = harness.output().shapes.clone();
        let ppp = harness.output().pixels_per_point;
        let laid_out = started.elapsed();
        let tessellate = Instant::now();
        let meshes = harness.ctx.tessellate(shapes, ppp);
        std::hint::black_box(meshes);
        tessellation += tessellate.elapsed();
        frame_times.push(laid_out + tessellate.elapsed());
    }
    frame_times.sort();
    (frame_times[frames / 2], frame_times[frames * 95 / 100])
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.pipeline.ron");
    ron_io::save(&file, &big_pipeline()).expect("save");
    let launch = Launch {
        workspace: None,
        file: Some(file),
        data_dir: dir.path().join("data"),
        dialogs: Arc::new(NativeDialogs),
        notifier: Arc::new(Silent),
        watch: pipewright::watch::WatchOptions::default(),
    };
    let mut harness = Harness::builder()
        .with_size(vec2(1440.0, 900.0))
        .build_eframe(move |cc| PipewrightApp::new(cc, launch));
    harness.run_steps(5);
    println!(
        "500 cards, 450 arrows; median and 95th percentile per frame (layout + drawing + tessellation):"
    );
    for zoom in [None, Some(1.0)] {
        if let Some(zoom) = zoom {
            harness
                .state_mut()
                .editor_mut()
                .expect("open")
                .canvas
                .set_zoom(zoom);
            harness.run_steps(3);
        }
        let zoom_text = format!(
            "{:.0}%",
            harness.state().editor().expect("open").canvas.zoom() * 100.0
        );
        let (median, p95) = measure(&mut harness, 200, false);
        println!(
            "  zoom {zoom_text:>4}, no input (cached paint):      median {median:>10.2?}  p95 {p95:>10.2?}"
        );
        let (median, p95) = measure(&mut harness, 200, true);
        println!(
            "  zoom {zoom_text:>4}, pointer moving (egui_graphs): median {median:>10.2?}  p95 {p95:>10.2?}"
        );
    }
}
