//! A schedule trigger: fires when the clock passes the next cron time (once, even when the
//! machine slept through several).

use chrono::{DateTime, Utc};

use super::{Fire, Tick, WatchError};
use crate::execution::TriggerKind;
use crate::model::triggers::{Schedule, ScheduleTrigger};

/// Waits for one schedule's next fire time.
pub struct ScheduleWatch {
    trigger: ScheduleTrigger,
    schedule: Schedule,
    next: Option<DateTime<Utc>>,
}

impl ScheduleWatch {
    /// Starts counting from `now`.
    pub fn new(trigger: &ScheduleTrigger, now: DateTime<Utc>) -> Result<Self, WatchError> {
        let schedule = Schedule::parse(&trigger.cron, trigger.timezone.as_deref())
            .map_err(WatchError::Schedule)?;
        Ok(Self {
            next: schedule.next_after(now),
            trigger: trigger.clone(),
            schedule,
        })
    }

    /// When it fires next.
    pub fn next(&self) -> Option<DateTime<Utc>> {
        self.next
    }

    /// Fires when the clock has reached the next fire time.
    pub fn poll(&mut self, tick: &Tick) -> Vec<Fire> {
        match self.next {
            Some(at) if tick.clock >= at => {
                self.next = self.schedule.next_after(tick.clock);
                let zone = self
                    .trigger
                    .timezone
                    .as_ref()
                    .map(|zone| format!(" ({zone})"))
                    .unwrap_or_default();
                vec![Fire {
                    kind: TriggerKind::Schedule,
                    detail: format!("schedule {}{zone}", self.trigger.cron),
                    revisions: Default::default(),
                    variables: self.trigger.variables.clone(),
                    branch: None,
                }]
            }
            _ => Vec::new(),
        }
    }
}
