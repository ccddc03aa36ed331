//! History over many executions, read back from a real SQLite store: filters apply in SQL to
//! all executions (not only recent ones), counts are true, paging reaches the oldest, and one
//! execution reads back as a snapshot.

#[path = "common/history.rs"]
mod generator;

use pipewright::model::status::ExecutionStatus;
use pipewright::store::Store;
use pipewright::store::history::{HistoryFilter, Page};

const START: i64 = 1_700_000_000_000;

fn busy() -> HistoryFilter {
    HistoryFilter {
        pipeline: Some("busy".into()),
        ..HistoryFilter::default()
    }
}

#[test]
fn the_failed_filter_finds_failures_older_than_the_newest_200() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 1,000 executions; only the five oldest failed.
    generator::fill(dir.path(), 1000, |index| generator::Generated {
        status: if index < 5 {
            ExecutionStatus::Failed
        } else {
            ExecutionStatus::Succeeded
        },
        ..generator::minutely("busy", START, 0)(index)
    });
    let store = Store::open(dir.path()).expect("store");
    let failed = HistoryFilter {
        status: Some(ExecutionStatus::Failed),
        ..busy()
    };
    let page = store
        .history(
            &failed,
            Page {
                offset: 0,
                limit: 200,
            },
        )
        .expect("history");
    assert_eq!(page.len(), 5);
    assert!(
        page.iter()
            .all(|e| e.execution.status == ExecutionStatus::Failed)
    );
    assert_eq!(
        page[0].execution.started_ms,
        START + 4 * 60_000,
        "newest first"
    );
    assert_eq!(store.history_count(&failed).expect("count"), 5);
    let counts = store.status_counts(&failed).expect("counts");
    assert!(counts.contains(&(ExecutionStatus::Failed, 5)), "{counts:?}");
    assert!(
        counts.contains(&(ExecutionStatus::Succeeded, 995)),
        "{counts:?}"
    );
}

#[test]
fn paging_reaches_the_oldest_execution_with_its_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    generator::fill(dir.path(), 1234, generator::minutely("busy", START, 0));
    let store = Store::open(dir.path()).expect("store");
    assert_eq!(store.history_count(&busy()).expect("count"), 1234);
    let mut seen = 0;
    let mut last = None;
    loop {
        let page = store
            .history(
                &busy(),
                Page {
                    offset: seen,
                    limit: 500,
                },
            )
            .expect("page");
        if page.is_empty() {
            break;
        }
        seen += page.len();
        last = page.last().cloned();
    }
    assert_eq!(seen, 1234);
    let oldest = last.expect("an oldest");
    assert_eq!(oldest.execution.started_ms, START);
    let revision = oldest.revision.expect("the commit its source took");
    assert_eq!(revision.commit, "0000000");
    assert_eq!(revision.message, "Change number 0");
}

#[test]
fn filters_by_trigger_text_revision_and_dates_apply_in_sql() {
    let dir = tempfile::tempdir().expect("tempdir");
    generator::fill(dir.path(), 300, generator::minutely("busy", START, 0));
    let store = Store::open(dir.path()).expect("store");
    let count = |filter: HistoryFilter| store.history_count(&filter).expect("count");
    assert_eq!(
        count(HistoryFilter {
            text: Some("(#7)".into()),
            ..busy()
        }),
        1
    );
    assert_eq!(
        count(HistoryFilter {
            trigger_kind: Some(pipewright::execution::TriggerKind::Manual),
            ..busy()
        }),
        0
    );
    // The 12th execution's commit id ends in "c" (hex of 12).
    assert_eq!(
        count(HistoryFilter {
            revision: Some(format!("{:040x}", 12)),
            ..busy()
        }),
        1
    );
    assert_eq!(
        count(HistoryFilter {
            from_ms: Some(START + 100 * 60_000),
            until_ms: Some(START + 110 * 60_000),
            ..busy()
        }),
        10
    );
    // Wildcards in typed text are matched literally.
    assert_eq!(
        count(HistoryFilter {
            text: Some("%".into()),
            ..busy()
        }),
        0
    );
}

#[test]
fn an_execution_reads_back_as_a_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    generator::fill(dir.path(), 3, generator::minutely("busy", START, 2));
    let store = Store::open(dir.path()).expect("store");
    let newest = store
        .history(
            &busy(),
            Page {
                offset: 0,
                limit: 1,
            },
        )
        .expect("page")[0]
        .execution
        .id
        .clone();
    let snapshot = store.snapshot(&newest).expect("read").expect("known");
    assert_eq!(
        snapshot.status,
        ExecutionStatus::Failed,
        "the third of three failed"
    );
    assert_eq!(snapshot.stages.len(), 2);
    assert_eq!(snapshot.attempts.len(), 2);
    assert_eq!(
        snapshot.revision().map(|r| r.message),
        Some("Change number 2".into())
    );
    assert!(store.snapshot("nope").expect("read").is_none());
}
