//! The HTTP edge: routes (`POST /submissions`, `GET /submissions/challenge`, `GET /healthz`;
//! `GET /`, a page saying what this server is, comes with the inbox's routes),
//! the layers every request passes (body limits, CORS for the configured origins, a timeout,
//! request logs without bodies), and the intake handler (JSON, or multipart with photos:
//! http/photos.rs), which holds each client address to
//! the rate limit, re-checks with the core, marks a submission without a valid proof of work
//! as likely spam, applies the idempotency rules and answers 2xx only after the commit.

pub mod challenge;
pub mod client;
pub mod error;
pub mod idempotency;
pub mod panics;
pub mod photos;
pub mod rate;
pub mod refused;

use crate::domain::moment::{now_ms, now_s, Moment};
use crate::domain::questionnaires::Questionnaires;
use crate::domain::submission_id::SubmissionId;
use crate::http::error::{json_body, ApiError};
use crate::http::idempotency::{fingerprint, Claim, InFlight};
use crate::inbox::Inbox;
use crate::store::intake::{NewPhoto, NewSubmission, Stored};
use crate::store::Store;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use consultation_widget::core::intake::recheck;
use consultation_widget::core::intake::Checked;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
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
    /// `--trusted-proxy`: who the client is behind a reverse proxy (crate::http::client).
    pub proxies: Arc<crate::http::client::TrustedProxies>,
    /// `--intake-rate`: submissions per client address.
    pub limiter: crate::http::rate::Limiter,
    /// `--proof-of-work`: the challenges handed out and checked.
    pub proof: crate::http::challenge::Issuer,
    /// How many photo uploads and decodes run at once (issue 24).
    pub photo_work: crate::http::photos::Work,
}

/// The one state behind every route: intake's and the inbox's, each handler taking its own
/// through `FromRef`.
#[derive(Clone)]
pub struct AppState {
    pub intake: App,
    pub inbox: Inbox,
}

impl FromRef<AppState> for App {
    fn from_ref(state: &AppState) -> App {
        state.intake.clone()
    }
}

impl FromRef<AppState> for Inbox {
    fn from_ref(state: &AppState) -> Inbox {
        state.inbox.clone()
    }
}

pub fn router(app: App, origins: Vec<HeaderValue>, inbox: Inbox) -> Router {
    let state = AppState { intake: app, inbox };
    let refused = crate::http::refused::Refused::new(origins.clone());
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST, Method::GET])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("altcha"),
        ])
        // So the widget can read how long a 429 asks it to wait.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    let routes = Router::new()
        .route("/submissions/challenge", get(challenge))
        .route("/healthz", get(healthz));
    #[cfg(feature = "panic-test")]
    let routes = routes.route("/__panic-test", post(crate::http::panics::on_demand));
    let limited = routes
        .fallback(not_found)
        .merge(crate::inbox::router(state.inbox.clone()))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY));
    // Photos come in the intake's body (issue 24): its limit is the multipart one, and the
    // handler holds a JSON body to MAX_BODY itself; every other route keeps MAX_BODY.
    Router::new()
        .route("/submissions", post(submit))
        .layer(DefaultBodyLimit::max(photos::MAX_MULTIPART))
        .layer(RequestBodyLimitLayer::new(photos::MAX_MULTIPART))
        .merge(limited)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(cors)
        // Outside CORS, so a preflight it answers itself is seen too.
        .layer(axum::middleware::from_fn_with_state(
            refused,
            crate::http::refused::log_refused,
        ))
        // A handler's panic costs its own request only: 500, and the process goes on.
        .layer(CatchPanicLayer::custom(crate::http::panics::answer))
        // Method, path, status and time only: no headers, no query (the inbox's search holds
        // names and emails), no body, at every level; the default span shows the whole URI.
        .layer(TraceLayer::new_for_http().make_span_with(span))
        .with_state(state)
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

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// Whether a media type (a `Content-Type`'s value) is `essence`, in any case, with or without
/// parameters such as `charset=utf-8` or a boundary (RFC 9110, 8.3.1).
fn essence_is(media_type: &str, essence: &str) -> bool {
    let own = media_type.split(';').next().unwrap_or_default();
    own.trim().eq_ignore_ascii_case(essence)
}

