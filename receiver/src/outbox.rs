//! The outbox worker: sends the staff notifications that intake wrote beside each submission,
//! one at a time, retrying failures with backoff, and picking up where it left off after a
//! restart (the rows are the queue). It never touches a request: SMTP being down or slow only
//! delays the emails.

use crate::mail::{self, Mailer};
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// The wait after the nth failed attempt: 1 s, 2 s, 4 s … up to 10 minutes, so a short outage
/// costs seconds and a long one costs the server little.
pub fn backoff(failures: i64) -> Duration {
    let exp = failures.clamp(1, 20) as u32 - 1;
    Duration::from_secs((1u64 << exp.min(10)).min(600))
}

/// How long the worker sleeps when nothing is due, at most: a safety net only, since intake
/// wakes it.
const IDLE: Duration = Duration::from_secs(60);

pub struct Worker {
    pub store: Store,
    pub mailer: Mailer,
    pub public_url: String,
    pub wake: Arc<Notify>,
    pub stop: watch::Receiver<bool>,
}

pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

impl Worker {
    pub async fn run(mut self) {
        loop {
            if *self.stop.borrow() {
                return;
            }
            if let Err(e) = self.send_due().await {
                tracing::error!(error = %e, "outbox: could not read the queue");
            }
            let wait = match self.store.next_due_ms().await {
                Ok(Some(due)) => Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0)),
                Ok(None) => IDLE,
                Err(_) => Duration::from_secs(5),
            }
            .min(IDLE);
            if wait.is_zero() {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = self.stop.changed() => return,
            }
        }
    }

    /// Sends every notification due now. Each batch is claimed first (a lease long enough to
    /// send all of it, each send bounded by `mail::SEND_TIMEOUT`), so receivers sharing a
    /// PostgreSQL database never send the same one; a send in progress finishes (or times
    /// out) before a stop is honoured, so a sent message is always marked, and the rest of
    /// the batch is given back.
    async fn send_due(&mut self) -> Result<(), String> {
        loop {
            let due = self
                .store
                .claim_notifications(now_ms(), LEASE_MS, BATCH)
                .await?;
            if due.is_empty() {
                return Ok(());
            }
            let mut due = due.into_iter();
            while let Some(n) = due.next() {
                if *self.stop.borrow() {
                    for n in std::iter::once(n).chain(due) {
                        self.store
                            .unclaim(&n.submission_id, &n.recipient, now_ms())
                            .await?;
                    }
                    return Ok(());
                }
                let link = mail::inbox_link(&self.public_url, &n.submission_id);
                let notice = mail::notice(&n.reference, &n.received_at, &link);
                let message_id = format!(
                    "<{}.{}@consultation-receiver>",
                    n.submission_id,
                    &crate::idempotency::fingerprint(&n.recipient)[..16]
                );
                match self.mailer.send(&n.recipient, &notice, message_id).await {
                    Ok(()) => {
                        self.store
                            .mark_sent(&n.submission_id, &n.recipient, now_ms())
                            .await?;
                        tracing::info!(
                            submission_id = %n.submission_id,
                            attempt = n.attempts + 1,
                            "notification sent"
                        );
                    }
                    Err(e) => {
                        let wait = backoff(n.attempts + 1);
                        let next = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(600_000);
                        self.store
                            .mark_failed(&n.submission_id, &n.recipient, next, &e.to_string())
                            .await?;
                        tracing::warn!(
                            submission_id = %n.submission_id,
                            attempt = n.attempts + 1,
                            error = %e,
                            retry_in_s = wait.as_secs(),
                            "notification not sent; will retry"
                        );
                    }
                }
            }
        }
    }
}

/// Notifications claimed at a time.
const BATCH: i64 = 10;

/// How long a claim holds: every send of a batch at its longest, and a minute more. A process
/// that dies holding a claim delays those notices by this much, at most.
const LEASE_MS: i64 = BATCH * mail::SEND_TIMEOUT.as_millis() as i64 + 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        let secs: Vec<u64> = (1..=12).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
        assert_eq!(backoff(0).as_secs(), 1);
        assert_eq!(backoff(1_000).as_secs(), 600);
    }
}
