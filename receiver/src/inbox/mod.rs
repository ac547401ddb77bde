//! The staff inbox under `/inbox`: server-rendered pages (askama), no JavaScript, a strict
//! Content Security Policy. Every route but the sign-in page, the stylesheet and `GET /` (a
//! page saying what this server is, home.rs) sits behind `require_session`, a router layer, so
//! no handler can forget the check; admin routes sit behind `require_admin` as well. Posts are
//! checked there too: the `Origin` header must be this server's, and the form's `csrf` field
//! the session's token.

pub mod auth;
pub mod home;
pub mod throttle;
pub mod view;

mod account;
mod audit;
mod error;
mod gate;
mod list;
mod page;
mod photos;
mod sign_in;
mod staff;
mod submission;

use crate::domain::moment::Moment;
use crate::domain::questionnaires::Questionnaires;
use crate::store::Store;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use throttle::Throttle;

pub const IDLE: Duration = Duration::from_secs(30 * 60);
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
const PAGE: i64 = 25;
const NOTE_MAX: usize = 500;
/// The setting that makes two-factor sign-in compulsory for everyone.
const REQUIRE_TOTP: &str = "require_totp";

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE: &str = include_str!("../../static/inbox.css");

#[derive(Clone)]
pub struct Inbox {
    pub store: Store,
    pub questionnaires: Questionnaires,
    /// `Secure` on the cookie: always, unless the receiver listens on loopback over http.
    pub secure: bool,
    /// The origin staff reach the inbox at (`--public-url`), besides the Host header's.
    pub public_origin: Option<String>,
    pub throttle: Arc<Throttle>,
    /// `--trusted-proxy`: the client's own address behind a reverse proxy.
    pub proxies: Arc<crate::http::client::TrustedProxies>,
    /// A hash of no password, checked for an unknown account so it takes as long as a known.
    pub dummy_hash: Arc<String>,
    /// The key sealing TOTP secrets at rest (`--totp-key-file` or CONSULTATION_TOTP_KEY);
    /// without it two-factor sign-in cannot be set up.
    pub totp_key: Option<Arc<auth::SecretBox>>,
    /// `--time-zone`: the zone the pages show times in.
    pub zone: crate::domain::time::Zone,
}

impl Inbox {
    fn cookie_name(&self) -> &'static str {
        // `__Host-` binds the cookie to this host, path / and Secure; loopback http cannot.
        if self.secure {
            "__Host-inbox_session"
        } else {
            "inbox_session"
        }
    }
    fn pre_cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-inbox_signin"
        } else {
            "inbox_signin"
        }
    }
    fn cookie(&self, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
        if self.secure {
            c.push_str("; Secure");
        }
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    async fn audit(&self, actor: &str, action: &str, target: &str, address: &str) {
        if let Err(e) = self
            .store
            .audit(&Moment::now(), actor, action, target, address)
            .await
        {
            tracing::error!(error = %e, "audit entry not written");
        }
    }

    /// An audit entry for what a signed-in member did, from where they are.
    async fn record(&self, me: &Me, action: &str, target: &str) {
        self.audit(&me.email, action, target, &me.address).await;
    }

    async fn totp_required(&self) -> bool {
        matches!(self.store.setting(REQUIRE_TOTP).await, Ok(Some(v)) if v == "1")
    }

    /// A stored TOTP secret, opened with the clinic's key. None (and a log line saying why)
    /// when there is no key or it is not the one the secret was sealed with: the code then
    /// cannot be checked, and the sign-in fails.
    fn open_secret(&self, staff_id: &str, stored: &str) -> Option<String> {
        let opened = self
            .totp_key
            .as_ref()
            .and_then(|key| key.open(staff_id, stored));
        if opened.is_none() {
            tracing::error!(
                "a two-factor secret does not open with this receiver's key: is \
                 --totp-key-file (or CONSULTATION_TOTP_KEY) the key it was sealed with?"
            );
        }
        opened
    }
}