/// Whether the request's `Content-Type` is `essence` (`essence_is`).
fn content_type_is(headers: &HeaderMap, essence: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| essence_is(v, essence))
}

/// A fresh proof-of-work puzzle; 404 when `--proof-of-work off`, which the widget reads as
/// "none asked", as from any endpoint without this route.
async fn challenge(State(app): State<App>) -> Response {
    if app.proof.maxnumber == 0 {
        return ApiError::NotFound.into_response();
    }
    let body = serde_json::to_string(&app.proof.issue(now_s())).unwrap_or_default();
    (
        StatusCode::OK,
        // Each is for one submission: never from a cache.
        [(header::CACHE_CONTROL, "no-store")],
        json_body(body),
    )
        .into_response()
}

async fn submit(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let client = app.proxies.client(peer.ip(), &headers);
    match intake(&app, client, &headers, req).await {
        Ok(response) => response,
        Err(e) => {
            // The kind only: a rejection's words can quote what was typed.
            tracing::info!(outcome = e.kind(), "submission refused");
            e.into_response()
        }
    }
}

async fn intake(
    app: &App,
    client: std::net::IpAddr,
    headers: &HeaderMap,
    req: Request,
) -> Result<Response, ApiError> {
    let multipart = content_type_is(headers, "multipart/form-data");
    if !content_type_is(headers, "application/json") && !multipart {
        return Err(ApiError::UnsupportedMediaType);
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(SubmissionId::parse)
        .ok_or(ApiError::MissingKey)?;
    // Over the limit, a submission already stored still gets its stored answer: the widget's
    // retry of a send whose answer was lost must never be refused.
    if let Err(wait) = app
        .limiter
        .take(&crate::http::client::throttle_key(client), Instant::now())
    {
        if !app.store.has_submission(key.as_str()).await? {
            return Err(ApiError::RateLimited(wait));
        }
    }
    if multipart {
        return with_photos(app, headers, &key, req).await;
    }
    let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge("A submission is at most 256 KB"))?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::NotText)?;
    let sha = fingerprint(text);
    // In flight first: a duplicate learns it at once, before any work.
    let _guard = claim(app, &key, &sha)?;
    let mut checked = checked(app, text, &key)?;
    // Photos' images come beside the JSON, in a multipart body (http/photos.rs).
    checked
        .photos_without_images()
        .map_err(ApiError::Rejected)?;
    spam_mark(app, headers, &key, &mut checked).await?;
    let new = new_submission(app, &checked, sha, Moment::now(), Vec::new());
    store(app, &key, new).await
}

/// A submission sent with its photos (issue 24): its parts read (a few bodies at a time), the
/// JSON re-checked, each photo matched with its one part, fingerprinted over the parts, then
/// each image re-encoded; stored with the submission in one transaction.
async fn with_photos(
    app: &App,
    headers: &HeaderMap,
    key: &SubmissionId,
    req: Request,
) -> Result<Response, ApiError> {
    let place = app.photo_work.uploads.clone().acquire_owned().await;
    let parts = photos::read(req).await?;
    let text = std::str::from_utf8(&parts.json).map_err(|_| ApiError::NotText)?;
    let mut checked = checked(app, text, key)?;
    let matched = photos::matched(&checked, parts.images)?;
    let sha =
        idempotency::fingerprint_parts(text, matched.iter().map(|m| (m.id.as_str(), &m.bytes[..])));
    let _guard = claim(app, key, &sha)?;
    // A retry of a submission already stored is answered as before, its photos not decoded
    // again: otherwise each replay, which the rate limit lets through, would cost the
    // decoding of up to ten large images for an answer the store then gives anyway.
    if let Some(earlier) = app.store.answered_before(key.as_str(), &sha).await? {
        return as_before(key, earlier);
    }
    spam_mark(app, headers, key, &mut checked).await?;
    let stored = photos::stored(&app.photo_work, matched).await?;
    // The parts are re-encoded: the body's place is free for the next upload.
    drop(place);
    let new = new_submission(app, &checked, sha, Moment::now(), stored);
    store(app, key, new).await
}

