//! What the receiver's log says to whoever runs it, against the real process: plain text in a
//! file (colours only on a terminal), and one line per refused browser origin an hour, naming
//! the flag that allows it and nothing of the request.

use crate::helpers::*;
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn text_logs_written_to_a_file_hold_no_colour_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("receiver.log");
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "text"])
        .arg("--database")
        .arg(format!("sqlite://{}", dir.path().join("r.db").display()))
        .env_remove("RUST_LOG")
        // A user's NO_COLOR would hide the colours whatever the receiver did.
        .env_remove("NO_COLOR")
        .env("CONSULTATION_PROOF_OF_WORK", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // "listening" and the warnings before it: INFO and WARN lines, which a terminal colours.
    wait_for("the listening line", Duration::from_secs(30), || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        async move { text.contains("listening") }
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let bytes = std::fs::read(&log).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("WARN") && text.contains("INFO"), "{text}");
    assert!(
        !bytes.contains(&0x1b),
        "an escape in the log file:\n{text:?}"
    );
}

const REFUSED: &str = "https://other-clinic.example";

/// Waits for the log line saying `id` was stored: every line its request logged before is in.
async fn stored(r: &Receiver, id: &str) {
    wait_for("the submission stored", Duration::from_secs(10), || {
        let done = r
            .log_text()
            .lines()
            .any(|l| l.contains("submission stored") && l.contains(id));
        async move { done }
    })
    .await;
}

fn refused_lines(r: &Receiver) -> Vec<String> {
    r.log_text()
        .lines()
        .filter(|l| l.contains("origin refused"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_refused_origin_is_logged_once_naming_the_flag_and_nothing_of_the_request() {
    let r = Receiver::start(&[]).await;
    let url = format!("{}/submissions?visit=secret-query-value", r.url);
    // The preflight, then the post itself (stored: CORS stops the browser reading the
    // answer, not the server taking it).
    let preflight = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", REFUSED)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let (id, body) = submission();
    let post = submission_post(&client(), &url, &id, &body)
        .header("origin", REFUSED)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 201);
    assert!(post.headers().get("access-control-allow-origin").is_none());
    stored(&r, &id).await;
    let lines = refused_lines(&r);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line["level"], "WARN");
    let message = line["message"].as_str().unwrap();
    assert!(message.contains(REFUSED), "{message}");
    assert!(
        message.contains(&format!("--allow-origin {REFUSED}")),
        "{message}"
    );

    // An allowed origin: no line.
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    stored(&r, &id).await;
    assert_eq!(refused_lines(&r).len(), 1, "{:#?}", refused_lines(&r));
    assert!(!refused_lines(&r)[0].contains(ORIGIN));

    // Nothing of the requests: no query, no answer.
    let logs = r.log_text();
    for word in [
        "secret-query-value",
        "Jane",
        "jane@example.com",
        "Lidocaine",
    ] {
        assert!(!logs.contains(word), "{word:?} in the log:\n{logs}");
    }
}
