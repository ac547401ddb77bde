//! `consultation-receiver staff add|remove|reset-password|reset-two-factor`: the inbox's
//! accounts from the command line (the first admin cannot be made from the inbox itself).
//!
//! A password given on standard input is the clinic's own choice (a script, or a person
//! making their own account) and is kept; a generated one was shown to whoever ran the
//! command, so it is *issued*: its owner must choose their own at first sign-in.

use crate::cli::StaffCommand;
use crate::inbox::auth;
use crate::store::error::StoreError;
use crate::store::Store;
use std::io::{BufRead, IsTerminal};

/// One line from standard input, or a generated password (printed once) when standard input is
/// a terminal or the line is empty.
fn password() -> Result<(String, bool), String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let line = line.trim_end_matches(['\n', '\r']).to_owned();
        if !line.is_empty() {
            if line.chars().count() < auth::MIN_PASSWORD {
                return Err(format!(
                    "a password needs at least {} characters",
                    auth::MIN_PASSWORD
                ));
            }
            return Ok((line, false));
        }
    }
    Ok((auth::generate_password(), true))
}

pub async fn run(command: StaffCommand) -> Result<(), String> {
    match command {
        StaffCommand::Add(args) => {
            let email = crate::domain::email::StaffEmail::parse(&args.email)
                .ok_or_else(|| format!("--email {:?} is not an email address", args.email))?;
            let email = email.as_str();
            let role = args.role;
            let (password, generated) = password()?;
            let hash = auth::hash_password(&password)?;
            let store = Store::open(&args.database).await?;
            let id = auth::random_hex(16);
            let code = auth::random_code(auth::ENROL_CODE_LEN);
            let mut added = store
                .add_staff(
                    &id,
                    email,
                    role,
                    &hash,
                    generated,
                    crate::workers::outbox::now_ms(),
                )
                .await;
            if let Ok(true) = added {
                if let Err(e) = store
                    .set_enrol_code(
                        email,
                        &auth::code_hash(&id, &code),
                        crate::workers::outbox::now_ms() + auth::ENROL_CODE_MS,
                    )
                    .await
                {
                    added = Err(e);
                }
            }
            // Audited only when an account was added: one that exists is left as it is.
            if let Ok(true) = added {
                if let Err(e) =
                    cli_audit(&store, &format!("added {} account", role.as_str()), email).await
                {
                    added = Err(e);
                }
            }
            store.close().await;
            if !added? {
                return Err(format!("there is already an account for {email}"));
            }
            println!("Added {} account {email}.", role.as_str());
            if generated {
                println!("Password (shown once): {password}");
            }
            println!("Two-factor enrolment code (shown once, valid 7 days): {code}");
            Ok(())
        }
        StaffCommand::Remove(args) => {
            let email = args.email.trim().to_lowercase();
            let store = Store::open(&args.database).await?;
            let mut removed = store.remove_staff(&email).await;
            if let Ok(true) = removed {
                if let Err(e) = cli_audit(&store, "removed account", &email).await {
                    removed = Err(e);
                }
            }
            store.close().await;
            if !removed? {
                return Err(format!("there is no account for {email}"));
            }
            println!("Removed {email}; their sessions have ended.");
            Ok(())
        }
        StaffCommand::ResetPassword(args) => {
            let email = args.email.trim().to_lowercase();
            let (password, generated) = password()?;
            let hash = auth::hash_password(&password)?;
            let store = Store::open(&args.database).await?;
            let mut done = store.set_password(&email, &hash, generated).await;
            if let Ok(true) = done {
                if let Err(e) = cli_audit(&store, "reset password", &email).await {
                    done = Err(e);
                }
            }
            store.close().await;
            if !done? {
                return Err(format!("there is no account for {email}"));
            }
            println!("New password set for {email}; their sessions have ended.");
            if generated {
                println!("Password (shown once): {password}");
            }
            Ok(())
        }
        StaffCommand::ResetTwoFactor(args) => {
            let email = args.email.trim().to_lowercase();
            let store = Store::open(&args.database).await?;
            let result = reset_two_factor(&store, &email).await;
            store.close().await;
            let code = result?.ok_or_else(|| format!("there is no account for {email}"))?;
            println!("Two-factor sign-in for {email} is reset; their sessions have ended.");
            println!("Two-factor enrolment code (shown once, valid 7 days): {code}");
            Ok(())
        }
    }
}

/// Resets an account's two-factor sign-in, audited; the new enrolment code, or None when
/// there is no such account.
async fn reset_two_factor(store: &Store, email: &str) -> Result<Option<String>, String> {
    let Some(staff) = store.staff_by_email(email).await? else {
        return Ok(None);
    };
    let code = auth::random_code(auth::ENROL_CODE_LEN);
    let now = crate::workers::outbox::now_ms();
    store
        .reset_two_factor(
            email,
            &auth::code_hash(&staff.staff_id, &code),
            now + auth::ENROL_CODE_MS,
        )
        .await?;
    cli_audit(store, "reset two-factor", email).await?;
    Ok(Some(code))
}

/// An audit entry for something done from the command line (who: "command line"; the
/// address: none).
pub async fn cli_audit(store: &Store, action: &str, target: &str) -> Result<(), StoreError> {
    store
        .audit(
            &crate::domain::moment::Moment::now(),
            "command line",
            action,
            target,
            "",
        )
        .await
}
