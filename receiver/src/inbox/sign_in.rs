//! Signing in (password, then two-factor) and out.

use super::error::Answer;
use super::gate::{address, cookie_value, same_origin};
use super::page::{message, Nav};
use super::{auth, throttle};
use super::{Inbox, SignedIn, ABSOLUTE, IDLE};
use crate::domain::digest::sha256_hex;
use crate::domain::email::MAX_EMAIL;
use crate::domain::moment::now_ms;
use crate::store::staff::StaffRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
pub(super) struct SignInPage {
    nav: Option<Nav>,
    csrf: String,
    error: Option<String>,
    email: String,
}

pub(super) async fn sign_in_page(State(inbox): State<Inbox>) -> Response {
    sign_in_form(&inbox, StatusCode::OK, None, String::new())
}

pub(super) fn sign_in_form(
    inbox: &Inbox,
    status: StatusCode,
    error: Option<&str>,
    email: String,
) -> Response {
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SignIn {
    csrf: String,
    email: String,
    password: String,
    code: String,
}

pub(super) const SIGN_IN_FAILED: &str =
    "The email address, password or authentication code is not right. Check them and try again.";

pub(super) async fn sign_in(
    State(inbox): State<Inbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Answer {
    let addr = address(&inbox, Some(&ConnectInfo(peer)), &headers);
    let pre = cookie_value(&headers, inbox.pre_cookie_name()).unwrap_or_default();
    if !same_origin(&inbox, &headers) || pre.is_empty() || !auth::same(&pre, &form.csrf) {
        return Ok(message(
            StatusCode::FORBIDDEN,
            None,
            "Refused",
            "This sign-in form has expired or did not come from the inbox. Reload the sign-in page and try again.",
        ));
    }
    let email = form.email.trim().to_lowercase();
    // RFC 5321's limit: a longer "email" is no account, and is refused before anything about
    // it is stored (the throttle's rows, the audit log).
    if email.chars().count() > MAX_EMAIL {
        return Ok(sign_in_form(
            &inbox,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("That email address is too long. Enter the address your account was made for."),
            String::new(),
        ));
    }
    let now = now_ms();
    let started = tokio::time::Instant::now();
    let client = crate::http::client::throttle_key(inbox.proxies.client(peer.ip(), &headers));
    let reservation = match inbox
        .throttle
        .reserve(&inbox.store, &email, &client, now)
        .await?
    {
        throttle::Verdict::Go(r) => r,
        throttle::Verdict::Blocked { key } => {
            // One audit entry per lockout, with its count in `sign_in_lockouts`.
            let window = now - throttle::WINDOW_MS;
            match inbox.store.record_lockout(&key, now, window).await {
                Ok(true) => inbox.audit(&email, "sign-in throttled", "", &addr).await,
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "could not count a refused sign-in"),
            }
            return Ok(try_later(&inbox, THROTTLED, form.email));
        }
    };
    let (account, used_recovery_code) = match checked(&inbox, &form, &email, now).await {
        Outcome::Passed(account, used_recovery_code) => (account, used_recovery_code),
        Outcome::Busy => {
            reservation.release(&inbox.store).await;
            return Ok(try_later(&inbox, BUSY, form.email));
        }
        Outcome::Failed => {
            // The reservation stays: this attempt counts as a failure.
            inbox.audit(&email, "sign-in failed", "", &addr).await;
            // Answer failures no sooner than a floor, so timing says nothing either way.
            tokio::time::sleep_until(started + Duration::from_millis(300)).await;
            let failed = sign_in_form(&inbox, StatusCode::OK, Some(SIGN_IN_FAILED), form.email);
            return Ok(failed);
        }
    };
    reservation.release(&inbox.store).await;
    signed_in(&inbox, &headers, &account, now, &addr, used_recovery_code).await
}
/// A refusal for now: its status, its words, and its `Retry-After` in seconds.
struct Later(StatusCode, &'static str, &'static str);

const THROTTLED: Later = Later(
    StatusCode::TOO_MANY_REQUESTS,
    "Too many attempts to sign in. Wait 15 minutes, then try again.",
    "900",
);

const BUSY: Later = Later(
    StatusCode::SERVICE_UNAVAILABLE,
    "The inbox is busy signing others in. Try again in a moment.",
    "2",
);

/// The sign-in form again, saying when to try again.
fn try_later(inbox: &Inbox, Later(status, error, retry_after): Later, email: String) -> Response {
    let mut res = sign_in_form(inbox, status, Some(error), email);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static(retry_after));
    res
}

/// What the password and second factor say.
enum Outcome {
    /// As many sign-ins as allowed are checking passwords: answer at once.
    Busy,
    Failed,
    /// The account, and whether a recovery code stood in for the 6-digit one.
    Passed(StaffRow, bool),
}

async fn checked(inbox: &Inbox, form: &SignIn, email: &str, now: i64) -> Outcome {
    // At most a few passwords are checked at once (each holds 19 MiB and a core); past that,
    // an answer at once rather than a queue that grows with an attacker's burst.
    let Some(permit) = inbox.throttle.hashing().await else {
        return Outcome::Busy;
    };
    let account = inbox.store.staff_by_email(email).await.ok().flatten();
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
    let Some(account) = account.filter(|_| password_ok) else {
        return Outcome::Failed;
    };
    let Some(stored) = &account.totp_secret else {
        return Outcome::Passed(account, false);
    };
    // Two-factor (issue 19): a recovery code in place of the 6-digit one, used once.
    let id = &account.staff_id;
    let (ok, recovery) = if auth::normalise_code(&form.code).len() == auth::RECOVERY_CODE_LEN {
        let hash = auth::code_hash(id, &form.code);
        let used = inbox.store.use_recovery_code(id, &hash).await;
        (used.unwrap_or(false), true)
    } else {
        let step = inbox
            .open_secret(id, stored)
            .and_then(|secret| auth::check_code(&secret, &form.code, (now / 1000) as u64));
        let used = match step {
            Some(step) => inbox.store.use_totp_step(id, step).await.unwrap_or(false),
            None => false,
        };
        (used, false)
    };
    if ok {
        Outcome::Passed(account, recovery)
    } else {
        Outcome::Failed
    }
}

/// A fresh session for a member who passed: its cookie, the audit entries, and the way in.
async fn signed_in(
    inbox: &Inbox,
    headers: &HeaderMap,
    account: &StaffRow,
    now: i64,
    addr: &str,
    used_recovery_code: bool,
) -> Answer {
    // A fresh session id at every sign-in; an old cookie's session ends.
    if let Some(old) = cookie_value(headers, inbox.cookie_name()) {
        let _ = inbox.store.end_session(&sha256_hex(&old)).await;
    }
    let token = auth::random_hex(32);
    let csrf = auth::random_hex(32);
    inbox
        .store
        .create_session(&sha256_hex(&token), &account.staff_id, &csrf, now)
        .await?;
    let _ = inbox
        .store
        .end_expired_sessions(
            now - IDLE.as_millis() as i64,
            now - ABSOLUTE.as_millis() as i64,
        )
        .await;
    inbox.audit(&account.email, "signed in", "", addr).await;
    if used_recovery_code {
        inbox
            .audit(&account.email, "used a recovery code", "", addr)
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
    Ok(res)
}

pub(super) async fn sign_out(SignedIn(inbox, me): SignedIn) -> Response {
    let _ = inbox.store.end_session(&me.session_hash).await;
    inbox.audit(&me.email, "signed out", "", &me.address).await;
    let mut res = Redirect::to("/inbox/sign-in").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), "", Some(0)),
    );
    res
}
