//! The gate every inbox request passes: the security headers and the stylesheet, the session
//! cookie, the same-origin and CSRF checks on posts, and the admin check.

use super::auth;
use super::page::message;
use super::{Inbox, Me, ABSOLUTE, CSP, IDLE, STYLE};
use crate::domain::digest::sha256_hex;
use crate::domain::moment::now_ms;
use crate::domain::role::Role;
use crate::store::sessions::SessionRow;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

pub(super) async fn security_headers(
    State(inbox): State<Inbox>,
    req: Request,
    next: Next,
) -> Response {
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

pub(super) async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        STYLE,
    )
        .into_response()
}

pub(super) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
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
pub(super) fn address(
    inbox: &Inbox,
    peer: Option<&ConnectInfo<SocketAddr>>,
    headers: &HeaderMap,
) -> String {
    peer.map(|c| inbox.proxies.client(c.0.ip(), headers).to_string())
        .unwrap_or_default()
}

/// The request's `Origin` is this server's: the Host header's, or `--public-url`'s. A post
/// without one is refused (every browser that sends forms sends it on a POST).
pub(super) fn same_origin(inbox: &Inbox, headers: &HeaderMap) -> bool {
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

pub(super) fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub(super) async fn session_of(inbox: &Inbox, headers: &HeaderMap) -> Option<(String, SessionRow)> {
    let token = cookie_value(headers, inbox.cookie_name())?;
    let hash = sha256_hex(&token);
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
pub(super) async fn require_session(
    State(inbox): State<Inbox>,
    req: Request,
    next: Next,
) -> Response {
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
        match posted(&inbox, &me, &parts.headers, body).await {
            Ok(body) => body,
            Err(refused) => return refused,
        }
    } else {
        body
    };
    if let Some(detour) = detour(&inbox, &me, parts.uri.path()).await {
        return detour;
    }
    let _ = inbox.store.touch_session(&hash, now_ms()).await;
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(me);
    next.run(req).await
}

/// A post's body, read once the post is shown to come from the inbox's own form: this origin,
/// the session's CSRF token.
async fn posted(inbox: &Inbox, me: &Me, headers: &HeaderMap, body: Body) -> Result<Body, Response> {
    if !same_origin(inbox, headers) {
        return Err(message(
            StatusCode::FORBIDDEN,
            Some(me),
            "Refused",
            "This form was not sent from the inbox's own pages.",
        ));
    }
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Err(message(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(me),
            "Too long",
            "That form is too long.",
        ));
    };
    let token = form_field(&bytes, "csrf").unwrap_or_default();
    if !auth::same(&token, &me.csrf) {
        return Err(message(
            StatusCode::FORBIDDEN,
            Some(me),
            "Refused",
            "This form has expired or did not come from the inbox. Go back, reload the page and try again.",
        ));
    }
    Ok(Body::from(bytes))
}

/// Where a member must go first, whatever they asked for. `path` is inside the inbox (the gate
/// sits within its `/inbox` nest): `/account`, not `/inbox/account`.
async fn detour(inbox: &Inbox, me: &Me, path: &str) -> Option<Response> {
    // Two-factor required and not set up yet: the account page's enrolment (and signing out)
    // only. Not even a new password: until the enrolment code is proven, this session may be
    // a password thief's, who must not lock the owner out.
    let signing_out = path == "/sign-out";
    let enrolling = matches!(
        path,
        "/account" | "/account/two-factor" | "/account/two-factor/confirm"
    );
    if !me.has_totp && inbox.totp_required().await {
        if !enrolling && !signing_out {
            return Some(Redirect::to("/inbox/account").into_response());
        }
    } else if me.must_change && !signing_out && path != "/account/password" {
        // An issued password: choosing one's own comes before anything else.
        return Some(Redirect::to("/inbox/account/password").into_response());
    }
    None
}

pub(super) async fn require_admin(req: Request, next: Next) -> Response {
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
