//! Storage: the only module that speaks SQL, on SQLite (one file, WAL, synchronous=FULL, one
//! process) or PostgreSQL (one database shared by several receivers, issue 13). The SQL is
//! the same text for both (`$N` placeholders, portable types); `on_write!`/`on_read!` compile
//! each use once per engine. A statement is written once, its SQL beside its arguments:
//! `execute!`/`fetch!` on a pool, `sql!` inside a transaction. The few engine-only statements
//! are named where they are (advisory locks, `FOR UPDATE SKIP LOCKED`, the WAL checkpoint, the
//! audit log's numbering).
//! Writes of submissions go through one writer task per process that commits in groups.

use database_url::{redact, DatabaseUrl};
use error::StoreError;
use intake::{writer, Job};
use sqlite::{options, prepare_files};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::mpsc;

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

/// `sqlx::$make($sql)` with each argument bound in turn, run by `$run` on `$on` (a pool, a
/// connection or `&mut *tx`): one statement, its SQL and arguments side by side.
macro_rules! sql {
    ($make:ident($sql:expr $(, $arg:expr)* $(,)?).$run:ident($on:expr)) => {
        sqlx::$make($sql)$(.bind($arg))*.$run($on).await
    };
}

/// A statement on the write pool: the rows it touched (each engine's own result type goes no
/// further than here), or the database's error as a `StoreError`.
macro_rules! execute {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        on_write!($db, p => sql!(query($sql $(, $arg)*).execute(p)).map(|d| d.rows_affected()))
            .map_err($crate::store::error::StoreError::from)
    };
}

/// A query on the pool `$on` picks (`on_read` or `on_write`), fetched by `$fetch`; rows of
/// `sqlx::query` go through `=> $map` here, since each engine has its own row type. Errors come
/// as a `StoreError`.
macro_rules! fetch {
    ($on:ident($db:expr) $make:ident($($query:tt)*).$fetch:ident $(=> $map:expr)?) => {
        $on!($db, p => sql!($make($($query)*).$fetch(p)) $(.map($map))?)
            .map_err($crate::store::error::StoreError::from)
    };
}

pub mod audit;
pub mod challenge;
pub mod database_url;
pub mod error;
pub mod intake;
pub mod migrate;
pub mod outbox;
pub mod photos;
pub mod sessions;
pub mod settings;
pub mod sqlite;
pub mod staff;
pub mod submissions;
pub mod two_factor;

/// Embedded at build time and run at every start (sqlx takes a lock around them on
/// PostgreSQL, so instances starting together migrate once).
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per process on PostgreSQL: the writer, the outbox, the inbox and a few reads.
const PG_CONNECTIONS: u32 = 8;

/// Advisory-lock classes on PostgreSQL (the two-key form: class, then a hash or 0).
const LOCK_KEY: i32 = 1301;
const LOCK_RETENTION: i32 = 1302;

async fn connect_postgres(url: &str, read_only: bool) -> Result<PgPool, StoreError> {
    let mut options =
        PgConnectOptions::from_str(url).map_err(|e| StoreError::at(redact(url), e))?;
    if read_only {
        options = options.options([("default_transaction_read_only", "on")]);
    }
    // One connection first, for the server's own reason when it fails (a pool would only
    // say that it timed out).
    use sqlx::Connection;
    sqlx::PgConnection::connect_with(&options)
        .await
        .map_err(|e| StoreError::at(redact(url), e))?
        .close()
        .await?;
    PgPoolOptions::new()
        .max_connections(if read_only { 2 } else { PG_CONNECTIONS })
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| StoreError::at(redact(url), e))
}

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
    pub async fn open(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                prepare_files(path).map_err(|e| StoreError::at(path.display(), e))?;
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options(path))
                    .await
                    .map_err(|e| StoreError::at(path.display(), e))?;
                SQLITE_MIGRATOR.run(&write).await?;
                let read = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options(path).read_only(true))
                    .await
                    .map_err(|e| StoreError::at(path.display(), e))?;
                Db::Sqlite { write, read }
            }
            DatabaseUrl::Postgres(url) => {
                let pool = connect_postgres(url, false).await?;
                POSTGRES_MIGRATOR.run(&pool).await?;
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

    /// A quick read, for `/healthz`.
    pub async fn ping(&self) -> bool {
        on_read!(self.db, p => sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// The retention job's lock: `None` while another receiver on the same PostgreSQL
    /// database runs it (that one does the work). SQLite has one process: always granted.
    pub async fn retention_lock(&self) -> Result<Option<JobLock>, StoreError> {
        let Db::Postgres(pool) = &self.db else {
            return Ok(Some(JobLock(None)));
        };
        let mut conn = pool.acquire().await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, 0)")
            .bind(LOCK_RETENTION)
            .fetch_one(&mut *conn)
            .await?;
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
    pub async fn open(url: &DatabaseUrl) -> Result<Reader, StoreError> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => {
                if !path.is_file() {
                    return Err(StoreError::NoDatabase(path.display().to_string()));
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options(path).read_only(true).create_if_missing(false))
                    .await
                    .map_err(|e| StoreError::at(path.display(), e))?;
                Db::Sqlite {
                    write: pool.clone(),
                    read: pool,
                }
            }
            DatabaseUrl::Postgres(url) => Db::Postgres(connect_postgres(url, true).await?),
        };
        Ok(Reader { db })
    }

    /// The bodies exactly as sent, with their submission ids, oldest first.
    pub async fn sent_bodies(&self) -> Result<Vec<(String, String)>, StoreError> {
        let sql = "SELECT submission_id, sent_body FROM submissions
                   ORDER BY received_at_ms, submission_id";
        fetch!(on_read(self.db) query_as(sql).fetch_all)
    }

    /// The receiver's own plain-text summaries, oldest first.
    pub async fn summaries(&self) -> Result<Vec<String>, StoreError> {
        self.column("SELECT summary_text FROM submissions ORDER BY received_at_ms, submission_id")
            .await
    }

    async fn column(&self, sql: &'static str) -> Result<Vec<String>, StoreError> {
        fetch!(on_read(self.db) query_scalar(sql).fetch_all)
    }

    pub async fn close(self) {
        match self.db {
            Db::Sqlite { read, .. } => read.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}
