//! Admin: the staff accounts and the clinic's settings.

use super::auth;
use super::error::Answer;
use super::page::{nav, Nav};
use super::{hash_blocking, Inbox, Me, REQUIRE_TOTP};
use crate::domain::email::StaffEmail;
use crate::store::staff::Role;
use crate::workers::outbox::now_ms;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
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
pub(super) async fn staff_error(inbox: &Inbox, me: &Me, error: &str) -> Answer {
    staff_list(inbox, me, None, None, Some(error)).await
}

pub(super) async fn staff_list(
    inbox: &Inbox,
    me: &Me,
    created: Option<(String, String, String)>,
    reset: Option<(String, String)>,
    error: Option<&str>,
) -> Answer {
    let staff = inbox.store.list_staff().await?;
    Ok(StaffPage {
        nav: nav(Some(me)),
        csrf: me.csrf.clone(),
        staff: staff
            .into_iter()
            .map(|s| StaffView {
                me: s.email == me.email,
                email: s.email,
                role: role_name(s.role, "Admin", "Staff").into(),
                totp: s.totp_secret.is_some(),
            })
            .collect(),
        required: inbox.totp_required().await,
        created,
        reset,
        error: error.map(str::to_owned),
    }
    .into_response())
}

/// How a page names a role: `admin` for an admin, `staff` for the rest.
fn role_name(role: Role, admin: &'static str, staff: &'static str) -> &'static str {
    if role == Role::Admin {
        admin
    } else {
        staff
    }
}

pub(super) async fn staff_page(State(inbox): State<Inbox>, Extension(me): Extension<Me>) -> Answer {
    inbox.record(&me, "read the staff list", "").await;
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
) -> Answer {
    let (Some(email), Some(role)) = (StaffEmail::parse(&form.email), Role::parse(&form.role))
    else {
        let error = "Give an email address such as name@clinic.example, and a role.";
        return staff_error(&inbox, &me, error).await;
    };
    let password = auth::generate_password();
    let hash = hash_blocking(&inbox, &password).await?;
    let id = auth::random_hex(16);
    // The password is issued (the admin sees it): the member replaces it at first sign-in.
    let email = email.as_str();
    if !inbox
        .store
        .add_staff(&id, email, role, &hash, true, now_ms())
        .await?
    {
        let error = "There is already an account with that email address.";
        return staff_error(&inbox, &me, error).await;
    }
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let expires = now_ms() + auth::ENROL_CODE_MS;
    let code_hash = auth::code_hash(&id, &code);
    inbox
        .store
        .set_enrol_code(email, &code_hash, expires)
        .await?;
    let action = format!("added {} account", role.as_str());
    inbox.record(&me, &action, email).await;
    let created = Some((email.to_owned(), password, code));
    staff_list(&inbox, &me, created, None, None).await
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
) -> Answer {
    const NO_ACCOUNT: &str = "There is no account with that email address.";
    let Some(email) = StaffEmail::parse(&form.email) else {
        return staff_error(&inbox, &me, NO_ACCOUNT).await;
    };
    let email = email.as_str();
    if email == me.email {
        return staff_error(&inbox, &me, "You cannot remove your own account.").await;
    }
    if form.confirm != "yes" {
        let Some(staff) = inbox.store.staff_by_email(email).await? else {
            return staff_error(&inbox, &me, NO_ACCOUNT).await;
        };
        return Ok(RemoveStaffPage {
            nav: nav(Some(&me)),
            csrf: me.csrf.clone(),
            email: staff.email,
            role: role_name(staff.role, "An admin", "A staff"),
        }
        .into_response());
    }
    // Nothing was removed, so nothing is audited as removed.
    if !inbox.store.remove_staff(email).await? {
        return staff_error(&inbox, &me, NO_ACCOUNT).await;
    }
    inbox.record(&me, "removed account", email).await;
    Ok(Redirect::to("/inbox/staff").into_response())
}

/// An admin turns off a member's two-factor sign-in (a lost phone, or a thief's enrolment):
/// authenticator, pending enrolment and recovery codes go, their sessions end, and a new
/// enrolment code is shown once for them to set it up again.
pub(super) async fn staff_reset_two_factor(
    State(inbox): State<Inbox>,
    Extension(me): Extension<Me>,
    Form(form): Form<AddStaff>,
) -> Answer {
    const NO_ACCOUNT: &str = "There is no such account.";
    let Some(email) = StaffEmail::parse(&form.email) else {
        return staff_error(&inbox, &me, NO_ACCOUNT).await;
    };
    let email = email.as_str();
    if email == me.email {
        let error = "You cannot reset your own two-factor sign-in. Ask another admin.";
        return staff_error(&inbox, &me, error).await;
    }
    let Some(staff) = inbox.store.staff_by_email(email).await? else {
        return staff_error(&inbox, &me, NO_ACCOUNT).await;
    };
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let hash = auth::code_hash(&staff.staff_id, &code);
    let expires = now_ms() + auth::ENROL_CODE_MS;
    inbox.store.reset_two_factor(email, &hash, expires).await?;
    inbox.record(&me, "reset two-factor", email).await;
    staff_list(&inbox, &me, None, Some((email.to_owned(), code)), None).await
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
) -> Answer {
    let on = form.required == "yes";
    if on && inbox.totp_key.is_none() {
        return staff_error(&inbox, &me, "Two-factor sign-in cannot be required yet: the receiver has no key to keep it safe with (--totp-key-file).").await;
    }
    let value = if on { "1" } else { "0" };
    inbox.store.set_setting(REQUIRE_TOTP, value).await?;
    let action = if on {
        "required two-factor sign-in"
    } else {
        "made two-factor sign-in optional"
    };
    inbox.record(&me, action, "").await;
    Ok(Redirect::to("/inbox/staff").into_response())
}
