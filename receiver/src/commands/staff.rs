//! `consultation-receiver staff add|remove|reset-password|reset-two-factor`: the inbox's
//! accounts from the command line (the first admin cannot be made from the inbox itself).
//!
//! A password given on standard input is the clinic's own choice (a script, or a person
//! making their own account) and is kept; a generated one was shown to whoever ran the
//! command, so it is *issued*: its owner must choose their own at first sign-in.

use super::CommandError;
use crate::cli::{StaffAdd, StaffCommand, StaffWho};
use crate::domain::email::StaffEmail;
use crate::domain::moment::{now_ms, Moment};
use crate::inbox::auth;
use crate::store::error::StoreError;
use crate::store::Store;
use std::io::{BufRead, IsTerminal};

pub async fn run(command: StaffCommand) -> Result<(), CommandError> {
    match command {
        StaffCommand::Add(args) => add(args).await,
        StaffCommand::Remove(args) => remove(args).await,
        StaffCommand::ResetPassword(args) => reset_password(args).await,
        StaffCommand::ResetTwoFactor(args) => reset_two_factor(args).await,
    }
}

/// One line from standard input, or a generated password (printed once) when standard input is
/// a terminal or the line is empty; and whether it was generated.
fn password() -> Result<(String, bool), CommandError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\n', '\r']).to_owned();
        if !line.is_empty() {
            if line.chars().count() < auth::MIN_PASSWORD {
                return Err(CommandError::ShortPassword(auth::MIN_PASSWORD));
            }
            return Ok((line, false));
        }
    }
    Ok((auth::generate_password(), true))
}

/// A password's stored hash.
fn hash(password: &str) -> Result<String, CommandError> {
    auth::hash_password(password).map_err(CommandError::from)
}

async fn add(args: StaffAdd) -> Result<(), CommandError> {
    let StaffAdd {
        who: StaffWho { database, email },
        role,
    } = args;
    let (password, generated) = password()?;
    let hash = hash(&password)?;
    let store = Store::open(&database).await?;
    let id = auth::random_hex(16);
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let now = now_ms();
    let mut added = store
        .add_staff(&id, email.as_str(), role, &hash, generated, now)
        .await;
    if let Ok(true) = added {
        let code_hash = auth::code_hash(&id, &code);
        added = store
            .set_enrol_code(email.as_str(), &code_hash, now + auth::ENROL_CODE_MS)
            .await
            .map(|()| true);
    }
    // Audited only when an account was added: one that exists is left as it is.
    let action = format!("added {} account", role.as_str());
    if !audited(store, added, &action, &email).await? {
        return Err(CommandError::AccountExists(email));
    }
    println!("Added {} account {email}.", role.as_str());
    show_password(&password, generated);
    println!("Two-factor enrolment code (shown once, valid 7 days): {code}");
    Ok(())
}

async fn remove(args: StaffWho) -> Result<(), CommandError> {
    let store = Store::open(&args.database).await?;
    let removed = store.remove_staff(args.email.as_str()).await;
    if !audited(store, removed, "removed account", &args.email).await? {
        return Err(CommandError::NoAccount(args.email));
    }
    println!("Removed {}; their sessions have ended.", args.email);
    Ok(())
}

async fn reset_password(args: StaffWho) -> Result<(), CommandError> {
    let (password, generated) = password()?;
    let hash = hash(&password)?;
    let store = Store::open(&args.database).await?;
    let done = store
        .set_password(args.email.as_str(), &hash, generated)
        .await;
    if !audited(store, done, "reset password", &args.email).await? {
        return Err(CommandError::NoAccount(args.email));
    }
    println!(
        "New password set for {}; their sessions have ended.",
        args.email
    );
    show_password(&password, generated);
    Ok(())
}

async fn reset_two_factor(args: StaffWho) -> Result<(), CommandError> {
    let store = Store::open(&args.database).await?;
    let email = &args.email;
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let done = match store.staff_by_email(email.as_str()).await {
        Ok(Some(staff)) => {
            let code_hash = auth::code_hash(&staff.staff_id, &code);
            store
                .reset_two_factor(email.as_str(), &code_hash, now_ms() + auth::ENROL_CODE_MS)
                .await
                .map(|_| true)
        }
        other => other.map(|_| false),
    };
    if !audited(store, done, "reset two-factor", email).await? {
        return Err(CommandError::NoAccount(args.email));
    }
    println!("Two-factor sign-in for {email} is reset; their sessions have ended.");
    println!("Two-factor enrolment code (shown once, valid 7 days): {code}");
    Ok(())
}

/// A generated password is shown, once; one read from standard input is not echoed.
fn show_password(password: &str, generated: bool) {
    if generated {
        println!("Password (shown once): {password}");
    }
}

/// Audits a change to `email`'s account when `done` says it was made, then closes the store
/// whatever happened. Whether the change was made.
async fn audited(
    store: Store,
    done: Result<bool, StoreError>,
    action: &str,
    email: &StaffEmail,
) -> Result<bool, StoreError> {
    let done = match done {
        Ok(true) => cli_audit(&store, action, email.as_str())
            .await
            .map(|()| true),
        other => other,
    };
    store.close().await;
    done
}

/// An audit entry for something done from the command line (who: "command line"; the
/// address: none).
pub async fn cli_audit(store: &Store, action: &str, target: &str) -> Result<(), StoreError> {
    store
        .audit(&Moment::now(), "command line", action, target, "")
        .await
}
