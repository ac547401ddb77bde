//! SQLite's own: the data folder's and the file's modes, the connection options, the WAL checkpoint.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

/// The data folder readable by the service's user only (0700), the file 0600 (SQLite gives
/// its -wal and -shm files the same mode as the database file).
pub(super) fn prepare_files(path: &Path) -> std::io::Result<()> {
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

pub(super) fn options(path: &Path) -> SqliteConnectOptions {
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

/// `PRAGMA wal_checkpoint(TRUNCATE)`: whether it finished (its first column, "busy", is 0).
pub(super) async fn truncate_wal(write: &sqlx::SqlitePool) -> bool {
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
