//! The HTTP edge: routes (`POST /submissions`, `GET /healthz`), the layers every request
//! passes (body limits, CORS for the configured origins, a timeout, request logs without
//! bodies), and the intake handler, which re-checks with the core, applies the idempotency
//! rules and answers 2xx only after the commit.

use crate::error::{json_body, ApiError};
use crate::idempotency::{fingerprint, Claim, InFlight, SubmissionId};
use crate::outbox::now_ms;
use crate::questionnaires::Questionnaires;
use crate::store::{NewSubmission, Store, Stored};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use consultation_widget::core::intake::recheck;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The largest body taken: the widget's own limit (core::delivery::MAX_PAYLOAD_BYTES). Set in
/// both tower-http's layer and axum's own extractor limit (2 MB by default otherwise).
pub const MAX_BODY: usize = consultation_widget::core::delivery::MAX_PAYLOAD_BYTES;

/// A request's whole life, from its headers to the answer: well inside the widget's 15 s, so
/// the widget hears 408 rather than timing out itself.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub questionnaires: Questionnaires,
    pub inflight: InFlight,
    /// Staff addresses to notify of each submission (none: no outbox rows).
    pub recipients: Arc<Vec<String>>,
    /// Wakes the outbox worker after a commit that queued notifications.
    pub wake: Arc<Notify>,
    /// `--trusted-proxy`: who the client is behind a reverse proxy (crate::client).
    pub proxies: Arc<crate::client::TrustedProxies>,
}

pub fn router(app: App, origins: Vec<HeaderValue>, inbox: crate::inbox::Inbox) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600));
    let routes = Router::new()
        .route("/submissions", post(submit))
        .route("/healthz", get(healthz));
    #[cfg(feature = "panic-test")]
    let routes = routes.route("/__panic-test", post(crate::panics::on_demand));
    routes
        .fallback(not_found)
        .with_state(app)
        .merge(crate::inbox::router(inbox))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(cors)
        // A handler's panic costs its own request only: 500, and the process goes on.
        .layer(CatchPanicLayer::custom(crate::panics::answer))
        // Method, path, status and time only: no headers, no query (the inbox's search holds
        // names and emails), no body, at every level; the default span shows the whole URI.
        .layer(TraceLayer::new_for_http().make_span_with(span))
}

/// The request's span: its method and path, never the query. Under tower-http's own target, so
/// `RUST_LOG=tower_http=debug` shows it as it showed the default one.
fn span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    tracing::debug_span!(
        target: "tower_http::trace::make_span",
        "request",
        method = %req.method(),
        path = %req.uri().path()
    )
}

async fn healthz(State(app): State<App>) -> Response {
    if app.store.ping().await {
        (StatusCode::OK, json_body(r#"{"ok":true}"#.into())).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json_body(r#"{"ok":false}"#.into()),
        )
            .into_response()
    }
}

async fn not_found() -> Response {
    let body =
        r#"{"errors":[{"code":"NOT_FOUND","message":"Submissions go to POST /submissions"}]}"#;
    (StatusCode::NOT_FOUND, json_body(body.into())).into_response()
}

/// `application/json`, in any case, with or without parameters such as `charset=utf-8`.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

async fn submit(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    match intake(&app, &headers, body).await {
        Ok(response) => response,
        Err(e) => {
            // The kind only: a rejection's words can quote what was typed.
            tracing::info!(outcome = e.kind(), "submission refused");
            e.into_response()
        }
    }
}

async fn intake(app: &App, headers: &HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(SubmissionId::parse)
        .ok_or(ApiError::MissingKey)?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::NotText)?;
    let sha = fingerprint(text);
    // In flight first: a duplicate learns it at once, before any work.
    let _guard = match app.inflight.claim(&key, &sha) {
        Claim::Held(guard) => guard,
        Claim::InFlight => return Err(ApiError::InFlight),
        Claim::OtherBody => return Err(ApiError::KeyReused),
    };
    let checked = app
        .questionnaires
        .with(|all| recheck(text, all))
        .map_err(ApiError::Rejected)?;
    let own = &checked.submission;
    let (visitor_name, visitor_email, likely_spam) = app.questionnaires.with(|all| {
        let q = all
            .iter()
            .find(|q| q.id == own.questionnaire.id && q.version == own.questionnaire.version);
        crate::view::describe(own, q)
    });
    if own.submission_id != key.as_str() {
        return Err(ApiError::KeyMismatch);
    }
    let received = SystemTime::now();
    let response_body = serde_json::json!({
        "ok": true,
        "submission_id": own.submission_id,
        "reference": own.reference,
    })
    .to_string();
    let new = NewSubmission {
        submission_id: own.submission_id.clone(),
        reference: own.reference.clone(),
        questionnaire_id: own.questionnaire.id.clone(),
        questionnaire_version: own.questionnaire.version.clone(),
        completed_at: own.completed_at.clone(),
        received_at: humantime::format_rfc3339_seconds(received).to_string(),
        received_at_ms: now_ms(),
        sent_body: checked.sent.clone(),
        sent_sha256: sha,
        summary_json: own.json(),
        summary_text: own.text(),
        flags_count: i64::try_from(own.flags.len()).unwrap_or(i64::MAX),
        flags_differed: checked.differed.contains(&"flags"),
        message_differed: checked.differed.contains(&"message"),
        differed: checked.differed.clone(),
        visitor_name,
        visitor_email,
        likely_spam,
        response_status: 201,
        response_body: response_body.clone(),
        recipients: app.recipients.to_vec(),
    };
    let (flags, differed) = (new.flags_count, new.differed.join(","));
    match app.store.insert(new).await.map_err(ApiError::Internal)? {
        Stored::Created => {
            tracing::info!(
                submission_id = key.as_str(),
                reference = %own.reference,
                questionnaire = %own.questionnaire.id,
                flags,
                differed = %differed,
                "submission stored"
            );
            if !app.recipients.is_empty() {
                app.wake.notify_one();
            }
            Ok(created(response_body))
        }
        Stored::Replay { status, body } => {
            tracing::info!(submission_id = key.as_str(), "repeat answered as before");
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
            Ok((status, json_body(body)).into_response())
        }
        Stored::KeyReused => Err(ApiError::KeyReused),
        // Another receiver on the same database holds this key right now.
        Stored::InFlight => Err(ApiError::InFlight),
    }
}

fn created(body: String) -> Response {
    (StatusCode::CREATED, json_body(body)).into_response()
}
