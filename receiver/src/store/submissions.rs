//! The submissions as staff list, read, change and delete them (reads through the read-only
//! pool, writes through the single write connection, beside the intake writer), and as
//! `export` reads them.

use super::error::StoreError;
use super::sqlite::truncate_wal;
use super::{Db, Reader, Store};
use crate::domain::status::Status;
use sqlx::Row;

/// What narrows the list: a status and a search over name, email and reference.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
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
    pub status: Status,
    /// The BCP 47 tag of the language the visitor answered in.
    pub language: String,
    /// How many photos came with it (issue 24).
    pub photos_count: i64,
}

#[derive(Debug, Clone)]
pub struct FullRow {
    pub list: ListRow,
    pub sent_body: String,
    pub summary_json: String,
    pub differed: String,
    pub note: String,
}

/// `%`, `_` and `\` in a search are literal, not LIKE wildcards.
pub(super) fn like_pattern(search: &str) -> String {
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

/// The list's columns, with each submission's photo count (issue 24) from its photos' rows.
pub(super) const LIST_COLUMNS: &str =
    "submission_id, reference, received_at, visitor_name, visitor_email, \
                            flags_count, screening_unanswered, likely_spam, status, language, \
                            (SELECT COUNT(*) FROM photos p \
                             WHERE p.submission_id = submissions.submission_id) AS photos_count";

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
            status: Status::parse(r.get::<&str, _>("status")).unwrap_or(Status::New),
            language: r.get("language"),
            photos_count: r.get("photos_count"),
        }
    }};
}

/// Newest first, narrowed by the filter; `limit` rows from `offset`, and the count of all.
pub(crate) async fn list(
    db: &Db,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListRow>, i64), StoreError> {
    let status = filter.status.map_or("", Status::as_str);
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
    let rows = fetch!(on_read(db) query(&rows_sql, status, &search, limit, offset).fetch_all
        => |rows| rows.iter().map(|r| list_row!(r)).collect())?;
    let total: i64 = fetch!(on_read(db) query_scalar(&count_sql, status, &search).fetch_one)?;
    Ok((rows, total))
}

pub(crate) async fn full(db: &Db, id: &str) -> Result<Option<FullRow>, StoreError> {
    let sql = format!(
        "SELECT {LIST_COLUMNS}, questionnaire_id, questionnaire_version, sent_body,
         summary_json, differed, note FROM submissions WHERE submission_id = $1"
    );
    fetch!(on_read(db) query(&sql, id).fetch_optional => |row| {
        row.map(|r| FullRow {
            list: list_row!(&r),
            sent_body: r.get("sent_body"),
            summary_json: r.get("summary_json"),
            differed: r.get("differed"),
            note: r.get("note"),
        })
    })
}

/// Every submission in full, newest first (the CLI's exports).
pub(crate) async fn all_full(db: &Db) -> Result<Vec<FullRow>, StoreError> {
    let sql =
        "SELECT submission_id FROM submissions ORDER BY received_at_ms DESC, submission_id DESC";
    let ids: Vec<String> = fetch!(on_read(db) query_scalar(sql).fetch_all)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = full(db, &id).await? {
            out.push(row);
        }
    }
    Ok(out)
}

impl Reader {
    pub async fn all_full(&self) -> Result<Vec<FullRow>, StoreError> {
        all_full(&self.db).await
    }
    pub async fn list_all(&self) -> Result<Vec<ListRow>, StoreError> {
        Ok(list(&self.db, &Filter::default(), 0, i64::MAX).await?.0)
    }
}

impl Store {
    /// Fills name, email and the spam mark for rows stored before the inbox existed.
    pub async fn backfill(
        &self,
        describe: impl Fn(&str) -> (String, String, bool),
    ) -> Result<(), StoreError> {
        let sql = "SELECT submission_id, summary_json FROM submissions WHERE NOT listed";
        let rows: Vec<(String, String)> = fetch!(on_write(self.db) query_as(sql).fetch_all)?;
        for (id, summary_json) in rows {
            let (name, email, spam) = describe(&summary_json);
            let sql =
                "UPDATE submissions SET visitor_name = $1, visitor_email = $2, likely_spam = $3,
                 listed = TRUE WHERE submission_id = $4";
            execute!(self.db, sql, name, email, spam, &id)?;
        }
        Ok(())
    }

    pub async fn list(
        &self,
        filter: &Filter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ListRow>, i64), StoreError> {
        list(&self.db, filter, offset, limit).await
    }

    pub async fn full(&self, id: &str) -> Result<Option<FullRow>, StoreError> {
        full(&self.db, id).await
    }

    pub async fn set_status(&self, id: &str, status: Status) -> Result<bool, StoreError> {
        let sql = "UPDATE submissions SET status = $1 WHERE submission_id = $2";
        Ok(execute!(self.db, sql, status.as_str(), id)? == 1)
    }

    pub async fn set_note(&self, id: &str, note: &str) -> Result<bool, StoreError> {
        let sql = "UPDATE submissions SET note = $1 WHERE submission_id = $2";
        Ok(execute!(self.db, sql, note, id)? == 1)
    }

    /// Erases submissions (by id, or all received before a time) with every row that names
    /// them (photos, outbox, idempotency key), then checkpoints the WAL into the file and truncates
    /// it: with `secure_delete` on, the freed pages are zeroed, so no byte of them stays in
    /// the database file or its WAL. Returns the references deleted, and whether the WAL was
    /// emptied (a reader can hold the checkpoint back: see `checkpoint`).
    async fn erase(&self, ids: Vec<String>) -> Result<(Vec<String>, bool), StoreError> {
        let mut refs = Vec::new();
        if ids.is_empty() {
            return Ok((refs, true));
        }
        on_write!(self.db, pool => {
            let mut tx = pool.begin().await?;
            for id in &ids {
                // Its photos first (issue 24): the same transaction, so none outlives it.
                let sql = "DELETE FROM photos WHERE submission_id = $1";
                sql!(query(sql, id).execute(&mut *tx))?;
                let sql = "DELETE FROM notifications WHERE submission_id = $1";
                sql!(query(sql, id).execute(&mut *tx))?;
                let sql = "DELETE FROM idempotency_keys WHERE idempotency_key = $1";
                sql!(query(sql, id).execute(&mut *tx))?;
                let sql = "DELETE FROM submissions WHERE submission_id = $1 RETURNING reference";
                let reference: Option<String> =
                    sql!(query_scalar(sql, id).fetch_optional(&mut *tx))?;
                refs.extend(reference);
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
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
    pub async fn delete_submission(&self, id: &str) -> Result<Option<(String, bool)>, StoreError> {
        let (mut refs, emptied) = self.erase(vec![id.to_owned()]).await?;
        Ok(refs.pop().map(|r| (r, emptied)))
    }

    pub async fn delete_received_before(&self, before_ms: i64) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT submission_id FROM submissions WHERE received_at_ms < $1";
        let ids: Vec<String> = fetch!(on_write(self.db) query_scalar(sql, before_ms).fetch_all)?;
        Ok(self.erase(ids).await?.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(super::like_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