/// This request holds the key while it is handled; a duplicate in flight, or another body
/// under the same key, is refused at once.
fn claim(app: &App, key: &SubmissionId, sha: &str) -> Result<idempotency::Guard, ApiError> {
    match app.inflight.claim(key, sha) {
        Claim::Held(guard) => Ok(guard),
        Claim::InFlight => Err(ApiError::InFlight),
        Claim::OtherBody => Err(ApiError::KeyReused),
    }
}

/// The core's re-check, and the receiver's own checks of the JSON.
fn checked(app: &App, text: &str, key: &SubmissionId) -> Result<Checked, ApiError> {
    let checked = app
        .questionnaires
        .with(|all| recheck(text, all))
        .map_err(ApiError::Rejected)?;
    if own_key_mismatch(&checked.submission.submission_id, key) {
        return Err(ApiError::KeyMismatch);
    }
    if checked.differed.contains(&"message") && sent_message_too_long(text, &checked) {
        return Err(ApiError::MessageTooLong);
    }
    Ok(checked)
}

/// The receiver's own spam mark, beside the widget's: in the summary's `spam`, so the list,
/// the page, the plain-text summary and the exports all show it, with the reason.
async fn spam_mark(
    app: &App,
    headers: &HeaderMap,
    key: &SubmissionId,
    checked: &mut Checked,
) -> Result<(), ApiError> {
    if let Some(reason) = proof_of_work(app, headers, key).await? {
        checked.submission.spam.push(reason.to_owned());
    }
    Ok(())
}

/// The row to store: the receiver's own summary, and the answer a repeat will get.
fn new_submission(
    app: &App,
    checked: &Checked,
    sha: String,
    received: Moment,
    photos: Vec<NewPhoto>,
) -> NewSubmission {
    let own = &checked.submission;
    let (visitor_name, visitor_email, likely_spam) = app
        .questionnaires
        .find(&own.questionnaire, |q| crate::inbox::view::describe(own, q));
    let response_body = serde_json::json!({
        "ok": true,
        "submission_id": own.submission_id,
        "reference": own.reference,
    })
    .to_string();
    NewSubmission {
        submission_id: own.submission_id.clone(),
        reference: own.reference.clone(),
        questionnaire_id: own.questionnaire.id.clone(),
        questionnaire_version: own.questionnaire.version.clone(),
        completed_at: own.completed_at.clone(),
        received_at: received.rfc3339,
        received_at_ms: received.ms,
        sent_body: checked.sent.clone(),
        sent_sha256: sha,
        // As the visitor wrote it: in their language; staff read it in the clinic's.
        summary_json: own.json(),
        summary_text: app.questionnaires.reading(own, |r| r.shown.text()),
        language: own.language.clone(),
        flags_count: i64::try_from(own.flags.len()).unwrap_or(i64::MAX),
        screening_unanswered: own
            .flags
            .iter()
            .map(|f| i64::try_from(f.unanswered()).unwrap_or(i64::MAX))
            .sum(),
        flags_differed: checked.differed.contains(&"flags"),
        message_differed: checked.differed.contains(&"message"),
        differed: checked.differed.clone(),
        visitor_name,
        visitor_email,
        likely_spam,
        response_status: 201,
        response_body,
        recipients: app.recipients.to_vec(),
        photos,
    }
}

