//! Crash safety and shutdown: `kill -9` in the middle of concurrent submissions, then a
//! restart, finds every acknowledged submission exactly once; SIGTERM lets a request in
//! flight finish before the process exits; and the data folder is the service user's only.

use crate::helpers::*;

on_both_engines!(
    kill_9_under_load_then_restart_keeps_every_acknowledged_submission_once,
    sigterm_lets_a_request_in_flight_finish,
    a_receiver_killed_while_sending_delays_its_notice_under_a_minute,
);
use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn kill_9_under_load_then_restart_keeps_every_acknowledged_submission_once(engine: Engine) {
    let mut r = Receiver::start_on(engine, &[]).await;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let attempted: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let url = r.url.clone();
    // 8 clients, each sending new submissions one after another: at most 60 each.
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (url, acknowledged, attempted) = (url.clone(), acknowledged.clone(), attempted.clone());
        clients.push(tokio::spawn(async move {
            let http = client();
            for _ in 0..60 {
                let (id, body) = submission();
                attempted.lock().unwrap().push((id.clone(), body.clone()));
                let res = submission_post(&http, &format!("{url}/submissions"), &id, &body)
                    .send()
                    .await;
                match res {
                    Ok(res) if res.status() == 201 => acknowledged.lock().unwrap().push(id),
                    Ok(res) => panic!("unexpected {}", res.status()),
                    Err(_) => return, // the receiver is gone
                }
            }
        }));
    }
    let acknowledged = r.kill9_under_load(&acknowledged, 40, clients).await;
    assert!(acknowledged.len() >= 40);

    r.launch().await;
    let stored = r.exported_ids();
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "none twice");
    for id in &acknowledged {
        assert!(unique.contains(id), "acknowledged {id} lost");
    }
    // What the widget then does: send again everything not confirmed. All are stored once.
    let attempted = attempted.lock().unwrap().clone();
    for (id, body) in &attempted {
        assert_eq!(r.post(Some(id), body).await.0, 201, "{id}");
    }
    assert_eq!(r.export().len(), attempted.len());
}

