//! The outbox's queue: claiming due notifications with a lease, renewing, giving back, marking
//! sent or failed.

use super::error::StoreError;
use super::Store;

/// A notification the worker should send now.
#[derive(Debug, Clone)]
pub struct DueNotification {
    pub submission_id: String,
    pub recipient: String,
    pub reference: String,
    pub received_at: String,
    pub attempts: i64,
}

impl Store {
    /// Claims the notifications due now, oldest first, for `lease_ms`: their next attempt
    /// moves to `now_ms + lease_ms`, so no other worker (another receiver on PostgreSQL, which
    /// also skips rows being claimed this instant) takes them meanwhile, and if this process
    /// dies before sending, another sends them once the lease has passed.
    pub async fn claim_notifications(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DueNotification>, StoreError> {
        let skip_locked = if self.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE notifications SET next_attempt_at_ms = $2
             WHERE (submission_id, recipient) IN (
               SELECT submission_id, recipient FROM notifications
               WHERE sent_at_ms IS NULL AND next_attempt_at_ms <= $1
               ORDER BY next_attempt_at_ms, created_at_ms LIMIT $3{skip_locked})
             RETURNING submission_id, recipient, attempts"
        );
        let claimed: Vec<(String, String, i64)> = fetch!(on_write(self.db)
            query_as(&sql, now_ms, now_ms + lease_ms, limit).fetch_all)?;
        let mut due = Vec::with_capacity(claimed.len());
        for (submission_id, recipient, attempts) in claimed {
            let sql = "SELECT reference, received_at FROM submissions WHERE submission_id = $1";
            let row: Option<(String, String)> =
                fetch!(on_read(self.db) query_as(sql, &submission_id).fetch_optional)?;
            if let Some((reference, received_at)) = row {
                due.push(DueNotification {
                    submission_id,
                    recipient,
                    reference,
                    received_at,
                    attempts,
                });
            }
        }
        due.sort_by(|a, b| a.received_at.cmp(&b.received_at));
        Ok(due)
    }

    /// Extends this process's claims on notifications it still holds (a send is in progress):
    /// none lapses while this process is alive to send it.
    pub async fn renew(&self, held: &[(String, String)], until_ms: i64) -> Result<(), StoreError> {
        for (id, recipient) in held {
            self.next_attempt(id, recipient, until_ms).await?;
        }
        Ok(())
    }

    /// Gives back a claimed notification unsent (this process is stopping).
    pub async fn unclaim(&self, id: &str, recipient: &str, now_ms: i64) -> Result<(), StoreError> {
        self.next_attempt(id, recipient, now_ms).await
    }

    /// Moves an unsent notification's next attempt (its claim's end) to `at_ms`.
    async fn next_attempt(&self, id: &str, recipient: &str, at_ms: i64) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET next_attempt_at_ms = $1
                     WHERE submission_id = $2 AND recipient = $3 AND sent_at_ms IS NULL";
        execute!(self.db, sql, at_ms, id, recipient).map(drop)
    }

    /// When the last email to `recipient` went, if one did (the outbox's window: workers/outbox.rs).
    pub async fn last_sent_ms(&self, recipient: &str) -> Result<Option<i64>, StoreError> {
        let sql = "SELECT MAX(sent_at_ms) FROM notifications WHERE recipient = $1";
        fetch!(on_read(self.db) query_scalar(sql, recipient).fetch_one)
    }

    /// When the next unsent notification is due, if any.
    pub async fn next_due_ms(&self) -> Result<Option<i64>, StoreError> {
        let sql = "SELECT MIN(next_attempt_at_ms) FROM notifications WHERE sent_at_ms IS NULL";
        fetch!(on_read(self.db) query_scalar(sql).fetch_one)
    }

    pub async fn mark_sent(
        &self,
        id: &str,
        recipient: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET sent_at_ms = $1, attempts = attempts + 1,
                 last_error = NULL WHERE submission_id = $2 AND recipient = $3";
        execute!(self.db, sql, now_ms, id, recipient).map(drop)
    }

    /// Records a failed attempt and when to try again. `error` names the kind of failure only.
    pub async fn mark_failed(
        &self,
        id: &str,
        recipient: &str,
        next_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET attempts = attempts + 1, next_attempt_at_ms = $1,
                 last_error = $2 WHERE submission_id = $3 AND recipient = $4";
        execute!(self.db, sql, next_ms, error, id, recipient).map(drop)
    }
}
