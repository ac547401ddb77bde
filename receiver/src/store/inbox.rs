//! The inbox's SQL: staff accounts, server-side sessions, settings, the audit log, and the
//! submissions as staff list, read, change and delete them. Reads go through the read-only
//! pool, writes through the single write connection (beside the intake writer).

use super::Db;
use super::{Reader, Store};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}

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
        StaffRow {
            staff_id: r.get("staff_id"),
            email: r.get("email"),
            role: Role::parse(r.get::<&str, _>("role")).unwrap_or(Role::Staff),
            password_hash: r.get("password_hash"),
            totp_secret: r.get("totp_secret"),
            totp_pending: r.get("totp_pending"),
            must_change_password: r.get("must_change_password"),
            totp_pending_session: r.get("totp_pending_session"),
        }
    }};
}

const STAFF_COLUMNS: &str = "staff_id, email, role, password_hash, totp_secret, totp_pending, \
                             must_change_password, totp_pending_session";

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub staff: StaffRow,
    pub csrf: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
}

/// The workflow statuses, in the order the inbox offers them.
pub const STATUSES: [(&str, &str); 4] = [
    ("new", "New"),
    ("reviewed", "Reviewed"),
    ("contacted", "Contacted"),
    ("archived", "Archived"),
];

pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(v, _)| *v == status)
        .map(|(_, l)| *l)
        .unwrap_or("New")
}

