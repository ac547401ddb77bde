//! The staff inbox under `/inbox`: server-rendered pages (askama), no JavaScript, a strict
//! Content Security Policy. Every route but the sign-in page, the stylesheet and `GET /` (a
//! page saying what this server is, home.rs) sits behind `require_session`, a router layer, so
//! no handler can forget the check; admin routes sit behind `require_admin` as well. Posts are
//! checked there too: the `Origin` header must be this server's, and the form's `csrf` field
//! the session's token.

pub mod auth;
pub mod home;
pub mod view;

use crate::domain::questionnaires::Questionnaires;
use crate::domain::time::When;
use crate::export::{csv, fhir};
use crate::store::inbox::{status_label, Filter, Role, SessionRow, STATUSES};
use crate::store::Store;
use crate::workers::outbox::now_ms;
use askama::Template;
use askama_web::WebTemplate;
use auth::Throttle;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use consultation_widget::core::summary::Summary;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub const IDLE: Duration = Duration::from_secs(30 * 60);
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
const PAGE: i64 = 25;
const NOTE_MAX: usize = 500;
/// The longest email address (RFC 5321 §4.5.3.1.3: a path of 256 octets, less the brackets).
pub const MAX_EMAIL: usize = 254;
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
        let at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        if let Err(e) = self
            .store
            .audit(&at, now_ms(), actor, action, target, address)
            .await
        {
            tracing::error!(error = %e, "audit entry not written");
        }
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
async fn hash_blocking(inbox: &Inbox, password: &str) -> Result<String, String> {
    inbox.throttle.hash(password.to_owned()).await
}

