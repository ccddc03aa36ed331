//! What the run view talks to: the engine (through [`EngineLink`]), the store reader and the
//! desktop's notifications. Between frames [`RunServices::pump`] folds what they said into
//! the [`RunData`] (engine events within a time budget, answers, replies) and turns news that
//! changes the view into commands.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Wake;
use super::data::{Noticed, Reports, RunData};
use super::engine_link::{EngineLink, EngineState};
use super::reader::{Answer, HistoryPage, Query, Reader};
use super::triggers::Triggers;
use super::view::RunView;
use crate::engine::{Command, Event, Reply};
use crate::ui::command::{AppCommand, Commands, Notice};
use crate::ui::services::Notifier;
use crate::watch::WatchOptions;

/// How long folding events may take per frame.
const EVENT_BUDGET: Duration = Duration::from_millis(4);

/// The engine, the store reader and notifications of one workspace.
pub struct RunServices {
    engine: EngineLink,
    reader: Reader,
    notifier: Arc<dyn Notifier>,
    wake: Wake,
    in_flight: HashSet<Query>,
}

impl RunServices {
    /// Starts the engine (off the UI thread) and the store reader of `workspace`.
    pub fn start(
        workspace: &Path,
        wake: Wake,
        notifier: Arc<dyn Notifier>,
        watch: WatchOptions,
    ) -> Self {
        let engine = EngineLink::start(workspace, watch, wake.clone());
        let waker = wake.clone();
        let reader = Reader::start(workspace, move || waker());
        let mut services = Self {
            engine,
            reader,
            notifier,
            wake,
            in_flight: HashSet::new(),
        };
        services.ask(Query::Transitions);
        services
    }

    /// Wakes the UI from another thread.
    pub fn wake(&self) -> Wake {
        self.wake.clone()
    }

    /// The trigger watcher, once the engine runs.
    pub fn triggers(&self) -> Option<&Triggers> {
        self.engine.triggers()
    }

    /// Whether this process hosts the workspace's engine.
    pub fn is_host(&self) -> bool {
        self.engine.is_host()
    }

    /// Asks the store reader, unless the same question is already on its way; says whether
    /// it asked.
    pub fn ask(&mut self, query: Query) -> bool {
        if !self.in_flight.insert(query.clone()) {
            return false;
        }
        if !self.reader.ask(query.clone()) {
            self.in_flight.remove(&query);
            return false;
        }
        true
    }

    /// Sends a command to the engine; `what` names it in the status line.
    pub fn send(&mut self, what: &str, command: Command) -> Result<(), String> {
        let sent = self.engine.send(what, command);
        (self.wake)();
        sent
    }

    /// Stops the engine, killing running processes.
    pub fn shutdown(&mut self) {
        self.engine.shutdown();
    }

    /// Folds in what the engine and the reader said since the last frame.
    pub fn pump(&mut self, data: &mut RunData, view: &RunView, commands: &mut Commands) {
        self.engine_news(data, commands);
        self.fold_events(data, view, commands);
        for answer in self.reader.answers().collect::<Vec<_>>() {
            self.answered(answer, data, view, commands);
        }
        data.evict(view.shown.as_deref());
    }

    fn engine_news(&mut self, data: &mut RunData, commands: &mut Commands) {
        let news = self.engine.poll();
        if let Some(host) = news.hosted_by {
            commands.push(AppCommand::Report(Notice::info(format!(
                "{host} runs this workspace's executions and triggers; this window is its client"
            ))));
        }
        match news.started {
            Some(Ok(problem)) => {
                data.engine = EngineState::Ready;
                if let Some(problem) = problem {
                    commands.push(AppCommand::Report(Notice::error(problem)));
                }
            }
            Some(Err(why)) => {
                data.engine = EngineState::Failed(why.clone());
                commands.push(AppCommand::Report(Notice::error(why)));
            }
            None => {}
        }
        for (_, reply) in news.replies {
            match reply {
                Ok(Reply::Started { execution_id }) => {
                    commands.push(AppCommand::ShowStarted(execution_id));
                }
                Ok(Reply::Done | Reply::Status(_) | Reply::Pruned(_)) => {}
                Err(why) => commands.push(AppCommand::Report(Notice::error(why))),
            }
        }
        if self.engine.is_busy() {
            (self.wake)();
        }
    }

