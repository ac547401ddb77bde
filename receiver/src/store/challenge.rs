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
        let sql =
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        execute!(self.db, sql, KEY_SETTING, fresh)?;
        // Stored by now, by this receiver or another: none would be the database's own error.
        let stored = self.setting(KEY_SETTING).await?;
        stored.ok_or(StoreError::Database(sqlx::Error::RowNotFound))
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
        let sql = "DELETE FROM spent_challenges WHERE expires_at_ms < $1";
        execute!(self.db, sql, now_ms)?;
        let sql = "INSERT INTO spent_challenges (challenge, submission_id, expires_at_ms)
             VALUES ($1, $2, $3) ON CONFLICT (challenge) DO NOTHING";
        execute!(self.db, sql, challenge, submission_id, expires_at_ms)?;
        let sql = "SELECT submission_id FROM spent_challenges WHERE challenge = $1";
        let spender: Option<String> =
            fetch!(on_write(self.db) query_scalar(sql, challenge).fetch_optional)?;
        Ok(spender.as_deref() == Some(submission_id))
    }

    /// Whether a submission with this id is stored: a retry of it is answered from the store,
    /// so the rate limit does not turn it away.
    pub async fn has_submission(&self, submission_id: &str) -> Result<bool, StoreError> {
        let sql = "SELECT COUNT(*) FROM submissions WHERE submission_id = $1";
        let found: i64 = fetch!(on_read(self.db) query_scalar(sql, submission_id).fetch_one)?;
        Ok(found > 0)
    }
}
