//! The proof of work's SQL (crate::http::challenge): the signing key kept in `settings`, so every
//! receiver on one database and every restart signs alike, and the challenges spent.

use super::error::StoreError;
use super::Store;

/// The `settings` row holding the signing key, in hex.
const KEY_SETTING: &str = "proof_of_work_key";

impl Store {
    /// The signing key: `fresh` stored if none is yet (the first receiver to start wins), and
    /// whatever is stored returned.
    pub async fn proof_of_work_key(&self, fresh: &str) -> Result<String, StoreError> {
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(KEY_SETTING)
        .bind(fresh)
        .execute(p).await.map(|_| ()))?;
        on_write!(self.db, p => sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(KEY_SETTING)
            .fetch_one(p).await)
        .map_err(StoreError::from)
    }

    /// Spends `challenge` for `submission_id`: true the first time, and again for the same
    /// submission (its retry after a failure); false once another submission has spent it.
    pub async fn spend_challenge(
        &self,
        challenge: &str,
        submission_id: &str,
        expires_at_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        on_write!(self.db, p => sqlx::query("DELETE FROM spent_challenges WHERE expires_at_ms < $1")
            .bind(now_ms)
            .execute(p).await.map(|_| ()))?;
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO spent_challenges (challenge, submission_id, expires_at_ms)
             VALUES ($1, $2, $3) ON CONFLICT (challenge) DO NOTHING",
        )
        .bind(challenge)
        .bind(submission_id)
        .bind(expires_at_ms)
        .execute(p).await.map(|_| ()))?;
        let spender: Option<String> = on_write!(self.db, p => sqlx::query_scalar(
            "SELECT submission_id FROM spent_challenges WHERE challenge = $1",
        )
        .bind(challenge)
        .fetch_optional(p).await)?;
        Ok(spender.as_deref() == Some(submission_id))
    }

    /// Whether a submission with this id is stored: a retry of it is answered from the store,
    /// so the rate limit does not turn it away.
    pub async fn has_submission(&self, submission_id: &str) -> Result<bool, StoreError> {
        let found: i64 = on_read!(self.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM submissions WHERE submission_id = $1",
        )
        .bind(submission_id)
        .fetch_one(p).await)?;
        Ok(found > 0)
    }
}
