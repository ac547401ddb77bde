//! Staff accounts attacked as an outsider would (issue 19, item 5), against the real process
//! and a real SQLite file: a password alone does not take over two-factor sign-in, an issued
//! password is replaced before anything else, changing the password, enrolling and "Sign out
//! everywhere" end other sessions, recovery codes work once, an admin's two-factor reset is
//! audited, and a copied database file with another key yields no codes.

use crate::helpers::web::*;
use crate::helpers::*;
use std::process::Command;

on_both_engines!(
    a_password_alone_neither_reaches_the_list_nor_enrols_when_two_factor_is_required,
    changing_the_password_and_signing_out_everywhere_end_other_sessions,
);

async fn sign_in_as(r: &Receiver, email: &str, password: &str) -> Web {
    let mut web = Web::new(r);
    let p = web.sign_in(email, password, "").await;
    assert_eq!(p.status, 303, "{email} signs in: {}", p.body);
    web
}

/// The password form posted with `csrf` from the page that asks for it: while an issued
/// password waits to be replaced, the account page (where `Web::post` takes its token) is
/// closed to the session.
async fn post_password(
    member: &mut Web,
    csrf: &str,
    current: &str,
    new: &str,
    again: &str,
) -> Page {
    let origin = member.url.clone();
    member
        .post_raw(
            "/inbox/account/password",
            Some(&origin),
            &[
                ("csrf", csrf),
                ("current", current),
                ("new", new),
                ("again", again),
            ],
        )
        .await
}

/// The admin adds new@glow.example (staff) on the staff page: the page that shows the issued
/// password and enrolment code once.
async fn add_new_member(admin: &mut Web) -> Page {
    admin
        .post(
            "/inbox/staff",
            &[("email", "new@glow.example"), ("role", "staff")],
        )
        .await
}

/// Sets up two-factor sign-in when it is optional (the password again), confirms it with a
/// code, and returns the setup key and the recovery codes shown.
async fn enrol(web: &mut Web) -> (String, Vec<String>) {
    let p = web
        .post("/inbox/account/two-factor", &[("password", PASSWORD)])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = web.get("/inbox/account").await.body;
    let secret = text_between(&page, "id=\"totp-secret\">", "<").to_owned();
    let ok = web
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &code(&secret, now_s()))],
        )
        .await;
    assert_eq!(ok.status, 200);
    (secret, recovery_codes(&ok.body))
}

fn recovery_codes(html: &str) -> Vec<String> {
    let list = text_between(html, "id=\"recovery-codes\">", "</ul>");
    list.split("<li class=\"secret\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect()
}

/// The audit log as an admin reads it.
async fn audit(admin: &mut Web) -> String {
    admin.get("/inbox/audit").await.body
}

async fn a_password_alone_neither_reaches_the_list_nor_enrols_when_two_factor_is_required(
    engine: Engine,
) {
    let r = Receiver::start_on(engine, &[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    let enrol_code = add_staff(&r, "nurse@glow.example", "staff");
    let mut admin = sign_in_as(&r, "admin@glow.example", PASSWORD).await;
    let p = admin
        .post("/inbox/settings/two-factor", &[("required", "yes")])
        .await;
    assert_eq!(p.status, 303);

    // The thief holds the nurse's password, nothing else.
    let mut thief = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    for path in ["/inbox", "/inbox/export.csv", "/inbox/account/password"] {
        let p = thief.get(path).await;
        assert_eq!((p.status, p.location.as_str()), (303, "/inbox/account"));
    }
    for fields in [
        vec![],
        vec![("password", PASSWORD)],
        vec![("enrol_code", "aaaa-bbbb-cccc")],
    ] {
        let p = thief.post("/inbox/account/two-factor", &fields).await;
        assert_eq!(p.status, 422, "{fields:?}");
        assert!(!p.body.contains("totp-secret"));
    }
    // Nor can the thief lock the owner out with a new password, or end the owner's sessions.
    for (path, fields) in [
        (
            "/inbox/account/password",
            vec![
                ("current", PASSWORD),
                ("new", "the thief's own password"),
                ("again", "the thief's own password"),
            ],
        ),
        ("/inbox/account/sign-out-everywhere", vec![]),
    ] {
        let p = thief.post(path, &fields).await;
        assert_eq!((p.status, p.location.as_str()), (303, "/inbox/account"));
    }

    // The owner, with the enrolment code, sets it up; the thief never sees the setup key,
    // cannot confirm it, and is signed out by the enrolment.
    let mut owner = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    let p = owner
        .post("/inbox/account/two-factor", &[("enrol_code", &enrol_code)])
        .await;
    assert_eq!(p.status, 303);
    let page = owner.get("/inbox/account").await.body;
    let secret = text_between(&page, "id=\"totp-secret\">", "<").to_owned();
    let thief_page = thief.get("/inbox/account").await.body;
    assert!(!thief_page.contains("totp-secret"), "{thief_page}");
    let p = thief
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &code(&secret, now_s()))],
        )
        .await;
    assert_eq!((p.status, p.location.as_str()), (303, "/inbox/account"));
    let p = owner
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &code(&secret, now_s()))],
        )
        .await;
    assert_eq!(p.status, 200);
    assert_eq!(recovery_codes(&p.body).len(), 10);
    assert_eq!(owner.get("/inbox").await.status, 200);
    let p = thief.get("/inbox").await;
    assert_eq!(p.location, "/inbox/sign-in", "the thief's session ended");
    // The enrolment code was single-use, and the password alone no longer signs in.
    let mut again = Web::new(&r);
    let p = again.sign_in("nurse@glow.example", PASSWORD, "").await;
    assert_eq!(p.status, 200);
    // (The admin has no two-factor yet either, so reads the log from the file here.)
    for action in ["two-factor set-up refused", "two-factor sign-in set up"] {
        let n = r
            .scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' \
                 AND actor = 'nurse@glow.example'"
            ))
            .await;
        assert!(n >= 1, "{action}");
    }
}

