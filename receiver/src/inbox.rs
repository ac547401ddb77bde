//! The staff inbox under `/inbox`: server-rendered pages (askama), no JavaScript, a strict
//! Content Security Policy. Every route but the sign-in page and the stylesheet sits behind
//! `require_session`, a router layer, so no handler can forget the check; admin routes sit
//! behind `require_admin` as well. Posts are checked there too: the `Origin` header must be
//! this server's, and the form's `csrf` field the session's token.

use crate::auth::{self, Throttle};
use crate::outbox::now_ms;
use crate::questionnaires::Questionnaires;
use crate::store::inbox::{status_label, Filter, Role, SessionRow, STATUSES};
use crate::store::Store;
use crate::{csv, fhir, view};
use askama::Template;
use askama_web::WebTemplate;
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
/// The setting that makes two-factor sign-in compulsory for everyone.
const REQUIRE_TOTP: &str = "require_totp";

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE: &str = include_str!("../static/inbox.css");

#[derive(Clone)]
pub struct Inbox {
    pub store: Store,
    pub questionnaires: Questionnaires,
    /// `Secure` on the cookie: always, unless the receiver listens on loopback over http.
    pub secure: bool,
    /// The origin staff reach the inbox at (`--public-url`), besides the Host header's.
    pub public_origin: Option<String>,
    pub throttle: Arc<Throttle>,
    /// A hash of no password, checked for an unknown account so it takes as long as a known.
    pub dummy_hash: Arc<String>,
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

fn address(req_ext: Option<&ConnectInfo<SocketAddr>>) -> String {
    req_ext.map(|c| c.0.ip().to_string()).unwrap_or_default()
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
    let addr = address(req.extensions().get::<ConnectInfo<SocketAddr>>());
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
    // Two-factor required and not set up yet: the account page (and signing out) only.
    let path = parts.uri.path();
    if !me.has_totp
        && !path.starts_with("/inbox/account")
        && path != "/inbox/sign-out"
        && inbox.totp_required().await
    {
        return Redirect::to("/inbox/account").into_response();
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
    let addr = peer.ip().to_string();
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
    let now = now_ms();
    let started = tokio::time::Instant::now();
    if inbox
        .throttle
        .blocked(&inbox.store, &email, &addr, now)
        .await
    {
        inbox.audit(&email, "sign-in throttled", "", &addr).await;
        return sign_in_form(
            &inbox,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts to sign in. Wait 15 minutes, then try again."),
            form.email,
        );
    }
    let account = inbox.store.staff_by_email(&email).await.ok().flatten();
    // The same work whether the account exists: a password is always checked against a hash.
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| inbox.dummy_hash.to_string());
    let password = form.password.clone();
    let password_ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let mut ok = password_ok && account.is_some();
    if let (true, Some(a)) = (ok, account.as_ref()) {
        if let Some(secret) = &a.totp_secret {
            let now_s = (now / 1000) as u64;
            ok = match auth::check_code(secret, &form.code, now_s) {
                Some(step) => inbox
                    .store
                    .use_totp_step(&a.staff_id, step)
                    .await
                    .unwrap_or(false),
                None => false,
            };
        }
    }
    let (Some(account), true) = (account, ok) else {
        inbox
            .throttle
            .failed(&inbox.store, &email, &addr, now)
            .await;
        inbox.audit(&email, "sign-in failed", "", &addr).await;
        // Answer failures no sooner than a floor, so timing says nothing either way.
        tokio::time::sleep_until(started + Duration::from_millis(300)).await;
        return sign_in_form(&inbox, StatusCode::OK, Some(SIGN_IN_FAILED), form.email);
    };
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
    let mut res = Redirect::to("/inbox").into_response();
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
    pub received: String,
    pub name: String,
    pub flags: i64,
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
                received: view::when(&r.received_at),
                name: if r.visitor_name.is_empty() {
                    "(no name given)".into()
                } else {
                    r.visitor_name
                },
                flags: r.flags_count,
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
    received: String,
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
        received: view::when(&row.list.received_at),
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
    received: String,
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
        received: view::when(&row.list.received_at),
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
// Account: two-factor sign-in

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    has_totp: bool,
    required: bool,
    pending: Option<(String, String)>,
    error: Option<String>,
}

async fn account(inbox: &Inbox, me: &Me, error: Option<&str>, status: StatusCode) -> Response {
    let staff = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s,
        Ok(None) => return internal("account gone".into()),
        Err(e) => return internal(e),
    };
    let pending = staff.totp_pending.as_ref().map(|secret| {
        let grouped = secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        (
            grouped,
            auth::otpauth_uri(secret, "Consultation inbox", &me.email),
        )
    });
    (
        status,
        AccountPage {
            nav: nav(Some(me)),
            csrf: me.csrf.clone(),
            email: me.email.clone(),
            has_totp: staff.totp_secret.is_some(),
            required: inbox.totp_required().await,
            pending,
            error: error.map(str::to_owned),
        },
    )
        .into_response()
}

