//! Admin: the audit log and the sign-in lockouts.

use super::error::Answer;
use super::list::ListQuery;
use super::page::{nav, Nav};
use super::view;
use super::SignedIn;
use crate::domain::time::When;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::response::IntoResponse;

pub struct AuditView {
    pub at: When,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub address: String,
}

pub struct LockoutView {
    pub started: When,
    pub last: When,
    pub who: String,
    pub attempts: i64,
}

/// A lockout's key as staff read it: which account, from where.
pub(super) fn lockout_who(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("aa:") {
        let (account, client) = rest.rsplit_once('|').unwrap_or((rest, ""));
        format!("{} from {client}", view::clean(account))
    } else if let Some(client) = key.strip_prefix("ip:") {
        format!("any account from {client}")
    } else {
        format!(
            "{} from several addresses",
            view::clean(key.trim_start_matches("a:"))
        )
    }
}

/// Entries on one page of the audit log.
pub(super) const AUDIT_PAGE: i64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub(super) struct AuditPage {
    nav: Option<Nav>,
    lockouts: Vec<LockoutView>,
    entries: Vec<AuditView>,
    total: i64,
    newer: Option<String>,
    older: Option<String>,
}

pub(super) async fn audit_page(
    SignedIn(inbox, me): SignedIn,
    Query(query): Query<ListQuery>,
) -> Answer {
    let page = query.page();
    let offset = (page - 1) * AUDIT_PAGE;
    let (entries, total) = inbox.store.audit_entries(offset, AUDIT_PAGE).await?;
    let lockouts = if page == 1 {
        inbox.store.lockouts(20).await?
    } else {
        Vec::new()
    };
    Ok(AuditPage {
        nav: nav(Some(&me)),
        lockouts: lockouts
            .into_iter()
            .map(|l| LockoutView {
                started: inbox.zone.when_ms(l.started_ms),
                last: inbox.zone.when_ms(l.last_ms),
                who: lockout_who(&l.key),
                attempts: l.attempts,
            })
            .collect(),
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                at: inbox.zone.when(&e.at),
                actor: view::clean(&e.actor),
                action: e.action,
                target: view::clean(&e.target),
                address: e.address,
            })
            .collect(),
        total,
        newer: (page > 1).then(|| format!("/inbox/audit?page={}", page - 1)),
        older: (page * AUDIT_PAGE < total).then(|| format!("/inbox/audit?page={}", page + 1)),
    }
    .into_response())
}
