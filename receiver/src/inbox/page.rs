//! What every inbox page shares: the navigation, the message page and its shortcuts.

use super::Me;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub struct Nav {
    pub email: String,
    pub admin: bool,
    pub csrf: String,
}

pub(super) fn nav(me: Option<&Me>) -> Option<Nav> {
    me.map(|m| Nav {
        email: m.email.clone(),
        admin: m.admin,
        csrf: m.csrf.clone(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub(super) struct MessagePage {
    nav: Option<Nav>,
    title: String,
    text: String,
}

pub(super) fn message(status: StatusCode, me: Option<&Me>, title: &str, text: &str) -> Response {
    (
        status,
        MessagePage {
            nav: nav(me),
            title: title.into(),
            text: text.into(),
        },
    )
        .into_response()
}

pub(super) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "inbox");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        None,
        "Something went wrong",
        "The inbox could not do that. Try again in a moment.",
    )
}

pub(super) fn not_found(me: &Me) -> Response {
    message(
        StatusCode::NOT_FOUND,
        Some(me),
        "Not found",
        "There is no submission here. It may have been deleted.",
    )
}
