//! Crash safety and shutdown: `kill -9` in the middle of concurrent submissions, then a
//! restart, finds every acknowledged submission exactly once; SIGTERM lets a request in
//! flight finish before the process exits; and the data folder is the service user's only.

mod common;

use common::*;

on_both_engines!(
    kill_9_under_load_then_restart_keeps_every_acknowledged_submission_once,
    sigterm_lets_a_request_in_flight_finish,
);
use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
                let res = http
                    .post(format!("{url}/submissions"))
                    .header("content-type", "application/json")
                    .header("idempotency-key", &id)
                    .body(body)
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
    wait_for("40 acknowledged", Duration::from_secs(60), || {
        let n = acknowledged.lock().unwrap().len();
        async move { n >= 40 }
    })
    .await;
    r.kill9();
    for c in clients {
        c.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40);

    r.launch().await;
    let stored: Vec<String> = r
        .export()
        .iter()
        .map(|line| {
            let doc: serde_json::Value = serde_json::from_str(line).unwrap();
            doc["submission_id"].as_str().unwrap().to_owned()
        })
        .collect();
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
