//! One submission: its page, status and note, its downloads, and its deletion.

use super::error::{Answer, InboxError};
use super::list::Opt;
use super::page::{message, nav, Nav};
use super::view;
use super::{Inbox, Me, SignedIn, NOTE_MAX};
use crate::domain::questionnaires::Reading;
use crate::domain::status::Status;
use crate::domain::submission_id::SubmissionId;
use crate::domain::time::When;
use crate::export::{consent_pdf, fhir};
use crate::store::submissions::FullRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use consultation_widget::core::summary::Summary;
use jiff::Timestamp;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "submission.html")]
pub(super) struct SubmissionPage {
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    received: When,
    /// When the visitor finished the form, by their browser's clock.
    completed: When,
    /// When the visitor signed (the browser's clock), for a signed consent.
    signed: Option<When>,
    status: String,
    statuses: Vec<Opt>,
    note: String,
    note_max: usize,
    differed: String,
    v: view::SubmissionView,
    admin: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct Notice {
    #[serde(default)]
    saved: String,
}

/// The stored summary as staff read it (in the clinic's language, beside the visitor's words),
/// on this thread (the core's types are not Send, so nothing of them is held across an await).
pub(super) fn summarise<R>(
    inbox: &Inbox,
    summary_json: &str,
    f: impl FnOnce(&Reading) -> R,
) -> Result<R, InboxError> {
    let summary = Summary::from_json(summary_json)
        .map_err(|_| InboxError::Broken("a stored summary does not read"))?;
    Ok(inbox.questionnaires.reading(&summary, f))
}

/// The submission a URL names, read once: an id that is not one is no submission, as a
/// deleted one is.
async fn stored(inbox: &Inbox, me: &Me, id: &str) -> Result<(SubmissionId, FullRow), InboxError> {
    let id = SubmissionId::parse(id).ok_or_else(|| InboxError::not_found(me))?;
    let row = inbox
        .store
        .full(id.as_str())
        .await?
        .ok_or_else(|| InboxError::not_found(me))?;
    Ok((id, row))
}

/// The status choices, this one selected.
pub(super) fn status_options(selected: Option<Status>) -> Vec<Opt> {
    Status::ALL
        .into_iter()
        .map(|s| Opt {
            value: s.as_str().into(),
            label: s.label().into(),
            selected: Some(s) == selected,
        })
        .collect()
}

pub(super) async fn submission_page(
    SignedIn(inbox, me): SignedIn,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Answer {
    let (id, row) = stored(&inbox, &me, &id).await?;
    let mut v = summarise(&inbox, &row.summary_json, view::submission)?;
    if row.list.photos_count > 0 {
        let rows = inbox.store.photos_of(id.as_str()).await?;
        for line in v.sections.iter_mut().flat_map(|s| s.lines.iter_mut()) {
            line.photos = super::photos::views(id.as_str(), &rows, &line.question_id);
        }
    }
    inbox.record(&me, "viewed", &row.list.reference).await;
    let differed = row
        .differed
        .split(',')
        .filter(|f| *f == "flags" || *f == "message")
        .collect::<Vec<_>>()
        .join(" and ");
    Ok(SubmissionPage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id: id.to_string(),
        reference: row.list.reference.clone(),
        received: inbox.zone.when(&row.list.received_at),
        completed: inbox.zone.when(&v.completed_at),
        signed: v.signature.as_ref().map(|g| inbox.zone.when(&g.signed_at)),
        status: row.list.status.label().into(),
        statuses: status_options(Some(row.list.status)),
        note: row.note,
        note_max: NOTE_MAX,
        differed,
        v,
        admin: me.admin,
        notice: match notice.saved.as_str() {
            "status" => Some("Status changed.".into()),
            "note" => Some("Note saved.".into()),
            _ => None,
        },
    }
    .into_response())
}

/// What the page's two forms send: a status, or a note.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ChangeForm {
    status: String,
    note: String,
}

/// A change to a submission from its page, checked.
enum Change<'a> {
    Status(Status),
    Note(&'a str),
}

/// The form's value refused: 422, and what to do instead.
fn unprocessable(me: &Me, title: &str, text: &str) -> Answer {
    Ok(message(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(me),
        title,
        text,
    ))
}

/// Makes the change, audits it, and goes back to the page, which says what was saved.
async fn change(SignedIn(inbox, me): SignedIn, id: &str, change: Change<'_>) -> Answer {
    let (id, row) = stored(&inbox, &me, id).await?;
    let (action, saved) = match change {
        Change::Status(status) => {
            inbox.store.set_status(id.as_str(), status).await?;
            (format!("status changed to {}", status.label()), "status")
        }
        Change::Note(note) => {
            inbox.store.set_note(id.as_str(), note).await?;
            ("note changed".to_owned(), "note")
        }
    };
    inbox.record(&me, &action, &row.list.reference).await;
    Ok(Redirect::to(&format!("/inbox/submissions/{id}?saved={saved}")).into_response())
}

