//! Two-factor sign-in: recovery codes, enrolment and TOTP secrets (sealed at rest).

use super::error::StoreError;
use super::Store;

impl Store {
    // ---- recovery codes ----

    /// A new set of recovery codes (their hashes) in place of the old.
    pub async fn replace_recovery_codes(
        &self,
        staff_id: &str,
        hashes: &[String],
    ) -> Result<(), StoreError> {
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await?;
            let sql = "DELETE FROM recovery_codes WHERE staff_id = $1";
            sql!(query(sql, staff_id).execute(&mut *tx))?;
            for hash in hashes {
                let sql = "INSERT INTO recovery_codes (staff_id, code_hash) VALUES ($1, $2)";
                sql!(query(sql, staff_id, hash).execute(&mut *tx))?;
            }
            Ok(tx.commit().await?)
        })
    }

    /// Uses up a recovery code: true once, when it was one of the account's.
    pub async fn use_recovery_code(&self, staff_id: &str, hash: &str) -> Result<bool, StoreError> {
        let sql = "DELETE FROM recovery_codes WHERE staff_id = $1 AND code_hash = $2";
        let done = execute!(self.db, sql, staff_id, hash)?;
        Ok(done == 1)
    }

    pub async fn recovery_codes_left(&self, staff_id: &str) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM recovery_codes WHERE staff_id = $1";
        fetch!(on_write(self.db) query_scalar(sql, staff_id).fetch_one)
    }

    // ---- TOTP secrets at rest ----

    /// Every account holding a secret or a pending one: (id, secret, pending), as stored.
    pub async fn stored_totp(
        &self,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, StoreError> {
        let sql = "SELECT staff_id, totp_secret, totp_pending FROM staff
             WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL";
        fetch!(on_write(self.db) query_as(sql).fetch_all)
    }

    /// Writes an account's secrets back (sealed, at start, when they were stored in clear).
    pub async fn rewrite_totp(
        &self,
        staff_id: &str,
        secret: Option<&str>,
        pending: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE staff SET totp_secret = $1, totp_pending = $2 WHERE staff_id = $3";
        execute!(self.db, sql, secret, pending, staff_id).map(drop)
    }

    /// A pending secret (sealed) and the session that may see and confirm it.
    pub async fn set_totp_pending(
        &self,
        staff_id: &str,
        secret: &str,
        session_hash: &str,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE staff SET totp_pending = $1, totp_pending_session = $2 WHERE staff_id = $3";
        execute!(self.db, sql, secret, session_hash, staff_id).map(drop)
    }

    pub async fn confirm_totp(&self, staff_id: &str, step: i64) -> Result<(), StoreError> {
        let sql = "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL,
             totp_pending_session = NULL, totp_last_step = $1, enrol_code_hash = NULL
             WHERE staff_id = $2 AND totp_pending IS NOT NULL";
        execute!(self.db, sql, step, staff_id).map(drop)
    }

    /// Records the time step of an accepted code; false when it (or a later one) was used
    /// already, so each code signs in once.
    pub async fn use_totp_step(&self, staff_id: &str, step: i64) -> Result<bool, StoreError> {
        let sql =
            "UPDATE staff SET totp_last_step = $1 WHERE staff_id = $2 AND totp_last_step < $1";
        let done = execute!(self.db, sql, step, staff_id)?;
        Ok(done == 1)
    }
}
