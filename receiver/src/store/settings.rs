//! The clinic's settings (name and value).

use super::error::StoreError;
use super::Store;

impl Store {
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        on_write!(self.db, p => sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(p).await)
        .map_err(StoreError::from)
    }

    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        on_write!(self.db, p => sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(p).await.map(|d| d.rows_affected()))
        .map(|_| ())
        .map_err(StoreError::from)
    }
}
