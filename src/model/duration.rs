//! Human-readable durations for pipeline files: `"90s"`, `"10m"`, `"1h30m"`, `"7d"`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number of seconds, written in files as a compact string such as `"1h30m"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    seconds: u64,
}

impl Duration {
    /// A duration of `seconds` seconds.
    pub const fn from_secs(seconds: u64) -> Self {
        Self { seconds }
    }

    /// A duration of `minutes` minutes.
    pub const fn from_mins(minutes: u64) -> Self {
        Self::from_secs(minutes * 60)
    }

    /// A duration of `days` days.
    pub const fn from_days(days: u64) -> Self {
        Self::from_secs(days * 86_400)
    }

    /// The length in whole seconds.
    pub const fn as_secs(self) -> u64 {
        self.seconds
    }

    /// The same length as a standard library duration.
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.seconds)
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration \"{text}\": write a number with a unit, like 90s, 10m, 1h30m or 7d")]
pub struct DurationParseError {
    text: String,
}

impl FromStr for Duration {
    type Err = DurationParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || DurationParseError {
            text: text.to_string(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(error());
        }
        let mut seconds: u64 = 0;
        let mut number: Option<u64> = None;
        for c in trimmed.chars() {
            if let Some(digit) = c.to_digit(10) {
                let current = number.unwrap_or(0);
                number = Some(
                    current
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(u64::from(digit)))
                        .ok_or_else(error)?,
                );
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3_600,
                'd' => 86_400,
                _ => return Err(error()),
            };
            let value = number.take().ok_or_else(error)?;
            seconds = value
                .checked_mul(unit)
                .and_then(|part| seconds.checked_add(part))
                .ok_or_else(error)?;
        }
        if number.is_some() {
            return Err(error());
        }
        Ok(Self { seconds })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.seconds;
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!("90s".parse::<Duration>().unwrap().as_secs(), 90);
        assert_eq!("10m".parse::<Duration>().unwrap().as_secs(), 600);
        assert_eq!("1h30m".parse::<Duration>().unwrap().as_secs(), 5_400);
        assert_eq!("7d".parse::<Duration>().unwrap().as_secs(), 604_800);
    }

    #[test]
    fn rejects_missing_units_and_garbage() {
        for bad in [
            "",
            "10",
            "m",
            "1x",
            "1h 30m",
            "-5s",
            "99999999999999999999d",
        ] {
            assert!(
                bad.parse::<Duration>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn displays_in_the_largest_units() {
        assert_eq!(Duration::from_secs(5_400).to_string(), "1h30m");
        assert_eq!(Duration::from_days(7).to_string(), "7d");
        assert_eq!(Duration::from_secs(61).to_string(), "1m1s");
    }
}
