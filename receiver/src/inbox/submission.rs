//! One submission: its page, status and note, its downloads, and its deletion.

use super::list::Opt;
use super::page::{internal, message, nav, not_found, Nav};
use super::view;
use super::{Inbox, Me, NOTE_MAX};
use crate::domain::status::Status;
use crate::domain::submission_id::SubmissionId;
use crate::domain::time::When;
use crate::export::fhir;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use consultation_widget::core::summary::Summary;
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

/// The stored summary and its questionnaire, on this thread (the core's types are not Send,
/// so nothing of them is held across an await).
pub(super) fn summarise<R>(
    inbox: &Inbox,
    summary_json: &str,
    f: impl FnOnce(&Summary, Option<&consultation_widget::core::questionnaire::Questionnaire>) -> R,
) -> Option<R> {
    let summary = Summary::from_json(summary_json).ok()?;
    Some(
        inbox
            .questionnaires
            .find(&summary.questionnaire, |q| f(&summary, q)),
    )
}

pub(super) fn valid_id(id: &str) -> bool {
    SubmissionId::parse(id).is_some()
}

pub(super) async fn submission_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    if !valid_id(&id) {
        return not_found(&me);
    }
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    let Some(v) = summarise(&inbox, &row.summary_json, view::submission) else {
        return internal("a stored summary does not read");
    };
    inbox
        .audit(&me.email, "viewed", &row.list.reference, &me.address)
        .await;
    let differed = row
        .differed
        .split(',')
        .filter(|f| *f == "flags" || *f == "message")
        .collect::<Vec<_>>()
        .join(" and ");
    SubmissionPage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id: id.clone(),
        reference: row.list.reference.clone(),
        received: inbox.zone.when(&row.list.received_at),
        completed: inbox.zone.when(&v.completed_at),
        status: row.list.status.label().into(),
        statuses: Status::ALL
            .into_iter()
            .map(|s| Opt {
                value: s.as_str().into(),
                label: s.label().into(),
                selected: s == row.list.status,
            })
            .collect(),
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
    .into_response()
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    status: String,
}

pub(super) async fn change_status(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let Some(status) = Status::parse(&form.status) else {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&me),
            "Not a status",
            "Choose New, Reviewed, Contacted or Archived.",
        );
    };
    let reference = match inbox.store.full(&id).await {
        Ok(Some(r)) => r.list.reference,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    if let Err(e) = inbox.store.set_status(&id, status).await {
        return internal(e);
    }
    inbox
        .audit(
            &me.email,
            &format!("status changed to {}", status.label()),
            &reference,
            &me.address,
        )
        .await;
    Redirect::to(&format!("/inbox/submissions/{id}?saved=status")).into_response()
}

#[derive(Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn change_note(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    let note = form.note.replace("\r\n", "\n");
    if note.chars().count() > NOTE_MAX {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&me),
            "Note too long",
            &format!("A note can be up to {NOTE_MAX} characters. Go back and shorten it."),
        );
    }
    let reference = match inbox.store.full(&id).await {
        Ok(Some(r)) => r.list.reference,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    if let Err(e) = inbox.store.set_note(&id, note.trim()).await {
        return internal(e);
    }
    inbox
        .audit(&me.email, "note changed", &reference, &me.address)
        .await;
    Redirect::to(&format!("/inbox/submissions/{id}?saved=note")).into_response()
}

pub(super) fn download(content_type: &'static str, filename: String, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub(super) async fn export_json(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    inbox
        .audit(
            &me.email,
            "exported as JSON",
            &row.list.reference,
            &me.address,
        )
        .await;
    download(
        "application/json",
        format!("{}.json", row.list.reference),
        row.sent_body,
    )
}

pub(super) async fn export_fhir(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    let Some(doc) = summarise(&inbox, &row.summary_json, fhir::questionnaire_response) else {
        return internal("a stored summary does not read");
    };
    inbox
        .audit(
            &me.email,
            "exported as FHIR",
            &row.list.reference,
            &me.address,
        )
        .await;
    download(
        "application/fhir+json",
        format!("{}.fhir.json", row.list.reference),
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    )
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

pub(super) async fn delete_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    DeletePage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id,
        reference: row.list.reference,
        name: row.list.visitor_name,
        received: inbox.zone.when(&row.list.received_at),
    }
    .into_response()
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    #[serde(default)]
    confirm: String,
}

pub(super) async fn delete_submission(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<Confirm>,
) -> Response {
    if form.confirm != "yes" {
        return Redirect::to(&format!("/inbox/submissions/{id}/delete")).into_response();
    }
    match inbox.store.delete_submission(&id).await {
        Ok(Some((reference, emptied))) => {
            inbox
                .audit(&me.email, "deleted", &reference, &me.address)
                .await;
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
            message(StatusCode::OK, Some(&me), "Submission deleted", &text)
        }
        Ok(None) => not_found(&me),
        Err(e) => internal(e),
    }
}
