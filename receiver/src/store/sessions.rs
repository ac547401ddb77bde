//! Server-side sessions and the sign-in throttle (reservations and lockouts).

use super::error::StoreError;
use super::staff::{staff_row, StaffRow};
use super::Store;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub staff: StaffRow,
    pub csrf: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
}

/// One sign-in lockout: the throttle key that refused (`aa:` account and address, `ip:` an
/// address, `a:` an account), when the refusals began and last came, and how many there were.
#[derive(Debug, Clone)]
pub struct LockoutRow {
    pub key: String,
    pub started_ms: i64,
    pub last_ms: i64,
    pub attempts: i64,
}

impl Store {
    // ---- sessions ----

    pub async fn create_session(
        &self,
        hash: &str,
        staff_id: &str,
        csrf: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO sessions (session_hash, staff_id, csrf, created_at_ms, last_seen_ms)
             VALUES ($1, $2, $3, $4, $4)";
        execute!(self.db, sql, hash, staff_id, csrf, now_ms).map(drop)
    }

    /// The session and its account, read on the write connection so a session made a moment
    /// ago is always seen.
    pub async fn session(&self, hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = "SELECT s.csrf, s.created_at_ms, s.last_seen_ms, t.staff_id, t.email, t.role,
             t.password_hash, t.totp_secret, t.totp_pending, t.must_change_password,
             t.totp_pending_session
             FROM sessions s JOIN staff t ON t.staff_id = s.staff_id WHERE s.session_hash = $1";
        fetch!(on_write(self.db) query(sql, hash).fetch_optional => |row| {
            row.map(|r| SessionRow {
                staff: staff_row!(&r),
                csrf: r.get("csrf"),
                created_at_ms: r.get("created_at_ms"),
                last_seen_ms: r.get("last_seen_ms"),
            })
        })
    }

    pub async fn touch_session(&self, hash: &str, now_ms: i64) -> Result<(), StoreError> {
        let sql = "UPDATE sessions SET last_seen_ms = $1 WHERE session_hash = $2";
        execute!(self.db, sql, now_ms, hash).map(drop)
    }

    pub async fn end_session(&self, hash: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM sessions WHERE session_hash = $1";
        execute!(self.db, sql, hash).map(drop)
    }

    /// Removes sessions past their idle or absolute limit.
    pub async fn end_expired_sessions(
        &self,
        idle_before_ms: i64,
        created_before_ms: i64,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM sessions WHERE last_seen_ms < $1 OR created_at_ms < $2";
        execute!(self.db, sql, idle_before_ms, created_before_ms).map(drop)
    }

    // ---- the sign-in throttle ----

    /// Counts an attempt before its password is checked: a row under each key (named by the
    /// attempt, so a success can take them back), then each key's count since the window
    /// began, this attempt included. Deliberately no transaction around the two: each count
    /// then sees every attempt committed before it, on PostgreSQL too (inside one READ
    /// COMMITTED transaction, attempts at the same moment would not see each other's rows).
    /// Rows older than the window are forgotten first.
    pub async fn reserve_sign_in(
        &self,
        attempt: &str,
        keys: &[String; 3],
        now_ms: i64,
        forget_before_ms: i64,
    ) -> Result<[i64; 3], StoreError> {
        let [a, b, c] = keys;
        let sql = "DELETE FROM sign_in_failures WHERE at_ms < $1";
        execute!(self.db, sql, forget_before_ms)?;
        let sql = "INSERT INTO sign_in_failures (throttle_key, at_ms, attempt)
             VALUES ($1, $4, $5), ($2, $4, $5), ($3, $4, $5)";
        execute!(self.db, sql, a, b, c, now_ms, attempt)?;
        // The three counts in one statement, so they are read at one moment.
        let sql = "SELECT
               COALESCE(SUM(CASE WHEN throttle_key = $1 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN throttle_key = $2 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN throttle_key = $3 THEN 1 ELSE 0 END), 0)
             FROM sign_in_failures WHERE throttle_key IN ($1, $2, $3) AND at_ms >= $4";
        let counts: (i64, i64, i64) =
            fetch!(on_write(self.db) query_as(sql, a, b, c, forget_before_ms).fetch_one)?;
        Ok([counts.0, counts.1, counts.2])
    }

    /// Which of `keys` are in a lockout still going: refused within the window.
    pub async fn locked_out(
        &self,
        keys: &[String; 3],
        since_ms: i64,
    ) -> Result<Vec<String>, StoreError> {
        let [a, b, c] = keys;
        let sql = "SELECT DISTINCT throttle_key FROM sign_in_lockouts
             WHERE throttle_key IN ($1, $2, $3) AND last_ms >= $4";
        fetch!(on_write(self.db) query_scalar(sql, a, b, c, since_ms).fetch_all)
    }

    /// Takes back an attempt's rows: it succeeded, or it was refused (and counted in a lockout).
    pub async fn release_sign_in(&self, attempt: &str) -> Result<(), StoreError> {
        let sql = "DELETE FROM sign_in_failures WHERE attempt = $1";
        execute!(self.db, sql, attempt).map(drop)
    }

    /// Counts a refused attempt in the lockout under `key` that is still going (its last
    /// refusal within the window), or starts a new one. True when this attempt started it: the
    /// caller then writes the lockout's one audit entry. One lockout at a time per key: on
    /// PostgreSQL under a transaction-scoped advisory lock on the key, on SQLite under its
    /// single writer.
    pub async fn record_lockout(
        &self,
        key: &str,
        now_ms: i64,
        since_ms: i64,
    ) -> Result<bool, StoreError> {
        let postgres = self.is_postgres();
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await?;
            if postgres {
                let lock = "SELECT pg_advisory_xact_lock(hashtext($1))::TEXT";
                sql!(query(lock, key).execute(&mut *tx))?;
            }
            let update = "UPDATE sign_in_lockouts SET attempts = attempts + 1, last_ms = $2
                 WHERE throttle_key = $1 AND last_ms >= $3";
            let counted = sql!(query(update, key, now_ms, since_ms).execute(&mut *tx))?
                .rows_affected();
            if counted == 0 {
                let insert = "INSERT INTO sign_in_lockouts (throttle_key, started_ms, last_ms, attempts)
                     VALUES ($1, $2, $2, 1) ON CONFLICT (throttle_key, started_ms)
                     DO UPDATE SET attempts = sign_in_lockouts.attempts + 1";
                sql!(query(insert, key, now_ms).execute(&mut *tx))?;
            }
            tx.commit().await?;
            Ok(counted == 0)
        })
    }

    /// The latest lockouts, newest first, for the audit page.
    pub async fn lockouts(&self, limit: i64) -> Result<Vec<LockoutRow>, StoreError> {
        let sql = "SELECT throttle_key, started_ms, last_ms, attempts FROM sign_in_lockouts
             ORDER BY started_ms DESC LIMIT $1";
        let rows: Vec<(String, i64, i64, i64)> =
            fetch!(on_read(self.db) query_as(sql, limit).fetch_all)?;
        Ok(rows
            .into_iter()
            .map(|(key, started_ms, last_ms, attempts)| LockoutRow {
                key,
                started_ms,
                last_ms,
                attempts,
            })
            .collect())
    }
}