/// What narrows the list: a status and a search over name, email and reference.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub search: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ListRow {
    pub submission_id: String,
    pub reference: String,
    pub received_at: String,
    pub visitor_name: String,
    pub visitor_email: String,
    /// Every flag, the "Screening incomplete" one included.
    pub flags_count: i64,
    pub screening_unanswered: i64,
    pub likely_spam: bool,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct FullRow {
    pub list: ListRow,
    pub sent_body: String,
    pub summary_json: String,
    pub differed: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub address: String,
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

/// The setting below which the audit log's triggers let entries be deleted (the audit
/// retention run sets it just before deleting).
pub const AUDIT_CUTOFF: &str = "audit_retention_cutoff_ms";

/// `%`, `_` and `\` in a search are literal, not LIKE wildcards.
fn like_pattern(search: &str) -> String {
    let mut out = String::from("%");
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

const LIST_COLUMNS: &str = "submission_id, reference, received_at, visitor_name, visitor_email, \
                            flags_count, screening_unanswered, likely_spam, status";

macro_rules! list_row {
    ($r:expr) => {{
        let r = $r;
        ListRow {
            submission_id: r.get("submission_id"),
            reference: r.get("reference"),
            received_at: r.get("received_at"),
            visitor_name: r.get("visitor_name"),
            visitor_email: r.get("visitor_email"),
            flags_count: r.get("flags_count"),
            screening_unanswered: r.get("screening_unanswered"),
            likely_spam: r.get("likely_spam"),
            status: r.get("status"),
        }
    }};
}

/// Newest first, narrowed by the filter; `limit` rows from `offset`, and the count of all.
pub(crate) async fn list(
    db: &Db,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListRow>, i64), String> {
    let status = filter.status.clone().unwrap_or_default();
    let search = filter
        .search
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(like_pattern)
        .unwrap_or_default();
    let condition = "($1 = '' OR status = $1) AND ($2 = '' OR lower(visitor_name) LIKE $2 \
                     ESCAPE '\\' OR lower(visitor_email) LIKE $2 ESCAPE '\\' OR \
                     lower(reference) LIKE $2 ESCAPE '\\')";
    let rows_sql = format!(
        "SELECT {LIST_COLUMNS} FROM submissions WHERE {condition}
         ORDER BY received_at_ms DESC, submission_id DESC LIMIT $3 OFFSET $4"
    );
    let count_sql = format!("SELECT COUNT(*) FROM submissions WHERE {condition}");
    on_read!(db, pool => {
        let rows = sqlx::query(&rows_sql)
            .bind(&status)
            .bind(&search)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
            .map_err(err)?;
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(&status)
            .bind(&search)
            .fetch_one(pool)
            .await
            .map_err(err)?;
        Ok((rows.iter().map(|r| list_row!(r)).collect(), total))
    })
}

pub(crate) async fn full(db: &Db, id: &str) -> Result<Option<FullRow>, String> {
    let sql = format!(
        "SELECT {LIST_COLUMNS}, questionnaire_id, questionnaire_version, sent_body,
         summary_json, differed, note FROM submissions WHERE submission_id = $1"
    );
    on_read!(db, pool => {
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(err)?;
        Ok(row.map(|r| FullRow {
            list: list_row!(&r),
            sent_body: r.get("sent_body"),
            summary_json: r.get("summary_json"),
            differed: r.get("differed"),
            note: r.get("note"),
        }))
    })
}

/// Every submission in full, newest first (the CLI's exports).
pub(crate) async fn all_full(db: &Db) -> Result<Vec<FullRow>, String> {
    let ids: Vec<String> = on_read!(db, pool => {
        sqlx::query_scalar(
            "SELECT submission_id FROM submissions ORDER BY received_at_ms DESC, submission_id DESC",
        )
        .fetch_all(pool)
        .await
    })
    .map_err(err)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = full(db, &id).await? {
            out.push(row);
        }
    }
    Ok(out)
}

impl Reader {
    pub async fn all_full(&self) -> Result<Vec<FullRow>, String> {
        all_full(&self.db).await
    }
    pub async fn list_all(&self) -> Result<Vec<ListRow>, String> {
        Ok(list(&self.db, &Filter::default(), 0, i64::MAX).await?.0)
    }
}

use super::err;

impl Store {
    /// Fills name, email and the spam mark for rows stored before the inbox existed.
    pub async fn backfill(
        &self,
        describe: impl Fn(&str) -> (String, String, bool),
    ) -> Result<(), String> {
        let rows: Vec<(String, String)> = on_write!(self.db, p => {
            sqlx::query_as("SELECT submission_id, summary_json FROM submissions WHERE NOT listed")
                .fetch_all(p)
                .await
        })
        .map_err(err)?;
        for (id, summary_json) in rows {
            let (name, email, spam) = describe(&summary_json);
            on_write!(self.db, p => sqlx::query(
                "UPDATE submissions SET visitor_name = $1, visitor_email = $2, likely_spam = $3,
                 listed = TRUE WHERE submission_id = $4",
            )
            .bind(name)
            .bind(email)
            .bind(spam)
            .bind(&id)
            .execute(p).await.map(|d| d.rows_affected()))
            .map_err(err)?;
        }
        Ok(())
    }

    // ---- staff ----

    pub async fn add_staff(
        &self,
        id: &str,
        email: &str,
        role: Role,
        hash: &str,
        must_change: bool,
        now_ms: i64,
    ) -> Result<bool, String> {
        let done = on_write!(self.db, p => sqlx::query(
            "INSERT INTO staff (staff_id, email, role, password_hash, must_change_password,
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING",
        )
        .bind(id)
        .bind(email)
        .bind(role.as_str())
        .bind(hash)
        .bind(must_change)
        .bind(now_ms)
        .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        Ok(done == 1)
    }

    /// Removes an account and its sessions.
    pub async fn remove_staff(&self, email: &str) -> Result<bool, String> {
        on_write!(self.db, pool => {
        let mut tx = pool.begin().await.map_err(err)?;
            sqlx::query(
                "DELETE FROM sessions WHERE staff_id IN (SELECT staff_id FROM staff WHERE email = $1)",
            )
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            let done = sqlx::query("DELETE FROM staff WHERE email = $1")
                .bind(email)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
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
    ) -> Result<bool, String> {
        on_write!(self.db, pool => {
        let mut tx = pool.begin().await.map_err(err)?;
            let done = sqlx::query(
                "UPDATE staff SET password_hash = $1, must_change_password = $2 WHERE email = $3",
            )
                .bind(hash)
                .bind(must_change)
                .bind(email)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            sqlx::query(
                "DELETE FROM sessions WHERE staff_id IN (SELECT staff_id FROM staff WHERE email = $1)",
            )
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            tx.commit().await.map_err(err)?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<Option<StaffRow>, String> {
        on_write!(self.db, p => sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(p).await.map(|row| row.as_ref().map(|r| staff_row!(r))))
        .map_err(err)
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffRow>, String> {
        on_read!(self.db, p => sqlx::query(&format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY email"))
            .fetch_all(p).await.map(|rows| rows.iter().map(|r| staff_row!(r)).collect()))
            .map_err(err)
    }

    /// The member's own new password: the flag to change it clears, and every other session
    /// of the account ends (a thief's among them).
    pub async fn change_own_password(
        &self,
        staff_id: &str,
        hash: &str,
        keep_session: &str,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET password_hash = $1, must_change_password = FALSE WHERE staff_id = $2",
        )
        .bind(hash)
        .bind(staff_id)
        .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        self.end_sessions_of(staff_id, Some(keep_session)).await
    }

    /// Ends every session of an account but `except` (none: all of them).
    pub async fn end_sessions_of(
        &self,
        staff_id: &str,
        except: Option<&str>,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "DELETE FROM sessions WHERE staff_id = $1 AND session_hash <> $2",
        )
        .bind(staff_id)
        .bind(except.unwrap_or(""))
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// Whether a live enrolment code with this hash was issued to the account.
    pub async fn enrol_code_ok(
        &self,
        staff_id: &str,
        hash: &str,
        now_ms: i64,
    ) -> Result<bool, String> {
        let n: i64 = on_write!(self.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff WHERE staff_id = $1 AND enrol_code_hash = $2
             AND enrol_code_expires_ms > $3",
        )
        .bind(staff_id)
        .bind(hash)
        .bind(now_ms)
        .fetch_one(p).await)
        .map_err(err)?;
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
    ) -> Result<bool, String> {
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await.map_err(err)?;
            let done = sqlx::query(
                "UPDATE staff SET totp_secret = NULL, totp_pending = NULL,
                 totp_pending_session = NULL, enrol_code_hash = $1, enrol_code_expires_ms = $2
                 WHERE email = $3",
            )
            .bind(code_hash)
            .bind(expires_ms)
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            for table in ["recovery_codes", "sessions"] {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE staff_id IN (SELECT staff_id FROM staff WHERE email = $1)"
                ))
                .bind(email)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            tx.commit().await.map_err(err)?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// An enrolment code (its hash) issued with a new account.
    pub async fn set_enrol_code(
        &self,
        email: &str,
        hash: &str,
        expires_ms: i64,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET enrol_code_hash = $1, enrol_code_expires_ms = $2 WHERE email = $3",
        )
        .bind(hash)
        .bind(expires_ms)
        .bind(email)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    // ---- recovery codes ----

    /// A new set of recovery codes (their hashes) in place of the old.
    pub async fn replace_recovery_codes(
        &self,
        staff_id: &str,
        hashes: &[String],
    ) -> Result<(), String> {
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await.map_err(err)?;
            sqlx::query("DELETE FROM recovery_codes WHERE staff_id = $1")
                .bind(staff_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            for hash in hashes {
                sqlx::query("INSERT INTO recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
                    .bind(staff_id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
            }
            tx.commit().await.map_err(err)
        })
    }

    /// Uses up a recovery code: true once, when it was one of the account's.
    pub async fn use_recovery_code(&self, staff_id: &str, hash: &str) -> Result<bool, String> {
        let done = on_write!(self.db, p => sqlx::query(
            "DELETE FROM recovery_codes WHERE staff_id = $1 AND code_hash = $2",
        )
        .bind(staff_id)
        .bind(hash)
        .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        Ok(done == 1)
    }

    pub async fn recovery_codes_left(&self, staff_id: &str) -> Result<i64, String> {
        on_write!(self.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE staff_id = $1")
            .bind(staff_id)
            .fetch_one(p).await)
            .map_err(err)
    }

    // ---- TOTP secrets at rest ----

    /// Every account holding a secret or a pending one: (id, secret, pending), as stored.
    pub async fn stored_totp(
        &self,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, String> {
        on_write!(self.db, p => sqlx::query(
            "SELECT staff_id, totp_secret, totp_pending FROM staff
             WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL",
        )
        .fetch_all(p).await.map(|rows| rows.iter().map(|r| (
            r.get("staff_id"), r.get("totp_secret"), r.get("totp_pending"),
        )).collect()))
        .map_err(err)
    }

    /// Writes an account's secrets back (sealed, at start, when they were stored in clear).
    pub async fn rewrite_totp(
        &self,
        staff_id: &str,
        secret: Option<&str>,
        pending: Option<&str>,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET totp_secret = $1, totp_pending = $2 WHERE staff_id = $3",
        )
        .bind(secret)
        .bind(pending)
        .bind(staff_id)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// A pending secret (sealed) and the session that may see and confirm it.
    pub async fn set_totp_pending(
        &self,
        staff_id: &str,
        secret: &str,
        session_hash: &str,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET totp_pending = $1, totp_pending_session = $2 WHERE staff_id = $3",
        )
            .bind(secret)
            .bind(session_hash)
            .bind(staff_id)
            .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    pub async fn confirm_totp(&self, staff_id: &str, step: i64) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL,
             totp_pending_session = NULL, totp_last_step = $1, enrol_code_hash = NULL
             WHERE staff_id = $2 AND totp_pending IS NOT NULL",
        )
        .bind(step)
        .bind(staff_id)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// Records the time step of an accepted code; false when it (or a later one) was used
    /// already, so each code signs in once.
    pub async fn use_totp_step(&self, staff_id: &str, step: i64) -> Result<bool, String> {
        let done = on_write!(self.db, p => sqlx::query(
            "UPDATE staff SET totp_last_step = $1 WHERE staff_id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(staff_id)
        .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        Ok(done == 1)
    }

    // ---- sessions ----

    pub async fn create_session(
        &self,
        hash: &str,
        staff_id: &str,
        csrf: &str,
        now_ms: i64,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO sessions (session_hash, staff_id, csrf, created_at_ms, last_seen_ms)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(hash)
        .bind(staff_id)
        .bind(csrf)
        .bind(now_ms)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// The session and its account, read on the write connection so a session made a moment
    /// ago is always seen.
    pub async fn session(&self, hash: &str) -> Result<Option<SessionRow>, String> {
        on_write!(self.db, p => sqlx::query(
            "SELECT s.csrf, s.created_at_ms, s.last_seen_ms, t.staff_id, t.email, t.role,
             t.password_hash, t.totp_secret, t.totp_pending, t.must_change_password,
             t.totp_pending_session
             FROM sessions s JOIN staff t ON t.staff_id = s.staff_id WHERE s.session_hash = $1",
        )
        .bind(hash)
        .fetch_optional(p).await.map(|row| row.map(|r| SessionRow {
            staff: staff_row!(&r),
            csrf: r.get("csrf"),
            created_at_ms: r.get("created_at_ms"),
            last_seen_ms: r.get("last_seen_ms"),
        })))
        .map_err(err)
    }

    pub async fn touch_session(&self, hash: &str, now_ms: i64) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query("UPDATE sessions SET last_seen_ms = $1 WHERE session_hash = $2")
            .bind(now_ms)
            .bind(hash)
            .execute(p).await.map(|d| d.rows_affected()))
            .map(|_| ())
            .map_err(err)
    }

    pub async fn end_session(&self, hash: &str) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query("DELETE FROM sessions WHERE session_hash = $1")
            .bind(hash)
            .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// Removes sessions past their idle or absolute limit.
    pub async fn end_expired_sessions(
        &self,
        idle_before_ms: i64,
        created_before_ms: i64,
    ) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query("DELETE FROM sessions WHERE last_seen_ms < $1 OR created_at_ms < $2")
            .bind(idle_before_ms)
            .bind(created_before_ms)
            .execute(p).await.map(|d| d.rows_affected()))
            .map(|_| ())
            .map_err(err)
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
    ) -> Result<[i64; 3], String> {
        on_write!(self.db, p => sqlx::query("DELETE FROM sign_in_failures WHERE at_ms < $1")
            .bind(forget_before_ms)
            .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO sign_in_failures (throttle_key, at_ms, attempt)
             VALUES ($1, $4, $5), ($2, $4, $5), ($3, $4, $5)",
        )
        .bind(&keys[0])
        .bind(&keys[1])
        .bind(&keys[2])
        .bind(now_ms)
        .bind(attempt)
        .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        // The three counts in one statement, so they are read at one moment.
        let counts: (i64, i64, i64) = on_write!(self.db, p => sqlx::query_as(
            "SELECT
               COALESCE(SUM(CASE WHEN throttle_key = $1 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN throttle_key = $2 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN throttle_key = $3 THEN 1 ELSE 0 END), 0)
             FROM sign_in_failures WHERE throttle_key IN ($1, $2, $3) AND at_ms >= $4",
        )
        .bind(&keys[0])
        .bind(&keys[1])
        .bind(&keys[2])
        .bind(forget_before_ms)
        .fetch_one(p)
        .await)
        .map_err(err)?;
        Ok([counts.0, counts.1, counts.2])
    }

    /// Which of `keys` are in a lockout still going: refused within the window.
    pub async fn locked_out(
        &self,
        keys: &[String; 3],
        since_ms: i64,
    ) -> Result<Vec<String>, String> {
        on_write!(self.db, p => sqlx::query_scalar(
            "SELECT DISTINCT throttle_key FROM sign_in_lockouts
             WHERE throttle_key IN ($1, $2, $3) AND last_ms >= $4",
        )
        .bind(&keys[0])
        .bind(&keys[1])
        .bind(&keys[2])
        .bind(since_ms)
        .fetch_all(p)
        .await)
        .map_err(err)
    }

    /// Takes back an attempt's rows: it succeeded, or it was refused (and counted in a lockout).
    pub async fn release_sign_in(&self, attempt: &str) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query("DELETE FROM sign_in_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
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
    ) -> Result<bool, String> {
        let postgres = self.is_postgres();
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await.map_err(err)?;
            if postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::TEXT")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
            }
            let counted = sqlx::query(
                "UPDATE sign_in_lockouts SET attempts = attempts + 1, last_ms = $2
                 WHERE throttle_key = $1 AND last_ms >= $3",
            )
            .bind(key)
            .bind(now_ms)
            .bind(since_ms)
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected();
            if counted == 0 {
                sqlx::query(
                    "INSERT INTO sign_in_lockouts (throttle_key, started_ms, last_ms, attempts)
                     VALUES ($1, $2, $2, 1) ON CONFLICT (throttle_key, started_ms)
                     DO UPDATE SET attempts = sign_in_lockouts.attempts + 1",
                )
                .bind(key)
                .bind(now_ms)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            }
            tx.commit().await.map_err(err)?;
            Ok(counted == 0)
        })
    }

    /// The latest lockouts, newest first, for the audit page.
    pub async fn lockouts(&self, limit: i64) -> Result<Vec<LockoutRow>, String> {
        let rows: Vec<(String, i64, i64, i64)> = on_read!(self.db, p => sqlx::query_as(
            "SELECT throttle_key, started_ms, last_ms, attempts FROM sign_in_lockouts
             ORDER BY started_ms DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(p).await)
        .map_err(err)?;
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

    // ---- settings ----

    pub async fn setting(&self, name: &str) -> Result<Option<String>, String> {
        on_write!(self.db, p => sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(p).await)
        .map_err(err)
    }

    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), String> {
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    // ---- audit ----

    pub async fn audit(
        &self,
        at: &str,
        at_ms: i64,
        actor: &str,
        action: &str,
        target: &str,
        address: &str,
    ) -> Result<(), String> {
        // SQLite numbers entries itself (one writer); PostgreSQL from an identity column,
        // since receivers writing at once would race for MAX(entry) + 1 and lose an entry.
        let sql = if self.is_postgres() {
            "INSERT INTO audit_log (at, at_ms, actor, action, target, address)
             VALUES ($1, $2, $3, $4, $5, $6)"
        } else {
            "INSERT INTO audit_log (entry, at, at_ms, actor, action, target, address)
             VALUES ((SELECT COALESCE(MAX(entry), 0) + 1 FROM audit_log), $1, $2, $3, $4, $5, $6)"
        };
        on_write!(self.db, p => sqlx::query(sql)
        .bind(at)
        .bind(at_ms)
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(address)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(err)
    }

    /// Deletes audit entries (and lockouts) older than `before_ms`, the audit log's own
    /// retention. The append-only triggers let a row go only below the cutoff recorded in
    /// `settings` first, so nothing else can remove an entry by mistake.
    pub async fn delete_audit_before(&self, before_ms: i64) -> Result<u64, String> {
        self.set_setting(AUDIT_CUTOFF, &before_ms.to_string())
            .await?;
        on_write!(self.db, p => sqlx::query("DELETE FROM sign_in_lockouts WHERE last_ms < $1")
            .bind(before_ms)
            .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)?;
        on_write!(self.db, p => sqlx::query("DELETE FROM audit_log WHERE at_ms < $1")
            .bind(before_ms)
            .execute(p).await.map(|d| d.rows_affected()))
        .map_err(err)
    }

    pub async fn audit_entries(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64), String> {
        let rows: Vec<(String, String, String, String, String)> =
            on_read!(self.db, p => sqlx::query_as(
            "SELECT at, actor, action, target, address FROM audit_log ORDER BY entry DESC
             LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(p).await)
            .map_err(err)?;
        let total = on_read!(self.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(p).await)
        .map_err(err)?;
        Ok((
            rows.into_iter()
                .map(|(at, actor, action, target, address)| AuditEntry {
                    at,
                    actor,
                    action,
                    target,
                    address,
                })
                .collect(),
            total,
        ))
    }

    // ---- submissions ----

    pub async fn list(
        &self,
        filter: &Filter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ListRow>, i64), String> {
        list(&self.db, filter, offset, limit).await
    }

    pub async fn full(&self, id: &str) -> Result<Option<FullRow>, String> {
        full(&self.db, id).await
    }

    pub async fn set_status(&self, id: &str, status: &str) -> Result<bool, String> {
        let done = on_write!(self.db, p => sqlx::query("UPDATE submissions SET status = $1 WHERE submission_id = $2")
            .bind(status)
            .bind(id)
            .execute(p).await.map(|d| d.rows_affected()))
            .map_err(err)?;
        Ok(done == 1)
    }

    pub async fn set_note(&self, id: &str, note: &str) -> Result<bool, String> {
        let done = on_write!(self.db, p => sqlx::query("UPDATE submissions SET note = $1 WHERE submission_id = $2")
            .bind(note)
            .bind(id)
            .execute(p).await.map(|d| d.rows_affected()))
            .map_err(err)?;
        Ok(done == 1)
    }

    /// Erases submissions (by id, or all received before a time) with every row that names
    /// them (outbox, idempotency key), then checkpoints the WAL into the file and truncates
    /// it: with `secure_delete` on, the freed pages are zeroed, so no byte of them stays in
    /// the database file or its WAL. Returns the references deleted, and whether the WAL was
    /// emptied (a reader can hold the checkpoint back: see `checkpoint`).
    async fn erase(&self, ids: Vec<String>) -> Result<(Vec<String>, bool), String> {
        let mut refs = Vec::new();
        if ids.is_empty() {
            return Ok((refs, true));
        }
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await.map_err(err)?;
            for id in &ids {
                sqlx::query("DELETE FROM notifications WHERE submission_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                sqlx::query("DELETE FROM idempotency_keys WHERE idempotency_key = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                let reference: Option<String> = sqlx::query_scalar(
                    "DELETE FROM submissions WHERE submission_id = $1 RETURNING reference",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
                refs.extend(reference);
            }
            tx.commit().await.map_err(err)?;
            Ok::<(), String>(())
        })?;
        let emptied = self.checkpoint().await;
        Ok((refs, emptied))
    }

    /// Moves the WAL into the database file and empties it; whether it did. A reader in the
    /// middle of a read holds it back: SQLite then waits for it (the busy timeout, 5 s), and if
    /// it is still held, the deleted bytes stay in the WAL until a later checkpoint, which a
    /// task here tries every 5 s for 10 minutes (then the next erasure or the daily retention
    /// run does). Both are logged; the caller says so to whoever asked for the erasure.
    pub async fn checkpoint(&self) -> bool {
        // SQLite only: PostgreSQL has no such file of its own to empty (docs/postgres.md).
        let Db::Sqlite { write, .. } = &self.db else {
            return true;
        };
        if truncate_wal(write).await {
            return true;
        }
        tracing::warn!(
            "checkpoint held back by a reader: the deleted bytes stay in the WAL until the \
             next checkpoint, tried again every 5 s"
        );
        use std::sync::atomic::{AtomicBool, Ordering};
        static RETRYING: AtomicBool = AtomicBool::new(false);
        if !RETRYING.swap(true, Ordering::SeqCst) {
            let write = write.clone();
            tokio::spawn(async move {
                for _ in 0..120 {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    if truncate_wal(&write).await {
                        tracing::info!("checkpoint done: the WAL is empty");
                        RETRYING.store(false, Ordering::SeqCst);
                        return;
                    }
                }
                tracing::warn!(
                    "checkpoint still held back after 10 minutes: the deleted bytes stay in \
                     the WAL until the next erasure or retention run"
                );
                RETRYING.store(false, Ordering::SeqCst);
            });
        }
        false
    }

    /// The reference deleted (if there was such a submission), and whether its bytes left the
    /// WAL at once.
    pub async fn delete_submission(&self, id: &str) -> Result<Option<(String, bool)>, String> {
        let (mut refs, emptied) = self.erase(vec![id.to_owned()]).await?;
        Ok(refs.pop().map(|r| (r, emptied)))
    }

    pub async fn delete_received_before(&self, before_ms: i64) -> Result<Vec<String>, String> {
        let ids: Vec<String> =
            on_write!(self.db, p => sqlx::query_scalar("SELECT submission_id FROM submissions WHERE received_at_ms < $1")
                .bind(before_ms)
                .fetch_all(p).await)
                .map_err(err)?;
        Ok(self.erase(ids).await?.0)
    }
}

/// `PRAGMA wal_checkpoint(TRUNCATE)`: whether it finished (its first column, "busy", is 0).
async fn truncate_wal(write: &sqlx::SqlitePool) -> bool {
    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(write)
        .await
    {
        Ok((busy, _, _)) => busy == 0,
        Err(e) => {
            tracing::warn!(error = %e, "checkpoint failed");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(super::like_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
