//! Several receivers on one PostgreSQL database (issue 13), each a real process: copies of a
//! submission spread over two store exactly one; a duplicate on one while the other stores
//! it is 409; `kill -9` of one under load loses nothing acknowledged and the other keeps
//! answering; each staff email is sent once (aiosmtpd); a staff session, its CSRF token and
//! the audit log work across both; retention runs once; and `migrate-to` moves a clinic
//! from its SQLite file.

use crate::helpers::web::*;
use crate::helpers::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn two(extra: &[&str]) -> (Receiver, Receiver) {
    let a = Receiver::start_on(Engine::Postgres, extra).await;
    let b = a.join(extra).await;
    (a, b)
}

#[tokio::test]
async fn copies_spread_over_two_instances_store_exactly_one_each() {
    let (a, b) = two(&[]).await;
    // 12 submissions, 8 copies each, half to each receiver, all at once.
    let subs: Vec<(String, String)> = (0..12).map(|_| submission()).collect();
    let results = send_copies_at_once(&[&a.url, &b.url], &subs, 8).await;
    assert_each_stored_once(&subs, &results, &a.export());
    assert_eq!(a.scalar("SELECT COUNT(*) FROM idempotency_keys").await, 12);
    // A repeat now, on either, is the stored answer.
    let (id, body) = &subs[0];
    let first = post_submission(&a.url, id, body).await.unwrap();
    assert_eq!(first.0, 201);
    assert_eq!(post_submission(&b.url, id, body).await.unwrap(), first);
}

#[tokio::test]
async fn a_duplicate_on_the_other_instance_while_the_first_is_stored_is_409() {
    let (a, b) = two(&[]).await;
    let (id, body) = submission();
    let lock = hold_write_lock(&a).await;
    let first = {
        let (url, id, body) = (a.url.clone(), id.clone(), body.clone());
        tokio::spawn(async move { post_submission(&url, &id, &body).await.unwrap() })
    };
    // A's transaction holds the key's lock and waits for the tables.
    wait_for_key_lock(&a, &id).await;
    let (status, answer) = post_submission(&b.url, &id, &body).await.unwrap();
    assert_eq!((status, error_code(&answer).as_str()), (409, "IN_PROGRESS"));
    assert!(!first.is_finished(), "answered before its commit");
    lock.release().await;
    let (status, answer) = first.await.unwrap();
    assert_eq!(status, 201);
    // The widget's retry after the 409, on the other receiver: the first's answer.
    assert_eq!(
        post_submission(&b.url, &id, &body).await.unwrap(),
        (201, answer)
    );
    // Another body under the key, on either: 422.
    let (status, answer) = post_submission(&b.url, &id, &one_line(&body))
        .await
        .unwrap();
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (422, "IDEMPOTENCY_KEY_REUSED")
    );
    assert_eq!(a.export(), [one_line(&body)]);
}

#[tokio::test]
async fn kill_9_of_one_instance_under_load_loses_nothing_and_the_other_keeps_answering() {
    let (mut a, b) = two(&[]).await;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let unanswered: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    // 8 clients, 4 on each receiver, each sending new submissions back to back: 50 each.
    let mut clients = Vec::new();
    for n in 0..8 {
        let url = if n < 4 { a.url.clone() } else { b.url.clone() };
        let (acknowledged, unanswered) = (acknowledged.clone(), unanswered.clone());
        clients.push(tokio::spawn(async move {
            for _ in 0..50 {
                let (id, body) = submission();
                match post_submission(&url, &id, &body).await {
                    Ok((201, _)) => acknowledged.lock().unwrap().push(id),
                    Ok((status, answer)) => panic!("unexpected {status} {answer}"),
                    Err(_) => {
                        unanswered.lock().unwrap().push((id, body));
                        return n; // this receiver is gone
                    }
                }
            }
            n
        }));
    }
    let acknowledged = a.kill9_under_load(&acknowledged, 60, clients).await;
    let unanswered = unanswered.lock().unwrap().clone();
    assert!(
        unanswered.len() <= 4,
        "only the clients of the killed receiver lost an answer"
    );
    // The survivor answers, and the widget's retries of what the dead one never answered
    // land there: stored once whether the dead one had committed them or not.
    let (id, body) = submission();
    assert_eq!(post_submission(&b.url, &id, &body).await.unwrap().0, 201);
    for (id, body) in &unanswered {
        assert_eq!(post_submission(&b.url, id, body).await.unwrap().0, 201);
    }
    let stored = b.exported_ids();
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "each stored once");
    for id in acknowledged
        .iter()
        .chain(unanswered.iter().map(|(i, _)| i))
        .chain([&id])
    {
        assert!(unique.contains(id), "acknowledged {id} lost");
    }
    assert_eq!(stored.len(), acknowledged.len() + unanswered.len() + 1);
}

