//! History at scale, in a release build, on stores of 0, 10,000 and 100,000 executions made
//! by a generator through the store's own write path:
//!
//! - `pipewright history --limit 1` (the real binary, wall time, median of 20);
//! - `history --json --limit 0`: the whole list, and the SQL part of it per execution;
//! - the app: first open of History, from the click to the rows on screen;
//! - the app's UI thread CPU with a schedule firing every second and History on screen;
//! - the app's resident memory across executions run while it is open (a schedule on a
//!   clock the benchmark moves, so thousands run in minutes).
//!
//! Run with `cargo bench --bench history`; `PIPEWRIGHT_BENCH_SIZES` (e.g. `0,1000`) sets
//! the store sizes and `PIPEWRIGHT_BENCH_EXECUTIONS` how many executions the memory section
//! runs (default 2000).

#[path = "../tests/common/history.rs"]
mod generator;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nix::time::{ClockId, clock_gettime};
use pipewright::store::Store;
use pipewright::store::history::{HistoryFilter, Page};
use pipewright::ui::services::{NativeDialogs, Notifier};
use pipewright::ui::{Launch, PipewrightApp};
use pipewright::watch::{ManualClock, WatchOptions};

/// Benchmarks show no notifications.
struct Silent;

impl Notifier for Silent {
    fn notify(&self, _title: &str, _body: &str) {}
}

const FRAME: Duration = Duration::from_millis(16);
const START: i64 = 1_700_000_000_000;

fn pipeline_text(cron: &str) -> String {
    format!(
        r#"(name: "busy", triggers: [Schedule(cron: "{cron}")], stages: [
    (name: "Build", actions: [(name: "Compile", category: Build, provider: Commands(commands: ["true"]))]),
])
"#
    )
}

fn thread_cpu() -> Duration {
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).map_or(Duration::ZERO, Duration::from)
}

fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn open_app(workspace: &Path, data: &Path, watch: WatchOptions) -> Harness<'static, PipewrightApp> {
    let launch = Launch {
        workspace: None,
        file: Some(workspace.join("busy.pipeline.ron")),
        data_dir: data.to_path_buf(),
        dialogs: Arc::new(NativeDialogs),
        notifier: Arc::new(Silent),
        watch,
    };
    let mut harness = Harness::builder()
        .with_size(vec2(1440.0, 900.0))
        .with_max_steps(1000)
        .build_eframe(move |cc| PipewrightApp::new(cc, launch));
    harness.run_steps(5);
    harness
}

/// Steps the app like eframe would: a frame whenever one was asked for, at most 60 a second.
/// Returns the UI thread's CPU time for those frames.
fn live(app: &mut Harness<'static, PipewrightApp>, for_how_long: Duration) -> Duration {
    let started = Instant::now();
    let mut cpu = Duration::ZERO;
    while started.elapsed() < for_how_long {
        let frame = Instant::now();
        if app.ctx.has_requested_repaint() {
            let before = thread_cpu();
            app.step();
            let shapes = app.output().shapes.clone();
            let ppp = app.output().pixels_per_point;
            std::hint::black_box(app.ctx.tessellate(shapes, ppp));
            cpu += thread_cpu().saturating_sub(before);
        }
        if let Some(rest) = FRAME.checked_sub(frame.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    cpu
}

fn cli(workspace: &Path) {
    let binary = env!("CARGO_BIN_EXE_pipewright");
    let run = |args: &[&str]| {
        let started = Instant::now();
        let status = Command::new(binary)
            .args(args)
            .arg(workspace)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pipewright runs");
        assert!(status.success());
        started.elapsed()
    };
    let limit_1 = median((0..20).map(|_| run(&["history", "--limit", "1"])).collect());
    let all = median(
        (0..3)
            .map(|_| run(&["history", "--json", "--limit", "0"]))
            .collect(),
    );
    let store = Store::open(workspace).expect("store");
    let sql = median(
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let entries = store
                    .history(&HistoryFilter::default(), Page::default())
                    .expect("history");
                std::hint::black_box(entries);
                started.elapsed()
            })
            .collect(),
    );
    let count = store
        .history_count(&HistoryFilter::default())
        .expect("count")
        .max(1);
    let busy = HistoryFilter {
        pipeline: Some("busy".into()),
        ..HistoryFilter::default()
    };
    let first_page = median(
        (0..5)
            .map(|_| {
                let started = Instant::now();
                let page = store
                    .history(
                        &busy,
                        Page {
                            offset: 0,
                            limit: 200,
                        },
                    )
                    .expect("page");
                let total = store.history_count(&busy).expect("count");
                let counts = store.status_counts(&busy).expect("counts");
                std::hint::black_box((page, total, counts));
                started.elapsed()
            })
            .collect(),
    );
    println!("  pipewright history --limit 1:        {limit_1:>10.2?} (median of 20)");
    println!(
        "  the app's first history query (200 rows, total, counts per status): {first_page:.2?}"
    );
    println!(
        "  pipewright history --json --limit 0: {all:>10.2?}; its SQL {sql:.2?}, {:.2} µs per execution",
        sql.as_secs_f64() * 1e6 / count as f64
    );
}