/// Stores the submission, or finds it stored: 201 after the commit, or the stored answer.
async fn store(app: &App, key: &SubmissionId, new: NewSubmission) -> Result<Response, ApiError> {
    let (flags, differed) = (new.flags_count, new.differed.join(","));
    let (reference, questionnaire) = (new.reference.clone(), new.questionnaire_id.clone());
    let response_body = new.response_body.clone();
    match app.store.insert(new).await? {
        Stored::Created => {
            tracing::info!(
                submission_id = key.as_str(),
                reference = %reference,
                questionnaire = %questionnaire,
                flags,
                differed = %differed,
                "submission stored"
            );
            if !app.recipients.is_empty() {
                app.wake.notify_one();
            }
            Ok((StatusCode::CREATED, json_body(response_body)).into_response())
        }
        earlier => as_before(key, earlier),
    }
}

/// The answer to a key used before: the one it got, for the same body; a refusal for another,
/// or while another receiver on the same database holds it.
fn as_before(key: &SubmissionId, earlier: Stored) -> Result<Response, ApiError> {
    match earlier {
        Stored::Replay { status, body } => {
            tracing::info!(submission_id = key.as_str(), "repeat answered as before");
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
            Ok((status, json_body(body)).into_response())
        }
        Stored::KeyReused => Err(ApiError::KeyReused),
        // (`Created` is answered by `store`, never here.)
        Stored::InFlight | Stored::Created => Err(ApiError::InFlight),
    }
}

/// The browser's `message` is never used (the receiver writes its own from the answers), but
/// it is stored as sent: one far longer than the core's own for these answers (each typed
/// answer already held to its question's length) is padding, not a widget's summary. Twice
/// the core's own and a kilobyte leaves room for another widget version's wording.
fn sent_message_too_long(body: &str, checked: &Checked) -> bool {
    let own = checked.submission.message.chars().count();
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|doc| doc.get("message")?.as_str().map(|m| m.chars().count()))
        .is_some_and(|sent| sent > own * 2 + 1024)
}

fn own_key_mismatch(id: &str, key: &SubmissionId) -> bool {
    id != key.as_str()
}

/// Why this submission's proof of work does not count (None: it does, or none is asked).
/// Spent here, once: a second submission with the same solution is marked; this submission's
/// own retries are not, and a replay is answered from the store whatever it carries.
async fn proof_of_work(
    app: &App,
    headers: &HeaderMap,
    key: &SubmissionId,
) -> Result<Option<&'static str>, ApiError> {
    if app.proof.maxnumber == 0 {
        return Ok(None);
    }
    let header = headers.get("altcha").and_then(|v| v.to_str().ok());
    let (solution, expires) = match app.proof.check(header, now_s()) {
        Ok(valid) => valid,
        Err(reason) => return Ok(Some(reason)),
    };
    let expires_ms = i64::try_from(expires.saturating_mul(1000)).unwrap_or(i64::MAX);
    let spent = app
        .store
        .spend_challenge(&solution.challenge, key.as_str(), expires_ms, now_ms())
        .await?;
    Ok((!spent).then_some(crate::http::challenge::REUSED))
}

#[cfg(test)]
mod tests {
    use super::essence_is;

    #[test]
    fn a_media_type_is_its_essence_in_any_case_whatever_its_parameters() {
        // RFC 9110, 8.3.1: type and subtype are case-insensitive, parameters follow a `;`,
        // whitespace may surround it.
        let cases = [
            ("application/json", "application/json", true),
            ("Application/JSON; charset=utf-8", "application/json", true),
            (
                "multipart/form-data; boundary=x",
                "multipart/form-data",
                true,
            ),
            (" image/jpeg ;q=1", "image/jpeg", true),
            ("application/json-patch+json", "application/json", false),
            ("text/plain; application/json", "application/json", false),
            ("image/png", "image/jpeg", false),
            ("", "image/jpeg", false),
        ];
        for (media_type, essence, expected) in cases {
            assert_eq!(essence_is(media_type, essence), expected, "{media_type:?}");
        }
    }
}
