//! Submissions with photos (issue 24): `multipart/form-data` on `POST /submissions`. The first
//! part, `submission`, is the JSON exactly as a JSON-only body; then one part per photo,
//! `photo:<uuid>` (`image/jpeg`), the uuid being a `photo` the JSON's photos answer names. A
//! part's filename is ignored. Every photo named must come as exactly one part, and no other
//! part is taken. Each image is then decoded and re-encoded (`domain::jpeg`) on a blocking
//! thread, a few at a time, and stored in the submission's own transaction.

use super::error::ApiError;
use super::MAX_BODY;
use crate::domain::jpeg;
use crate::store::intake::NewPhoto;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use consultation_widget::core::intake::Checked;
use consultation_widget::core::photos::MOST;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The whole multipart body, on `POST /submissions` only: the most photos a question takes at
/// their largest, and the JSON.
pub const MAX_MULTIPART: usize = MOST * jpeg::MAX_BYTES + MAX_BODY;

/// Multipart bodies held in memory at once (each up to `MAX_MULTIPART`); a further one waits
/// for a place before its body is read, within the request's timeout.
pub const UPLOADS_AT_ONCE: usize = 4;

/// Photos decoded at once (each up to `jpeg::MAX_ALLOC` while it is).
pub const DECODES_AT_ONCE: usize = 2;

/// The two bounds on photo work across the process (docs/security.md, "Photos").
#[derive(Clone)]
pub struct Work {
    /// Places for multipart bodies held in memory (`UPLOADS_AT_ONCE`).
    pub uploads: Arc<Semaphore>,
    /// Places for photos being decoded (`DECODES_AT_ONCE`).
    pub decodes: Arc<Semaphore>,
}

impl Default for Work {
    fn default() -> Work {
        Work {
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE)),
            decodes: Arc::new(Semaphore::new(DECODES_AT_ONCE)),
        }
    }
}

/// One image part as it came.
pub struct Part {
    pub id: String,
    pub content_type: String,
    pub bytes: Bytes,
}

/// A multipart body read: the submission's JSON, and the image parts in the order sent.
pub struct Parts {
    pub json: Bytes,
    pub images: Vec<Part>,
}

/// A photo the submission names, with its question and its part's bytes.
pub struct Matched {
    pub question: String,
    pub id: String,
    pub description: String,
    pub bytes: Bytes,
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("A submission with its photos is at most 10 photos of 8 MB each")
    } else {
        ApiError::BadMultipart("The multipart body could not be read")
    }
}

/// Reads one part whole, refusing it past `most` bytes as it streams in.
async fn part_bytes(
    field: &mut axum::extract::multipart::Field<'_>,
    most: usize,
    too_large: &'static str,
) -> Result<Bytes, ApiError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if out.len() + chunk.len() > most {
            return Err(ApiError::TooLarge(too_large));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}

/// Reads the body's parts: `submission` first (at most 256 KB), then `photo:<id>` parts (at
/// most 8 MB each, at most `MOST` of them); any other part is a malformed body.
pub async fn read(req: Request) -> Result<Parts, ApiError> {
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::BadMultipart("The multipart body has no boundary"))?;
    let mut first =
        form.next_field()
            .await
            .map_err(multipart_error)?
            .ok_or(ApiError::BadMultipart(
                "The first part must be `submission`",
            ))?;
    if first.name() != Some("submission") {
        return Err(ApiError::BadMultipart(
            "The first part must be `submission`",
        ));
    }
    let json = part_bytes(&mut first, MAX_BODY, "A submission is at most 256 KB").await?;
    drop(first);
    let mut images = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        let Some(id) = field.name().and_then(|n| n.strip_prefix("photo:")) else {
            return Err(ApiError::BadMultipart(
                "After `submission`, each part must be named photo:<id>",
            ));
        };
        if images.len() == MOST {
            return Err(ApiError::BadMultipart(
                "More photo parts than any question takes",
            ));
        }
        let id = id.to_owned();
        let content_type = field.content_type().unwrap_or_default().to_owned();
        let bytes = part_bytes(&mut field, jpeg::MAX_BYTES, "A photo is at most 8 MB").await?;
        images.push(Part {
            id,
            content_type,
            bytes,
        });
    }
    Ok(Parts { json, images })
}

/// Each photo the submission names with its one part, in the submission's order; refused on
/// its question when a part is missing, repeated, not named by the submission, or not JPEG.
pub fn matched(checked: &Checked, images: Vec<Part>) -> Result<Vec<Matched>, ApiError> {
    let named: Vec<(&str, &consultation_widget::core::photos::Photo)> = checked.photos().collect();
    let on = |question: &str, message: &'static str| ApiError::Photo {
        question: question.to_owned(),
        message,
    };
    let mut parts: Vec<Option<Part>> = Vec::new();
    for part in images {
        let Some((question, _)) = named.iter().find(|(_, p)| p.photo == part.id) else {
            return Err(match checked.photos().next() {
                Some((question, _)) => {
                    on(question, "A photo was sent that the answers do not name")
                }
                None => ApiError::BadMultipart("A photo part was sent, but no answer names photos"),
            });
        };
        if parts.iter().flatten().any(|p| p.id == part.id) {
            return Err(on(question, "A photo was sent twice"));
        }
        if !super::essence_is(&part.content_type, "image/jpeg") {
            return Err(on(question, jpeg::NOT_JPEG));
        }
        parts.push(Some(part));
    }
    let mut out = Vec::with_capacity(named.len());
    for (question, photo) in named {
        let part = parts
            .iter_mut()
            .find(|p| p.as_ref().is_some_and(|p| p.id == photo.photo))
            .and_then(Option::take)
            .ok_or_else(|| on(question, "A photo was named without its image"))?;
        out.push(Matched {
            question: question.to_owned(),
            id: photo.photo.clone(),
            description: photo.description.clone(),
            bytes: part.bytes,
        });
    }
    Ok(out)
}

/// Each matched photo decoded and re-encoded, on blocking threads, `DECODES_AT_ONCE` across
/// the process; the first that is not a photo this receiver takes refuses the submission on
/// its question.
pub async fn stored(work: &Work, photos: Vec<Matched>) -> Result<Vec<NewPhoto>, ApiError> {
    let mut out = Vec::with_capacity(photos.len());
    for (position, photo) in photos.into_iter().enumerate() {
        let permit = work.decodes.clone().acquire_owned().await;
        let bytes = photo.bytes.clone();
        let done = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            jpeg::store(&bytes)
        })
        .await
        .map_err(|_| ApiError::Panicked)?;
        let made = done.map_err(|message| ApiError::Photo {
            question: photo.question.clone(),
            message,
        })?;
        out.push(NewPhoto::new(
            photo.question,
            photo.id,
            photo.description,
            position,
            made,
        ));
    }
    Ok(out)
}
