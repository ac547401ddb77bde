//! A submission's photos for staff (issue 24): each as a JPEG the receiver wrote itself, full
//! or its thumbnail, behind the session like every inbox route. Each full view is audited; a
//! thumbnail is part of the submission page, whose view is audited already.

use super::error::{Answer, InboxError};
use super::view::PhotoView;
use super::{Me, SignedIn};
use crate::domain::submission_id::SubmissionId;
use crate::store::photos::{PhotoRow, Size};
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;

/// The page's view of each photo: its links, and alt text from the visitor's description
/// (one staff's screen readers read), or where it is among them when there is none.
pub(super) fn views(id: &str, rows: &[PhotoRow], question: &str) -> Vec<PhotoView> {
    let mine: Vec<&PhotoRow> = rows.iter().filter(|p| p.question_id == question).collect();
    let count = mine.len();
    mine.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let href = format!("/inbox/submissions/{id}/photos/{}", p.photo_id);
            let description = super::view::clean(&p.description);
            let n = i + 1;
            PhotoView {
                thumbnail: format!("{href}/thumbnail"),
                href,
                alt: if description.trim().is_empty() {
                    format!("Photo {n} of {count}, no description")
                } else {
                    format!("Photo {n} of {count}: {}", description.trim())
                },
            }
        })
        .collect()
}

async fn serve(SignedIn(inbox, me): SignedIn, id: &str, photo: &str, size: Size) -> Answer {
    let not_found = |me: &Me| InboxError::not_found(me);
    let id = SubmissionId::parse(id).ok_or_else(|| not_found(&me))?;
    let jpeg = inbox
        .store
        .photo(id.as_str(), photo, size)
        .await?
        .ok_or_else(|| not_found(&me))?;
    if size == Size::Full {
        let reference = inbox
            .store
            .full(id.as_str())
            .await?
            .map(|r| r.list.reference)
            .unwrap_or_default();
        inbox
            .record(&me, "viewed a photo", &format!("{reference} {photo}"))
            .await;
    }
    // The security headers (no-store, nosniff and the rest) are the gate's, on every inbox
    // answer; said here too, as a photo must never be cached or sniffed as anything else.
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        jpeg,
    )
        .into_response())
}

pub(super) async fn photo(s: SignedIn, Path((id, photo)): Path<(String, String)>) -> Answer {
    serve(s, &id, &photo, Size::Full).await
}

pub(super) async fn thumbnail(s: SignedIn, Path((id, photo)): Path<(String, String)>) -> Answer {
    serve(s, &id, &photo, Size::Thumbnail).await
}