#[tokio::test]
async fn an_issued_password_is_replaced_before_anything_else() {
    let r = Receiver::start(&[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    let mut admin = sign_in_as(&r, "admin@glow.example", PASSWORD).await;
    let p = add_new_member(&mut admin).await;
    assert_eq!(p.status, 200);
    let issued = text_between(&p.body, "id=\"new-password\">", "<").to_owned();
    assert!(p.body.contains("id=\"new-enrol-code\""));

    let mut member = Web::new(&r);
    let p = member.sign_in("new@glow.example", &issued, "").await;
    assert_eq!(p.location, "/inbox/account/password");
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    for path in [
        "/inbox".to_string(),
        "/inbox/account".into(),
        "/inbox/export.csv".into(),
        format!("/inbox/submissions/{id}"),
        format!("/inbox/submissions/{id}/export.json"),
    ] {
        let p = member.get(&path).await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, "/inbox/account/password"),
            "GET {path}"
        );
        assert!(!p.body.contains("Jane"));
    }
    let page = member.get("/inbox/account/password").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Choose your password"));
    let csrf = csrf_of(&page.body);
    let origin = r.url.clone();
    for path in [
        format!("/inbox/submissions/{id}/status"),
        "/inbox/account/two-factor".into(),
        "/inbox/account/sign-out-everywhere".into(),
    ] {
        let p = member
            .post_raw(
                &path,
                Some(&origin),
                &[
                    ("csrf", &csrf),
                    ("status", "archived"),
                    ("password", &issued),
                ],
            )
            .await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, "/inbox/account/password"),
            "POST {path}"
        );
    }
    // Wrong current password, too short, a repeat that differs, the same one again: refused.
    let mine = "a password of my own choosing";
    for (current, new, again) in [
        ("not it at all", mine, mine),
        (issued.as_str(), "short", "short"),
        (issued.as_str(), mine, "something else entirely"),
        (issued.as_str(), issued.as_str(), issued.as_str()),
    ] {
        let p = post_password(&mut member, &csrf, current, new, again).await;
        assert_eq!(p.status, 422);
        assert!(p.body.contains("role=\"alert\""));
    }
    let p = post_password(&mut member, &csrf, &issued, mine, mine).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Password changed"));
    assert_eq!(member.get("/inbox").await.status, 200);
    // The issued password is gone; the chosen one signs in straight to the list.
    assert_eq!(
        Web::new(&r)
            .sign_in("new@glow.example", &issued, "")
            .await
            .status,
        200
    );
    assert_eq!(
        Web::new(&r)
            .sign_in("new@glow.example", mine, "")
            .await
            .location,
        "/inbox"
    );
    assert!(audit(&mut admin).await.contains("changed own password"));

    // The command line: a generated password is issued too; one given on standard input is
    // the clinic's own choice (as the tests' `add_staff`), kept.
    let out = r.cli(
        &[
            "staff",
            "add",
            "--email",
            "cli@glow.example",
            "--role",
            "staff",
        ],
        "",
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let generated = text_between(&stdout, "Password (shown once): ", "\n");
    assert_eq!(
        Web::new(&r)
            .sign_in("cli@glow.example", generated, "")
            .await
            .location,
        "/inbox/account/password"
    );
}

