//! Storage: the only module that speaks SQL. SQLite today (one file, WAL, synchronous=FULL),
//! PostgreSQL later (issue 13) behind these same functions, hence portable SQL with `$N`
//! placeholders. Writes go through one writer task that commits in groups (below).

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

pub mod inbox;

/// Embedded at build time from receiver/migrations/ and run at every start.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How many submissions one commit may carry. One fsync per commit is what limits SQLite
/// here (about 2 ms on these machines), so a burst shares one instead of queueing for many.
const MAX_GROUP: usize = 64;

/// A `--database` address, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
}

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(url: &str) -> Result<DatabaseUrl, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.contains('?') || path == ":memory:" {
                return Err(format!(
                    "{url}: give a file, such as sqlite://data/receiver.db"
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err("PostgreSQL is not supported yet: use sqlite://PATH".into());
        }
        Err(format!(
            "{url}: the database must be sqlite://PATH (such as sqlite://data/receiver.db)"
        ))
    }
}

/// Everything stored for one accepted submission, and the answer its request gets (kept with
/// the Idempotency-Key, to replay).
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub submission_id: String,
    pub reference: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub completed_at: String,
    pub received_at: String,
    pub received_at_ms: i64,
    pub sent_body: String,
    pub sent_sha256: String,
    pub summary_json: String,
    pub summary_text: String,
    pub flags_count: i64,
    pub flags_differed: bool,
    pub message_differed: bool,
    pub differed: Vec<&'static str>,
    /// For the inbox's list and search: the visitor's name and email, and the spam mark.
    pub visitor_name: String,
    pub visitor_email: String,
    pub likely_spam: bool,
    pub response_status: u16,
    pub response_body: String,
    /// Staff addresses to notify: one outbox row each.
    pub recipients: Vec<String>,
}

/// What storing a submission came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Committed now.
    Created,
    /// The key was used before with the same body: the response it got then.
    Replay { status: u16, body: String },
    /// The key was used before with another body.
    KeyReused,
}

/// A notification the worker should send now.
#[derive(Debug, Clone)]
pub struct DueNotification {
    pub submission_id: String,
    pub recipient: String,
    pub reference: String,
    pub received_at: String,
    pub attempts: i64,
}

type Job = (NewSubmission, oneshot::Sender<Result<Stored, String>>);

#[derive(Clone)]
pub struct Store {
    /// One connection: SQLite has one writer at a time, and queueing here (first come, first
    /// served) beats SQLite's busy handler, which sleeps up to 100 ms between tries.
    pub(crate) write: SqlitePool,
    pub(crate) read: SqlitePool,
    jobs: mpsc::Sender<Job>,
}

