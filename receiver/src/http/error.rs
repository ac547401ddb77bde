//! The one error type of the HTTP layer: every way a request can fail, mapped to its status
//! and a body in the Formspree shape the widget reads (`{"errors":[{"code"|"field", "message"}]}`)
//! in one `IntoResponse`. Internal errors are logged and never shown.

use crate::store::error::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use consultation_widget::core::intake::Rejection;
use std::time::Duration;

#[derive(Debug)]
pub enum ApiError {
    /// Content-Type is not application/json.
    UnsupportedMediaType,
    /// The body is not UTF-8 text.
    NotText,
    /// No Idempotency-Key, or one that is not a submission id.
    MissingKey,
    /// The key is not the body's `submission_id`.
    KeyMismatch,
    /// The core's re-check refused the submission (400 or 422, its own body).
    Rejected(Rejection),
    /// The key was used before with another body (the draft's 422).
    KeyReused,
    /// A request with this key is still being handled (the draft's 409).
    InFlight,
    /// Over `--intake-rate` for this client address: wait this long.
    RateLimited(Duration),
    /// The browser's `message` is far longer than the core's own for these answers.
    MessageTooLong,
    /// No such route.
    NotFound,
    /// Something on our side; the detail goes to the log only.
    Internal(StoreError),
    /// A handler panicked (http/panics.rs): answered as any failure on our side.
    Panicked,
}

fn errors(code: &str, message: &str) -> String {
    serde_json::json!({ "errors": [{ "code": code, "message": message }] }).to_string()
}

impl ApiError {
    /// A short name for the log: never the body or anything typed.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::NotText => "not-text",
            ApiError::MissingKey => "missing-key",
            ApiError::KeyMismatch => "key-mismatch",
            ApiError::Rejected(_) => "rejected",
            ApiError::KeyReused => "key-reused",
            ApiError::InFlight => "in-flight",
            ApiError::RateLimited(_) => "rate-limited",
            ApiError::MessageTooLong => "message-too-long",
            ApiError::NotFound => "not-found",
            ApiError::Internal(_) | ApiError::Panicked => "internal",
        }
    }
}

/// A store failure is ours: logged with its message, answered 500.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                errors(
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Send the submission as application/json",
                ),
            ),
            ApiError::NotText => (
                StatusCode::BAD_REQUEST,
                errors("NOT_UTF8", "The body is not UTF-8 text"),
            ),
            ApiError::MissingKey => (
                StatusCode::BAD_REQUEST,
                errors(
                    "IDEMPOTENCY_KEY_MISSING",
                    "Send an Idempotency-Key header holding the submission_id",
                ),
            ),
            ApiError::KeyMismatch => (
                StatusCode::BAD_REQUEST,
                errors(
                    "IDEMPOTENCY_KEY_MISMATCH",
                    "The Idempotency-Key header must equal the submission_id",
                ),
            ),
            ApiError::Rejected(r) => (
                StatusCode::from_u16(r.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                r.body(),
            ),
            ApiError::KeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors(
                    "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was already used for another submission",
                ),
            ),
            ApiError::InFlight => (
                StatusCode::CONFLICT,
                errors(
                    "IN_PROGRESS",
                    "This submission is still being received: try again in a moment",
                ),
            ),
            ApiError::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                errors(
                    "rate-limited",
                    "Too many submissions from this address just now: try again shortly",
                ),
            ),
            // In the Formspree shape, as the core's other form-level refusals.
            ApiError::MessageTooLong => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors(
                    "message-too-long",
                    "The message is far longer than a summary of these answers",
                ),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                errors("NOT_FOUND", "Submissions go to POST /submissions"),
            ),
            ApiError::Internal(_) | ApiError::Panicked => {
                let detail = match &self {
                    ApiError::Internal(e) => e.to_string(),
                    _ => "a request panicked; the receiver goes on".to_owned(),
                };
                tracing::error!(error = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    errors(
                        "INTERNAL",
                        "The clinic's receiver could not store this; try again",
                    ),
                )
            }
        };
        let mut response = (status, json_body(body)).into_response();
        let retry_after = match self {
            // The draft's advice: tell the client when to try again.
            ApiError::InFlight => Some(1),
            // In whole seconds, rounded up.
            ApiError::RateLimited(wait) => {
                Some((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
            }
            _ => None,
        };
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A JSON body with its content type.
pub fn json_body(body: String) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
}
