//! The run view under load, in a release build, with the real engine and processes:
//!
//! 1. an action printing about 20 MB/s of coloured output while the logs panel follows it;
//! 2. a 500-action execution (50 stages × 10 actions) running;
//! 3. a 1 GB log: open until the last line shows, index, search with progress, jump.
//!
//! A frame's CPU time is the UI thread's CPU time for egui's layout, drawing and tessellation
//! (no GPU), stepped at a 60 Hz cadence. Run with `cargo bench --bench ui_run`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nix::time::{ClockId, clock_gettime};
use pipewright::store::logs::{LogWriter, Stream};
use pipewright::ui::logs::view::{LogView, plain};
use pipewright::ui::services::{NativeDialogs, Notifier};
use pipewright::ui::{Launch, PipewrightApp};

/// Benchmarks show no notifications.
struct Silent;

impl Notifier for Silent {
    fn notify(&self, _title: &str, _body: &str) {}
}

const FRAME: Duration = Duration::from_millis(16);

/// Frame CPU times, summarised.
struct Frames(Vec<Duration>);

impl Frames {
    fn report(mut self, what: &str) {
        self.0.sort();
        let n = self.0.len();
        println!(
            "  {what}: {n} frames, median {:.2?}, p95 {:.2?}, max {:.2?}",
            self.0[n / 2],
            self.0[n * 95 / 100],
            self.0[n - 1]
        );
    }
}

/// CPU time used by the calling thread so far.
fn thread_cpu() -> Duration {
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).map_or(Duration::ZERO, Duration::from)
}

/// Steps one frame and returns the UI thread's CPU time for it (event folding, layout,
/// drawing and tessellation). Wall time would also count the moments the two cores are busy
/// with the action's processes and the engine.
fn timed_step<S>(harness: &mut Harness<'_, S>) -> Duration {
    let started = thread_cpu();
    harness.step();
    let shapes = harness.output().shapes.clone();
    let ppp = harness.output().pixels_per_point;
    std::hint::black_box(harness.ctx.tessellate(shapes, ppp));
    thread_cpu().saturating_sub(started)
}

/// Sleeps out the rest of a 60 Hz frame.
fn pace(frame_started: Instant) {
    if let Some(rest) = FRAME.checked_sub(frame_started.elapsed()) {
        std::thread::sleep(rest);
    }
}

fn open_app(dir: &Path, name: &str, text: &str) -> Harness<'static, PipewrightApp> {
    let workspace = dir.join("ws");
    std::fs::create_dir_all(&workspace).expect("workspace");
    let file = workspace.join(name);
    std::fs::write(&file, text).expect("pipeline");
    let launch = Launch {
        workspace: None,
        file: Some(file),
        data_dir: dir.join("data"),
        dialogs: Arc::new(NativeDialogs),
        notifier: Arc::new(Silent),
        watch: pipewright::watch::WatchOptions::default(),
    };
    let mut harness = Harness::builder()
        .with_size(vec2(1440.0, 900.0))
        .build_eframe(move |cc| PipewrightApp::new(cc, launch));
    harness.run_steps(5);
    harness
}

fn start_run(app: &mut Harness<'static, PipewrightApp>) {
    app.get_by_label("▶ Run").click();
    app.run_steps(2);
    app.get_by_label("▶ Start").click();
    app.run_steps(2);
    wait(app, "the execution to start", |a| {
        a.shown_execution().is_some()
    });
}

fn wait(
    app: &mut Harness<'static, PipewrightApp>,
    what: &str,
    done: impl Fn(&PipewrightApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(app.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        app.step();
        std::thread::sleep(FRAME);
    }
}

fn open_log_path(app: &Harness<'static, PipewrightApp>) -> Option<PathBuf> {
    app.state()
        .run_view()
        .and_then(|view| view.logs.as_ref())
        .map(|l| l.path().to_path_buf())
}

/// A 1 MB chunk of coloured lines, printed 150 times, one chunk every 50 ms.
const FIREHOSE: &str = r#"(name: "firehose", stages: [
    (name: "Print", actions: [(name: "Flood", category: Build, provider: Commands(commands: [
        "line=$(printf '\\033[32mok\\033[0m \\033[1mstep\\033[0m compiling module with a reasonably long line of output text')",
        "yes \"$line\" | head -c 1000000 > chunk.txt",
        "for i in $(seq 150); do cat chunk.txt; sleep 0.04; done",
    ]))]),
])"#;

fn follow_firehose(dir: &Path) {
    println!("Logs panel following an action that prints ~20 MB/s:");
    let mut app = open_app(dir, "firehose.pipeline.ron", FIREHOSE);
    start_run(&mut app);
    app.get_by_label("Print/Flood").click();
    app.run_steps(2);
    app.get_by_label("Logs").click();
    app.run_steps(2);
    wait(&mut app, "the log to open", |a| {
        a.run_view().and_then(|view| view.logs.as_ref()).is_some()
    });
    let log = open_log_path(&app).expect("log open");
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let (first_size, started) = (size(&log), Instant::now());
    let mut frames = Vec::new();
    while started.elapsed() < Duration::from_secs(5) {
        let frame = Instant::now();
        frames.push(timed_step(&mut app));
        pace(frame);
    }
    let grown = size(&log) - first_size;
    let rate = grown as f64 / started.elapsed().as_secs_f64() / 1e6;
    let lines = app
        .state()
        .run_view()
        .and_then(|view| view.logs.as_ref())
        .map_or(0, LogView::line_count);
    println!("  log grew {rate:.1} MB/s while followed ({lines} lines indexed)");
    Frames(frames).report("per frame");
}

