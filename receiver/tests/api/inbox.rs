//! The staff inbox against the real process and a real SQLite file: every route without a
//! session, roles, CSRF and Origin, the cookie's flags, throttling, sign-out, TOTP, the
//! hostile corpus on every page and in the CSV, tampered flags and message, the FHIR export
//! read by an independent FHIR R4 parser (fhirbolt, strict mode), and erasure down to the
//! file's bytes.

use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::answers::Value;
use consultation_widget::core::intake::recheck;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::signature::Signature;

async fn staff_receiver() -> (Receiver, Web, Web) {
    let r = Receiver::start(&[]).await;
    let admin = signed_in(&r, "admin@glow.example", "admin").await;
    let staff = signed_in(&r, "staff@glow.example", "staff").await;
    (r, admin, staff)
}

#[tokio::test]
async fn every_route_needs_a_session_and_admin_routes_an_admin() {
    let (r, mut admin, mut staff) = staff_receiver().await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let gets = [
        "/inbox".to_string(),
        "/inbox/export.csv".into(),
        format!("/inbox/submissions/{id}"),
        format!("/inbox/submissions/{id}/export.json"),
        format!("/inbox/submissions/{id}/export.fhir.json"),
        format!("/inbox/submissions/{id}/consent.pdf"),
        format!("/inbox/submissions/{id}/delete"),
        "/inbox/account".into(),
        "/inbox/account/password".into(),
        "/inbox/staff".into(),
        "/inbox/audit".into(),
    ];
    let posts = [
        format!("/inbox/submissions/{id}/status"),
        format!("/inbox/submissions/{id}/note"),
        format!("/inbox/submissions/{id}/delete"),
        "/inbox/account/two-factor".into(),
        "/inbox/account/two-factor/confirm".into(),
        "/inbox/account/password".into(),
        "/inbox/account/recovery-codes".into(),
        "/inbox/account/sign-out-everywhere".into(),
        "/inbox/staff".into(),
        "/inbox/staff/remove".into(),
        "/inbox/staff/reset-two-factor".into(),
        "/inbox/settings/two-factor".into(),
        "/inbox/sign-out".into(),
    ];
    let mut nobody = Web::new(&r);
    for path in &gets {
        let p = nobody.get(path).await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, "/inbox/sign-in"),
            "GET {path}"
        );
        assert!(!p.body.contains("Jane"), "{path}");
    }
    for path in &posts {
        let origin = r.url.clone();
        let p = nobody
            .post_raw(
                path,
                Some(&origin),
                &[("status", "reviewed"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(p.status, 401, "POST {path}");
    }
    // A made-up session cookie is no session.
    nobody.cookies = vec![("inbox_session".into(), "0".repeat(64))];
    assert_eq!(nobody.get("/inbox").await.status, 303);

    // Staff read and change status; every admin route is refused to them.
    assert_eq!(staff.get("/inbox").await.status, 200);
    assert_eq!(
        staff.get(&format!("/inbox/submissions/{id}")).await.status,
        200
    );
    let p = staff
        .post(
            &format!("/inbox/submissions/{id}/status"),
            &[("status", "contacted")],
        )
        .await;
    assert_eq!(p.status, 303);
    for path in [
        "/inbox/staff".to_string(),
        "/inbox/audit".into(),
        format!("/inbox/submissions/{id}/delete"),
    ] {
        assert_eq!(staff.get(&path).await.status, 403, "GET {path}");
    }
    for (path, fields) in [
        (
            format!("/inbox/submissions/{id}/delete"),
            vec![("confirm", "yes")],
        ),
        (
            "/inbox/staff".into(),
            vec![("email", "x@glow.example"), ("role", "admin")],
        ),
        (
            "/inbox/staff/remove".into(),
            vec![("email", "admin@glow.example")],
        ),
        (
            "/inbox/staff/reset-two-factor".into(),
            vec![("email", "admin@glow.example")],
        ),
        (
            "/inbox/settings/two-factor".into(),
            vec![("required", "yes")],
        ),
    ] {
        assert_eq!(staff.post(&path, &fields).await.status, 403, "POST {path}");
    }
    assert!(staff
        .get(&format!("/inbox/submissions/{id}"))
        .await
        .body
        .contains("Contacted"));
    assert!(
        !staff.get("/inbox").await.body.contains("Audit log"),
        "no admin links for staff"
    );
    assert_eq!(admin.get("/inbox/audit").await.status, 200);
    assert_eq!(admin.get("/inbox/staff").await.status, 200);
}

/// Moves one account's session back in time, as the clock would: `last_seen_ms` and
/// `created_at_ms` `minutes` earlier.
async fn age_session(r: &Receiver, email: &str, column: &str, minutes: i64) {
    r.execute(&format!(
        "UPDATE sessions SET {column} = {column} - {} WHERE staff_id = \
         (SELECT staff_id FROM staff WHERE email = '{email}')",
        minutes * 60 * 1000
    ))
    .await;
}

#[tokio::test]
async fn sessions_end_after_thirty_minutes_idle_and_twelve_hours_in_all() {
    // Issue 12: "Sessions end after 30 minutes idle and 12 hours in all".
    let (r, mut admin, mut staff) = staff_receiver().await;
    // 29 minutes idle: still signed in (and the visit counts as activity).
    age_session(&r, "admin@glow.example", "last_seen_ms", 29).await;
    assert_eq!(admin.get("/inbox").await.status, 200);
    // 31 minutes idle: signed out.
    age_session(&r, "admin@glow.example", "last_seen_ms", 31).await;
    let p = admin.get("/inbox").await;
    assert_eq!((p.status, p.location.as_str()), (303, "/inbox/sign-in"));
    // Busy all along, but signed in 12 hours and a minute ago: signed out too.
    age_session(&r, "staff@glow.example", "created_at_ms", 12 * 60 + 1).await;
    let p = staff.get("/inbox").await;
    assert_eq!((p.status, p.location.as_str()), (303, "/inbox/sign-in"));
    // Ended sessions are gone, not merely refused.
    assert_eq!(r.scalar("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn csrf_origin_cookie_flags_sign_out_and_throttling() {
    let (r, mut admin, _) = staff_receiver().await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let path = format!("/inbox/submissions/{id}/status");
    let csrf = csrf_of(&admin.get("/inbox").await.body);
    let own = r.url.clone();
    // No token, a wrong token, a foreign Origin, no Origin: all refused, nothing changed.
    for (token, origin) in [
        ("", Some(own.as_str())),
        (
            "0000000000000000000000000000000000000000000000000000000000000000",
            Some(own.as_str()),
        ),
        (csrf.as_str(), Some("http://127.0.0.1:8080")),
        (csrf.as_str(), Some("https://evil.example")),
        (csrf.as_str(), None),
    ] {
        let p = admin
            .post_raw(&path, origin, &[("csrf", token), ("status", "archived")])
            .await;
        assert_eq!(p.status, 403, "{token:?} {origin:?}");
    }
    assert!(admin
        .get(&format!("/inbox/submissions/{id}"))
        .await
        .body
        .contains("<strong>New</strong>"));
    let p = admin
        .post_raw(
            &path,
            Some(&own),
            &[("csrf", &csrf), ("status", "archived")],
        )
        .await;
    assert_eq!(p.status, 303);
    // The sign-in form is checked too.
    let mut other = Web::new(&r);
    let _ = other.get("/inbox/sign-in").await;
    let p = other
        .post_raw(
            "/inbox/sign-in",
            Some(&own),
            &[
                ("csrf", "x"),
                ("email", "admin@glow.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    let sign_in = other.get("/inbox/sign-in").await;
    let p = other
        .post_raw(
            "/inbox/sign-in",
            Some("https://evil.example"),
            &[
                ("csrf", &csrf_of(&sign_in.body)),
                ("email", "admin@glow.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, 403);

    // The cookie: HttpOnly, SameSite=Strict, path /; not Secure on loopback http only.
    let mut fresh = Web::new(&r);
    let p = fresh.sign_in("admin@glow.example", PASSWORD, "").await;
    assert_eq!(p.status, 303);
    let session = fresh
        .last_set_cookie
        .iter()
        .find(|c| c.starts_with("inbox_session="))
        .unwrap()
        .clone();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && session.contains("Path=/"),
        "{session}"
    );
    // A new id at every sign-in.
    let first = fresh.cookies.clone();
    fresh.sign_in("admin@glow.example", PASSWORD, "").await;
    assert_ne!(first, fresh.cookies);
    let mut stale = Web::new(&r);
    stale.cookies = first;
    assert_eq!(
        stale.get("/inbox").await.status,
        303,
        "the old session ended at the new sign-in"
    );
    // Every page: the CSP and no caching.
    let p = fresh.get("/inbox").await;
    assert!(p.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(p.headers["cache-control"], "no-store");

    // Sign out, then the same cookie is refused.
    let kept = fresh.cookies.clone();
    let p = fresh.post("/inbox/sign-out", &[]).await;
    assert_eq!(p.location, "/inbox/sign-in");
    let mut replay = Web::new(&r);
    replay.cookies = kept;
    assert_eq!(replay.get("/inbox").await.status, 303);
    assert_eq!(
        replay
            .get(&format!("/inbox/submissions/{id}/export.json"))
            .await
            .status,
        303
    );

    // The same answer for a wrong password and an unknown account; then throttled, even with
    // the right password.
    let mut guess = Web::new(&r);
    let wrong = guess
        .sign_in("admin@glow.example", "wrong password", "")
        .await;
    let unknown = guess
        .sign_in("nobody@glow.example", "wrong password", "")
        .await;
    assert_eq!(wrong.status, unknown.status);
    let msg = |b: &str| text_between(b, "role=\"alert\"><p>", "</p>").to_owned();
    assert_eq!(msg(&wrong.body), msg(&unknown.body));
    for _ in 0..4 {
        guess
            .sign_in("admin@glow.example", "wrong password", "")
            .await;
    }
    let p = guess.sign_in("admin@glow.example", PASSWORD, "").await;
    assert_eq!(p.status, 429);
    assert!(p.body.contains("Too many attempts"));
    let audit = admin.get("/inbox/audit").await.body;
    assert!(
        audit.contains("sign-in failed")
            && audit.contains("sign-in throttled")
            && audit.contains("signed in")
    );
}

#[tokio::test]
async fn two_factor_enrolment_sign_in_and_the_requirement() {
    let r = Receiver::start(&[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    let enrol_code = add_staff(&r, "staff@glow.example", "staff");
    let mut admin = Web::new(&r);
    admin.sign_in("admin@glow.example", PASSWORD, "").await;
    let mut staff = Web::new(&r);
    staff.sign_in("staff@glow.example", PASSWORD, "").await;
    // Required for everyone: staff without it see only their account page.
    assert_eq!(
        admin
            .post("/inbox/settings/two-factor", &[("required", "yes")])
            .await
            .status,
        303
    );
    let p = staff.get("/inbox").await;
    assert_eq!(p.location, "/inbox/account");
    // The password alone does not start an enrolment: the enrolment code does.
    assert_eq!(
        staff.post("/inbox/account/two-factor", &[]).await.status,
        422
    );
    assert_eq!(
        staff
            .post("/inbox/account/two-factor", &[("enrol_code", &enrol_code)])
            .await
            .status,
        303
    );
    let page = staff.get("/inbox/account").await.body;
    let secret = text_between(&page, "id=\"totp-secret\">", "<").to_owned();
    assert!(page.contains("otpauth://totp/"));
    let wrong = staff
        .post("/inbox/account/two-factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, 422);
    let ok = staff
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &code(&secret, now_s()))],
        )
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("Your recovery codes"), "{}", ok.body);
    assert_eq!(staff.get("/inbox").await.status, 200);
    // Signing in now needs the code.
    let mut again = Web::new(&r);
    assert_eq!(
        again
            .sign_in("staff@glow.example", PASSWORD, "")
            .await
            .status,
        200
    );
    assert_eq!(again.get("/inbox").await.status, 303);
    let next = code(&secret, now_s() + 30);
    assert_eq!(
        again
            .sign_in("staff@glow.example", PASSWORD, &next)
            .await
            .location,
        "/inbox"
    );
    // A code signs in once.
    let mut replay = Web::new(&r);
    assert_eq!(
        replay
            .sign_in("staff@glow.example", PASSWORD, &next)
            .await
            .status,
        200
    );
}

fn corpus() -> Vec<String> {
    serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/corpus/hostile.json"
        ))
        .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn the_hostile_corpus_shows_as_text_on_every_page_and_is_neutral_in_the_csv() {
    let (r, mut admin, _) = staff_receiver().await;
    let q = [Questionnaire::builtin()];
    let mut stored = Vec::new();
    for entry in corpus() {
        let mut a = answers();
        let short: String = entry.chars().take(100).collect();
        a.set("full_name", Value::Text(short.clone()));
        a.set("goals", Value::Text(entry.clone()));
        a.set("medications", Value::Text(entry.clone()));
        a.set("concerns_other", Value::Text(short.clone()));
        a.set("allergies_detail", Value::Text(short.clone()));
        // The signer's typed name too (issue 23): it stands in the signature's label.
        a.set(
            "signature",
            Value::Signed(Signature {
                name: short.clone(),
                strokes: vec![vec![10, 150, 80, 60]],
            }),
        );
        let (id, body) = body_with(&a);
        if recheck(&body, &q).is_err() {
            continue;
        }
        assert_eq!(r.post(Some(&id), &body).await.0, 201);
        // A note from staff can be hostile too.
        admin
            .post(
                &format!("/inbox/submissions/{id}/note"),
                &[("note", &short)],
            )
            .await;
        stored.push((id, entry, short));
    }
    assert!(stored.len() > 10);
    // Markup that would make an element if it reached the page unescaped.
    let markup = |html: &str, entry: &str| entry.contains('<') && html.contains(entry);
    let mut pages = vec![
        admin.get("/inbox").await.body,
        admin.get("/inbox?page=2").await.body,
    ];
    for (id, _, short) in &stored {
        let q = serde_urlencoded::to_string([("q", short.as_str())]).unwrap();
        pages.push(admin.get(&format!("/inbox?{q}")).await.body);
        pages.push(admin.get(&format!("/inbox/submissions/{id}")).await.body);
        pages.push(
            admin
                .get(&format!("/inbox/submissions/{id}/delete"))
                .await
                .body,
        );
    }
    pages.push(admin.get("/inbox/audit").await.body);
    for html in &pages {
        // The templates write no script, image, frame or handler, and one svg, the signature's
        // (drawn from numbers): any other is injected.
        let html = &html.replace(
            "<svg class=\"signature\" viewBox=\"0 0 600 200\" role=\"img\"",
            "",
        );
        for needle in ["<script", "<img", "<svg", "<iframe", "<a href=\"javascript"] {
            assert!(!html.to_lowercase().contains(needle), "{needle} on a page");
        }
        for (_, entry, short) in &stored {
            assert!(
                !markup(html, entry) && !markup(html, short),
                "{entry:?} unescaped"
            );
        }
    }
    // The CSV: every name that starts like a formula is neutralised.
    let csv = admin.get("/inbox/export.csv").await.body;
    let cli = crate::helpers::export(&r.db_url(), "csv").join("\n");
    for (_, _, short) in &stored {
        let cleaned: String = short
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .collect();
        if cleaned.starts_with(['=', '+', '-', '@']) {
            let quoted = cleaned.replace('"', "\"\"");
            assert!(
                csv.contains(&format!("\"'{quoted}")),
                "{short:?} neutralised"
            );
            assert!(
                !csv.contains(&format!(",\"{quoted}")),
                "{short:?} not as a formula"
            );
        }
    }
    for line in csv
        .split("\r\n")
        .chain(cli.split("\r\n"))
        .filter(|l| !l.is_empty())
    {
        for cell in line.split("\",\"") {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

#[tokio::test]
async fn tampered_flags_and_message_never_reach_the_page() {
    let (r, mut admin, _) = staff_receiver().await;
    let (id, body) = submission();
    let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    doc["flags"] = serde_json::json!([]);
    doc["message"] = serde_json::json!("No screening flags. TAMPERED-MESSAGE nothing to see.");
    assert_eq!(r.post(Some(&id), &doc.to_string()).await.0, 201);
    let list = admin.get("/inbox").await.body;
    assert!(list.contains("2 flags"), "the receiver's own count");
    let page = admin.get(&format!("/inbox/submissions/{id}")).await.body;
    assert!(!page.contains("TAMPERED-MESSAGE"));
    assert!(page.contains("Needs practitioner review (2)"));
    assert!(!page.contains("No screening flags"));
    assert!(page.contains("differed from the receiver"));
    // Flags come before the contact details.
    assert!(page.find("Needs practitioner review").unwrap() < page.find("Jane Example").unwrap());
    // The JSON export is the body exactly as received, tampering and all.
    let json = admin
        .get(&format!("/inbox/submissions/{id}/export.json"))
        .await
        .body;
    assert_eq!(json, doc.to_string());
}

#[tokio::test]
async fn fhir_export_reads_as_an_r4_questionnaire_response() {
    let (r, mut admin, _) = staff_receiver().await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let p = admin
        .get(&format!("/inbox/submissions/{id}/export.fhir.json"))
        .await;
    assert_eq!(p.headers["content-type"], "application/fhir+json");
    use fhirbolt::model::r4::resources::{
        QuestionnaireResponse, QuestionnaireResponseItemAnswerValue as V,
    };
    // Strict mode: any member R4 does not define is an error.
    let qr: QuestionnaireResponse = fhirbolt::json::from_str(&p.body, None).expect("valid R4");
    assert_eq!(qr.status.value.as_deref(), Some("completed"));
    let q = Questionnaire::builtin();
    assert_eq!(
        qr.questionnaire.as_ref().and_then(|c| c.value.clone()),
        Some(format!(
            "urn:consultation-widget:questionnaire:{}|{}",
            q.id, q.version
        ))
    );
    assert_eq!(
        qr.authored
            .as_ref()
            .and_then(|a| a.value.clone())
            .as_deref(),
        Some("2026-12-02T09:30:00.000Z")
    );
    let summary: serde_json::Value = serde_json::from_str(&body).unwrap();
    let answers = summary["answers"].as_array().unwrap();
    assert_eq!(
        qr.item.len(),
        answers.len(),
        "one item per visible question"
    );
    let mut kinds = std::collections::BTreeSet::new();
    for (item, a) in qr.item.iter().zip(answers) {
        assert_eq!(item.link_id.value.as_deref(), a["question_id"].as_str());
        assert_eq!(
            item.text.as_ref().and_then(|t| t.value.clone()).as_deref(),
            a["label"].as_str()
        );
        if a["value"].is_null() {
            assert!(item.answer.is_empty(), "no empty answers");
        }
        for ans in &item.answer {
            match ans.value.as_ref().expect("every answer has a value") {
                V::String(s) => {
                    assert!(s.value.as_deref().is_some_and(|v| !v.is_empty()));
                    kinds.insert("string");
                }
                V::Boolean(_) => {
                    kinds.insert("boolean");
                }
                V::Coding(c) => {
                    assert!(c.code.as_ref().and_then(|c| c.value.clone()).is_some());
                    kinds.insert("coding");
                }
                other => panic!("unexpected answer type {other:?}"),
            }
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let fhir = crate::helpers::export(&r.db_url(), "fhir");
    assert_eq!(fhir.len(), 1);
    let _: QuestionnaireResponse =
        fhirbolt::json::from_str(&fhir[0], None).expect("CLI export valid R4");
}

#[tokio::test]
async fn an_admin_deletes_a_submission_and_no_byte_of_it_stays() {
    let (r, mut admin, _) = staff_receiver().await;
    let (id, marker) = store_marked(&r).await;
    let (other, other_body) = submission();
    assert_eq!(r.post(Some(&other), &other_body).await.0, 201);
    assert!(holds(&r.file_bytes(), &marker), "stored first");
    // Asked, then confirmed.
    let confirm = admin.get(&format!("/inbox/submissions/{id}/delete")).await;
    assert!(confirm.body.contains("cannot be undone"));
    let p = admin.delete_submission(&id).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Submission deleted"));
    assert_eq!(
        admin.get(&format!("/inbox/submissions/{id}")).await.status,
        404
    );
    assert!(!admin.get("/inbox").await.body.contains(&id));
    assert!(!admin.get("/inbox/export.csv").await.body.contains(&id));
    assert!(crate::helpers::export(&r.db_url(), "json")
        .iter()
        .all(|l| !l.contains(&marker)));
    assert_eq!(crate::helpers::export(&r.db_url(), "fhir").len(), 1);
    let bytes = r.file_bytes();
    assert!(
        !holds(&bytes, &marker),
        "the marker is gone from the database file and its WAL"
    );
    assert!(
        !holds(&bytes, &id),
        "and the id: no outbox row, no idempotency key"
    );
    assert!(holds(&bytes, &other), "the other submission stays");
    assert!(admin.get("/inbox/audit").await.body.contains("deleted"));
}

#[tokio::test]
async fn retention_deletes_old_submissions_at_start() {
    let mut r = Receiver::start(&[]).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    r.kill9();
    // Backdate it 200 days, past the default 180.
    r.execute("UPDATE submissions SET received_at_ms = received_at_ms - 200 * 86400000")
        .await;
    r.launch().await;
    wait_for("retention", std::time::Duration::from_secs(10), || async {
        crate::helpers::export(&r.db_url(), "json").is_empty()
    })
    .await;
}
