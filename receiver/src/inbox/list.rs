//! The list of submissions, its filters and search, and its CSV download.

use super::error::Answer;
use super::page::{nav, Nav};
use super::submission::status_options;
use super::view;
use super::{SignedIn, PAGE};
use crate::domain::questionnaires::language_name;
use crate::domain::status::Status;
use crate::domain::time::When;
use crate::export::csv;
use crate::store::submissions::Filter;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct RowView {
    pub href: String,
    pub reference: String,
    pub received: When,
    pub name: String,
    pub flags: i64,
    /// "Screening incomplete: 2 questions not answered", when any were.
    pub incomplete: Option<String>,
    pub spam: bool,
    pub status: String,
    /// "Spanish", when the visitor answered in another language than the clinic reads.
    pub answered_in: Option<String>,
    /// "2 photos", when photos came with it (issue 24).
    pub photos: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "list.html")]
pub(super) struct ListPage {
    nav: Option<Nav>,
    statuses: Vec<Opt>,
    search: String,
    rows: Vec<RowView>,
    showing: String,
    newer: Option<String>,
    older: Option<String>,
    csv_href: String,
    filtered: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) q: String,
    #[serde(default)]
    pub(super) page: Option<i64>,
}

impl ListQuery {
    /// The page asked for, from 1.
    pub(super) fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 1_000_000)
    }
    fn filter(&self) -> Filter {
        Filter {
            status: Status::parse(&self.status),
            search: Some(self.q.chars().take(200).collect()),
        }
    }
    fn href(&self, path: &str, page: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.status.is_empty() {
            pairs.push(("status", self.status.clone()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            pairs.push(("page", p.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

pub(super) async fn list_page(
    SignedIn(inbox, me): SignedIn,
    Query(query): Query<ListQuery>,
) -> Answer {
    let page = query.page();
    let filter = query.filter();
    let (rows, total) = inbox.store.list(&filter, (page - 1) * PAGE, PAGE).await?;
    let first = (page - 1) * PAGE + 1;
    let showing = if total == 0 {
        String::new()
    } else {
        format!(
            "Showing {}–{} of {}",
            first.min(total),
            (first + rows.len() as i64 - 1).max(first),
            total
        )
    };
    let mut statuses = vec![Opt {
        value: String::new(),
        label: "Any status".into(),
        selected: filter.status.is_none(),
    }];
    statuses.extend(status_options(filter.status));
    Ok(ListPage {
        nav: nav(Some(&me)),
        statuses,
        search: query.q.clone(),
        rows: rows
            .into_iter()
            .map(|r| RowView {
                href: format!("/inbox/submissions/{}", r.submission_id),
                reference: r.reference,
                received: inbox.zone.when(&r.received_at),
                name: if r.visitor_name.is_empty() {
                    "(no name given)".into()
                } else {
                    r.visitor_name
                },
                // The "Screening incomplete" flag is named on its own, not counted as a flag.
                flags: r.flags_count - i64::from(r.screening_unanswered > 0),
                incomplete: view::incomplete(r.screening_unanswered),
                spam: r.likely_spam,
                status: r.status.label().into(),
                photos: match r.photos_count {
                    0 => None,
                    1 => Some("1 photo".into()),
                    n => Some(format!("{n} photos")),
                },
                answered_in: (!r
                    .language
                    .eq_ignore_ascii_case(inbox.questionnaires.language()))
                .then(|| language_name(&r.language)),
            })
            .collect(),
        showing,
        newer: (page > 1).then(|| query.href("/inbox", Some(page - 1))),
        older: (page * PAGE < total).then(|| query.href("/inbox", Some(page + 1))),
        csv_href: query.href("/inbox/export.csv", None),
        filtered: filter.status.is_some() || !query.q.trim().is_empty(),
    }
    .into_response())
}

pub(super) async fn export_csv(
    SignedIn(inbox, me): SignedIn,
    Query(query): Query<ListQuery>,
) -> Answer {
    let (rows, total) = inbox.store.list(&query.filter(), 0, i64::MAX).await?;
    let target = format!("{total} rows");
    inbox.record(&me, "exported the list as CSV", &target).await;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"submissions.csv\"",
            ),
        ],
        csv::write(&rows),
    )
        .into_response())
}