fn big_execution_text() -> String {
    let mut text = String::from("(name: \"big\", stages: [\n");
    for stage in 0..50 {
        text.push_str(&format!("  (name: \"Stage{stage:02}\", actions: [\n"));
        for action in 0..10 {
            text.push_str(&format!(
                "    (name: \"A{action}\", category: Build, run_order: {}, provider: Commands(commands: [\"echo {stage}-{action}\", \"sleep 0.1\"])),\n",
                action / 5 + 1
            ));
        }
        text.push_str("  ]),\n");
    }
    text.push_str("])\n");
    text
}

fn big_execution(dir: &Path) {
    println!("A 500-action execution (50 stages × 10 actions) running:");
    let mut app = open_app(dir, "big.pipeline.ron", &big_execution_text());
    start_run(&mut app);
    let started = Instant::now();
    let mut frames = Vec::new();
    while started.elapsed() < Duration::from_secs(8) {
        let frame = Instant::now();
        frames.push(timed_step(&mut app));
        pace(frame);
    }
    let done = app.state().shown_execution().map_or(0, |v| {
        v.attempts.values().filter(|a| a.status.is_final()).count()
    });
    println!("  {done} actions finished during the measurement");
    Frames(frames).report("per frame");
}

/// Writes about `bytes` of coloured log lines through the engine's log writer.
fn write_big_log(path: &Path, bytes: u64) -> usize {
    let mut writer = LogWriter::create(path).expect("log");
    let mut chunk = Vec::with_capacity(1 << 20);
    let mut line = 0usize;
    let mut now = 1_700_000_000_000i64;
    while writer.len() < bytes {
        chunk.clear();
        while chunk.len() < (1 << 20) - 200 {
            line += 1;
            let marker = if line.is_multiple_of(100_000) {
                " NEEDLE"
            } else {
                ""
            };
            chunk.extend_from_slice(
                format!(
                    "\x1b[36m[{line:>9}]\x1b[0m \x1b[1mcompiling\x1b[0m crate_{} v0.{}.0 (build step output){marker}\n",
                    line % 997,
                    line % 31
                )
                .as_bytes(),
            );
        }
        now += 1;
        writer
            .write_output(Stream::Stdout, &chunk, now)
            .expect("write");
    }
    writer.flush().expect("flush");
    line
}

fn drop_page_cache() -> bool {
    let _ = std::process::Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

fn huge_log(dir: &Path) {
    println!("A 1 GB log:");
    let path = dir.join("huge.log");
    let written = Instant::now();
    let lines = write_big_log(&path, 1 << 30);
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "  wrote {:.2} GB, {lines} lines, in {:.1?}",
        size as f64 / 1e9,
        written.elapsed()
    );
    let cold = drop_page_cache();
    let last = format!("[{lines:>9}]");

    let opened = Instant::now();
    let view = LogView::open(&path, "huge", || {});
    let mut harness = Harness::builder()
        .with_size(vec2(1440.0, 400.0))
        .build_ui_state(
            |ui, view: &mut LogView| {
                view.refresh();
                view.show(ui, || {});
            },
            view,
        );
    harness.step();
    let shown = harness
        .state()
        .visible_lines()
        .iter()
        .any(|l| plain(l).contains(&last));
    println!(
        "  open → last line on screen: {:.1?} ({} page cache; last line shown: {shown})",
        opened.elapsed(),
        if cold { "cold" } else { "warm" }
    );

    let mut frames = Vec::new();
    while !harness.state().is_ready() {
        let frame = Instant::now();
        frames.push(timed_step(&mut harness));
        pace(frame);
    }
    println!(
        "  line index built in the background: {:.1?} after opening",
        opened.elapsed()
    );
    Frames(frames).report("per frame while indexing");

    let searched = Instant::now();
    harness.state_mut().start_search("needle", || {});
    let mut frames = Vec::new();
    let mut progress_seen = Vec::new();
    while !harness.state().search().is_some_and(|s| s.is_done()) {
        let frame = Instant::now();
        frames.push(timed_step(&mut harness));
        if let Some(search) = harness.state().search() {
            progress_seen.push(search.progress());
        }
        pace(frame);
    }
    let count = harness.state().search().map_or(0, |s| s.count());
    println!(
        "  search for \"needle\": {count} matches in {:.2?}, {} progress updates on screen",
        searched.elapsed(),
        progress_seen.len()
    );
    Frames(frames).report("per frame while searching");

    harness.state_mut().step_match((count / 2) as isize);
    let mut frames = Vec::new();
    for _ in 0..60 {
        frames.push(timed_step(&mut harness));
    }
    Frames(frames).report("per frame after jumping to the middle match");
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    follow_firehose(&dir.path().join("firehose"));
    big_execution(&dir.path().join("big"));
    huge_log(dir.path());
}
