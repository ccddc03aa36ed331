//! Cron schedules (croner): five fields, or six with seconds first, in an optional IANA time
//! zone. Fire times are computed from a given instant, so callers choose the clock.

use chrono::{DateTime, FixedOffset, Local, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// The zone a schedule's fields are read in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Zone {
    Local,
    Named(Tz),
}

/// A parsed cron schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    zone: Zone,
}

impl Schedule {
    /// Parses `cron` (5 or 6 fields) and `timezone` (an IANA name; `None`: this machine's).
    pub fn parse(cron: &str, timezone: Option<&str>) -> Result<Self, String> {
        let fields = cron.split_whitespace().count();
        if !(5..=6).contains(&fields) {
            return Err(format!(
                "\"{cron}\" has {fields} fields: write 5 (minute hour day month weekday) or 6 (seconds first)"
            ));
        }
        let parsed = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(cron)
            .map_err(|error| format!("\"{cron}\" is not a valid cron expression: {error}"))?;
        let zone = match timezone {
            None => Zone::Local,
            Some(name) => Zone::Named(name.parse::<Tz>().map_err(|_| {
                format!("\"{name}\" is not a time zone: use an IANA name such as \"Europe/Paris\" or \"UTC\"")
            })?),
        };
        let schedule = Self { cron: parsed, zone };
        if schedule.next_after(Utc::now()).is_none() {
            return Err(format!(
                "\"{cron}\" never fires: check the day and month fields"
            ));
        }
        Ok(schedule)
    }

    /// The first fire time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.zone {
            Zone::Local => self
                .cron
                .find_next_occurrence(&after.with_timezone(&Local), false)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            Zone::Named(tz) => self
                .cron
                .find_next_occurrence(&after.with_timezone(&tz), false)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    /// The next `count` fire times after `after`, in the schedule's own zone.
    pub fn next_fires(&self, after: DateTime<Utc>, count: usize) -> Vec<DateTime<FixedOffset>> {
        let mut fires = Vec::with_capacity(count);
        let mut from = after;
        while fires.len() < count {
            let Some(next) = self.next_after(from) else {
                break;
            };
            fires.push(self.in_zone(next));
            from = next;
        }
        fires
    }

    fn in_zone(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self.zone {
            Zone::Local => at.with_timezone(&Local).fixed_offset(),
            Zone::Named(tz) => at.with_timezone(&tz).fixed_offset(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn five_fields_fire_on_the_minute_in_the_given_zone() {
        let nightly = Schedule::parse("0 2 * * *", Some("UTC")).expect("valid");
        let fires = nightly.next_fires(utc("2026-11-22T01:59:59Z"), 3);
        let shown: Vec<String> = fires.iter().map(|t| t.to_rfc3339()).collect();
        assert_eq!(
            shown,
            [
                "2026-11-22T02:00:00+00:00",
                "2026-11-23T02:00:00+00:00",
                "2026-11-24T02:00:00+00:00"
            ]
        );
        // Exactly on a fire time, the next one is the following day.
        assert_eq!(
            nightly.next_after(utc("2026-11-22T02:00:00Z")),
            Some(utc("2026-11-23T02:00:00Z"))
        );
    }

    #[test]
    fn six_fields_have_seconds_and_zones_shift_the_instant() {
        let every_ten = Schedule::parse("*/10 * * * * *", Some("UTC")).expect("valid");
        assert_eq!(
            every_ten.next_after(utc("2026-11-22T10:00:03Z")),
            Some(utc("2026-11-22T10:00:10Z"))
        );
        let paris = Schedule::parse("30 9 * * 1-5", Some("Europe/Paris")).expect("valid");
        // Sunday 22 November 2026 → Monday 09:30 in Paris is 08:30 UTC (winter time).
        assert_eq!(
            paris.next_after(utc("2026-11-22T12:00:00Z")),
            Some(Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap())
        );
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let short = Schedule::parse("0 2 * *", None).expect_err("4 fields");
        assert!(short.contains("4 fields"), "{short}");
        let range = Schedule::parse("0 25 * * *", None).expect_err("hour 25");
        assert!(range.contains("not a valid cron expression"), "{range}");
        let zone = Schedule::parse("0 2 * * *", Some("Mars/Olympus")).expect_err("zone");
        assert!(zone.contains("Mars/Olympus"), "{zone}");
        let never = Schedule::parse("0 0 31 2 *", None).expect_err("31 February");
        assert!(never.contains("never fires"), "{never}");
    }
}
