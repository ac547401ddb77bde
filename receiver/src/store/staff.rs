//! Staff accounts: roles, adding and removing, passwords.

use super::error::StoreError;
use super::Store;
use sqlx::Row;

use crate::domain::role::Role;

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub staff_id: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    /// The password was issued (generated, or shown to an admin): replace it first.
    pub must_change_password: bool,
    /// The session (its hash) that started the pending enrolment.
    pub totp_pending_session: Option<String>,
}

/// One row's account (a macro: the same code for each engine's row type).
macro_rules! staff_row {
    ($r:expr) => {{
        let r = $r;
        $crate::store::staff::StaffRow {
            staff_id: r.get("staff_id"),
            email: r.get("email"),
            role: $crate::domain::role::Role::parse(r.get::<&str, _>("role"))
                .unwrap_or($crate::domain::role::Role::Staff),
            password_hash: r.get("password_hash"),
            totp_secret: r.get("totp_secret"),
            totp_pending: r.get("totp_pending"),
            must_change_password: r.get("must_change_password"),
            totp_pending_session: r.get("totp_pending_session"),
        }
    }};
}

pub(super) use staff_row;

pub(super) const STAFF_COLUMNS: &str =
    "staff_id, email, role, password_hash, totp_secret, totp_pending, \
                             must_change_password, totp_pending_session";

/// Deletes the rows of `table` that belong to the account with the email `$1`.
fn of_email(table: &str) -> String {
    format!("DELETE FROM {table} WHERE staff_id IN (SELECT staff_id FROM staff WHERE email = $1)")
}

/// `$update` (its arguments `$a`, `$b`, `$email`) on the account with that email, then that
/// account's rows of each of `$tables` deleted, in one transaction: whether there was such an
/// account.
macro_rules! update_clearing {
    ($db:expr, $tables:expr, $update:expr, $a:expr, $b:expr, $email:expr) => {
        on_write!($db, pool => {
            let mut tx = pool.begin().await?;
            let done = sql!(query($update, $a, $b, $email).execute(&mut *tx))?;
            for table in $tables {
                sql!(query(&of_email(table), $email).execute(&mut *tx))?;
            }
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    };
}

impl Store {
    pub async fn add_staff(
        &self,
        id: &str,
        email: &str,
        role: Role,
        hash: &str,
        must_change: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let sql = "INSERT INTO staff (staff_id, email, role, password_hash, must_change_password,
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING";
        let role = role.as_str();
        Ok(execute!(self.db, sql, id, email, role, hash, must_change, now_ms)? == 1)
    }

    /// Removes an account and its sessions.
    pub async fn remove_staff(&self, email: &str) -> Result<bool, StoreError> {
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await?;
            sql!(query(&of_email("sessions"), email).execute(&mut *tx))?;
            let done = sql!(query("DELETE FROM staff WHERE email = $1", email).execute(&mut *tx))?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// A new password set by an admin; every session of the account ends, and its TOTP
    /// enrolment is kept. `must_change`: it was issued, so the member replaces it first.
    pub async fn set_password(
        &self,
        email: &str,
        hash: &str,
        must_change: bool,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE staff SET password_hash = $1, must_change_password = $2 WHERE email = $3";
        update_clearing!(self.db, ["sessions"], sql, hash, must_change, email)
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRow>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE email = $1");
        fetch!(on_write(self.db) query(&sql, email).fetch_optional
            => |row| row.as_ref().map(|r| staff_row!(r)))
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffRow>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY email");
        fetch!(on_read(self.db) query(&sql).fetch_all
            => |rows| rows.iter().map(|r| staff_row!(r)).collect())
    }

    /// The member's own new password: the flag to change it clears, and every other session
    /// of the account ends (a thief's among them).
    pub async fn change_own_password(
        &self,
        staff_id: &str,
        hash: &str,
        keep_session: &str,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE staff SET password_hash = $1, must_change_password = FALSE \
                   WHERE staff_id = $2";
        execute!(self.db, sql, hash, staff_id)?;
        self.end_sessions_of(staff_id, Some(keep_session)).await
    }

    /// Ends every session of an account but `except` (none: all of them).
    pub async fn end_sessions_of(
        &self,
        staff_id: &str,
        except: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM sessions WHERE staff_id = $1 AND session_hash <> $2";
        execute!(self.db, sql, staff_id, except.unwrap_or("")).map(drop)
    }

    /// Whether a live enrolment code with this hash was issued to the account.
    pub async fn enrol_code_ok(
        &self,
        staff_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let sql = "SELECT COUNT(*) FROM staff WHERE staff_id = $1 AND enrol_code_hash = $2
             AND enrol_code_expires_ms > $3";
        let n: i64 = fetch!(on_write(self.db) query_scalar(sql, staff_id, hash, now_ms).fetch_one)?;
        Ok(n == 1)
    }

    /// An admin's reset of an account's two-factor sign-in: its authenticator, pending
    /// enrolment and recovery codes go, its sessions end, and a new enrolment code (its hash)
    /// is issued. False when there is no such account.
    pub async fn reset_two_factor(
        &self,
        email: &str,
        code_hash: &str,
        expires_ms: i64,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE staff SET totp_secret = NULL, totp_pending = NULL,
                 totp_pending_session = NULL, enrol_code_hash = $1, enrol_code_expires_ms = $2
                 WHERE email = $3";
        let tables = ["recovery_codes", "sessions"];
        update_clearing!(self.db, tables, sql, code_hash, expires_ms, email)
    }

    /// An enrolment code (its hash) issued with a new account.
    pub async fn set_enrol_code(
        &self,
        email: &str,
        hash: &str,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE staff SET enrol_code_hash = $1, enrol_code_expires_ms = $2 WHERE email = $3";
        execute!(self.db, sql, hash, expires_ms, email).map(drop)
    }
}