    fn fold_events(&mut self, data: &mut RunData, view: &RunView, commands: &mut Commands) {
        let Some(events) = self.engine.events() else {
            return;
        };
        let started = Instant::now();
        while started.elapsed() < EVENT_BUDGET {
            let Ok(event) = events.try_recv() else {
                return;
            };
            let noticed = match &event {
                Event::Changed(change) => data.apply(change),
                Event::LogGrew { key, len } => {
                    data.log_grew(key, *len);
                    None
                }
                Event::Relinked { hosting } => {
                    // Events may have been missed while the host changed: read history again.
                    data.history_stale = true;
                    commands.push(AppCommand::Report(Notice::info(if *hosting {
                        "The workspace's host went away: this window runs its executions and triggers now"
                    } else {
                        "The workspace's host went away: following the new host"
                    })));
                    None
                }
            };
            match noticed {
                Some(Noticed::Started { pipeline, id, .. }) => {
                    let shown_pipeline = view
                        .shown
                        .as_deref()
                        .and_then(|shown| data.execution(shown))
                        .map(|e| e.pipeline.clone());
                    if view.pinned && shown_pipeline.as_deref() == Some(pipeline.as_str()) {
                        data.newer += 1;
                    }
                    commands.push(AppCommand::Follow { pipeline, id });
                }
                Some(Noticed::Ended {
                    pipeline,
                    id,
                    status,
                }) => self.notifier.notify(
                    &format!("{pipeline}: {status}"),
                    &format!("Execution {} ended {status}", id.short()),
                ),
                Some(Noticed::ApprovalRequested {
                    pipeline,
                    action,
                    message,
                }) => self.notifier.notify(
                    &format!("{pipeline}: approval needed"),
                    &format!(
                        "{}/{}: {}",
                        action.stage,
                        action.action,
                        message.unwrap_or_else(|| "waiting for your decision".into())
                    ),
                ),
                None => {}
            }
        }
        // More events wait than the budget allowed: come back next frame.
        (self.wake)();
    }

    fn answered(
        &mut self,
        answer: Answer,
        data: &mut RunData,
        view: &RunView,
        commands: &mut Commands,
    ) {
        let report = |commands: &mut Commands, error: &dyn std::fmt::Display| {
            commands.push(AppCommand::Report(Notice::error(error.to_string())));
        };
        match answer {
            Answer::History(page) => {
                let asked: Vec<Query> = self
                    .in_flight
                    .iter()
                    .filter(|q| matches!(q, Query::History(_)))
                    .cloned()
                    .collect();
                for query in &asked {
                    self.in_flight.remove(query);
                }
                match page {
                    Ok(page) => data.history = Some(page),
                    Err(error) => {
                        // An empty answer to the newest question, so it is not asked again
                        // until history changes.
                        if let Some(Query::History(query)) = asked.into_iter().last() {
                            data.history = Some(HistoryPage {
                                query,
                                entries: Vec::new(),
                                total: 0,
                                counts: Vec::new(),
                            });
                        }
                        report(commands, &error)
                    }
                }
            }
            Answer::Latest(pipeline, latest) => {
                self.in_flight.remove(&Query::Latest(pipeline.clone()));
                match latest {
                    Ok(Some(id)) => commands.push(AppCommand::Follow { pipeline, id }),
                    Ok(None) => {}
                    Err(error) => report(commands, &error),
                }
            }
            Answer::Execution(id, loaded) => {
                self.in_flight.remove(&Query::Execution(id.clone()));
                match loaded {
                    Ok(Some(loaded)) => {
                        let (pipeline, after_ms) =
                            (loaded.snapshot.pipeline.clone(), loaded.snapshot.started_ms);
                        data.remember(*loaded);
                        if view.pinned && view.shown.as_deref() == Some(id.as_str()) {
                            self.ask(Query::Newer { pipeline, after_ms });
                        }
                    }
                    Ok(None) => report(commands, &format!("No execution {id} in the history")),
                    Err(error) => report(commands, &error),
                }
            }
            Answer::Newer {
                pipeline,
                after_ms,
                count,
            } => {
                self.in_flight.remove(&Query::Newer {
                    pipeline: pipeline.clone(),
                    after_ms,
                });
                let still_shown = view
                    .shown
                    .as_deref()
                    .and_then(|id| data.execution(id))
                    .is_some_and(|e| e.pipeline == pipeline && e.started_ms == after_ms);
                match count {
                    Ok(count) if still_shown => data.newer = count,
                    Ok(_) => {}
                    Err(error) => report(commands, &error),
                }
            }
            Answer::Reports {
                execution,
                as_of,
                reports,
            } => {
                self.in_flight.remove(&Query::Reports {
                    execution: execution.clone(),
                    as_of,
                });
                match reports {
                    Ok(reports) => {
                        data.reports = Some(Reports {
                            execution,
                            finished_attempts: as_of,
                            reports,
                        })
                    }
                    Err(error) => report(commands, &error),
                }
            }
            Answer::DiskUse(bytes) => {
                self.in_flight.remove(&Query::DiskUse);
                match bytes {
                    Ok(bytes) => data.disk_use = Some(bytes),
                    Err(error) => report(commands, &error),
                }
            }
            Answer::Transitions(transitions) => {
                self.in_flight.remove(&Query::Transitions);
                match transitions {
                    Ok(rows) => {
                        for (pipeline, row) in rows.into_iter().filter(|(_, r)| !r.enabled) {
                            data.disabled
                                .entry((pipeline, row.stage))
                                .or_insert_with(|| row.reason.unwrap_or_default());
                        }
                    }
                    Err(error) => report(commands, &error),
                }
            }
        }
    }
}
