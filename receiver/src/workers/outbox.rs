//! The outbox worker: sends the staff notifications that intake wrote beside each submission,
//! one at a time (or, in a flood, one digest per address), retrying failures with backoff, and
//! picking up where it left off after a restart or another receiver's crash (the rows are the
//! queue; each claim is a short lease, renewed while sending). It never touches a request: SMTP being down or slow only
//! delays the emails.

use crate::domain::public_url::PublicUrl;
use crate::store::error::StoreError;
use crate::store::outbox::DueNotification;
use crate::store::Store;
use crate::workers::mail::{self, Mailer};
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
    pub public_url: PublicUrl,
    /// `--time-zone`: the zone of the email's "Received" line.
    pub zone: crate::domain::time::Zone,
    pub wake: Arc<Notify>,
    pub stop: watch::Receiver<bool>,
}

use crate::domain::moment::now_ms;

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

    /// Sends every notification due now. Each batch is claimed first, with a short lease per
    /// message that is renewed while this process is still sending (so receivers sharing a
    /// PostgreSQL database never send the same one, and one that dies holding a claim delays
    /// those notices by one lease, not the whole batch's time). More than `COALESCE_OVER` due
    /// to one address at once go as one digest. A send in progress finishes (or times out)
    /// before a stop is honoured, so a sent message is always marked, and the rest of the
    /// batch is given back.
    async fn send_due(&mut self) -> Result<(), StoreError> {
        loop {
            let due = self
                .store
                .claim_notifications(now_ms(), LEASE_MS, BATCH)
                .await?;
            if due.is_empty() {
                return Ok(());
            }
            let due = self.hold_back(due).await?;
            if due.is_empty() {
                continue;
            }
            let mut held: Vec<(String, String)> = due
                .iter()
                .map(|n| (n.submission_id.clone(), n.recipient.clone()))
                .collect();
            let mut messages = self.messages(due).into_iter();
            while let Some(m) = messages.next() {
                if *self.stop.borrow() {
                    for n in std::iter::once(m).chain(messages).flat_map(|m| m.rows) {
                        self.store
                            .unclaim(&n.submission_id, &n.recipient, now_ms())
                            .await?;
                    }
                    return Ok(());
                }
                let result = self.send_renewing(&m, &held).await;
                held.retain(|(id, to)| {
                    !m.rows
                        .iter()
                        .any(|n| &n.submission_id == id && &n.recipient == to)
                });
                for n in &m.rows {
                    match &result {
                        Ok(()) => {
                            self.store
                                .mark_sent(&n.submission_id, &n.recipient, now_ms())
                                .await?;
                            tracing::info!(
                                submission_id = %n.submission_id,
                                attempt = n.attempts + 1,
                                together = m.rows.len(),
                                "notification sent"
                            );
                        }
                        Err(e) => {
                            let wait = backoff(n.attempts + 1);
                            let next =
                                now_ms() + i64::try_from(wait.as_millis()).unwrap_or(600_000);
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

    /// Gives back, until `WINDOW` after the last email to the same address, the claimed
    /// notifications to an address that had one less than `WINDOW` ago: they then go together
    /// (as a digest when more than `COALESCE_OVER`), so a flood of submissions makes about one
    /// email per address per window, while a lone submission's email goes at once.
    async fn hold_back(
        &self,
        due: Vec<DueNotification>,
    ) -> Result<Vec<DueNotification>, StoreError> {
        let now = now_ms();
        let mut last: Vec<(String, Option<i64>)> = Vec::new();
        let mut send_now = Vec::new();
        for n in due {
            let last_sent = match last.iter().find(|(to, _)| *to == n.recipient) {
                Some((_, at)) => *at,
                None => {
                    let at = self.store.last_sent_ms(&n.recipient).await?;
                    last.push((n.recipient.clone(), at));
                    at
                }
            };
            match last_sent
                .map(|at| at + WINDOW_MS)
                .filter(|until| *until > now)
            {
                Some(until) => {
                    self.store
                        .unclaim(&n.submission_id, &n.recipient, until)
                        .await?
                }
                None => send_now.push(n),
            }
        }
        Ok(send_now)
    }

    /// The emails for a claimed batch, in order: one per notification, except that more than
    /// `COALESCE_OVER` to the same address become one digest.
    fn messages(&self, due: Vec<DueNotification>) -> Vec<Message> {
        let mut by_recipient: Vec<(String, Vec<DueNotification>)> = Vec::new();
        for n in due {
            match by_recipient.iter_mut().find(|(to, _)| *to == n.recipient) {
                Some((_, rows)) => rows.push(n),
                None => by_recipient.push((n.recipient.clone(), vec![n])),
            }
        }
        let mut out = Vec::new();
        for (to, rows) in by_recipient {
            let tag = &crate::domain::digest::sha256_hex(&to)[..16];
            if rows.len() > COALESCE_OVER {
                out.push(Message {
                    notice: mail::digest(rows.len(), &self.public_url.inbox_home()),
                    // The same rows give the same id, should this digest be sent again.
                    message_id: format!(
                        "<digest.{}.{}.{tag}@consultation-receiver>",
                        rows[0].submission_id,
                        rows.len()
                    ),
                    to,
                    rows,
                });
                continue;
            }
            for n in rows {
                let link = self.public_url.inbox_link(&n.submission_id);
                out.push(Message {
                    notice: mail::notice(
                        &n.reference,
                        &self.zone.when(&n.received_at).shown,
                        &link,
                    ),
                    message_id: format!("<{}.{tag}@consultation-receiver>", n.submission_id),
                    to: to.clone(),
                    rows: vec![n],
                });
            }
        }
        out
    }

    /// Sends one email, renewing the lease of every notification this process still holds
    /// (this one's and those waiting behind it) until the send ends.
    async fn send_renewing(
        &self,
        m: &Message,
        held: &[(String, String)],
    ) -> Result<(), mail::SendError> {
        let send = self.mailer.send(&m.to, &m.notice, m.message_id.clone());
        tokio::pin!(send);
        let mut renew =
            tokio::time::interval_at(tokio::time::Instant::now() + RENEW_EVERY, RENEW_EVERY);
        loop {
            tokio::select! {
                result = &mut send => return result,
                _ = renew.tick() => {
                    if let Err(e) = self.store.renew(held, now_ms() + LEASE_MS).await {
                        tracing::warn!(error = %e, "outbox: could not renew the lease");
                    }
                }
            }
        }
    }
}

/// One email and the notifications it covers.
struct Message {
    to: String,
    notice: mail::Notice,
    message_id: String,
    rows: Vec<DueNotification>,
}

/// Notifications claimed at a time: a burst's worth, so that it can go as a digest.
const BATCH: i64 = 50;

/// More than this many due to one address at once go as one digest.
const COALESCE_OVER: usize = 3;

/// After an email to an address, further notifications to it wait this long and then go
/// together: at most about one email (or `COALESCE_OVER` single notices) per address per window.
const WINDOW_MS: i64 = 30_000;

/// How long a claim holds unless renewed. A process that dies holding claims delays those
/// notices by this much at most (they are then due for any receiver on the database).
const LEASE_MS: i64 = 30_000;

/// How often the claims still held are renewed while a send is in progress: a third of the
/// lease, so two renewals can be late before a claim lapses.
const RENEW_EVERY: Duration = Duration::from_secs(10);

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