async fn account_page(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    account(&inbox, &me, None, StatusCode::OK).await
}

async fn totp_start(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    if me.has_totp {
        return Redirect::to("/inbox/account").into_response();
    }
    if let Err(e) = inbox
        .store
        .set_totp_pending(&me.staff_id, &auth::new_totp_secret())
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

async fn totp_confirm(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<CodeForm>,
) -> Response {
    let pending = match inbox.store.staff_by_email(&me.email).await {
        Ok(Some(s)) => s.totp_pending,
        Ok(None) => None,
        Err(e) => return internal(e),
    };
    let Some(secret) = pending else {
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
    inbox
        .audit(&me.email, "two-factor sign-in set up", "", &me.address)
        .await;
    Redirect::to("/inbox/account").into_response()
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
    created: Option<(String, String)>,
    error: Option<String>,
}

async fn staff_list(
    inbox: &Inbox,
    me: &Me,
    created: Option<(String, String)>,
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
        error: error.map(str::to_owned),
    }
    .into_response()
}

async fn staff_page(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    inbox
        .audit(&me.email, "read the staff list", "", &me.address)
        .await;
    staff_list(&inbox, &me, None, None).await
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
        return staff_list(
            &inbox,
            &me,
            None,
            Some("Give an email address such as name@clinic.example, and a role."),
        )
        .await;
    };
    let password = auth::generate_password();
    let hash = match tokio::task::spawn_blocking({
        let p = password.clone();
        move || auth::hash_password(&p)
    })
    .await
    {
        Ok(Ok(h)) => h,
        _ => return internal("hashing failed".into()),
    };
    match inbox
        .store
        .add_staff(&crate::auth::random_hex(16), &email, role, &hash, now_ms())
        .await
    {
        Ok(true) => {
            inbox
                .audit(
                    &me.email,
                    &format!("added {} account", role.as_str()),
                    &email,
                    &me.address,
                )
                .await;
            staff_list(&inbox, &me, Some((email, password)), None).await
        }
        Ok(false) => {
            staff_list(
                &inbox,
                &me,
                None,
                Some("There is already an account with that email address."),
            )
            .await
        }
        Err(e) => internal(e),
    }
}

async fn staff_remove(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<AddStaff>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    if email == me.email {
        return staff_list(
            &inbox,
            &me,
            None,
            Some("You cannot remove your own account."),
        )
        .await;
    }
    match inbox.store.remove_staff(&email).await {
        Ok(_) => {
            inbox
                .audit(&me.email, "removed account", &email, &me.address)
                .await;
            Redirect::to("/inbox/staff").into_response()
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
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub address: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
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
    let (entries, total) = match inbox.store.audit_entries((page - 1) * 100, 100).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    AuditPage {
        nav: nav(Some(&me)),
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                at: view::when(&e.at),
                actor: view::clean(&e.actor),
                action: e.action,
                target: view::clean(&e.target),
                address: e.address,
            })
            .collect(),
        total,
        newer: (page > 1).then(|| format!("/inbox/audit?page={}", page - 1)),
        older: (page * 100 < total).then(|| format!("/inbox/audit?page={}", page + 1)),
    }
    .into_response()
}