/// Checks a signed-in member's password again, on the same threads.
async fn verify_blocking(inbox: &Inbox, password: &str, hash: &str) -> bool {
    inbox
        .throttle
        .check(password.to_owned(), hash.to_owned())
        .await
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

pub fn router(inbox: Inbox) -> Router {
    let admin = Router::new()
        .route(
            "/inbox/submissions/{id}/delete",
            get(delete_page).post(delete_submission),
        )
        .route("/inbox/staff", get(staff_page).post(staff_add))
        .route("/inbox/staff/remove", post(staff_remove))
        .route(
            "/inbox/staff/reset-two-factor",
            post(staff_reset_two_factor),
        )
        .route("/inbox/settings/two-factor", post(require_two_factor))
        .route("/inbox/audit", get(audit_page))
        .route_layer(middleware::from_fn(require_admin));
    let signed_in = Router::new()
        .route("/inbox", get(list_page))
        .route("/inbox/export.csv", get(export_csv))
        .route("/inbox/submissions/{id}", get(submission_page))
        .route("/inbox/submissions/{id}/status", post(change_status))
        .route("/inbox/submissions/{id}/note", post(change_note))
        .route("/inbox/submissions/{id}/export.json", get(export_json))
        .route("/inbox/submissions/{id}/export.fhir.json", get(export_fhir))
        .route("/inbox/account", get(account_page))
        .route("/inbox/account/two-factor", post(totp_start))
        .route("/inbox/account/two-factor/confirm", post(totp_confirm))
        .route(
            "/inbox/account/password",
            get(password_page).post(change_password),
        )
        .route("/inbox/account/recovery-codes", post(new_recovery_codes))
        .route(
            "/inbox/account/sign-out-everywhere",
            post(sign_out_everywhere),
        )
        .route("/inbox/sign-out", post(sign_out))
        .merge(admin)
        .route_layer(middleware::from_fn_with_state(
            inbox.clone(),
            require_session,
        ));
    Router::new()
        .merge(signed_in)
        .route("/inbox/sign-in", get(sign_in_page).post(sign_in))
        .route("/inbox/style.css", get(style))
        .route("/", get(crate::inbox::home::page))
        .layer(middleware::from_fn_with_state(
            inbox.clone(),
            security_headers,
        ))
        .with_state(inbox)
}

async fn security_headers(State(inbox): State<Inbox>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // Served as https (behind the TLS proxy): browsers go on using https for a year. Not
    // includeSubDomains: the clinic's other hosts are not the receiver's to decide.
    if inbox
        .public_origin
        .as_deref()
        .is_some_and(|o| o.starts_with("https://"))
    {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        STYLE,
    )
        .into_response()
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's address as the audit log records it (behind a trusted proxy, the one the
/// proxy names).
fn address(inbox: &Inbox, peer: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> String {
    peer.map(|c| inbox.proxies.client(c.0.ip(), headers).to_string())
        .unwrap_or_default()
}

/// The request's `Origin` is this server's: the Host header's, or `--public-url`'s. A post
/// without one is refused (every browser that sends forms sends it on a POST).
fn same_origin(inbox: &Inbox, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    if inbox.public_origin.as_deref() == Some(origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let scheme = if inbox.secure { "https://" } else { "http://" };
    match (host, origin.strip_prefix(scheme)) {
        (Some(host), Some(rest)) => rest.eq_ignore_ascii_case(host),
        _ => false,
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn session_of(inbox: &Inbox, headers: &HeaderMap) -> Option<(String, SessionRow)> {
    let token = cookie_value(headers, inbox.cookie_name())?;
    let hash = auth::sha256_hex(&token);
    let row = inbox.store.session(&hash).await.ok()??;
    let now = now_ms();
    let idle = now - row.last_seen_ms > IDLE.as_millis() as i64;
    let old = now - row.created_at_ms > ABSOLUTE.as_millis() as i64;
    if idle || old {
        let _ = inbox.store.end_session(&hash).await;
        return None;
    }
    Some((hash, row))
}

/// The session check every signed-in route passes: no valid session, no handler. Posts must
/// also come from this origin with the session's CSRF token.
async fn require_session(State(inbox): State<Inbox>, req: Request, next: Next) -> Response {
    let addr = address(
        &inbox,
        req.extensions().get::<ConnectInfo<SocketAddr>>(),
        req.headers(),
    );
    let Some((hash, row)) = session_of(&inbox, req.headers()).await else {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return Redirect::to("/inbox/sign-in").into_response();
        }
        return message(
            StatusCode::UNAUTHORIZED,
            None,
            "Signed out",
            "Your session has ended. Sign in again.",
        );
    };
    let me = Me {
        staff_id: row.staff.staff_id.clone(),
        email: row.staff.email.clone(),
        admin: row.staff.role == Role::Admin,
        csrf: row.csrf.clone(),
        session_hash: hash.clone(),
        has_totp: row.staff.totp_secret.is_some(),
        must_change: row.staff.must_change_password,
        address: addr,
    };
    let (parts, body) = req.into_parts();
    let body = if parts.method == Method::POST {
        if !same_origin(&inbox, &parts.headers) {
            return message(
                StatusCode::FORBIDDEN,
                Some(&me),
                "Refused",
                "This form was not sent from the inbox's own pages.",
            );
        }
        let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
            return message(
                StatusCode::PAYLOAD_TOO_LARGE,
                Some(&me),
                "Too long",
                "That form is too long.",
            );
        };
        let token = form_field(&bytes, "csrf").unwrap_or_default();
        if !auth::same(&token, &me.csrf) {
            return message(
                StatusCode::FORBIDDEN,
                Some(&me),
                "Refused",
                "This form has expired or did not come from the inbox. Go back, reload the page and try again.",
            );
        }
        Body::from(bytes)
    } else {
        body
    };
    // Two-factor required and not set up yet: the account page's enrolment (and signing out)
    // only. Not even a new password: until the enrolment code is proven, this session may be
    // a password thief's, who must not lock the owner out.
    let path = parts.uri.path();
    let signing_out = path == "/inbox/sign-out";
    let enrolling = matches!(
        path,
        "/inbox/account" | "/inbox/account/two-factor" | "/inbox/account/two-factor/confirm"
    );
    if !me.has_totp && inbox.totp_required().await {
        if !enrolling && !signing_out {
            return Redirect::to("/inbox/account").into_response();
        }
    } else if me.must_change && !signing_out && path != "/inbox/account/password" {
        // An issued password: choosing one's own comes before anything else.
        return Redirect::to("/inbox/account/password").into_response();
    }
    let _ = inbox.store.touch_session(&hash, now_ms()).await;
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(me);
    next.run(req).await
}

async fn require_admin(req: Request, next: Next) -> Response {
    let me = req.extensions().get::<Me>().cloned();
    match me {
        Some(me) if me.admin => next.run(req).await,
        me => message(
            StatusCode::FORBIDDEN,
            me.as_ref(),
            "Admins only",
            "Only an admin can do this. Ask an admin of your clinic.",
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Templates

pub struct Nav {
    pub email: String,
    pub admin: bool,
    pub csrf: String,
}

fn nav(me: Option<&Me>) -> Option<Nav> {
    me.map(|m| Nav {
        email: m.email.clone(),
        admin: m.admin,
        csrf: m.csrf.clone(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
struct MessagePage {
    nav: Option<Nav>,
    title: String,
    text: String,
}

fn message(status: StatusCode, me: Option<&Me>, title: &str, text: &str) -> Response {
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

fn internal(e: String) -> Response {
    tracing::error!(error = %e, "inbox");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        None,
        "Something went wrong",
        "The inbox could not do that. Try again in a moment.",
    )
}

fn not_found(me: &Me) -> Response {
    message(
        StatusCode::NOT_FOUND,
        Some(me),
        "Not found",
        "There is no submission here. It may have been deleted.",
    )
}

// ---------------------------------------------------------------------------------------
// Sign in and out

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage {
    nav: Option<Nav>,
    csrf: String,
    error: Option<String>,
    email: String,
}

async fn sign_in_page(State(inbox): State<Inbox>) -> Response {
    sign_in_form(&inbox, StatusCode::OK, None, String::new())
}

fn sign_in_form(inbox: &Inbox, status: StatusCode, error: Option<&str>, email: String) -> Response {
    let token = auth::random_hex(32);
    let mut res = (
        status,
        SignInPage {
            nav: None,
            csrf: token.clone(),
            error: error.map(str::to_owned),
            email,
        },
    )
        .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.pre_cookie_name(), &token, Some(3600)),
    );
    res
}

#[derive(Deserialize)]
struct SignIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

const SIGN_IN_FAILED: &str =
    "The email address, password or authentication code is not right. Check them and try again.";

async fn sign_in(
    State(inbox): State<Inbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let addr = address(&inbox, Some(&ConnectInfo(peer)), &headers);
    let pre = cookie_value(&headers, inbox.pre_cookie_name()).unwrap_or_default();
    if !same_origin(&inbox, &headers) || pre.is_empty() || !auth::same(&pre, &form.csrf) {
        return message(
            StatusCode::FORBIDDEN,
            None,
            "Refused",
            "This sign-in form has expired or did not come from the inbox. Reload the sign-in page and try again.",
        );
    }
    let email = form.email.trim().to_lowercase();
    // RFC 5321's limit: a longer "email" is no account, and is refused before anything about
    // it is stored (the throttle's rows, the audit log).
    if email.chars().count() > MAX_EMAIL {
        return sign_in_form(
            &inbox,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("That email address is too long. Enter the address your account was made for."),
            String::new(),
        );
    }
    let now = now_ms();
    let started = tokio::time::Instant::now();
    let client = crate::http::client::throttle_key(inbox.proxies.client(peer.ip(), &headers));
    let reservation = match inbox
        .throttle
        .reserve(&inbox.store, &email, &client, now)
        .await
    {
        Ok(auth::Verdict::Go(r)) => r,
        Ok(auth::Verdict::Blocked { key }) => {
            // One audit entry per lockout, with its count in `sign_in_lockouts`.
            let window = now - auth::WINDOW_MS;
            match inbox.store.record_lockout(&key, now, window).await {
                Ok(true) => inbox.audit(&email, "sign-in throttled", "", &addr).await,
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "could not count a refused sign-in"),
            }
            let mut res = sign_in_form(
                &inbox,
                StatusCode::TOO_MANY_REQUESTS,
                Some("Too many attempts to sign in. Wait 15 minutes, then try again."),
                form.email,
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("900"));
            return res;
        }
        Err(e) => return internal(e),
    };
    // At most a few passwords are checked at once (each holds 19 MiB and a core); past that,
    // an answer at once rather than a queue that grows with an attacker's burst.
    let Some(permit) = inbox.throttle.hashing().await else {
        reservation.release(&inbox.store).await;
        let mut res = sign_in_form(
            &inbox,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("The inbox is busy signing others in. Try again in a moment."),
            form.email,
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return res;
    };
    let account = inbox.store.staff_by_email(&email).await.ok().flatten();
    // The same work whether the account exists: a password is always checked against a hash.
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| inbox.dummy_hash.to_string());
    let password_ok = inbox
        .throttle
        .verify(&permit, form.password.clone(), hash)
        .await;
    drop(permit);
    let mut ok = password_ok && account.is_some();
    let mut used_recovery_code = false;
    if let (true, Some(a)) = (ok, account.as_ref()) {
        if let Some(stored) = &a.totp_secret {
            // Two-factor (issue 19): a recovery code in place of the 6-digit one, used once.
            if auth::normalise_code(&form.code).len() == auth::RECOVERY_CODE_LEN {
                let hash = auth::code_hash(&a.staff_id, &form.code);
                ok = (inbox.store.use_recovery_code(&a.staff_id, &hash).await).unwrap_or(false);
                used_recovery_code = ok;
            } else {
                let now_s = (now / 1000) as u64;
                let step = inbox
                    .open_secret(&a.staff_id, stored)
                    .and_then(|secret| auth::check_code(&secret, &form.code, now_s));
                ok = match step {
                    Some(step) => inbox
                        .store
                        .use_totp_step(&a.staff_id, step)
                        .await
                        .unwrap_or(false),
                    None => false,
                };
            }
        }
    }
    let (Some(account), true) = (account, ok) else {
        // The reservation stays: this attempt counts as a failure.
        inbox.audit(&email, "sign-in failed", "", &addr).await;
        // Answer failures no sooner than a floor, so timing says nothing either way.
        tokio::time::sleep_until(started + Duration::from_millis(300)).await;
        return sign_in_form(&inbox, StatusCode::OK, Some(SIGN_IN_FAILED), form.email);
    };
    reservation.release(&inbox.store).await;
    // A fresh session id at every sign-in; an old cookie's session ends.
    if let Some(old) = cookie_value(&headers, inbox.cookie_name()) {
        let _ = inbox.store.end_session(&auth::sha256_hex(&old)).await;
    }
    let token = auth::random_hex(32);
    let csrf = auth::random_hex(32);
    if let Err(e) = inbox
        .store
        .create_session(&auth::sha256_hex(&token), &account.staff_id, &csrf, now)
        .await
    {
        return internal(e);
    }
    let _ = inbox
        .store
        .end_expired_sessions(
            now - IDLE.as_millis() as i64,
            now - ABSOLUTE.as_millis() as i64,
        )
        .await;
    inbox.audit(&account.email, "signed in", "", &addr).await;
    if used_recovery_code {
        inbox
            .audit(&account.email, "used a recovery code", "", &addr)
            .await;
    }
    // An issued password is replaced first (issue 19).
    let next = if account.must_change_password {
        "/inbox/account/password"
    } else {
        "/inbox"
    };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), &token, None),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.pre_cookie_name(), "", Some(0)),
    );
    res
}

async fn sign_out(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    let _ = inbox.store.end_session(&me.session_hash).await;
    inbox.audit(&me.email, "signed out", "", &me.address).await;
    let mut res = Redirect::to("/inbox/sign-in").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), "", Some(0)),
    );
    res
}

// ---------------------------------------------------------------------------------------
// The list

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct RowView {
    pub href: String,
    pub reference: String,
    pub received: When,
    pub name: String,
    pub flags: i64,
    /// "Screening incomplete: 2 questions not answered", when any were.
    pub incomplete: Option<String>,
    pub spam: bool,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "list.html")]
