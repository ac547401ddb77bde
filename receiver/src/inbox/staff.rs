//! Admin: the staff accounts and the clinic's settings.

use super::auth;
use super::error::{Answer, InboxError};
use super::page::{nav, Nav};
use super::{hash_blocking, Inbox, Me, SignedIn, REQUIRE_TOTP};
use crate::domain::email::StaffEmail;
use crate::domain::moment::now_ms;
use crate::domain::role::Role;
use crate::store::staff::StaffRow;
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
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

pub(super) async fn staff_page(SignedIn(inbox, me): SignedIn) -> Answer {
    inbox.record(&me, "read the staff list", "").await;
    staff_list(&inbox, &me, None, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AddStaff {
    email: String,
    role: String,
}

pub(super) async fn staff_add(SignedIn(inbox, me): SignedIn, Form(form): Form<AddStaff>) -> Answer {
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RemoveStaff {
    email: String,
    confirm: String,
}

/// The account a form names, when it is another member's; else the staff page saying
/// `unknown` (no such account) or `own` (the member's own).
async fn other_member(
    inbox: &Inbox,
    me: &Me,
    text: &str,
    [unknown, own]: [&str; 2],
) -> Result<StaffRow, InboxError> {
    let error = match StaffEmail::parse(text) {
        Some(email) if email.as_str() == me.email => own,
        Some(email) => match inbox.store.staff_by_email(email.as_str()).await? {
            Some(staff) => return Ok(staff),
            None => unknown,
        },
        None => unknown,
    };
    Err(InboxError::Refused(Box::new(
        staff_error(inbox, me, error).await?,
    )))
}

/// Removing an account asks first, as deleting a submission does: the staff page's button
/// shows what will happen, and only the confirmation's own post (`confirm=yes`) removes.
pub(super) async fn staff_remove(
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<RemoveStaff>,
) -> Answer {
    const NO_ACCOUNT: &str = "There is no account with that email address.";
    let own = "You cannot remove your own account.";
    let staff = other_member(&inbox, &me, &form.email, [NO_ACCOUNT, own]).await?;
    let email = staff.email.as_str();
    if form.confirm != "yes" {
        return Ok(RemoveStaffPage {
            nav: nav(Some(&me)),
            csrf: me.csrf.clone(),
            email: staff.email.clone(),
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
    SignedIn(inbox, me): SignedIn,
    Form(form): Form<AddStaff>,
) -> Answer {
    let errors = [
        "There is no such account.",
        "You cannot reset your own two-factor sign-in. Ask another admin.",
    ];
    let staff = other_member(&inbox, &me, &form.email, errors).await?;
    let email = staff.email.as_str();
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let hash = auth::code_hash(&staff.staff_id, &code);
    let expires = now_ms() + auth::ENROL_CODE_MS;
    inbox.store.reset_two_factor(email, &hash, expires).await?;
    inbox.record(&me, "reset two-factor", email).await;
    staff_list(&inbox, &me, None, Some((email.to_owned(), code)), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RequireForm {
    required: String,
}

pub(super) async fn require_two_factor(
    SignedIn(inbox, me): SignedIn,
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
