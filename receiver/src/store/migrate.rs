//! `consultation-receiver migrate-to --database postgres://… --from sqlite://PATH`: moves a
//! clinic from its SQLite file to an empty PostgreSQL database. The file is opened read-only
//! (the receiver should be stopped, so nothing arrives meanwhile); PostgreSQL gets the
//! receiver's migrations, then every row of every table in one transaction, so a failure
//! leaves it empty; every table's count is checked against the file's before the commit.
//! Columns are taken from the file's own schema and matched by name, so nothing is left out
//! when a later migration adds one.

use super::audit::{write_entry, Entry};
use super::database_url::DatabaseUrl;
use super::error::StoreError;
use super::{connect_postgres, Db, Reader, POSTGRES_MIGRATOR, SQLITE_MIGRATOR};
use crate::domain::moment::Moment;
use sqlx::{PgPool, Row, SqlitePool};

type PgTx = sqlx::Transaction<'static, sqlx::Postgres>;

/// In an order that satisfies the foreign keys.
pub const TABLES: [&str; 11] = [
    "staff",
    "recovery_codes",
    "settings",
    "submissions",
    "photos",
    "idempotency_keys",
    "notifications",
    "sessions",
    "audit_log",
    "sign_in_failures",
    "sign_in_lockouts",
];

/// What was copied: each table and its row count.
pub async fn migrate(
    from: &DatabaseUrl,
    to: &DatabaseUrl,
) -> Result<Vec<(String, i64)>, StoreError> {
    let (DatabaseUrl::Sqlite(_), DatabaseUrl::Postgres(url)) = (from, to) else {
        return Err(StoreError::Refused(
            "migrate-to copies --from sqlite://PATH into --database postgres://…".into(),
        ));
    };
    let source = open_source(from).await?;
    let Db::Sqlite { read: file, .. } = &source.db else {
        unreachable!("opened as SQLite")
    };
    let pool = open_target(url, to).await?;
    let mut tx = pool.begin().await?;
    let mut copied = Vec::new();
    for table in TABLES {
        let count = copy_table(file, &mut tx, table).await?;
        copied.push((table.to_owned(), count));
    }
    record(&mut tx, &copied).await?;
    tx.commit().await?;
    pool.close().await;
    source.close().await;
    Ok(copied)
}

/// The SQLite file, read-only, once its migrations are this receiver's.
async fn open_source(from: &DatabaseUrl) -> Result<Reader, StoreError> {
    let source = Reader::open(from).await?;
    let Db::Sqlite { read: file, .. } = &source.db else {
        unreachable!("opened as SQLite")
    };
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(file)
        .await
        .map_err(|e| {
            StoreError::Refused(format!("{}: not a receiver database ({e})", from.shown()))
        })?;
    let latest = SQLITE_MIGRATOR.iter().map(|m| m.version).max();
    if applied != latest {
        return Err(StoreError::Refused(format!(
            "{}: made by another version of the receiver; start this version's `serve` on it \
             once (it migrates the file), stop it, then migrate",
            from.shown()
        )));
    }
    Ok(source)
}

/// The PostgreSQL database, migrated, once every table is found empty.
async fn open_target(url: &str, to: &DatabaseUrl) -> Result<PgPool, StoreError> {
    let pool = connect_postgres(url, false).await?;
    POSTGRES_MIGRATOR.run(&pool).await?;
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await?;
        if rows > 0 {
            return Err(StoreError::Refused(format!(
                "{}: not empty ({table} has {rows} rows); migrate into a new database only",
                to.shown()
            )));
        }
    }
    Ok(pool)
}

/// Copies one table's rows, and checks that PostgreSQL then holds as many as the file.
async fn copy_table(file: &SqlitePool, tx: &mut PgTx, table: &str) -> Result<i64, StoreError> {
    let columns = columns(file, tx, table).await?;
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let list = names.join(", ");
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", marks.join(", "));
    let rows = sqlx::query(&format!("SELECT {list} FROM {table}"))
        .fetch_all(file)
        .await?;
    for row in &rows {
        let mut query = sqlx::query(&insert);
        for (i, (name, kind)) in columns.iter().enumerate() {
            query = match kind.as_str() {
                "TEXT" => query.bind(row.try_get::<Option<String>, _>(i)?),
                "BIGINT" | "INTEGER" => query.bind(row.try_get::<Option<i64>, _>(i)?),
                "BOOLEAN" => query.bind(row.try_get::<Option<bool>, _>(i)?),
                // Photos' JPEGs (BYTEA in PostgreSQL).
                "BLOB" => query.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                other => {
                    return Err(StoreError::Refused(format!(
                        "{table}.{name}: type {other} not known here"
                    )))
                }
            };
        }
        query
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::at(table, e))?;
    }
    let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    if count != rows.len() as i64 {
        return Err(StoreError::Refused(format!(
            "{table}: {count} rows in PostgreSQL, {} in the file",
            rows.len()
        )));
    }
    Ok(count)
}

/// The file's columns of `table` (name, declared type), each checked to have a PostgreSQL
/// column of the same name.
async fn columns(
    file: &SqlitePool,
    tx: &mut PgTx,
    table: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let columns: Vec<(String, String)> =
        sqlx::query_as("SELECT name, upper(type) FROM pragma_table_info($1) ORDER BY cid")
            .bind(table)
            .fetch_all(file)
            .await?;
    let target: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::TEXT FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await?;
    for (name, _) in &columns {
        if !target.contains(name) {
            return Err(StoreError::Refused(format!(
                "{table}.{name} has no column in PostgreSQL"
            )));
        }
    }
    Ok(columns)
}

/// New audit entries continue after the copied ones, the first of them this copy's own.
async fn record(tx: &mut PgTx, copied: &[(String, i64)]) -> Result<(), StoreError> {
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('audit_log', 'entry'),
         (SELECT COALESCE(MAX(entry), 0) + 1 FROM audit_log), false)",
    )
    .execute(&mut **tx)
    .await?;
    let counts: Vec<String> = copied.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let entry = Entry {
        at: &Moment::now(),
        actor: "command line",
        action: "migrated from SQLite",
        target: &counts.join(", "),
        address: "",
    };
    write_entry(&mut **tx, entry).await?;
    Ok(())
}
