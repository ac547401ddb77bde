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

impl Store {
    /// The one writer of the audit log: every entry, from the inbox, the command line, the
    /// retention run and `migrate-to`, comes through here.
    pub async fn audit(
        &self,
        at: &Moment,
        actor: &str,
        action: &str,
        target: &str,
        address: &str,
    ) -> Result<(), StoreError> {
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
        .bind(&at.rfc3339)
        .bind(at.ms)
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(address)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(StoreError::from)
    }

    /// Deletes audit entries (and lockouts) older than `before_ms`, the audit log's own
    /// retention. The append-only triggers let a row go only below the cutoff recorded in
    /// `settings` first, so nothing else can remove an entry by mistake.
    pub async fn delete_audit_before(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.set_setting(AUDIT_CUTOFF, &before_ms.to_string())
            .await?;
        on_write!(self.db, p => sqlx::query("DELETE FROM sign_in_lockouts WHERE last_ms < $1")
            .bind(before_ms)
            .execute(p).await.map(|d| d.rows_affected()))?;
        on_write!(self.db, p => sqlx::query("DELETE FROM audit_log WHERE at_ms < $1")
            .bind(before_ms)
            .execute(p).await.map(|d| d.rows_affected()))
        .map_err(StoreError::from)
    }

    pub async fn audit_entries(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64), StoreError> {
        let rows: Vec<(String, String, String, String, String)> = on_read!(self.db, p => sqlx::query_as(
            "SELECT at, actor, action, target, address FROM audit_log ORDER BY entry DESC
             LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(p).await)?;
        let total = on_read!(self.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(p).await)?;
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
