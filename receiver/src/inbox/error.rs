//! The inbox's one error type: handlers return `Result<Response, InboxError>`, and `?` turns a
//! failure on our side into the "Something went wrong" page (the detail to the log only) and a
//! submission that is not there into the "Not found" page.

use super::auth::PasswordError;
use super::page::{message_with, nav, Nav};
use super::Me;
use crate::store::error::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The database failed: "Something went wrong", the store's words to the log only.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something stored that should read and does not (an account gone, a summary): as above.
    #[error("{0}")]
    Broken(&'static str),
    /// Hashing a new password failed (no randomness, or Argon2 refused): as above.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// No such submission (a bad id included): the page keeps the member's navigation.
    #[error("not found")]
    NotFound(Option<Nav>),
    /// A refusal already made into its page (the staff page with its error above it).
    #[error("refused")]
    Refused(Box<Response>),
}

impl InboxError {
    pub(super) fn not_found(me: &Me) -> InboxError {
        InboxError::NotFound(nav(Some(me)))
    }
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        match self {
            InboxError::NotFound(nav) => message_with(
                StatusCode::NOT_FOUND,
                nav,
                "Not found",
                "There is no submission here. It may have been deleted.",
            ),
            InboxError::Refused(page) => *page,
            e => {
                tracing::error!(error = %e, "inbox");
                message_with(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "Something went wrong",
                    "The inbox could not do that. Try again in a moment.",
                )
            }
        }
    }
}

/// What a handler answers: a page, or one of the errors above.
pub(super) type Answer = Result<Response, InboxError>;