/// Hashes a password on the throttle's hashing threads (Argon2id takes a moment and 19 MiB,
/// and only a few run at once).
async fn hash_blocking(inbox: &Inbox, password: &str) -> Result<String, auth::PasswordError> {
    inbox.throttle.hash(password.to_owned()).await
}

/// Checks a signed-in member's password again, on the same threads.
async fn verify_blocking(inbox: &Inbox, password: &str, hash: &str) -> bool {
    inbox
        .throttle
        .check(password.to_owned(), hash.to_owned())
        .await
}

/// What a signed-in route's handler takes: the inbox's state and who is signed in (put there
/// by `require_session`).
pub(crate) struct SignedIn(Inbox, Me);

impl<S> FromRequestParts<S> for SignedIn
where
    Inbox: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = error::InboxError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let me = parts.extensions.get::<Me>().cloned();
        let me = me.ok_or(error::InboxError::Broken(
            "a signed-in route without the gate",
        ))?;
        Ok(SignedIn(Inbox::from_ref(state), me))
    }
}

/// Who is signed in, for handlers and templates.
#[derive(Clone)]
pub struct Me {
    pub staff_id: String,
    pub email: String,
    pub admin: bool,
    pub csrf: String,
    pub session_hash: String,
    pub has_totp: bool,
    /// Signed in with an issued password: only "Choose your password" until it is replaced.
    pub must_change: bool,
    pub address: String,
}

/// The inbox's routes, under `/inbox`, and `GET /`. The session gate sits on the signed-in
/// routes inside the nest, so it sees their paths without the `/inbox` prefix.
pub fn router<S>(inbox: Inbox) -> Router<S>
where
    Inbox: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    let admin = Router::new()
        .route(
            "/submissions/{id}/delete",
            get(submission::delete_page).post(submission::delete_submission),
        )
        .route("/staff", get(staff::staff_page).post(staff::staff_add))
        .route("/staff/remove", post(staff::staff_remove))
        .route(
            "/staff/reset-two-factor",
            post(staff::staff_reset_two_factor),
        )
        .route("/settings/two-factor", post(staff::require_two_factor))
        .route("/audit", get(audit::audit_page))
        .route_layer(middleware::from_fn(gate::require_admin));
    let submissions = Router::new()
        .route("/", get(submission::submission_page))
        .route("/status", post(submission::change_status))
        .route("/note", post(submission::change_note))
        .route("/export.json", get(submission::export_json))
        .route("/export.fhir.json", get(submission::export_fhir))
        .route("/consent.pdf", get(submission::consent_pdf))
        .route("/photos/{photo}", get(photos::photo))
        .route("/photos/{photo}/thumbnail", get(photos::thumbnail));
    let account = Router::new()
        .route("/", get(account::account_page))
        .route("/two-factor", post(account::totp_start))
        .route("/two-factor/confirm", post(account::totp_confirm))
        .route(
            "/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/recovery-codes", post(account::new_recovery_codes))
        .route("/sign-out-everywhere", post(account::sign_out_everywhere));
    let signed_in = Router::new()
        .route("/", get(list::list_page))
        .route("/export.csv", get(list::export_csv))
        .nest("/submissions/{id}", submissions)
        .nest("/account", account)
        .route("/sign-out", post(sign_in::sign_out))
        .merge(admin)
        .route_layer(middleware::from_fn_with_state(
            inbox.clone(),
            gate::require_session,
        ));
    let pages = signed_in
        .route(
            "/sign-in",
            get(sign_in::sign_in_page).post(sign_in::sign_in),
        )
        .route("/style.css", get(gate::style));
    Router::new()
        .nest("/inbox", pages)
        .route("/", get(crate::inbox::home::page))
        .layer(middleware::from_fn_with_state(
            inbox,
            gate::security_headers,
        ))
}
