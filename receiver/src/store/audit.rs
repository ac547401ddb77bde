//! The audit log: written, read a page at a time, and cut by the retention run.

use super::error::StoreError;
use super::Store;
use crate::domain::moment::Moment;

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub address: String,
}

/// The setting below which the audit log's triggers let entries be deleted (the audit
/// retention run sets it just before deleting).
pub const AUDIT_CUTOFF: &str = "audit_retention_cutoff_ms";

/// How each engine numbers a new entry. SQLite numbers entries itself (one writer);
/// PostgreSQL from an identity column, since receivers writing at once would race for
/// MAX(entry) + 1 and lose an entry.
pub(super) trait Numbering: sqlx::Database {
    const INSERT: &'static str;
}

impl Numbering for sqlx::Sqlite {
    const INSERT: &'static str =
        "INSERT INTO audit_log (entry, at, at_ms, actor, action, target, address)
             VALUES ((SELECT COALESCE(MAX(entry), 0) + 1 FROM audit_log), $1, $2, $3, $4, $5, $6)";
}

impl Numbering for sqlx::Postgres {
    const INSERT: &'static str = "INSERT INTO audit_log (at, at_ms, actor, action, target, address)
             VALUES ($1, $2, $3, $4, $5, $6)";
}

/// What one audit entry says, apart from its number.
pub(super) struct Entry<'a> {
    pub at: &'a Moment,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub address: &'a str,
}

/// The one statement that writes an audit entry, on a pool or inside a transaction (`migrate-to`
/// writes its entry in the copy's own).
pub(super) async fn write_entry<'c, DB, E>(on: E, entry: Entry<'_>) -> Result<(), sqlx::Error>
where
    DB: Numbering,
    E: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let Entry {
        at,
        actor,
        action,
        target,
        address,
    } = entry;
    let at_text = at.rfc3339.as_str();
    sql!(query(DB::INSERT, at_text, at.ms, actor, action, target, address).execute(on))?;
    Ok(())
}

impl Store {
    /// The audit log's entries, from the inbox, the command line and the retention run
    /// (`migrate-to` writes its own in its copy's transaction, by the same `write_entry`).
    pub async fn audit(
        &self,
        at: &Moment,
        actor: &str,
        action: &str,
        target: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        let entry = Entry {
            at,
            actor,
            action,
            target,
            address,
        };
        Ok(on_write!(self.db, p => write_entry(p, entry).await)?)
    }

    /// Deletes audit entries (and lockouts) older than `before_ms`, the audit log's own
    /// retention. The append-only triggers let a row go only below the cutoff recorded in
    /// `settings` first, so nothing else can remove an entry by mistake.
    pub async fn delete_audit_before(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.set_setting(AUDIT_CUTOFF, &before_ms.to_string())
            .await?;
        let sql = "DELETE FROM sign_in_lockouts WHERE last_ms < $1";
        execute!(self.db, sql, before_ms)?;
        let sql = "DELETE FROM audit_log WHERE at_ms < $1";
        execute!(self.db, sql, before_ms)
    }

    pub async fn audit_entries(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64), StoreError> {
        let sql = "SELECT at, actor, action, target, address FROM audit_log ORDER BY entry DESC
             LIMIT $1 OFFSET $2";
        let rows: Vec<(String, String, String, String, String)> =
            fetch!(on_read(self.db) query_as(sql, limit, offset).fetch_all)?;
        let sql = "SELECT COUNT(*) FROM audit_log";
        let total = fetch!(on_read(self.db) query_scalar(sql).fetch_one)?;
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
}