async fn sigterm_lets_a_request_in_flight_finish(engine: Engine) {
    let mut r = Receiver::start_on(engine, &[]).await;
    let (id, body) = submission();
    // Hold the write lock so the request is provably in flight when SIGTERM arrives.
    let lock = hold_write_lock(&r).await;
    let request = send_and_wait_in_flight(&r, &id, &body).await;
    let pid = r.pid();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    // New connections are refused once it stops listening...
    wait_for("the listener to close", Duration::from_secs(10), || async {
        tokio::net::TcpStream::connect(r.url.trim_start_matches("http://"))
            .await
            .is_err()
    })
    .await;
    // ...while the request in flight still gets its answer once the commit can happen.
    lock.release().await;
    assert_eq!(request.await.unwrap().0, 201);
    assert!(r.terminate_wait(), "a clean exit");
    let logs = r.log_text();
    assert!(logs.contains(r#""message":"stopped""#), "{logs}");
    assert!(
        !logs.contains("stopping anyway"),
        "it waited for nobody but the request"
    );
    assert_eq!(r.export(), [one_line(&body)]);
}

/// Receiver A claims a notification and is killed (`kill -9`) while sending it, to an SMTP
/// server that accepts and then says nothing; receiver B, on the same database with a working
/// SMTP server, sends it once A's claim has lapsed: a per-message lease of 30 s, where the
/// whole batch's six minutes used to be.
async fn a_receiver_killed_while_sending_delays_its_notice_under_a_minute(engine: Engine) {
    let silent = SilentSmtp::start().await;
    let smtp = Smtp::start(free_port()).await;
    let flags = |port: u16| {
        [
            "--smtp".to_owned(),
            format!("smtp://127.0.0.1:{port}"),
            "--notify".into(),
            "staff@glow.example".into(),
            "--from".into(),
            "receiver@glow.example".into(),
            "--public-url".into(),
            "https://intake.glow.example".into(),
        ]
    };
    let flags_a = flags(silent.port);
    let flags_a: Vec<&str> = flags_a.iter().map(String::as_str).collect();
    let mut a = Receiver::start_on(engine, &flags_a).await;
    let (id, body) = submission();
    assert_eq!(a.post(Some(&id), &body).await.0, 201);
    wait_for("A to start sending", Duration::from_secs(20), || {
        let n = silent.connected();
        async move { n >= 1 }
    })
    .await;
    a.kill9();
    let killed = Instant::now();
    let flags_b = flags(smtp.port);
    let flags_b: Vec<&str> = flags_b.iter().map(String::as_str).collect();
    let mut b = Receiver::start_with(a.db_url(), &flags_b).await;
    smtp.wait_for_messages(1, Duration::from_secs(60)).await;
    println!(
        "{engine:?}: the notice went {:.1} s after A was killed",
        killed.elapsed().as_secs_f64()
    );
    assert!(b.terminate());
    let received = smtp.received();
    assert_eq!(received.len(), 1, "once");
    assert!(received[0].contains(&reference(&body)));
}

/// The lease is renewed while the worker is still sending: one submission to three addresses,
/// sent one after another to an SMTP server that accepts and then says nothing (each attempt
/// ends at the 30 s send timeout). By the third attempt, 60 s after the claim, the row the
/// worker is sending is not due for anyone else, though the first lease (30 s) has passed.
#[tokio::test]
async fn the_lease_is_renewed_while_the_worker_is_sending() {
    let silent = SilentSmtp::start().await;
    let port = silent.port;
    let smtp = format!("smtp://127.0.0.1:{port}");
    let mut flags = vec!["--smtp", &smtp, "--from", "receiver@glow.example"];
    flags.extend(["--public-url", "https://intake.glow.example"]);
    let to: Vec<String> = (1..=3).map(|n| format!("staff{n}@glow.example")).collect();
    for address in &to {
        flags.extend(["--notify", address]);
    }
    let r = Receiver::start(&flags).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    wait_for("the third attempt", Duration::from_secs(100), || {
        let n = silent.connected();
        async move { n >= 3 }
    })
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let lapsed = r
        .scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE attempts = 0 AND next_attempt_at_ms <= {now}"
        ))
        .await;
    assert_eq!(lapsed, 0, "a row the worker is sending lost its lease");
    let waiting = r
        .scalar("SELECT COUNT(*) FROM notifications WHERE attempts = 0")
        .await;
    assert_eq!(waiting, 1, "the third is being sent");
}

#[tokio::test]
async fn the_data_folder_and_files_are_the_service_users_only() {
    let r = Receiver::start(&[]).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(r.db_path().parent().unwrap()), 0o700);
    assert_eq!(mode(&r.db_path()), 0o600);
    let wal = r.db_path().with_extension("db-wal");
    assert!(wal.exists(), "WAL mode");
    assert_eq!(mode(&wal), 0o600);
}

#[tokio::test]
async fn a_bad_setting_stops_the_start_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/r.db", dir.path().display());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--database", "postgres://nobody:hush@127.0.0.1:1/none"],
            "postgres://nobody:…@127.0.0.1:1/none",
        ),
        (vec!["--database", "mysql://x"], "sqlite://PATH"),
        (
            vec![
                "--database",
                &db,
                "--allow-origin",
                "https://a.example/path",
            ],
            "no path",
        ),
        (
            vec!["--database", &db, "--notify", "staff@glow.example"],
            "--notify needs --smtp",
        ),
        (
            vec![
                "--database",
                &db,
                "--notify",
                "staff@glow.example",
                "--smtp",
                "smtp://127.0.0.1:1",
            ],
            "--notify needs --from",
        ),
        (
            vec!["--database", &db, "--questionnaire", "/nonexistent.json"],
            "nonexistent",
        ),
    ];
    for (args, words) in cases {
        let out = std::process::Command::new(BIN)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} started");
        assert!(err.contains(words), "{args:?}: {err}");
    }
}

#[tokio::test]
async fn export_reads_only_and_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none/receiver.db");
    let out = std::process::Command::new(BIN)
        .args([
            "export",
            "--database",
            &format!("sqlite://{}", missing.display()),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such database"));
    assert!(!missing.parent().unwrap().exists(), "nothing created");
}
