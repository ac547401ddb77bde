//! Admin: the staff accounts and the clinic's settings.

use super::auth;
use super::page::{internal, nav, Nav};
use super::{hash_blocking, Inbox, Me, REQUIRE_TOTP};
use crate::domain::email::StaffEmail;
use crate::store::staff::Role;
use crate::workers::outbox::now_ms;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

pub struct StaffView {
    pub email: String,
    pub role: String,
    pub totp: bool,
    pub me: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff.html")]
pub(super) struct StaffPage {
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
pub(super) async fn staff_error(inbox: &Inbox, me: &Me, error: &str) -> Response {
    staff_list(inbox, me, None, None, Some(error)).await
}

pub(super) async fn staff_list(
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

pub(super) async fn staff_page(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
) -> Response {
    inbox
        .audit(&me.email, "read the staff list", "", &me.address)
        .await;
    staff_list(&inbox, &me, None, None, None).await
}

#[derive(Deserialize)]
pub(super) struct AddStaff {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn staff_add(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<AddStaff>,
) -> Response {
    let (Some(email), Some(role)) = (StaffEmail::parse(&form.email), Role::parse(&form.role))
    else {
        return staff_error(
            &inbox,
            &me,
            "Give an email address such as name@clinic.example, and a role.",
        )
        .await;
    };
    let email = email.as_str();
    let password = auth::generate_password();
    let hash = match hash_blocking(&inbox, &password).await {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    let id = auth::random_hex(16);
    // The password is issued (the admin sees it): the member replaces it at first sign-in.
    match inbox
        .store
        .add_staff(&id, email, role, &hash, true, now_ms())
        .await
    {
        Ok(true) => {
            let code = auth::random_code(auth::ENROL_CODE_LEN);
            if let Err(e) = inbox
                .store
                .set_enrol_code(
                    email,
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
                    email,
                    &me.address,
                )
                .await;
            staff_list(
                &inbox,
                &me,
                Some((email.to_owned(), password, code)),
                None,
                None,
            )
            .await
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
pub(super) struct RemoveStaffPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    role: &'static str,
}

#[derive(Deserialize)]
pub(super) struct RemoveStaff {
    #[serde(default)]
    email: String,
    #[serde(default)]
    confirm: String,
}

/// Removing an account asks first, as deleting a submission does: the staff page's button
/// shows what will happen, and only the confirmation's own post (`confirm=yes`) removes.
pub(super) async fn staff_remove(
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
pub(super) async fn staff_reset_two_factor(
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
pub(super) struct RequireForm {
    #[serde(default)]
    required: String,
}

pub(super) async fn require_two_factor(
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
