//! The member's own account: password, two-factor sign-in, recovery codes, sessions.

use super::auth;
use super::error::{Answer, InboxError};
use super::page::{message, nav, Nav};
use super::{hash_blocking, verify_blocking, Inbox, Me, SignedIn};
use crate::domain::moment::{now_ms, now_s};
use crate::store::staff::StaffRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
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

/// The signed-in member's own row.
async fn own(inbox: &Inbox, me: &Me) -> Result<StaffRow, InboxError> {
    inbox
        .store
        .staff_by_email(&me.email)
        .await?
        .ok_or(InboxError::Broken("account gone"))
}

/// The secret of an enrolment in progress: only the session that started it sees it and may
/// finish it.
fn pending_secret(inbox: &Inbox, staff: &StaffRow, me: &Me) -> Option<String> {
    staff
        .totp_pending
        .as_ref()
        .filter(|_| staff.totp_pending_session.as_deref() == Some(&me.session_hash))
        .and_then(|stored| inbox.open_secret(&staff.staff_id, stored))
}

pub(super) async fn account(
    inbox: &Inbox,
    me: &Me,
    error: Option<&str>,
    status: StatusCode,
) -> Answer {
    let staff = own(inbox, me).await?;
    let pending = pending_secret(inbox, &staff, me).map(|secret| {
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
    let page = AccountPage {
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
    };
    Ok((status, page).into_response())
}

/// What the account page's forms send (each its own fields; the rest stay empty).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AccountForm {
    /// Starting two-factor: the enrolment code, or the password again.
    enrol_code: String,
    password: String,
    /// Confirming two-factor: the authenticator's code.
    code: String,
    /// Changing the password.
    current: String,
    new: String,
    again: String,
}

pub(super) async fn account_page(SignedIn(inbox, me): SignedIn) -> Answer {
    account(&inbox, &me, None, StatusCode::OK).await
}

/// Starts an enrolment. What it takes is what a password thief lacks: when two-factor is
/// required, the one-time enrolment code issued with the account (or by an admin's reset),
/// since a session without two-factor is then only as strong as the password; when it is
/// optional, the password typed again (the session alone is not enough: a screen left open).
pub(super) async fn totp_start(
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<AccountForm>,
) -> Answer {
    if me.has_totp {
        return Ok(Redirect::to("/inbox/account").into_response());
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
        inbox.record(&me, "two-factor set-up refused", "").await;
        let error = if required {
            "That enrolment code is not right or has expired. Use the code your admin gave you with your account, or ask them for a new one."
        } else {
            "That password is not right. Enter the password you signed in with."
        };
        return account(&inbox, &me, Some(error), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let sealed = key.seal(&me.staff_id, &auth::new_totp_secret());
    inbox
        .store
        .set_totp_pending(&me.staff_id, &sealed, &me.session_hash)
        .await?;
    Ok(Redirect::to("/inbox/account").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery_codes.html")]
pub(super) struct RecoveryPage {
    nav: Option<Nav>,
    codes: Vec<String>,
}

/// Ten new recovery codes for the account, stored hashed and shown once.
pub(super) async fn recovery_codes(inbox: &Inbox, me: &Me) -> Answer {
    let codes: Vec<String> = (0..auth::RECOVERY_CODES)
        .map(|_| auth::random_code(auth::RECOVERY_CODE_LEN))
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| auth::code_hash(&me.staff_id, c))
        .collect();
    inbox
        .store
        .replace_recovery_codes(&me.staff_id, &hashes)
        .await?;
    Ok(RecoveryPage {
        nav: nav(Some(me)),
        codes,
    }
    .into_response())
}

pub(super) async fn totp_confirm(
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<AccountForm>,
) -> Answer {
    let staff = inbox.store.staff_by_email(&me.email).await?;
    let Some(secret) = staff.and_then(|staff| pending_secret(&inbox, &staff, &me)) else {
        return Ok(Redirect::to("/inbox/account").into_response());
    };
    let Some(step) = auth::check_code(&secret, &form.code, now_s()) else {
        return account(
            &inbox,
            &me,
            Some("That code is not right. Enter the 6-digit code your app shows now."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    inbox.store.confirm_totp(&me.staff_id, step).await?;
    // Enrolling ends every other session of the account: one a thief may hold among them.
    inbox
        .store
        .end_sessions_of(&me.staff_id, Some(&me.session_hash))
        .await?;
    inbox.record(&me, "two-factor sign-in set up", "").await;
    recovery_codes(
        &inbox,
        &Me {
            has_totp: true,
            ..me
        },
    )
    .await
}

/// New recovery codes, with the password typed again; the old ones stop working.
pub(super) async fn new_recovery_codes(
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<AccountForm>,
) -> Answer {
    let staff = own(&inbox, &me).await?;
    if staff.totp_secret.is_none() {
        return Ok(Redirect::to("/inbox/account").into_response());
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
    inbox.record(&me, "made new recovery codes", "").await;
    recovery_codes(&inbox, &me).await
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub(super) struct PasswordPage {
    nav: Option<Nav>,
    csrf: String,
    /// Signed in with an issued password: this page comes before any other.
    first: bool,
    errors: Vec<String>,
    min: usize,
}

pub(super) fn password_form(me: &Me, errors: Vec<String>, status: StatusCode) -> Response {
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

pub(super) async fn password_page(Extension(me): Extension<Me>) -> Response {
    password_form(&me, vec![], StatusCode::OK)
}

/// The member's own password, with the current one: the issued-password flag clears and every
/// other session of the account ends.
pub(super) async fn change_password(
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<AccountForm>,
) -> Answer {
    let staff = own(&inbox, &me).await?;
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
        return Ok(password_form(&me, errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let hash = hash_blocking(&inbox, &form.new).await?;
    inbox
        .store
        .change_own_password(&me.staff_id, &hash, &me.session_hash)
        .await?;
    inbox.record(&me, "changed own password", "").await;
    let me = Me {
        must_change: false,
        ..me
    };
    Ok(message(
        StatusCode::OK,
        Some(&me),
        "Password changed",
        "Your password is changed, and you are signed out everywhere else.",
    ))
}

pub(super) async fn sign_out_everywhere(SignedIn(inbox, me): SignedIn) -> Answer {
    inbox.store.end_sessions_of(&me.staff_id, None).await?;
    inbox.record(&me, "signed out everywhere", "").await;
    let mut res = Redirect::to("/inbox/sign-in").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        inbox.cookie(inbox.cookie_name(), "", Some(0)),
    );
    Ok(res)
}
