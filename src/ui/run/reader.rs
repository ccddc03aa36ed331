//! The store reader: a thread with its own connection that answers history, execution, test
//! report and disk use queries over a channel and wakes the UI when an answer is ready, so the UI
//! thread never waits on SQLite (the pattern the log view's indexer uses).

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::execution::{AttemptKey, ExecutionId, ExecutionSnapshot, TestReport};
use crate::model::{Pipeline, ron_io};
use crate::store::TransitionRow;
use crate::store::history::{HistoryEntry, HistoryFilter, Page, StatusCounts};
use crate::store::{Store, StoreError};

/// A page of history and the counts around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HistoryQuery {
    /// Which executions.
    pub filter: HistoryFilter,
    /// Which window of them.
    pub page: Page,
}

/// What the UI asks the reader.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// A page of history, the total and the counts per status.
    History(HistoryQuery),
    /// The id of a pipeline's newest execution.
    Latest(String),
    /// One execution, with the definition it ran.
    Execution(ExecutionId),
    /// How many executions of a pipeline started after a time.
    Newer {
        /// The pipeline.
        pipeline: String,
        /// The time (Unix ms).
        after_ms: i64,
    },
    /// The test reports of an execution.
    Reports {
        /// The execution.
        execution: ExecutionId,
        /// How many of its attempts had finished when asked (handed back with the answer).
        as_of: usize,
    },
    /// Every disabled transition.
    Transitions,
    /// How much disk the workspace's state takes (`.pipewright/`).
    DiskUse,
}

/// A page of history with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPage {
    /// The query it answers.
    pub query: HistoryQuery,
    /// The executions in the window, newest first.
    pub entries: Vec<HistoryEntry>,
    /// How many executions match the filter.
    pub total: usize,
    /// How many of each status match the filter without its status condition.
    pub counts: StatusCounts,
}

/// An execution read back, with the definition it ran (parsed).
#[derive(Debug, Clone)]
pub struct LoadedExecution {
    /// The execution.
    pub snapshot: ExecutionSnapshot,
    /// Its definition, when the store has it and it parses.
    pub definition: Option<Arc<Pipeline>>,
}

/// The reader's answer to a [`Query`].
#[derive(Debug)]
pub enum Answer {
    /// A history page.
    History(Result<HistoryPage, ReadError>),
    /// A pipeline's newest execution (`None`: it has none).
    Latest(String, Result<Option<ExecutionId>, ReadError>),
    /// An execution (`None`: no such execution).
    Execution(ExecutionId, Result<Option<Box<LoadedExecution>>, ReadError>),
    /// A count of newer executions.
    Newer {
        /// The pipeline.
        pipeline: String,
        /// The time asked about.
        after_ms: i64,
        /// The count.
        count: Result<usize, ReadError>,
    },
    /// Test reports of an execution.
    Reports {
        /// The execution.
        execution: ExecutionId,
        /// As of how many finished attempts.
        as_of: usize,
        /// The reports.
        reports: Result<Vec<(AttemptKey, TestReport)>, ReadError>,
    },
    /// Disabled transitions: (pipeline, row).
    Transitions(Result<Vec<(String, TransitionRow)>, ReadError>),
    /// The bytes `.pipewright/` takes.
    DiskUse(Result<u64, ReadError>),
}

/// Why a query has no answer.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The store refused the query.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The store could not be opened at all.
    #[error("the history cannot be read: {0}")]
    Unavailable(String),
}

/// The reader thread's handle; dropping it ends the thread.
pub struct Reader {
    queries: Sender<Query>,
    answers: Receiver<Answer>,
}

/// Parses a stored definition (the text was valid when it ran).
pub fn parse_definition(text: &str) -> Option<Arc<Pipeline>> {
    ron_io::parse(text, Path::new("definition.pipeline.ron"))
        .ok()
        .map(|loaded| Arc::new(loaded.pipeline))
}

impl Reader {
    /// Starts the reader of `workspace`'s store; `wake` is called after each answer.
    pub fn start(workspace: &Path, wake: impl Fn() + Send + 'static) -> Self {
        let (queries, inbox) = channel::<Query>();
        let (outbox, answers) = channel();
        let workspace = workspace.to_path_buf();
        // If the thread cannot start, its end of the channel is gone and `ask` says so.
        let _ = std::thread::Builder::new()
            .name("pipewright-reader".into())
            .spawn(move || serve(&workspace, &inbox, &outbox, &wake));
        Self { queries, answers }
    }

