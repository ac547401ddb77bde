//! The clinic's settings (name and value).

use super::error::StoreError;
use super::Store;

impl Store {
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT value FROM settings WHERE name = $1";
        fetch!(on_write(self.db) query_scalar(sql, name).fetch_optional)
    }

    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO settings (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        execute!(self.db, sql, name, value).map(drop)
    }
}
