//! What every inbox page shares: the navigation and the message page.

use super::Me;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
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
    message_with(status, nav(me), title, text)
}

pub(super) fn message_with(
    status: StatusCode,
    nav: Option<Nav>,
    title: &str,
    text: &str,
) -> Response {
    (
        status,
        MessagePage {
            nav,
            title: title.into(),
            text: text.into(),
        },
    )
        .into_response()
}
