//! A submission's photos as staff and the exports read them (issue 24): what each is (id,
//! question, description, size, SHA-256), and its bytes, the full JPEG or its thumbnail, one
//! at a time. Stored with the submission (store/intake.rs) and erased with it.

use super::error::StoreError;
use super::{Db, Reader, Store};
use sqlx::Row;

/// One stored photo, without its bytes.
#[derive(Debug, Clone)]
pub struct PhotoRow {
    pub photo_id: String,
    pub question_id: String,
    pub description: String,
    pub sha256: String,
    /// The stored JPEG's length in bytes.
    pub size: i64,
    pub width: i64,
    pub height: i64,
}

/// Which of a photo's two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Full,
    Thumbnail,
}

const COLUMNS: &str = "photo_id, question_id, description, sha256, size, width, height";

macro_rules! photo_row {
    ($r:expr) => {{
        let r = $r;
        PhotoRow {
            photo_id: r.get("photo_id"),
            question_id: r.get("question_id"),
            description: r.get("description"),
            sha256: r.get("sha256"),
            size: r.get("size"),
            width: r.get("width"),
            height: r.get("height"),
        }
    }};
}

async fn photos_of(db: &Db, id: &str) -> Result<Vec<PhotoRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM photos WHERE submission_id = $1 ORDER BY position");
    fetch!(on_read(db) query(&sql, id).fetch_all
        => |rows| rows.iter().map(|r| photo_row!(r)).collect())
}

/// Each photo with its full bytes, in order (the FHIR export carries them).
async fn with_bytes(db: &Db, id: &str) -> Result<Vec<(PhotoRow, Vec<u8>)>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS}, jpeg FROM photos WHERE submission_id = $1 ORDER BY position");
    fetch!(on_read(db) query(&sql, id).fetch_all
        => |rows| rows.iter().map(|r| (photo_row!(r), r.get("jpeg"))).collect())
}

impl Store {
    /// The photos of a submission, in the order its answers name them.
    pub async fn photos_of(&self, id: &str) -> Result<Vec<PhotoRow>, StoreError> {
        photos_of(&self.db, id).await
    }

    pub async fn photos_with_bytes(
        &self,
        id: &str,
    ) -> Result<Vec<(PhotoRow, Vec<u8>)>, StoreError> {
        with_bytes(&self.db, id).await
    }

    /// One photo's JPEG, full or its thumbnail; None when the submission has no such photo.
    pub async fn photo(
        &self,
        id: &str,
        photo: &str,
        size: Size,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let sql = match size {
            Size::Full => "SELECT jpeg FROM photos WHERE submission_id = $1 AND photo_id = $2",
            Size::Thumbnail => {
                "SELECT thumbnail FROM photos WHERE submission_id = $1 AND photo_id = $2"
            }
        };
        fetch!(on_read(self.db) query_scalar(sql, id, photo).fetch_optional)
    }
}

impl Reader {
    pub async fn photos_of(&self, id: &str) -> Result<Vec<PhotoRow>, StoreError> {
        photos_of(&self.db, id).await
    }

    pub async fn photos_with_bytes(
        &self,
        id: &str,
    ) -> Result<Vec<(PhotoRow, Vec<u8>)>, StoreError> {
        with_bytes(&self.db, id).await
    }
}