#[tokio::test]
async fn each_notification_is_sent_once_by_one_of_the_instances() {
    let smtp = Smtp::start(free_port()).await;
    let flags = mail_flags(smtp.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (a, b) = two(&flags).await;
    let mut refs = Vec::new();
    for n in 0..20 {
        let (id, body) = submission();
        let url = if n % 2 == 0 { &a.url } else { &b.url };
        assert_eq!(post_submission(url, &id, &body).await.unwrap().0, 201);
        refs.push(reference(&body));
    }
    // Twenty in a few seconds: to each address the first goes alone, the rest together once
    // the outbox's 30 s window has passed (a digest when more than three).
    let unsent = "SELECT COUNT(*) FROM notifications WHERE sent_at_ms IS NULL";
    a.wait_for_scalar(unsent, 0, Duration::from_secs(90)).await;
    // Long enough for a second copy of any, were one coming.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = smtp.received();
    let mut singles: HashMap<(String, &str), usize> = HashMap::new();
    let mut covered: HashMap<&str, usize> = HashMap::new();
    for m in &messages {
        let to = if m.contains("To: staff@glow.example") {
            "staff"
        } else {
            "practitioner"
        };
        let subject = m.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap();
        match subject.strip_suffix(" new consultation requests are waiting") {
            Some(n) => *covered.entry(to).or_default() += n.parse::<usize>().unwrap(),
            None => {
                let r = refs
                    .iter()
                    .find(|r| subject == format!("New consultation request {r}"))
                    .expect("a notice of one of the submissions")
                    .clone();
                *singles.entry((r, to)).or_default() += 1;
                *covered.entry(to).or_default() += 1;
            }
        }
    }
    // Any copy sent twice, alone or in a digest, would count twice.
    assert_eq!(covered["staff"], 20, "one per submission and address");
    assert_eq!(
        covered["practitioner"], 20,
        "one per submission and address"
    );
    assert!(singles.values().all(|n| *n == 1), "{singles:?}");
    assert_eq!(
        a.scalar("SELECT COUNT(*) FROM notifications WHERE sent_at_ms IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_staff_session_works_on_either_instance_and_the_audit_log_holds_both() {
    let (a, b) = two(&[]).await;
    add_staff(&a, "admin@glow.example", "admin");
    let (id, body) = submission();
    assert_eq!(a.post(Some(&id), &body).await.0, 201);
    let reference = reference(&body);
    let mut web = Web::new(&a);
    assert_eq!(
        web.sign_in("admin@glow.example", PASSWORD, "")
            .await
            .location,
        "/inbox"
    );
    // The same cookie on the other receiver: the list, and a change with its CSRF token.
    web.url = b.url.clone();
    let list = web.get("/inbox").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&reference));
    let changed = web
        .post(
            &format!("/inbox/submissions/{id}/status"),
            &[("status", "reviewed")],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    // A token from one receiver's page is good on the other.
    web.url = a.url.clone();
    let page = web.get(&format!("/inbox/submissions/{id}")).await;
    assert!(page.body.contains("Reviewed"));
    web.url = b.url.clone();
    let csrf = csrf_of(&web.get("/inbox/account").await.body);
    web.url = a.url.clone();
    let origin = a.url.clone();
    let noted = web
        .post_raw(
            &format!("/inbox/submissions/{id}/note"),
            Some(&origin),
            &[("csrf", &csrf), ("note", "Called back")],
        )
        .await;
    assert_eq!(noted.status, 303);
    // Signed out on one: signed out on both.
    web.url = b.url.clone();
    web.post("/inbox/sign-out", &[]).await;
    web.url = a.url.clone();
    let after = web.get("/inbox").await;
    assert_ne!(after.status, 200);

    // Failed sign-ins on both at once, every one in the audit log (entries numbered by the
    // database, so receivers writing at the same moment cannot take the same number).
    let mut tries = Vec::new();
    for n in 0..12 {
        let url = if n % 2 == 0 {
            a.url.clone()
        } else {
            b.url.clone()
        };
        tries.push(tokio::spawn(async move {
            let mut w = Web::at(&url);
            w.sign_in(&format!("nobody{n}@glow.example"), "wrong password!", "")
                .await
                .status
        }));
    }
    for t in tries {
        assert_eq!(t.await.unwrap(), 200);
    }
    let count = |action: &str| format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
    assert_eq!(a.scalar(&count("sign-in failed")).await, 12);
    assert_eq!(a.scalar(&count("signed in")).await, 1);
    assert_eq!(a.scalar(&count("signed out")).await, 1);
    assert_eq!(a.scalar(&count("status changed to Reviewed")).await, 1);
    assert_eq!(a.scalar(&count("note changed")).await, 1);
    // The throttle counts failures on every receiver: five on one, and the right password
    // is refused on the other.
    let mut w = Web::new(&a);
    for _ in 0..5 {
        w.sign_in("admin@glow.example", "wrong password!", "").await;
    }
    let mut w = Web::new(&b);
    assert_eq!(
        w.sign_in("admin@glow.example", PASSWORD, "").await.status,
        429
    );
    let entries = a.scalar("SELECT COUNT(*) FROM audit_log").await;
    let distinct = a
        .scalar("SELECT COUNT(DISTINCT entry) FROM audit_log")
        .await;
    assert_eq!(entries, distinct);
}

#[tokio::test]
async fn retention_runs_once_across_instances() {
    let mut a = Receiver::start_on(Engine::Postgres, &[]).await;
    for _ in 0..3 {
        let (id, body) = submission();
        assert_eq!(a.post(Some(&id), &body).await.0, 201);
    }
    a.kill9();
    a.execute(
        "UPDATE submissions SET received_at_ms = received_at_ms - CAST(200 AS BIGINT) * 86400000",
    )
    .await;
    // Both start (and run retention) at about the same moment.
    let database = a.database.clone();
    let (_, b) = tokio::join!(a.launch(), Receiver::start_with(database, &[]));
    wait_for("retention", Duration::from_secs(10), || async {
        export(&b.db_url(), "json").is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        a.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'deleted (retention period)'")
            .await,
        3,
        "one entry per deleted submission"
    );
}

#[tokio::test]
async fn migrate_to_moves_a_clinic_from_sqlite_to_postgres() {
    let mut s = Receiver::start(&[]).await;
    add_staff(&s, "admin@glow.example", "admin");
    let subs: Vec<(String, String)> = (0..3).map(|_| submission()).collect();
    let mut answers = Vec::new();
    for (id, body) in &subs {
        let answer = s.post(Some(id), body).await;
        assert_eq!(answer.0, 201);
        answers.push(answer);
    }
    let mut web = Web::new(&s);
    web.sign_in("admin@glow.example", PASSWORD, "").await;
    web.post(
        &format!("/inbox/submissions/{}/status", subs[0].0),
        &[("status", "contacted")],
    )
    .await;
    // Two-factor on, with its recovery codes: the sealed secret and the codes move too.
    web.post("/inbox/account/two-factor", &[("password", PASSWORD)])
        .await;
    let page = web.get("/inbox/account").await.body;
    let at = page.find("id=\"totp-secret\">").expect("a setup key") + 17;
    let secret: String = page[at..at + page[at..].find('<').unwrap()]
        .split_whitespace()
        .collect();
    let totp = |at: u64| {
        let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
            .unwrap()
            .generate(at)
    };
    let now_s = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let p = web
        .post(
            "/inbox/account/two-factor/confirm",
            &[("code", &totp(now_s()))],
        )
        .await;
    assert!(p.body.contains("Your recovery codes"));
    assert!(s.terminate());
    let sqlite_audit = s.scalar("SELECT COUNT(*) FROM audit_log").await;

    let pg = fresh_postgres().await;
    let migrate = |to: &str| {
        std::process::Command::new(BIN)
            .args(["migrate-to", "--database", to, "--from", &s.db_url()])
            .output()
            .unwrap()
    };
    let out = migrate(&pg);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("submissions: 3 rows"), "{stdout}");
    assert!(stdout.contains("staff: 1 rows"), "{stdout}");

    // The same submissions, byte for byte, and the same list as staff see it.
    assert_eq!(export(&pg, "json"), s.export());
    assert_eq!(export(&pg, "csv"), export(&s.db_url(), "csv"));
    assert_eq!(export(&pg, "fhir"), export(&s.db_url(), "fhir"));
    let r = Receiver::start_with(pg.clone(), &[]).await;
    // Idempotency keys came along: a repeat gets the answer it got from SQLite.
    for ((id, body), answer) in subs.iter().zip(&answers) {
        assert_eq!(&r.post(Some(id), body).await, answer);
    }
    assert_eq!(r.export().len(), 3);
    // The account too, and the audit log, continued.
    let mut web = Web::new(&r);
    assert_eq!(
        web.sign_in("admin@glow.example", PASSWORD, &totp(now_s() + 30))
            .await
            .location,
        "/inbox"
    );
    assert_eq!(r.scalar("SELECT COUNT(*) FROM recovery_codes").await, 10);
    assert!(r.scalar("SELECT COUNT(*) FROM audit_log").await >= sqlite_audit + 2);
    assert_eq!(
        r.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'migrated from SQLite'")
            .await,
        1
    );
    let numbers = r
        .scalar("SELECT COUNT(DISTINCT entry) FROM audit_log")
        .await;
    assert_eq!(numbers, r.scalar("SELECT COUNT(*) FROM audit_log").await);
    // Never into a database in use.
    let again = migrate(&pg);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
