//! Signing in (password, then two-factor) and out.

use super::gate::{address, cookie_value, same_origin};
use super::page::{internal, message, Nav};
use super::{auth, throttle};
use super::{Inbox, Me, ABSOLUTE, IDLE};
use crate::domain::email::MAX_EMAIL;
use crate::workers::outbox::now_ms;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
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

#[derive(Deserialize)]
pub(super) struct SignIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub(super) const SIGN_IN_FAILED: &str =
    "The email address, password or authentication code is not right. Check them and try again.";

pub(super) async fn sign_in(
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
        Ok(throttle::Verdict::Go(r)) => r,
        Ok(throttle::Verdict::Blocked { key }) => {
            // One audit entry per lockout, with its count in `sign_in_lockouts`.
            let window = now - throttle::WINDOW_MS;
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

pub(super) async fn sign_out(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Response {
    let _ = inbox.store.end_session(&me.session_hash).await;
    inbox.audit(&me.email, "signed out", "", &me.address).await;
    let mut res = Redirect::to("/inbox/sign-in").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), "", Some(0)),
    );
    res
}