pub(super) async fn change_status(s: SignedIn, id: Path<String>, f: Form<ChangeForm>) -> Answer {
    let Some(status) = Status::parse(&f.status) else {
        let text = "Choose New, Reviewed, Contacted or Archived.";
        return unprocessable(&s.1, "Not a status", text);
    };
    change(s, &id, Change::Status(status)).await
}

pub(super) async fn change_note(s: SignedIn, id: Path<String>, f: Form<ChangeForm>) -> Answer {
    let note = f.note.replace("\r\n", "\n");
    if note.chars().count() > NOTE_MAX {
        let text = format!("A note can be up to {NOTE_MAX} characters. Go back and shorten it.");
        return unprocessable(&s.1, "Note too long", &text);
    }
    change(s, &id, Change::Note(note.trim())).await
}

pub(super) fn download(
    content_type: &'static str,
    filename: String,
    body: impl IntoResponse,
) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub(super) async fn export_json(SignedIn(inbox, me): SignedIn, Path(id): Path<String>) -> Answer {
    let (id, row) = stored(&inbox, &me, &id).await?;
    let photos = inbox.store.photos_of(id.as_str()).await?;
    let reference = row.list.reference;
    inbox.record(&me, "exported as JSON", &reference).await;
    let name = format!("{reference}.json");
    let body = crate::export::with_photos(&row.sent_body, &photos);
    Ok(download("application/json", name, body))
}

pub(super) async fn export_fhir(SignedIn(inbox, me): SignedIn, Path(id): Path<String>) -> Answer {
    let (id, row) = stored(&inbox, &me, &id).await?;
    let photos = inbox.store.photos_with_bytes(id.as_str()).await?;
    let doc = summarise(&inbox, &row.summary_json, |r| {
        fhir::questionnaire_response(r, &photos)
    })?;
    let reference = row.list.reference;
    inbox.record(&me, "exported as FHIR", &reference).await;
    let body = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let name = format!("{reference}.fhir.json");
    Ok(download("application/fhir+json", name, body))
}

/// The signed consent as a PDF/A file (export/consent_pdf.rs), with the receiver's time of
/// receipt; 404 for a submission that has no signature. Laid out on a blocking thread: setting
/// the text and subsetting the font is a few milliseconds of CPU.
pub(super) async fn consent_pdf(SignedIn(inbox, me): SignedIn, Path(id): Path<String>) -> Answer {
    let (_, row) = stored(&inbox, &me, &id).await?;
    let received = row.list.received_at.as_str();
    let record = summarise(&inbox, &row.summary_json, |r| {
        consent_pdf::record(r, received)
    })?
    .ok_or_else(|| InboxError::not_found(&me))?;
    let made = tokio::task::spawn_blocking(move || consent_pdf::write(&record, Timestamp::now()))
        .await
        .map_err(|_| InboxError::Broken("the consent PDF's thread stopped"))?;
    let pdf = made.map_err(|e| {
        tracing::error!(error = %e, "a consent PDF was not made");
        InboxError::Broken("the consent PDF could not be made")
    })?;
    let reference = row.list.reference;
    inbox
        .record(&me, "downloaded the signed consent (PDF)", &reference)
        .await;
    let name = format!("consent-{reference}.pdf");
    Ok(download("application/pdf", name, pdf))
}

#[derive(Template, WebTemplate)]
#[template(path = "delete.html")]
pub(super) struct DeletePage {
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    name: String,
    received: When,
}

pub(super) async fn delete_page(SignedIn(inbox, me): SignedIn, Path(id): Path<String>) -> Answer {
    let (id, row) = stored(&inbox, &me, &id).await?;
    Ok(DeletePage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id: id.to_string(),
        reference: row.list.reference,
        name: row.list.visitor_name,
        received: inbox.zone.when(&row.list.received_at),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Confirm {
    confirm: String,
}

pub(super) async fn delete_submission(
    SignedIn(inbox, me): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<Confirm>,
) -> Answer {
    if form.confirm != "yes" {
        return Ok(Redirect::to(&format!("/inbox/submissions/{id}/delete")).into_response());
    }
    let id = SubmissionId::parse(&id).ok_or_else(|| InboxError::not_found(&me))?;
    let Some((reference, emptied)) = inbox.store.delete_submission(id.as_str()).await? else {
        return Err(InboxError::not_found(&me));
    };
    inbox.record(&me, "deleted", &reference).await;
    let mut text =
        format!("Submission {reference} and everything stored with it have been deleted.");
    if !emptied {
        // The truth about the bytes (store/submissions.rs, `checkpoint`).
        text.push_str(
            " Another reader of the database is holding back its log: the deleted bytes \
             remain in the log file until the next checkpoint, which the receiver tries \
             again every few seconds.",
        );
    }
    Ok(message(
        StatusCode::OK,
        Some(&me),
        "Submission deleted",
        &text,
    ))
}
