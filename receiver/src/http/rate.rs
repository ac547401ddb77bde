//! The intake's rate limit per client address (`--intake-rate`): a token bucket per address
//! (crate::http::client::throttle_key), as full as the limit to begin with, refilled evenly over its
//! period. A person sends a handful of submissions; a script sending hundreds hears 429 with
//! `Retry-After`. Held in memory, per receiver: it is a brake on volume, not a count that must
//! be exact, so receivers sharing PostgreSQL each allow the limit (N receivers: N times it),
//! and the database is spared a write for every request it exists to turn away.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Buckets kept before idle ones (full again) are forgotten: bounds the memory an attacker
/// with many addresses can take.
const PRUNE_AT: usize = 10_000;

/// An `--intake-rate`: `10/minute`, `100/hour`, `2/second`, or `off`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Submissions per period, and the burst allowed at once (0: no limit).
    pub count: u32,
    pub period: Duration,
}

impl Rate {
    pub const OFF: Rate = Rate {
        count: 0,
        period: Duration::from_secs(60),
    };
}

/// An `--intake-rate` that is not a rate (clap prints it).
#[derive(Debug, thiserror::Error)]
#[error("{0:?}: give a rate such as 10/minute or 100/hour, or off")]
pub struct NotARate(String);

impl FromStr for Rate {
    type Err = NotARate;
    fn from_str(text: &str) -> Result<Rate, NotARate> {
        let bad = || NotARate(text.to_owned());
        if text.trim().eq_ignore_ascii_case("off") {
            return Ok(Rate::OFF);
        }
        let (count, unit) = text.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = match unit.trim() {
            "second" | "s" => Duration::from_secs(1),
            "minute" | "min" | "m" => Duration::from_secs(60),
            "hour" | "h" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(bad());
        }
        Ok(Rate { count, period })
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Clone)]
pub struct Limiter {
    rate: Rate,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

impl Limiter {
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            buckets: Arc::default(),
        }
    }

    /// Takes one submission from `key`'s allowance at `now`; when there is none left, how
    /// long until there is (for `Retry-After`).
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        if self.rate.count == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.rate.count);
        let per_sec = capacity / self.rate.period.as_secs_f64();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec < capacity
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        let ten: Rate = "10/minute".parse().unwrap();
        assert_eq!((ten.count, ten.period), (10, Duration::from_secs(60)));
        assert_eq!("100/hour".parse::<Rate>().unwrap().count, 100);
        assert_eq!("off".parse::<Rate>().unwrap(), Rate::OFF);
        for bad in ["", "10", "0/minute", "ten/minute", "10/day", "-1/hour"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_burst_then_one_per_refill() {
        let limiter = Limiter::new("3/minute".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take("192.0.2.1", t0).is_ok());
        }
        let wait = limiter.take("192.0.2.1", t0).unwrap_err();
        assert_eq!(wait.as_secs(), 20);
        // Another address has its own allowance.
        assert!(limiter.take("192.0.2.2", t0).is_ok());
        // One comes back after a third of a minute, and only one.
        let later = t0 + Duration::from_secs(20);
        assert!(limiter.take("192.0.2.1", later).is_ok());
        assert!(limiter.take("192.0.2.1", later).is_err());
        assert!(Limiter::new(Rate::OFF).take("192.0.2.1", t0).is_ok());
    }
}