async fn changing_the_password_and_signing_out_everywhere_end_other_sessions(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    add_staff(&r, "nurse@glow.example", "staff");
    let mut here = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    let mut there = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    let new = "a brand new password here";
    let p = here
        .post(
            "/inbox/account/password",
            &[("current", PASSWORD), ("new", new), ("again", new)],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(here.get("/inbox").await.status, 200, "this session stays");
    assert_eq!(there.get("/inbox").await.location, "/inbox/sign-in");

    let mut there = sign_in_as(&r, "nurse@glow.example", new).await;
    assert_eq!(there.get("/inbox").await.status, 200);
    let p = here.post("/inbox/account/sign-out-everywhere", &[]).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/inbox/sign-in"));
    assert_eq!(here.get("/inbox").await.location, "/inbox/sign-in");
    assert_eq!(there.get("/inbox").await.location, "/inbox/sign-in");
    assert!(r.log_text().contains("listening"));
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_an_admin_reset_is_audited() {
    let r = Receiver::start(&[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    add_staff(&r, "nurse@glow.example", "staff");
    let mut admin = sign_in_as(&r, "admin@glow.example", PASSWORD).await;
    let mut nurse = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    // Voluntary enrolment needs the password again.
    let p = nurse
        .post(
            "/inbox/account/two-factor",
            &[("password", "wrong password!")],
        )
        .await;
    assert_eq!(p.status, 422);
    let (_secret, codes) = enrol(&mut nurse).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(
        codes.iter().collect::<std::collections::HashSet<_>>().len(),
        10
    );
    // Stored hashed: no code is in the file.
    let bytes = r.file_bytes();
    for c in &codes {
        assert!(!holds(&bytes, c));
    }

    // A recovery code in place of the 6-digit code: once.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let mut phone_lost = Web::new(&r);
    let p = phone_lost
        .sign_in("nurse@glow.example", PASSWORD, &typed)
        .await;
    assert_eq!(p.location, "/inbox");
    let p = Web::new(&r)
        .sign_in("nurse@glow.example", PASSWORD, &codes[3])
        .await;
    assert_eq!(p.status, 200, "a second use fails");
    // A recovery code without the password is nothing.
    let p = Web::new(&r)
        .sign_in("nurse@glow.example", "not the password", &codes[4])
        .await;
    assert_eq!(p.status, 200);
    let page = phone_lost.get("/inbox/account").await.body;
    assert!(page.contains("id=\"recovery-left\">9<"), "{page}");
    assert!(audit(&mut admin).await.contains("used a recovery code"));

    // An admin resets the nurse's two-factor: sessions end, the old codes go, audited.
    let p = admin
        .post(
            "/inbox/staff/reset-two-factor",
            &[("email", "nurse@glow.example")],
        )
        .await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("id=\"reset-enrol-code\""));
    assert_eq!(phone_lost.get("/inbox").await.location, "/inbox/sign-in");
    assert_eq!(nurse.get("/inbox").await.location, "/inbox/sign-in");
    let p = Web::new(&r)
        .sign_in("nurse@glow.example", PASSWORD, &codes[5])
        .await;
    assert_eq!(
        p.location, "/inbox",
        "no two-factor now: the code is ignored"
    );
    let log = audit(&mut admin).await;
    let entry = log
        .split("<li class=\"row\">")
        .find(|row| row.contains("reset two-factor"))
        .expect("an audit entry");
    assert!(entry.contains("admin@glow.example") && entry.contains("nurse@glow.example"));
    // An admin cannot reset their own (another admin must).
    let p = admin
        .post(
            "/inbox/staff/reset-two-factor",
            &[("email", "admin@glow.example")],
        )
        .await;
    assert!(p.body.contains("You cannot reset your own"));

    // The command line does the same, audited as the command line, with a code that enrols.
    let out = r.cli(
        &["staff", "reset-two-factor", "--email", "nurse@glow.example"],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    let enrol_code = enrolment_code(&String::from_utf8_lossy(&out.stdout));
    let log = audit(&mut admin).await;
    assert!(log
        .split("<li class=\"row\">")
        .any(|row| row.contains("command line") && row.contains("reset two-factor")));
    admin
        .post("/inbox/settings/two-factor", &[("required", "yes")])
        .await;
    let mut nurse = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    let p = nurse
        .post("/inbox/account/two-factor", &[("enrol_code", &enrol_code)])
        .await;
    assert_eq!(p.status, 303);
    let out = r.cli(
        &[
            "staff",
            "reset-two-factor",
            "--email",
            "nobody@glow.example",
        ],
        "",
    );
    assert!(!out.status.success());
}

fn key_file(dir: &std::path::Path, name: &str, hex: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("{hex}\n")).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn a_copied_database_file_with_another_key_yields_no_codes() {
    let keys = tempfile::tempdir().unwrap();
    let clinic_key = key_file(keys.path(), "clinic.key", &"7a".repeat(32));
    let other_key = key_file(keys.path(), "other.key", &"3c".repeat(32));
    let mut r = Receiver::start(&["--totp-key-file", &clinic_key]).await;
    add_staff(&r, "nurse@glow.example", "staff");
    let mut nurse = sign_in_as(&r, "nurse@glow.example", PASSWORD).await;
    let (secret, _) = enrol(&mut nurse).await;
    let plain: String = secret.split_whitespace().collect();
    assert!(r.terminate());

    // No byte of the setup key in the file (nor its WAL), and the column holds sealed text.
    let db = r.db_path();
    assert!(!holds(&r.file_bytes(), &plain));
    let stored = r.text("SELECT totp_secret FROM staff").await;
    assert!(stored.starts_with("v1:") && !stored.contains(&plain));

    // The copy, opened by a receiver with another key: the right code does not sign in, and
    // the log says why.
    let copy = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(copy.path().join("data")).unwrap();
    for ext in ["db", "db-wal"] {
        let _ = std::fs::copy(
            db.with_extension(ext),
            copy.path().join("data/receiver").with_extension(ext),
        );
    }
    let copy_url = format!(
        "sqlite://{}",
        copy.path().join("data/receiver.db").display()
    );
    // Without any key it does not start at all.
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &copy_url])
        .env_remove("CONSULTATION_TOTP_KEY")
        .env_remove("CONSULTATION_TOTP_KEY_FILE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key is given"));
    let thief = Receiver::start_with(copy_url, &["--totp-key-file", &other_key]).await;
    let p = Web::new(&thief)
        .sign_in("nurse@glow.example", PASSWORD, &code(&secret, now_s()))
        .await;
    assert_eq!(p.status, 200, "refused");
    wait_for(
        "the log line",
        std::time::Duration::from_secs(5),
        || async {
            thief
                .log_text()
                .contains("does not open with this receiver's key")
        },
    )
    .await;

    // The clinic's own receiver, with its key, still signs the nurse in.
    r.launch().await;
    let p = Web::new(&r)
        .sign_in("nurse@glow.example", PASSWORD, &code(&secret, now_s() + 30))
        .await;
    assert_eq!(p.location, "/inbox");
}

#[tokio::test]
async fn secrets_stored_in_clear_before_are_sealed_at_start() {
    let mut r = Receiver::start(&[]).await;
    add_staff(&r, "nurse@glow.example", "staff");
    let plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    r.execute(&format!(
        "UPDATE staff SET totp_secret = '{plain}' WHERE email = 'nurse@glow.example'"
    ))
    .await;
    assert!(r.terminate());
    r.launch().await;
    let stored = r.text("SELECT totp_secret FROM staff").await;
    assert!(stored.starts_with("v1:"), "{stored}");
    let p = Web::new(&r)
        .sign_in("nurse@glow.example", PASSWORD, &code(plain, now_s()))
        .await;
    assert_eq!(p.location, "/inbox");
}

#[tokio::test]
async fn with_two_factor_required_a_new_member_enrols_with_the_code_then_chooses_a_password() {
    let r = Receiver::start(&[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    let mut admin = sign_in_as(&r, "admin@glow.example", PASSWORD).await;
    let p = add_new_member(&mut admin).await;
    let issued = text_between(&p.body, "id=\"new-password\">", "<").to_owned();
    let enrol_code = text_between(&p.body, "id=\"new-enrol-code\">", "<").to_owned();
    admin
        .post("/inbox/settings/two-factor", &[("required", "yes")])
        .await;

    let mut member = Web::new(&r);
    member.sign_in("new@glow.example", &issued, "").await;
    // The second factor first: until then this session may be a thief's, who must not choose
    // the password.
    let p = member.get("/inbox/account/password").await;
    assert_eq!(p.location, "/inbox/account");
    let p = member
        .post("/inbox/account/two-factor", &[("enrol_code", &enrol_code)])
        .await;
    assert_eq!(p.status, 303);
    let page = member.get("/inbox/account").await.body;
    let secret = text_between(&page, "id=\"totp-secret\">", "<").to_owned();
    let p = member
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &code(&secret, now_s()))],
        )
        .await;
    assert_eq!(p.status, 200);
    // Then the password, before anything else.
    assert_eq!(
        member.get("/inbox").await.location,
        "/inbox/account/password"
    );
    let csrf = csrf_of(&member.get("/inbox/account/password").await.body);
    let mine = "my very own password now";
    let p = post_password(&mut member, &csrf, &issued, mine, mine).await;
    assert_eq!(p.status, 200);
    assert_eq!(member.get("/inbox").await.status, 200);
    // The enrolment code was used up.
    let n = r
        .scalar("SELECT COUNT(*) FROM staff WHERE enrol_code_hash IS NOT NULL AND email = 'new@glow.example'")
        .await;
    assert_eq!(n, 0);
}
