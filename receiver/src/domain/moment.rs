//! One reading of the clock, in both forms the store keeps: RFC 3339 text for people and
//! exports, milliseconds for ordering and expiry. Read once, so the two never disagree.

use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    /// UTC to the second, such as `2026-12-07T14:05:09Z`.
    pub rfc3339: String,
    /// Milliseconds since the Unix epoch.
    pub ms: i64,
}

impl Moment {
    pub fn now() -> Moment {
        Moment::at(SystemTime::now())
    }

    pub fn at(time: SystemTime) -> Moment {
        Moment {
            rfc3339: humantime::format_rfc3339_seconds(time).to_string(),
            ms: millis(time),
        }
    }
}

/// Milliseconds since the Unix epoch now, where only the number is wanted (leases, expiry).
pub fn now_ms() -> i64 {
    millis(SystemTime::now())
}

/// Seconds since the Unix epoch now (proof-of-work expiry, two-factor codes).
pub fn now_s() -> u64 {
    u64::try_from(now_ms() / 1000).unwrap_or(0)
}

fn millis(time: SystemTime) -> i64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::Moment;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn both_forms_are_one_instant() {
        let m = Moment::at(UNIX_EPOCH + Duration::from_millis(1_796_266_800_479));
        assert_eq!(m.ms, 1_796_266_800_479);
        assert_eq!(m.rfc3339, "2026-12-03T03:00:00Z");
    }
}
