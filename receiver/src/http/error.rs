//! The one error type of the HTTP layer: every way a request can fail, mapped to its status
//! and a body in the Formspree shape the widget reads (`{"errors":[{"code"|"field", "message"}]}`)
//! in one `IntoResponse`. Internal errors are logged and never shown.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use consultation_widget::core::intake::Rejection;

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
    /// Something on our side; the detail goes to the log only.
    Internal(String),
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
            ApiError::Internal(_) => "internal",
        }
    }
}

/// A store failure is ours: logged with its message, answered 500.
impl From<crate::store::error::StoreError> for ApiError {
    fn from(e: crate::store::error::StoreError) -> ApiError {
        ApiError::Internal(e.to_string())
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
            ApiError::Internal(detail) => {
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
        if matches!(self, ApiError::InFlight) {
            // The draft's advice: tell the client when to try again.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
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
