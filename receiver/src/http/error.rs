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
    /// Content-Type is neither application/json nor multipart/form-data.
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
    /// A body past its limit (the JSON's 256 KB, a photo's 8 MB, the whole multipart body).
    TooLarge(&'static str),
    /// A multipart body that is not the shape a submission with photos takes.
    BadMultipart(&'static str),
    /// A photo part refused, on its question (the Formspree shape's `field`).
    Photo {
        question: String,
        message: &'static str,
    },
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
            ApiError::TooLarge(_) => "too-large",
            ApiError::BadMultipart(_) => "invalid-multipart",
            ApiError::Photo { .. } => "photo-refused",
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

impl ApiError {
    /// The status, code and words of a refusal the receiver writes itself.
    fn words(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "Send the submission as application/json, or with photos as multipart/form-data",
            ),
            ApiError::NotText => (S::BAD_REQUEST, "NOT_UTF8", "The body is not UTF-8 text"),
            ApiError::MissingKey => (
                S::BAD_REQUEST,
                "IDEMPOTENCY_KEY_MISSING",
                "Send an Idempotency-Key header holding the submission_id",
            ),
            ApiError::KeyMismatch => (
                S::BAD_REQUEST,
                "IDEMPOTENCY_KEY_MISMATCH",
                "The Idempotency-Key header must equal the submission_id",
            ),
            ApiError::KeyReused => (
                S::UNPROCESSABLE_ENTITY,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was already used for another submission",
            ),
            ApiError::InFlight => (
                S::CONFLICT,
                "IN_PROGRESS",
                "This submission is still being received: try again in a moment",
            ),
            ApiError::RateLimited(_) => (
                S::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many submissions from this address just now: try again shortly",
            ),
            // In the Formspree shape, as the core's other form-level refusals.
            ApiError::MessageTooLong => (
                S::UNPROCESSABLE_ENTITY,
                "message-too-long",
                "The message is far longer than a summary of these answers",
            ),
            ApiError::TooLarge(m) => (S::PAYLOAD_TOO_LARGE, "too-large", m),
            ApiError::BadMultipart(m) => (S::BAD_REQUEST, "invalid-multipart", m),
            ApiError::NotFound => (
                S::NOT_FOUND,
                "NOT_FOUND",
                "Submissions go to POST /submissions",
            ),
            ApiError::Rejected(_)
            | ApiError::Photo { .. }
            | ApiError::Internal(_)
            | ApiError::Panicked => (
                S::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "The clinic's receiver could not store this; try again",
            ),
        }
    }

    /// Seconds a client is asked to wait before trying again.
    fn retry_after(&self) -> Option<u64> {
        match self {
            // The draft's advice: tell the client when to try again.
            ApiError::InFlight => Some(1),
            // In whole seconds, rounded up.
            ApiError::RateLimited(wait) => {
                Some((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
            }
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(e) => tracing::error!(error = %e, "internal error"),
            ApiError::Panicked => tracing::error!(
                error = %"a request panicked; the receiver goes on",
                "internal error"
            ),
            _ => {}
        }
        let (status, body) = match &self {
            ApiError::Rejected(r) => (
                StatusCode::from_u16(r.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                r.body(),
            ),
            ApiError::Photo { question, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                serde_json::json!({ "errors": [{ "field": question, "message": message }] })
                    .to_string(),
            ),
            other => {
                let (status, code, message) = other.words();
                (status, errors(code, message))
            }
        };
        let mut response = (status, json_body(body)).into_response();
        if let Some(secs) = self.retry_after() {
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