    /// Asks a question; the answer arrives through [`Reader::answers`].
    pub fn ask(&self, query: Query) -> bool {
        self.queries.send(query).is_ok()
    }

    /// The answers that arrived.
    pub fn answers(&self) -> impl Iterator<Item = Answer> + '_ {
        self.answers.try_iter()
    }
}

fn serve(workspace: &Path, inbox: &Receiver<Query>, outbox: &Sender<Answer>, wake: &impl Fn()) {
    let store = Store::open(workspace);
    while let Ok(first) = inbox.recv() {
        // Answer only the newest of several waiting history queries.
        let mut queries = vec![first];
        queries.extend(inbox.try_iter());
        let last_history = queries.iter().rposition(|q| matches!(q, Query::History(_)));
        for (index, query) in queries.into_iter().enumerate() {
            if matches!(query, Query::History(_)) && Some(index) != last_history {
                continue;
            }
            let answer = match &store {
                Ok(store) => answer(store, query),
                Err(error) => failed(query, error),
            };
            if outbox.send(answer).is_err() {
                return;
            }
        }
        wake();
    }
}

fn answer(store: &Store, query: Query) -> Answer {
    match query {
        Query::History(query) => Answer::History(history(store, query)),
        Query::Latest(pipeline) => {
            let filter = HistoryFilter {
                pipeline: Some(pipeline.clone()),
                ..HistoryFilter::default()
            };
            let latest = store
                .history(
                    &filter,
                    Page {
                        offset: 0,
                        limit: 1,
                    },
                )
                .map(|entries| entries.into_iter().next().map(|e| e.execution.id))
                .map_err(ReadError::from);
            Answer::Latest(pipeline, latest)
        }
        Query::Execution(id) => {
            let loaded = store.snapshot(&id).and_then(|snapshot| {
                snapshot
                    .map(|snapshot| {
                        let definition = store
                            .definition(&snapshot.definition_hash)?
                            .as_deref()
                            .and_then(parse_definition);
                        Ok(Box::new(LoadedExecution {
                            snapshot,
                            definition,
                        }))
                    })
                    .transpose()
            });
            Answer::Execution(id, loaded.map_err(ReadError::from))
        }
        Query::Newer { pipeline, after_ms } => {
            let count = store
                .newer_than(&pipeline, after_ms)
                .map_err(ReadError::from);
            Answer::Newer {
                pipeline,
                after_ms,
                count,
            }
        }
        Query::Reports { execution, as_of } => {
            let reports = store.test_reports(&execution).map_err(ReadError::from);
            Answer::Reports {
                execution,
                as_of,
                reports,
            }
        }
        Query::Transitions => Answer::Transitions(store.transitions_all().map_err(ReadError::from)),
        Query::DiskUse => Answer::DiskUse(Ok(store.disk_use())),
    }
}

fn history(store: &Store, query: HistoryQuery) -> Result<HistoryPage, ReadError> {
    let entries = store.history(&query.filter, query.page)?;
    let total = store.history_count(&query.filter)?;
    let counts = store.status_counts(&query.filter)?;
    Ok(HistoryPage {
        query,
        entries,
        total,
        counts,
    })
}

fn failed(query: Query, error: &StoreError) -> Answer {
    let error = || ReadError::Unavailable(error.to_string());
    match query {
        Query::History(_) => Answer::History(Err(error())),
        Query::Latest(pipeline) => Answer::Latest(pipeline, Err(error())),
        Query::Execution(id) => Answer::Execution(id, Err(error())),
        Query::Newer { pipeline, after_ms } => Answer::Newer {
            pipeline,
            after_ms,
            count: Err(error()),
        },
        Query::Reports { execution, as_of } => Answer::Reports {
            execution,
            as_of,
            reports: Err(error()),
        },
        Query::Transitions => Answer::Transitions(Err(error())),
        Query::DiskUse => Answer::DiskUse(Err(error())),
    }
}
