//! The databases the tests run on: which engine, a fresh database on the test PostgreSQL
//! cluster, connections from outside the receiver, and locks held from outside to keep a
//! request provably in flight.

use super::{new_id, Receiver};
use sqlx::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The test cluster's address, ending in `/`.
pub fn postgres_cluster() -> String {
    match std::env::var("CONSULTATION_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }
        }
        _ => panic!(
            "\n\nThis test needs PostgreSQL: CONSULTATION_TEST_POSTGRES is not set.\n\
             Run the receiver's tests with a throwaway cluster (started and stopped for you):\n\
             \n    bash scripts/test-receiver.sh            (or the whole: bash scripts/test.sh)\n\
             \nor point it at a cluster of your own where this user may CREATE DATABASE:\n\
             \n    CONSULTATION_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/ cargo test -p consultation-receiver\n\n"
        ),
    }
}

/// A new, empty database on the test cluster; its URL.
pub async fn fresh_postgres() -> String {
    let cluster = postgres_cluster();
    let name = format!("receiver_{}", new_id().replace('-', "_"));
    let mut admin = sqlx::PgConnection::connect(&format!("{cluster}postgres"))
        .await
        .unwrap_or_else(|e| panic!("CONSULTATION_TEST_POSTGRES={cluster}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    format!("{cluster}{name}")
}

/// One connection to a receiver's PostgreSQL database, from outside.
pub async fn pg_connect(url: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(url).await.unwrap()
}

pub async fn read_pool(path: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

/// A write lock held from outside, as a slow disk would hold a commit.
pub enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    pub async fn release(mut self) {
        match &mut self {
            WriteLock::Sqlite(c) => sqlx::query("ROLLBACK").execute(c).await.map(|_| ()),
            WriteLock::Postgres(c) => sqlx::query("ROLLBACK").execute(c).await.map(|_| ()),
        }
        .unwrap();
    }
}

/// Holds the database's write lock from outside, so that a request is provably in flight
/// (its commit waiting) while the test sends another. SQLite: `BEGIN IMMEDIATE`; PostgreSQL:
/// the tables a submission is written to, locked against writers (reads go on).
pub async fn hold_write_lock(r: &Receiver) -> WriteLock {
    match r.engine() {
        Engine::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(r.db_path());
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Sqlite(conn)
        }
        Engine::Postgres => {
            let mut conn = pg_connect(&r.database).await;
            sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
            sqlx::query("LOCK TABLE idempotency_keys, submissions IN EXCLUSIVE MODE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Postgres(conn)
        }
    }
}

/// PostgreSQL: waits until some receiver's transaction holds the advisory lock of key `id`
/// (it is storing that submission now).
pub async fn wait_for_key_lock(r: &Receiver, id: &str) {
    let mut c = pg_connect(&r.database).await;
    let start = Instant::now();
    loop {
        let held: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
             AND classid = 1301 AND objid = hashtext($1)::oid)",
        )
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap();
        if held {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no key lock for {id}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