fn first_open(workspace: &Path, data: &Path, size: usize) {
    let mut app = open_app(workspace, data, WatchOptions::default());
    // Let the engine start and the app settle, as a person would see it before clicking.
    live(&mut app, Duration::from_secs(2));
    let clicked = Instant::now();
    app.get_by_label("History").click();
    let mut frames = 0;
    let wanted = if size == 0 {
        "No executions yet: press ▶ Run."
    } else {
        "Status"
    };
    loop {
        app.step();
        frames += 1;
        let rows_shown = app
            .state()
            .run_data()
            .and_then(|d| d.history.as_ref())
            .is_some_and(|page| page.total == 0 || !page.entries.is_empty())
            && app.query_all_by_label_contains(wanted).next().is_some();
        if rows_shown || clicked.elapsed() > Duration::from_secs(10) {
            break;
        }
    }
    println!(
        "  app, first open of History: {:>8.2?} from the click to the rows on screen ({frames} frames)",
        clicked.elapsed()
    );
    let cpu = live(&mut app, Duration::from_secs(20));
    let executions = app
        .state()
        .run_data()
        .and_then(|d| d.history.as_ref())
        .map_or(0, |page| page.total);
    println!(
        "  app, UI thread with a schedule every second and History shown: {:.2}% of a core over 20 s ({} executions listed at the end)",
        cpu.as_secs_f64() / 20.0 * 100.0,
        executions
    );
}

fn sizes() {
    let sizes: Vec<usize> = std::env::var("PIPEWRIGHT_BENCH_SIZES")
        .ok()
        .map(|list| {
            list.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![0, 10_000, 100_000]);
    for size in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let workspace = dir.path().join("ws");
        std::fs::create_dir_all(&workspace).expect("workspace");
        keep_everything(&workspace);
        let made = Instant::now();
        generator::fill(&workspace, size, generator::minutely("busy", START, 50));
        std::fs::write(
            workspace.join("busy.pipeline.ron"),
            pipeline_text("* * * * * *"),
        )
        .expect("pipeline");
        let bytes =
            std::fs::metadata(workspace.join(".pipewright/state.db")).map_or(0, |m| m.len());
        println!(
            "{size} executions (generated in {:.1?}, database {:.1} MB):",
            made.elapsed(),
            bytes as f64 / 1e6
        );
        cli(&workspace);
        first_open(&workspace, &dir.path().join("data"), size);
    }
}

/// Turns retention off, so the history keeps every execution the bench makes.
fn keep_everything(workspace: &Path) {
    std::fs::write(
        workspace.join("pipewright.ron"),
        "(retention: (executions: None))",
    )
    .expect("settings");
}

fn memory(executions: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let workspace = dir.path().join("ws");
    std::fs::create_dir_all(&workspace).expect("workspace");
    keep_everything(&workspace);
    std::fs::write(
        workspace.join("busy.pipeline.ron"),
        pipeline_text("* * * * *"),
    )
    .expect("pipeline");
    let clock = Arc::new(ManualClock::new(
        "2026-01-01T00:00:30Z".parse().expect("a time"),
    ));
    let watch = WatchOptions {
        clock: clock.clone(),
        ..WatchOptions::default()
    };
    let mut app = open_app(&workspace, &dir.path().join("data"), watch);
    app.get_by_label("History").click();
    app.run_steps(2);
    println!("Memory across {executions} executions run while the app is open (History shown):");
    let started = Instant::now();
    let mut minute = 0i64;
    let mut samples = Vec::new();
    let step = (executions / 10).max(1);
    let mut next_sample = 0;
    loop {
        let seen = app
            .state()
            .run_data()
            .and_then(|d| d.history.as_ref())
            .map_or(0, |page| page.total);
        if seen >= next_sample {
            next_sample = seen - seen % step + step;
            samples.push((seen, rss_mib()));
            println!(
                "  after {seen:>6} executions: RSS {:.1} MiB ({:.0?})",
                rss_mib(),
                started.elapsed()
            );
        }
        if seen >= executions {
            break;
        }
        minute += 1;
        clock
            .set(chrono::DateTime::from_timestamp(1_767_225_600 + minute * 60, 0).expect("a time"));
        live(&mut app, Duration::from_millis(100));
    }
    let kept = app.state().run_data().map_or(0, |d| d.kept());
    // The first samples include warming up (fonts, the engine's threads): compare from the
    // second sample on.
    if let (Some(first), Some(last)) = (samples.get(1), samples.last()) {
        println!(
            "  RSS from {} to {} executions: {:+.1} MiB; executions kept in the app: {kept}",
            first.0,
            last.0,
            last.1 - first.1
        );
    }
}

fn main() {
    sizes();
    let executions = std::env::var("PIPEWRIGHT_BENCH_EXECUTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    memory(executions);
}
