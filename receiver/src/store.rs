//! Storage: the only module that speaks SQL, on SQLite (one file, WAL, synchronous=FULL, one
//! process) or PostgreSQL (one database shared by several receivers, issue 13). The SQL is
//! the same text for both (`$N` placeholders, portable types); `on_write!`/`on_read!` compile
//! each use once per engine, and the few engine-only statements are named where they are
//! (advisory locks, `FOR UPDATE SKIP LOCKED`, the WAL checkpoint, the audit log's numbering).
//! Writes of submissions go through one writer task per process that commits in groups.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The pools of one engine. SQLite: one write connection (one writer at a time; queueing here,
/// first come first served, beats SQLite's busy handler) and read-only readers. PostgreSQL:
/// one pool for both, since the server orders concurrent writers itself.
#[derive(Clone)]
pub(crate) enum Db {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// `$body` with `$pool` bound to the engine's write pool: the same expression compiled for
/// each engine, so the SQL and the code around it are shared.
macro_rules! on_write {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db {
            $crate::store::Db::Sqlite { write: $pool, .. } => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}

/// As `on_write!`, on the read pool (SQLite's read-only connections).
macro_rules! on_read {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db {
            $crate::store::Db::Sqlite { read: $pool, .. } => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}

pub mod challenge;
pub mod inbox;
pub mod migrate;

/// Embedded at build time and run at every start (sqlx takes a lock around them on
/// PostgreSQL, so instances starting together migrate once).
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How many submissions one commit may carry. One fsync per commit is what limits SQLite
/// here (about 2 ms on these machines), so a burst shares one instead of queueing for many;
/// PostgreSQL's commit flushes its WAL likewise.
const MAX_GROUP: usize = 64;

/// Connections per process on PostgreSQL: the writer, the outbox, the inbox and a few reads.
const PG_CONNECTIONS: u32 = 8;

/// Advisory-lock classes on PostgreSQL (the two-key form: class, then a hash or 0).
const LOCK_KEY: i32 = 1301;
const LOCK_RETENTION: i32 = 1302;

/// A `--database` address, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    /// The whole `postgres://` URL, as libpq and sqlx read it (user, host, port, database,
    /// `?sslmode=`…); the password best in `PGPASSWORD` rather than the URL.
    Postgres(String),
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
            PgConnectOptions::from_str(url).map_err(|e| format!("{}: {e}", redact(url)))?;
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        Err(format!(
            "{url}: the database must be sqlite://PATH (such as sqlite://data/receiver.db) or \
             postgres://USER@HOST:PORT/DATABASE"
        ))
    }
}

impl DatabaseUrl {
    /// For messages and logs: a password in the URL is never shown.
    pub fn shown(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => redact(u),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:…@host/db`.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{}{}:…{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

async fn connect_postgres(url: &str, read_only: bool) -> Result<PgPool, String> {
    let mut options =
        PgConnectOptions::from_str(url).map_err(|e| format!("{}: {e}", redact(url)))?;
    if read_only {
        options = options.options([("default_transaction_read_only", "on")]);
    }
    // One connection first, for the server's own reason when it fails (a pool would only
    // say that it timed out).
    use sqlx::Connection;
    sqlx::PgConnection::connect_with(&options)
        .await
        .map_err(|e| format!("{}: {e}", redact(url)))?
        .close()
        .await
        .map_err(err)?;
    PgPoolOptions::new()
        .max_connections(if read_only { 2 } else { PG_CONNECTIONS })
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| format!("{}: {e}", redact(url)))
}

fn err(e: sqlx::Error) -> String {
    e.to_string()
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
    /// Screening questions left unanswered (the "Screening incomplete" flag's count), or 0.
    pub screening_unanswered: i64,
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
    /// Another receiver on the same PostgreSQL database is storing this key right now (it
    /// holds the key's advisory lock): a 409, as for a duplicate in flight in this process.
    InFlight,
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

/// Insert-or-replay on the key's unique constraint, inside the transaction: of two copies
/// racing, exactly one inserts; the other finds the first's record.
macro_rules! store_one {
    ($conn:expr, $sub:expr) => {{
        let sub: &NewSubmission = $sub;
        let result: Result<Stored, sqlx::Error> = async {
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
            .execute(&mut *$conn)
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                let row = sqlx::query(
                    "SELECT request_sha256, response_status, response_body FROM idempotency_keys
             WHERE idempotency_key = $1",
                )
                .bind(&sub.submission_id)
                .fetch_one(&mut *$conn)
                .await?;
                let sha: String = row.get(0);
                if sha != sub.sent_sha256 {
                    return Ok::<Stored, sqlx::Error>(Stored::KeyReused);
                }
                let status: i64 = row.get(1);
                return Ok::<Stored, sqlx::Error>(Stored::Replay {
                    status: u16::try_from(status).unwrap_or(200),
                    body: row.get(2),
                });
            }
            sqlx::query(
                "INSERT INTO submissions (submission_id, reference, questionnaire_id,
         questionnaire_version, completed_at, received_at, received_at_ms, sent_body,
         sent_sha256, summary_json, summary_text, flags_count, flags_differed,
         message_differed, differed, visitor_name, visitor_email, likely_spam, listed,
         screening_unanswered)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         $18, TRUE, $19)",
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
            .bind(sub.screening_unanswered)
            .execute(&mut *$conn)
            .await?;
            for recipient in &sub.recipients {
                sqlx::query(
                    "INSERT INTO notifications (submission_id, recipient, created_at_ms,
             next_attempt_at_ms) VALUES ($1, $2, $3, $3)",
                )
                .bind(&sub.submission_id)
                .bind(recipient)
                .bind(sub.received_at_ms)
                .execute(&mut *$conn)
                .await?;
            }
            Ok(Stored::Created)
        }
        .await;
        result
    }};
}

type Job = (NewSubmission, oneshot::Sender<Result<Stored, String>>);

#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
    jobs: mpsc::Sender<Job>,
}

/// A job only one receiver runs at a time (PostgreSQL: a session advisory lock on a connection
/// of its own, released by `release`, or by the server when the connection closes).
pub struct JobLock(Option<sqlx::pool::PoolConnection<sqlx::Postgres>>);

impl JobLock {
    pub async fn release(mut self) {
        if let Some(mut conn) = self.0.take() {
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1, 0)")
                .bind(LOCK_RETENTION)
                .execute(&mut *conn)
                .await;
            if unlocked.is_err() {
                // Closing the session frees its locks.
                drop(conn.detach());
            }
        }
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            // Never back into the pool with the lock held.
            drop(conn.detach());
        }
    }
}

impl Store {
    /// Opens (creating) the database, runs the migrations, starts the writer.
    pub async fn open(url: &DatabaseUrl) -> Result<Store, String> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                prepare_files(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options(path))
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                SQLITE_MIGRATOR
                    .run(&write)
                    .await
                    .map_err(|e| format!("migrations: {e}"))?;
                let read = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options(path).read_only(true))
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Db::Sqlite { write, read }
            }
            DatabaseUrl::Postgres(url) => {
                let pool = connect_postgres(url, false).await?;
                POSTGRES_MIGRATOR
                    .run(&pool)
                    .await
                    .map_err(|e| format!("migrations: {e}"))?;
                Db::Postgres(pool)
            }
        };
        let (jobs, queue) = mpsc::channel(1024);
        tokio::spawn(writer(db.clone(), queue));
        Ok(Store { db, jobs })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
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
        on_read!(self.db, p => sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Claims the notifications due now, oldest first, for `lease_ms`: their next attempt
    /// moves to `now_ms + lease_ms`, so no other worker (another receiver on PostgreSQL, which
    /// also skips rows being claimed this instant) takes them meanwhile, and if this process
    /// dies before sending, another sends them once the lease has passed.
    pub async fn claim_notifications(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DueNotification>, String> {
        let skip_locked = if self.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE notifications SET next_attempt_at_ms = $2
             WHERE (submission_id, recipient) IN (
               SELECT submission_id, recipient FROM notifications
               WHERE sent_at_ms IS NULL AND next_attempt_at_ms <= $1
               ORDER BY next_attempt_at_ms, created_at_ms LIMIT $3{skip_locked})
             RETURNING submission_id, recipient, attempts"
        );
        let claimed: Vec<(String, String, i64)> = on_write!(self.db, p => {
            sqlx::query_as(&sql)
                .bind(now_ms)
                .bind(now_ms + lease_ms)
                .bind(limit)
                .fetch_all(p)
                .await
        })
        .map_err(err)?;
        let mut due = Vec::with_capacity(claimed.len());
        for (submission_id, recipient, attempts) in claimed {
            let row: Option<(String, String)> = on_read!(self.db, p => {
                sqlx::query_as(
                    "SELECT reference, received_at FROM submissions WHERE submission_id = $1",
                )
                .bind(&submission_id)
                .fetch_optional(p)
                .await
            })
            .map_err(err)?;
            if let Some((reference, received_at)) = row {
                due.push(DueNotification {
                    submission_id,
                    recipient,
                    reference,
                    received_at,
                    attempts,
                });
            }
        }
        due.sort_by(|a, b| a.received_at.cmp(&b.received_at));
        Ok(due)
    }

    /// Extends this process's claims on notifications it still holds (a send is in progress):
    /// none lapses while this process is alive to send it.
    pub async fn renew(&self, held: &[(String, String)], until_ms: i64) -> Result<(), String> {
        for (id, recipient) in held {
            on_write!(self.db, p => {
                sqlx::query(
                    "UPDATE notifications SET next_attempt_at_ms = $1
                     WHERE submission_id = $2 AND recipient = $3 AND sent_at_ms IS NULL",
                )
                .bind(until_ms)
                .bind(id)
                .bind(recipient)
                .execute(p)
                .await
                .map(|_| ())
            })
            .map_err(err)?;
        }
        Ok(())
    }

    /// Gives back a claimed notification unsent (this process is stopping).
    pub async fn unclaim(&self, id: &str, recipient: &str, now_ms: i64) -> Result<(), String> {
        on_write!(self.db, p => {
            sqlx::query(
                "UPDATE notifications SET next_attempt_at_ms = $1
                 WHERE submission_id = $2 AND recipient = $3 AND sent_at_ms IS NULL",
            )
            .bind(now_ms)
            .bind(id)
            .bind(recipient)
            .execute(p)
            .await
            .map(|_| ())
        })
        .map_err(err)
    }

    /// When the last email to `recipient` went, if one did (the outbox's window: workers/outbox.rs).
    pub async fn last_sent_ms(&self, recipient: &str) -> Result<Option<i64>, String> {
        on_read!(self.db, p => {
            sqlx::query_scalar(
                "SELECT MAX(sent_at_ms) FROM notifications WHERE recipient = $1",
            )
            .bind(recipient)
            .fetch_one(p)
            .await
        })
        .map_err(err)
    }

    /// When the next unsent notification is due, if any.
    pub async fn next_due_ms(&self) -> Result<Option<i64>, String> {
        on_read!(self.db, p => {
            sqlx::query_scalar(
                "SELECT MIN(next_attempt_at_ms) FROM notifications WHERE sent_at_ms IS NULL",
            )
            .fetch_one(p)
            .await
        })
        .map_err(err)
    }

    pub async fn mark_sent(&self, id: &str, recipient: &str, now_ms: i64) -> Result<(), String> {
        on_write!(self.db, p => {
            sqlx::query(
                "UPDATE notifications SET sent_at_ms = $1, attempts = attempts + 1,
                 last_error = NULL WHERE submission_id = $2 AND recipient = $3",
            )
            .bind(now_ms)
            .bind(id)
            .bind(recipient)
            .execute(p)
            .await
            .map(|_| ())
        })
        .map_err(err)
    }

    /// Records a failed attempt and when to try again. `error` names the kind of failure only.
    pub async fn mark_failed(
        &self,
        id: &str,
        recipient: &str,
        next_ms: i64,
        error: &str,
    ) -> Result<(), String> {
        on_write!(self.db, p => {
            sqlx::query(
                "UPDATE notifications SET attempts = attempts + 1, next_attempt_at_ms = $1,
                 last_error = $2 WHERE submission_id = $3 AND recipient = $4",
            )
            .bind(next_ms)
            .bind(error)
            .bind(id)
            .bind(recipient)
            .execute(p)
            .await
            .map(|_| ())
        })
        .map_err(err)
    }

    /// The retention job's lock: `None` while another receiver on the same PostgreSQL
    /// database runs it (that one does the work). SQLite has one process: always granted.
    pub async fn retention_lock(&self) -> Result<Option<JobLock>, String> {
        let Db::Postgres(pool) = &self.db else {
            return Ok(Some(JobLock(None)));
        };
        let mut conn = pool.acquire().await.map_err(err)?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, 0)")
            .bind(LOCK_RETENTION)
            .fetch_one(&mut *conn)
            .await
            .map_err(err)?;
        Ok(got.then_some(JobLock(Some(conn))))
    }

    /// Waits for queued writes, then closes the pools (checkpointing SQLite's WAL).
    pub async fn close(self) {
        drop(self.jobs);
        match self.db {
            Db::Sqlite { write, read } => {
                read.close().await;
                // The writer holds a clone of `write`; closing waits for its connection.
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Read-only access for `export`: never creates, migrates or writes (it may run beside a
/// serving receiver, or on a copy of the file; on PostgreSQL every transaction is read-only).
pub struct Reader {
    pub(crate) db: Db,
}

impl Reader {
    pub async fn open(url: &DatabaseUrl) -> Result<Reader, String> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                if !path.is_file() {
                    return Err(format!("{}: no such database", path.display()));
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options(path).read_only(true).create_if_missing(false))
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Db::Sqlite {
                    write: pool.clone(),
                    read: pool,
                }
            }
            DatabaseUrl::Postgres(url) => Db::Postgres(connect_postgres(url, true).await?),
        };
        Ok(Reader { db })
    }

    /// The bodies exactly as sent, oldest first.
    pub async fn sent_bodies(&self) -> Result<Vec<String>, String> {
        on_read!(self.db, p => {
            sqlx::query_scalar(
                "SELECT sent_body FROM submissions ORDER BY received_at_ms, submission_id",
            )
            .fetch_all(p)
            .await
        })
        .map_err(err)
    }

    /// The receiver's own plain-text summaries, oldest first.
    pub async fn summaries(&self) -> Result<Vec<String>, String> {
        on_read!(self.db, p => {
            sqlx::query_scalar(
                "SELECT summary_text FROM submissions ORDER BY received_at_ms, submission_id",
            )
            .fetch_all(p)
            .await
        })
        .map_err(err)
    }

    pub async fn close(self) {
        match self.db {
            Db::Sqlite { read, .. } => read.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// The single writer: takes the first waiting submission and every other already queued (up
/// to `MAX_GROUP`), stores them in one transaction, and answers each after the commit. A group
/// that fails is retried one by one, so one bad row cannot fail its neighbours.
async fn writer(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let subs: Vec<&NewSubmission> = group.iter().map(|(s, _)| s).collect();
        match store_group(&db, &subs).await {
            Ok(results) => {
                for ((_, reply), result) in group.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) if group.len() > 1 => {
                tracing::warn!(error = %e, size = group.len(), "group commit failed; one by one");
                for (sub, reply) in group {
                    let result = store_group(&db, &[&sub]).await;
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

async fn store_group(db: &Db, subs: &[&NewSubmission]) -> Result<Vec<Stored>, String> {
    let postgres = matches!(db, Db::Postgres(_));
    on_write!(db, pool => {
        let mut tx = pool.begin().await.map_err(err)?;
        let mut results = Vec::with_capacity(subs.len());
        for sub in subs {
            // PostgreSQL: the key's advisory lock, for this transaction. Held: another
            // receiver is storing the same key now, so this copy is a duplicate in flight
            // (409) rather than a wait on the unique index.
            if postgres {
                let got: bool =
                    sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, hashtext($2))")
                        .bind(LOCK_KEY)
                        .bind(&sub.submission_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err)?;
                if !got {
                    results.push(Stored::InFlight);
                    continue;
                }
            }
            results.push(store_one!(&mut *tx, sub).map_err(err)?);
        }
        tx.commit().await.map_err(err)?;
        Ok(results)
    })
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
            "sqlite://a.db?mode=ro",
        ] {
            assert!(DatabaseUrl::from_str(bad).is_err(), "{bad}");
        }
        let pg = DatabaseUrl::from_str("postgres://receiver:s3cret@db.glow.example:5432/intake");
        assert!(matches!(pg, Ok(DatabaseUrl::Postgres(_))));
        assert_eq!(
            pg.unwrap().shown(),
            "postgres://receiver:…@db.glow.example:5432/intake"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }
}