struct ListPage {
    nav: Option<Nav>,
    statuses: Vec<Opt>,
    search: String,
    rows: Vec<RowView>,
    showing: String,
    newer: Option<String>,
    older: Option<String>,
    csv_href: String,
    filtered: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> Filter {
        Filter {
            status: STATUSES
                .iter()
                .any(|(v, _)| *v == self.status)
                .then(|| self.status.clone()),
            search: Some(self.q.chars().take(200).collect()),
        }
    }
    fn href(&self, path: &str, page: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.status.is_empty() {
            pairs.push(("status", self.status.clone()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            pairs.push(("page", p.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

async fn list_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let filter = query.filter();
    let (rows, total) = match inbox.store.list(&filter, (page - 1) * PAGE, PAGE).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let first = (page - 1) * PAGE + 1;
    let showing = if total == 0 {
        String::new()
    } else {
        format!(
            "Showing {}–{} of {}",
            first.min(total),
            (first + rows.len() as i64 - 1).max(first),
            total
        )
    };
    let mut statuses = vec![Opt {
        value: String::new(),
        label: "Any status".into(),
        selected: filter.status.is_none(),
    }];
    statuses.extend(STATUSES.iter().map(|(v, l)| Opt {
        value: (*v).into(),
        label: (*l).into(),
        selected: filter.status.as_deref() == Some(*v),
    }));
    ListPage {
        nav: nav(Some(&me)),
        statuses,
        search: query.q.clone(),
        rows: rows
            .into_iter()
            .map(|r| RowView {
                href: format!("/inbox/submissions/{}", r.submission_id),
                reference: r.reference,
                received: inbox.zone.when(&r.received_at),
                name: if r.visitor_name.is_empty() {
                    "(no name given)".into()
                } else {
                    r.visitor_name
                },
                // The "Screening incomplete" flag is named on its own, not counted as a flag.
                flags: r.flags_count - i64::from(r.screening_unanswered > 0),
                incomplete: view::incomplete(r.screening_unanswered),
                spam: r.likely_spam,
                status: status_label(&r.status).into(),
            })
            .collect(),
        showing,
        newer: (page > 1).then(|| query.href("/inbox", Some(page - 1))),
        older: (page * PAGE < total).then(|| query.href("/inbox", Some(page + 1))),
        csv_href: query.href("/inbox/export.csv", None),
        filtered: filter.status.is_some() || !query.q.trim().is_empty(),
    }
    .into_response()
}

async fn export_csv(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (rows, total) = match inbox.store.list(&query.filter(), 0, i64::MAX).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    inbox
        .audit(
            &me.email,
            "exported the list as CSV",
            &format!("{total} rows"),
            &me.address,
        )
        .await;
    (
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"submissions.csv\"",
            ),
        ],
        csv::write(&rows),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// One submission

#[derive(Template, WebTemplate)]
#[template(path = "submission.html")]
struct SubmissionPage {
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    received: When,
    /// When the visitor finished the form, by their browser's clock.
    completed: When,
    status: String,
    statuses: Vec<Opt>,
    note: String,
    note_max: usize,
    differed: String,
    v: view::SubmissionView,
    admin: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    saved: String,
}

/// The stored summary and its questionnaire, on this thread (the core's types are not Send,
/// so nothing of them is held across an await).
fn summarise<R>(
    inbox: &Inbox,
    summary_json: &str,
    f: impl FnOnce(&Summary, Option<&consultation_widget::core::questionnaire::Questionnaire>) -> R,
) -> Option<R> {
    let summary = Summary::from_json(summary_json).ok()?;
    Some(inbox.questionnaires.with(|all| {
        let q = all.iter().find(|q| {
            q.id == summary.questionnaire.id && q.version == summary.questionnaire.version
        });
        f(&summary, q)
    }))
}

fn valid_id(id: &str) -> bool {
    id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

async fn submission_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    if !valid_id(&id) {
        return not_found(&me);
    }
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    let Some(v) = summarise(&inbox, &row.summary_json, view::submission) else {
        return internal("a stored summary does not read".into());
    };
    inbox
        .audit(&me.email, "viewed", &row.list.reference, &me.address)
        .await;
    let differed = row
        .differed
        .split(',')
        .filter(|f| *f == "flags" || *f == "message")
        .collect::<Vec<_>>()
        .join(" and ");
    SubmissionPage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id: id.clone(),
        reference: row.list.reference.clone(),
        received: inbox.zone.when(&row.list.received_at),
        completed: inbox.zone.when(&v.completed_at),
        status: status_label(&row.list.status).into(),
        statuses: STATUSES
            .iter()
            .map(|(v, l)| Opt {
                value: (*v).into(),
                label: (*l).into(),
                selected: *v == row.list.status,
            })
            .collect(),
        note: row.note,
        note_max: NOTE_MAX,
        differed,
        v,
        admin: me.admin,
        notice: match notice.saved.as_str() {
            "status" => Some("Status changed.".into()),
            "note" => Some("Note saved.".into()),
            _ => None,
        },
    }
    .into_response()
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
}

async fn change_status(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    if !STATUSES.iter().any(|(v, _)| *v == form.status) {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&me),
            "Not a status",
            "Choose New, Reviewed, Contacted or Archived.",
        );
    }
    let reference = match inbox.store.full(&id).await {
        Ok(Some(r)) => r.list.reference,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    if let Err(e) = inbox.store.set_status(&id, &form.status).await {
        return internal(e);
    }
    inbox
        .audit(
            &me.email,
            &format!("status changed to {}", status_label(&form.status)),
            &reference,
            &me.address,
        )
        .await;
    Redirect::to(&format!("/inbox/submissions/{id}?saved=status")).into_response()
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn change_note(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    let note = form.note.replace("\r\n", "\n");
    if note.chars().count() > NOTE_MAX {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&me),
            "Note too long",
            &format!("A note can be up to {NOTE_MAX} characters. Go back and shorten it."),
        );
    }
    let reference = match inbox.store.full(&id).await {
        Ok(Some(r)) => r.list.reference,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    if let Err(e) = inbox.store.set_note(&id, note.trim()).await {
        return internal(e);
    }
    inbox
        .audit(&me.email, "note changed", &reference, &me.address)
        .await;
    Redirect::to(&format!("/inbox/submissions/{id}?saved=note")).into_response()
}

fn download(content_type: &'static str, filename: String, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn export_json(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    inbox
        .audit(
            &me.email,
            "exported as JSON",
            &row.list.reference,
            &me.address,
        )
        .await;
    download(
        "application/json",
        format!("{}.json", row.list.reference),
        row.sent_body,
    )
}

async fn export_fhir(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    let Some(doc) = summarise(&inbox, &row.summary_json, fhir::questionnaire_response) else {
        return internal("a stored summary does not read".into());
    };
    inbox
        .audit(
            &me.email,
            "exported as FHIR",
            &row.list.reference,
            &me.address,
        )
        .await;
    download(
        "application/fhir+json",
        format!("{}.fhir.json", row.list.reference),
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "delete.html")]
struct DeletePage {
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    name: String,
    received: When,
}

async fn delete_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
) -> Response {
    let row = match inbox.store.full(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(&me),
        Err(e) => return internal(e),
    };
    DeletePage {
        nav: nav(Some(&me)),
        csrf: me.csrf.clone(),
        id,
        reference: row.list.reference,
        name: row.list.visitor_name,
        received: inbox.zone.when(&row.list.received_at),
    }
    .into_response()
}

#[derive(Deserialize)]
struct Confirm {
    #[serde(default)]
    confirm: String,
}

async fn delete_submission(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Path(id): Path<String>,
    Form(form): Form<Confirm>,
) -> Response {
    if form.confirm != "yes" {
        return Redirect::to(&format!("/inbox/submissions/{id}/delete")).into_response();
    }
    match inbox.store.delete_submission(&id).await {
        Ok(Some((reference, emptied))) => {
            inbox
                .audit(&me.email, "deleted", &reference, &me.address)
                .await;
            let mut text =
                format!("Submission {reference} and everything stored with it have been deleted.");
            if !emptied {
                // The truth about the bytes (store/inbox.rs, `checkpoint`).
                text.push_str(
                    " Another reader of the database is holding back its log: the deleted bytes \
                     remain in the log file until the next checkpoint, which the receiver tries \
                     again every few seconds.",
                );
            }
            message(StatusCode::OK, Some(&me), "Submission deleted", &text)
        }
        Ok(None) => not_found(&me),
        Err(e) => internal(e),
    }
}

// ---------------------------------------------------------------------------------------
// Account: password, two-factor sign-in, recovery codes, sessions

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    has_totp: bool,
    required: bool,
    /// Two-factor is required and not set up: this page shows only its enrolment.
    restricted: bool,
    /// The key sealing secrets is configured (else two-factor cannot be set up).
    can_enrol: bool,
    pending: Option<(String, String)>,
    recovery_left: i64,
    error: Option<String>,
}

async fn account(inbox: &Inbox, me: &Me, error: Option<&str>, status: StatusCode) -> Response {
    let staff = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s,
        Ok(None) => return internal("account gone".into()),
        Err(e) => return internal(e),
    };
    // The pending secret shows only in the session that started the enrolment.
    let pending = staff
        .totp_pending
        .as_ref()
        .filter(|_| staff.totp_pending_session.as_deref() == Some(&me.session_hash))
        .and_then(|stored| inbox.open_secret(&staff.staff_id, stored))
        .map(|secret| {
            let grouped = secret
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            (
                grouped,
                auth::otpauth_uri(&secret, "Consultation inbox", &me.email),
            )
        });
    let required = inbox.totp_required().await;
    let has_totp = staff.totp_secret.is_some();
    let recovery_left = if has_totp {
        inbox
            .store
            .recovery_codes_left(&staff.staff_id)
            .await
            .unwrap_or(0)
    } else {
        0
    };
    (
        status,
        AccountPage {
            nav: nav(Some(me)),
            csrf: me.csrf.clone(),
            email: me.email.clone(),
            has_totp,
            required,
            restricted: required && !has_totp,
            can_enrol: inbox.totp_key.is_some(),
            pending,
            recovery_left,
            error: error.map(str::to_owned),
        },
    )
        .into_response()
}

async fn account_page(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    account(&inbox, &me, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    enrol_code: String,
    #[serde(default)]
    password: String,
}

/// Starts an enrolment. What it takes is what a password thief lacks: when two-factor is
/// required, the one-time enrolment code issued with the account (or by an admin's reset),
/// since a session without two-factor is then only as strong as the password; when it is
/// optional, the password typed again (the session alone is not enough: a screen left open).
async fn totp_start(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<StartForm>,
) -> Response {
    if me.has_totp {
        return Redirect::to("/inbox/account").into_response();
    }
    let Some(key) = inbox.totp_key.clone() else {
        return account(
            &inbox,
            &me,
            Some("Two-factor sign-in cannot be set up here yet: the receiver has no key to keep it safe with. Ask your admin."),
            StatusCode::SERVICE_UNAVAILABLE,
        )
        .await;
    };
    let required = inbox.totp_required().await;
    let proven = if required {
        let hash = auth::code_hash(&me.staff_id, &form.enrol_code);
        inbox
            .store
            .enrol_code_ok(&me.staff_id, &hash, now_ms())
            .await
            .unwrap_or(false)
    } else {
        match inbox.store.staff_by_email(&me.email).await {
            Ok(Some(s)) => verify_blocking(&inbox, &form.password, &s.password_hash).await,
            _ => false,
        }
    };
    if !proven {
        inbox
            .audit(&me.email, "two-factor set-up refused", "", &me.address)
            .await;
        let error = if required {
            "That enrolment code is not right or has expired. Use the code your admin gave you with your account, or ask them for a new one."
        } else {
            "That password is not right. Enter the password you signed in with."
        };
        return account(&inbox, &me, Some(error), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let secret = auth::new_totp_secret();
    if let Err(e) = inbox
        .store
        .set_totp_pending(
            &me.staff_id,
            &key.seal(&me.staff_id, &secret),
            &me.session_hash,
        )
        .await
    {
        return internal(e);
    }
    Redirect::to("/inbox/account").into_response()
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery_codes.html")]
struct RecoveryPage {
    nav: Option<Nav>,
    codes: Vec<String>,
}

/// Ten new recovery codes for the account, stored hashed and shown once.
async fn recovery_codes(inbox: &Inbox, me: &Me) -> Response {
    let codes: Vec<String> = (0..auth::RECOVERY_CODES)
        .map(|_| auth::random_code(auth::RECOVERY_CODE_LEN))
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| auth::code_hash(&me.staff_id, c))
        .collect();
    if let Err(e) = inbox
        .store
        .replace_recovery_codes(&me.staff_id, &hashes)
        .await
    {
        return internal(e);
    }
    RecoveryPage {
        nav: nav(Some(me)),
        codes,
    }
    .into_response()
}

async fn totp_confirm(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<CodeForm>,
) -> Response {
    let staff = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/inbox/account").into_response(),
        Err(e) => return internal(e),
    };
    // Only the session that started this enrolment may finish it.
    let secret = staff
        .totp_pending
        .as_ref()
        .filter(|_| staff.totp_pending_session.as_deref() == Some(&me.session_hash))
        .and_then(|stored| inbox.open_secret(&me.staff_id, stored));
    let Some(secret) = secret else {
        return Redirect::to("/inbox/account").into_response();
    };
    let now_s = (now_ms() / 1000) as u64;
    let Some(step) = auth::check_code(&secret, &form.code, now_s) else {
        return account(
            &inbox,
            &me,
            Some("That code is not right. Enter the 6-digit code your app shows now."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if let Err(e) = inbox.store.confirm_totp(&me.staff_id, step).await {
        return internal(e);
    }
    // Enrolling ends every other session of the account: one a thief may hold among them.
    if let Err(e) = inbox
        .store
        .end_sessions_of(&me.staff_id, Some(&me.session_hash))
        .await
    {
        return internal(e);
    }
    inbox
        .audit(&me.email, "two-factor sign-in set up", "", &me.address)
        .await;
    recovery_codes(
        &inbox,
        &Me {
            has_totp: true,
            ..me
        },
    )
    .await
}

#[derive(Deserialize)]
struct PasswordCheck {
    #[serde(default)]
    password: String,
}

async fn new_recovery_codes(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<PasswordCheck>,
) -> Response {
    let staff = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s,
        Ok(None) => return internal("account gone".into()),
        Err(e) => return internal(e),
    };
    if staff.totp_secret.is_none() {
        return Redirect::to("/inbox/account").into_response();
    }
    if !verify_blocking(&inbox, &form.password, &staff.password_hash).await {
        return account(
            &inbox,
            &me,
            Some("That password is not right. Enter the password you signed in with."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    inbox
        .audit(&me.email, "made new recovery codes", "", &me.address)
        .await;
    recovery_codes(&inbox, &me).await
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Option<Nav>,
    csrf: String,
    /// Signed in with an issued password: this page comes before any other.
    first: bool,
    errors: Vec<String>,
    min: usize,
}

fn password_form(me: &Me, errors: Vec<String>, status: StatusCode) -> Response {
    (
        status,
        PasswordPage {
            nav: nav(Some(me)),
            csrf: me.csrf.clone(),
            first: me.must_change,
            errors,
            min: auth::MIN_PASSWORD,
        },
    )
        .into_response()
}

async fn password_page(Extension(me): Extension<Me>) -> Response {
    password_form(&me, vec![], StatusCode::OK)
}

#[derive(Deserialize)]
struct ChangePassword {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

/// The member's own password, with the current one: the issued-password flag clears and every
/// other session of the account ends.
async fn change_password(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<ChangePassword>,
) -> Response {
    let staff = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s,
        Ok(None) => return internal("account gone".into()),
        Err(e) => return internal(e),
    };
    let mut errors = vec![];
    if !verify_blocking(&inbox, &form.current, &staff.password_hash).await {
        errors.push("Your current password is not right.".to_owned());
    }
    if form.new.chars().count() < auth::MIN_PASSWORD {
        errors.push(format!(
            "Your new password needs at least {} characters.",
            auth::MIN_PASSWORD
        ));
    } else if form.new != form.again {
        errors.push("The new password and its repeat differ.".to_owned());
    } else if form.new == form.current {
        errors.push("Choose a password other than your current one.".to_owned());
    }
    if !errors.is_empty() {
        return password_form(&me, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = match hash_blocking(&inbox, &form.new).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    if let Err(e) = inbox
        .store
        .change_own_password(&me.staff_id, &hash, &me.session_hash)
        .await
    {
        return internal(e);
    }
    inbox
        .audit(&me.email, "changed own password", "", &me.address)
        .await;
    let me = Me {
        must_change: false,
        ..me
    };
    message(
        StatusCode::OK,
        Some(&me),
        "Password changed",
        "Your password is changed, and you are signed out everywhere else.",
    )
}

async fn sign_out_everywhere(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    if let Err(e) = inbox.store.end_sessions_of(&me.staff_id, None).await {
        return internal(e);
    }
    inbox
        .audit(&me.email, "signed out everywhere", "", &me.address)
        .await;
    let mut res = Redirect::to("/inbox/sign-in").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), "", Some(0)),
    );
    res
}

// ---------------------------------------------------------------------------------------
// Admin: staff, settings, audit

pub struct StaffView {
    pub email: String,
    pub role: String,
    pub totp: bool,
    pub me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff.html")]
struct StaffPage {
    nav: Option<Nav>,
    csrf: String,
    staff: Vec<StaffView>,
    required: bool,
    /// A new account: its email, issued password and enrolment code, shown once.
    created: Option<(String, String, String)>,
    /// A two-factor reset: the email and its new enrolment code, shown once.
    reset: Option<(String, String)>,
    error: Option<String>,
}

/// The staff page with an error above it.
async fn staff_error(inbox: &Inbox, me: &Me, error: &str) -> Response {
    staff_list(inbox, me, None, None, Some(error)).await
}

async fn staff_list(
    inbox: &Inbox,
    me: &Me,
    created: Option<(String, String, String)>,
    reset: Option<(String, String)>,
    error: Option<&str>,
) -> Response {
    let staff = match inbox.store.list_staff().await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    StaffPage {
        nav: nav(Some(me)),
        csrf: me.csrf.clone(),
        staff: staff
            .into_iter()
            .map(|s| StaffView {
                me: s.email == me.email,
                email: s.email,
                role: if s.role == Role::Admin {
                    "Admin"
                } else {
                    "Staff"
                }
                .into(),
                totp: s.totp_secret.is_some(),
            })
            .collect(),
        required: inbox.totp_required().await,
        created,
        reset,
        error: error.map(str::to_owned),
    }
    .into_response()
}

async fn staff_page(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    inbox
        .audit(&me.email, "read the staff list", "", &me.address)
        .await;
    staff_list(&inbox, &me, None, None, None).await
}

#[derive(Deserialize)]
struct AddStaff {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// A staff email: one `@`, something either side, no spaces or controls, at most 254.
pub fn check_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}

async fn staff_add(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<AddStaff>,
) -> Response {
    let (Some(email), Some(role)) = (check_email(&form.email), Role::parse(&form.role)) else {
        return staff_error(
            &inbox,
            &me,
            "Give an email address such as name@clinic.example, and a role.",
        )
        .await;
    };
    let password = auth::generate_password();
    let hash = match hash_blocking(&inbox, &password).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    let id = auth::random_hex(16);
    // The password is issued (the admin sees it): the member replaces it at first sign-in.
    match inbox
        .store
        .add_staff(&id, &email, role, &hash, true, now_ms())
        .await
    {
        Ok(true) => {
            let code = auth::random_code(auth::ENROL_CODE_LEN);
            if let Err(e) = inbox
                .store
                .set_enrol_code(
                    &email,
                    &auth::code_hash(&id, &code),
                    now_ms() + auth::ENROL_CODE_MS,
                )
                .await
            {
                return internal(e);
            }
            inbox
                .audit(
                    &me.email,
                    &format!("added {} account", role.as_str()),
                    &email,
                    &me.address,
                )
                .await;
            staff_list(&inbox, &me, Some((email, password, code)), None, None).await
        }
        Ok(false) => {
            staff_error(
                &inbox,
                &me,
                "There is already an account with that email address.",
            )
            .await
        }
        Err(e) => internal(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "remove_staff.html")]
struct RemoveStaffPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    role: &'static str,
}

#[derive(Deserialize)]
struct RemoveStaff {
    #[serde(default)]
    email: String,
    #[serde(default)]
    confirm: String,
}

/// Removing an account asks first, as deleting a submission does: the staff page's button
/// shows what will happen, and only the confirmation's own post (`confirm=yes`) removes.
async fn staff_remove(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<RemoveStaff>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    if email == me.email {
        return staff_error(&inbox, &me, "You cannot remove your own account.").await;
    }
    if form.confirm != "yes" {
        return match inbox.store.staff_by_email(&email).await {
            Ok(Some(staff)) => RemoveStaffPage {
                nav: nav(Some(&me)),
                csrf: me.csrf.clone(),
                email: staff.email,
                role: if staff.role == Role::Admin {
                    "An admin"
                } else {
                    "A staff"
                },
            }
            .into_response(),
            Ok(None) => {
                staff_error(&inbox, &me, "There is no account with that email address.").await
            }
            Err(e) => internal(e),
        };
    }
    match inbox.store.remove_staff(&email).await {
        Ok(true) => {
            inbox
                .audit(&me.email, "removed account", &email, &me.address)
                .await;
            Redirect::to("/inbox/staff").into_response()
        }
        // Nothing was removed, so nothing is audited as removed.
        Ok(false) => staff_error(&inbox, &me, "There is no account with that email address.").await,
        Err(e) => internal(e),
    }
}

/// An admin turns off a member's two-factor sign-in (a lost phone, or a thief's enrolment):
/// authenticator, pending enrolment and recovery codes go, their sessions end, and a new
/// enrolment code is shown once for them to set it up again.
async fn staff_reset_two_factor(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<AddStaff>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    if email == me.email {
        return staff_error(
            &inbox,
            &me,
            "You cannot reset your own two-factor sign-in. Ask another admin.",
        )
        .await;
    }
    let staff = match inbox.store.staff_by_email(&email).await {
        Ok(Some(s)) => s,
        Ok(None) => return staff_error(&inbox, &me, "There is no such account.").await,
        Err(e) => return internal(e),
    };
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let hash = auth::code_hash(&staff.staff_id, &code);
    match inbox
        .store
        .reset_two_factor(&email, &hash, now_ms() + auth::ENROL_CODE_MS)
        .await
    {
        Ok(_) => {
            inbox
                .audit(&me.email, "reset two-factor", &email, &me.address)
                .await;
            staff_list(&inbox, &me, None, Some((email, code)), None).await
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct RequireForm {
    #[serde(default)]
    required: String,
}

async fn require_two_factor(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<RequireForm>,
) -> Response {
    let on = form.required == "yes";
    if on && inbox.totp_key.is_none() {
        return staff_error(&inbox, &me, "Two-factor sign-in cannot be required yet: the receiver has no key to keep it safe with (--totp-key-file).").await;
    }
    if let Err(e) = inbox
        .store
        .set_setting(REQUIRE_TOTP, if on { "1" } else { "0" })
        .await
    {
        return internal(e);
    }
    inbox
        .audit(
            &me.email,
            if on {
                "required two-factor sign-in"
            } else {
                "made two-factor sign-in optional"
            },
            "",
            &me.address,
        )
        .await;
    Redirect::to("/inbox/staff").into_response()
}

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
fn lockout_who(key: &str) -> String {
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
const AUDIT_PAGE: i64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    lockouts: Vec<LockoutView>,
    entries: Vec<AuditView>,
    total: i64,
    newer: Option<String>,
    older: Option<String>,
}

async fn audit_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Query(query): Query<ListQuery>,
) -> Response {
    let page = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let (entries, total) = match inbox
        .store
        .audit_entries((page - 1) * AUDIT_PAGE, AUDIT_PAGE)
        .await
    {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let lockouts = if page == 1 {
        match inbox.store.lockouts(20).await {
            Ok(l) => l,
            Err(e) => return internal(e),
        }
    } else {
        Vec::new()
    };
    AuditPage {
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
    .into_response()
}