/// The data folder readable by the service's user only (0700), the file 0600 (SQLite gives
/// its -wal and -shm files the same mode as the database file).
fn prepare_files(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        if Path::new(&side).exists() {
            fs::set_permissions(&side, fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before it returns, so a 2xx survives power loss, not only
        // a crash of this process (NORMAL in WAL mode would only promise the latter).
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // A deleted row's bytes are overwritten with zeros, not left in free pages (issue 12:
        // an erasure request must leave nothing readable in the file).
        .pragma("secure_delete", "ON")
        .busy_timeout(Duration::from_secs(5))
}

impl Store {
    /// Opens (creating) the database, runs the migrations, starts the writer.
    pub async fn open(url: &DatabaseUrl) -> Result<Store, String> {
        let DatabaseUrl::Sqlite(path) = url;
        prepare_files(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options(path))
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        MIGRATOR
            .run(&write)
            .await
            .map_err(|e| format!("migrations: {e}"))?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options(path).read_only(true))
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let (jobs, queue) = mpsc::channel(1024);
        tokio::spawn(writer(write.clone(), queue));
        Ok(Store { write, read, jobs })
    }

    /// Stores a submission with its outbox rows and idempotency record; returns once the
    /// commit is durable.
    pub async fn insert(&self, new: NewSubmission) -> Result<Stored, String> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send((new, tx))
            .await
            .map_err(|_| "the writer has stopped".to_owned())?;
        rx.await
            .map_err(|_| "the writer dropped the request".to_owned())?
    }

    /// A quick read, for `/healthz`.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    /// Notifications not yet sent whose time has come, oldest first.
    pub async fn due_notifications(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<DueNotification>, String> {
        let rows = sqlx::query(
            "SELECT n.submission_id, n.recipient, s.reference, s.received_at, n.attempts
             FROM notifications n JOIN submissions s ON s.submission_id = n.submission_id
             WHERE n.sent_at_ms IS NULL AND n.next_attempt_at_ms <= $1
             ORDER BY n.next_attempt_at_ms, n.created_at_ms LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.read)
        .await
        .map_err(|e| e.to_string())?;
        Ok(rows
            .iter()
            .map(|r| DueNotification {
                submission_id: r.get(0),
                recipient: r.get(1),
                reference: r.get(2),
                received_at: r.get(3),
                attempts: r.get(4),
            })
            .collect())
    }

    /// When the next unsent notification is due, if any.
    pub async fn next_due_ms(&self) -> Result<Option<i64>, String> {
        sqlx::query_scalar(
            "SELECT MIN(next_attempt_at_ms) FROM notifications WHERE sent_at_ms IS NULL",
        )
        .fetch_one(&self.read)
        .await
        .map_err(|e| e.to_string())
    }

    pub async fn mark_sent(&self, id: &str, recipient: &str, now_ms: i64) -> Result<(), String> {
        sqlx::query(
            "UPDATE notifications SET sent_at_ms = $1, attempts = attempts + 1, last_error = NULL
             WHERE submission_id = $2 AND recipient = $3",
        )
        .bind(now_ms)
        .bind(id)
        .bind(recipient)
        .execute(&self.write)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// Records a failed attempt and when to try again. `error` names the kind of failure only.
    pub async fn mark_failed(
        &self,
        id: &str,
        recipient: &str,
        next_ms: i64,
        error: &str,
    ) -> Result<(), String> {
        sqlx::query(
            "UPDATE notifications SET attempts = attempts + 1, next_attempt_at_ms = $1,
             last_error = $2 WHERE submission_id = $3 AND recipient = $4",
        )
        .bind(next_ms)
        .bind(error)
        .bind(id)
        .bind(recipient)
        .execute(&self.write)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// Waits for queued writes, then closes both pools (checkpointing the WAL).
    pub async fn close(self) {
        drop(self.jobs);
        self.read.close().await;
        // The writer holds a clone of `write`; closing waits for its connection to return.
        self.write.close().await;
    }
}

/// Read-only access for `export`: never creates, migrates or writes (it may run beside a
/// serving receiver, or on a copy of the file).
pub struct Reader {
    pub(crate) pool: SqlitePool,
}

impl Reader {
    pub async fn open(url: &DatabaseUrl) -> Result<Reader, String> {
        let DatabaseUrl::Sqlite(path) = url;
        if !path.is_file() {
            return Err(format!("{}: no such database", path.display()));
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options(path).read_only(true).create_if_missing(false))
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Reader { pool })
    }

    /// The bodies exactly as sent, oldest first.
    pub async fn sent_bodies(&self) -> Result<Vec<String>, String> {
        let rows =
            sqlx::query("SELECT sent_body FROM submissions ORDER BY received_at_ms, submission_id")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| e.to_string())?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// The receiver's own plain-text summaries, oldest first.
    pub async fn summaries(&self) -> Result<Vec<String>, String> {
        let rows = sqlx::query(
            "SELECT summary_text FROM submissions ORDER BY received_at_ms, submission_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| e.to_string())?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// The single writer: takes the first waiting submission and every other already queued (up
/// to `MAX_GROUP`), stores them in one transaction, and answers each after the commit. A group
/// that fails is retried one by one, so one bad row cannot fail its neighbours.
async fn writer(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let subs: Vec<&NewSubmission> = group.iter().map(|(s, _)| s).collect();
        match store_group(&pool, &subs).await {
            Ok(results) => {
                for ((_, reply), result) in group.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) if group.len() > 1 => {
                tracing::warn!(error = %e, size = group.len(), "group commit failed; one by one");
                for (sub, reply) in group {
                    let result = store_group(&pool, &[&sub]).await;
                    let _ = reply.send(result.map(|mut r| r.remove(0)));
                }
            }
            Err(e) => {
                let (_, reply) = group.remove(0);
                let _ = reply.send(Err(e));
            }
        }
    }
}

async fn store_group(pool: &SqlitePool, subs: &[&NewSubmission]) -> Result<Vec<Stored>, String> {
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    let mut results = Vec::with_capacity(subs.len());
    for sub in subs {
        results.push(store_one(&mut tx, sub).await.map_err(|e| e.to_string())?);
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(results)
}

/// Insert-or-replay on the key's unique constraint, inside the transaction: of two copies
/// racing, exactly one inserts; the other finds the first's record.
async fn store_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    sub: &NewSubmission,
) -> Result<Stored, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys
         (idempotency_key, request_sha256, response_status, response_body, created_at_ms)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&sub.submission_id)
    .bind(&sub.sent_sha256)
    .bind(i64::from(sub.response_status))
    .bind(&sub.response_body)
    .bind(sub.received_at_ms)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        let row = sqlx::query(
            "SELECT request_sha256, response_status, response_body FROM idempotency_keys
             WHERE idempotency_key = $1",
        )
        .bind(&sub.submission_id)
        .fetch_one(&mut **tx)
        .await?;
        let sha: String = row.get(0);
        if sha != sub.sent_sha256 {
            return Ok(Stored::KeyReused);
        }
        let status: i64 = row.get(1);
        return Ok(Stored::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body: row.get(2),
        });
    }
    sqlx::query(
        "INSERT INTO submissions (submission_id, reference, questionnaire_id,
         questionnaire_version, completed_at, received_at, received_at_ms, sent_body,
         sent_sha256, summary_json, summary_text, flags_count, flags_differed,
         message_differed, differed, visitor_name, visitor_email, likely_spam, listed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         $18, TRUE)",
    )
    .bind(&sub.submission_id)
    .bind(&sub.reference)
    .bind(&sub.questionnaire_id)
    .bind(&sub.questionnaire_version)
    .bind(&sub.completed_at)
    .bind(&sub.received_at)
    .bind(sub.received_at_ms)
    .bind(&sub.sent_body)
    .bind(&sub.sent_sha256)
    .bind(&sub.summary_json)
    .bind(&sub.summary_text)
    .bind(sub.flags_count)
    .bind(sub.flags_differed)
    .bind(sub.message_differed)
    .bind(sub.differed.join(","))
    .bind(&sub.visitor_name)
    .bind(&sub.visitor_email)
    .bind(sub.likely_spam)
    .execute(&mut **tx)
    .await?;
    for recipient in &sub.recipients {
        sqlx::query(
            "INSERT INTO notifications (submission_id, recipient, created_at_ms,
             next_attempt_at_ms) VALUES ($1, $2, $3, $3)",
        )
        .bind(&sub.submission_id)
        .bind(recipient)
        .bind(sub.received_at_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Stored::Created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        let ok = DatabaseUrl::from_str("sqlite://.data/receiver.db");
        assert_eq!(ok, Ok(DatabaseUrl::Sqlite(".data/receiver.db".into())));
        let abs = DatabaseUrl::from_str("sqlite:///var/lib/x.db");
        assert_eq!(abs, Ok(DatabaseUrl::Sqlite("/var/lib/x.db".into())));
        for bad in [
            "sqlite://",
            "sqlite://:memory:",
            "x.db",
            "postgres://h/db",
            "sqlite://a.db?mode=ro",
        ] {
            assert!(DatabaseUrl::from_str(bad).is_err(), "{bad}");
        }
    }
}
