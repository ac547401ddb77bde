//! Automated submissions, attacked as a script would (issue 19, item 6): bursts from one
//! address against the rate limit (`--intake-rate`), behind a trusted proxy and lying in
//! X-Forwarded-For without one; the proof of work (`GET /submissions/challenge`, the `Altcha`
//! header) missing, solved, reused, forged and expired; and a padded `message`. The real
//! process, real HTTP on loopback, bursts bounded in count.

use crate::helpers::*;
use base64::Engine as _;
use consultation_widget::core::answers::Value;
use hmac::{Hmac, Mac};
use serde_json::{json, Value as J};
use sha2::{Digest, Sha256};

on_both_engines!(a_burst_from_one_address_is_capped_and_replays_still_answered);

/// One POST of `sub` to the receiver at `url`, with extra headers: the status and the
/// Retry-After header.
async fn post_to(
    url: &str,
    sub: &(String, String),
    headers: &[(&str, String)],
) -> (u16, Option<String>) {
    let mut req = submission_post(&client(), &format!("{url}/submissions"), &sub.0, &sub.1)
        .header("origin", ORIGIN);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let res = req.send().await.expect("an answer");
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (res.status().as_u16(), retry)
}

async fn post(
    r: &Receiver,
    sub: &(String, String),
    headers: &[(&str, String)],
) -> (u16, Option<String>) {
    post_to(&r.url, sub, headers).await
}

/// `n` fresh submissions at once (one task each), each with `headers`: how many 201 and how
/// many 429 (each 429 with a Retry-After of a second to a minute).
async fn burst(r: &Receiver, n: usize, headers: &[(&'static str, String)]) -> (usize, usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (url, headers, sub) = (r.url.clone(), headers.to_vec(), submission());
        tasks.spawn(async move { post_to(&url, &sub, &headers).await });
    }
    let mut counts = (0, 0);
    while let Some(answer) = tasks.join_next().await {
        match answer.unwrap() {
            (201, _) => counts.0 += 1,
            (429, retry) => {
                let secs: u64 = retry.expect("Retry-After").parse().unwrap();
                assert!((1..=60).contains(&secs), "Retry-After {secs}");
                counts.1 += 1;
            }
            (other, _) => panic!("unexpected {other}"),
        }
    }
    counts
}

async fn a_burst_from_one_address_is_capped_and_replays_still_answered(engine: Engine) {
    let r = Receiver::start_on(
        engine,
        &["--intake-rate", "10/minute", "--proof-of-work", "off"],
    )
    .await;
    let first = submission();
    assert_eq!(post(&r, &first, &[]).await.0, 201);
    // 40 at once from the same address: the other 9 of the 10 allowed, then 429s.
    assert_eq!(burst(&r, 40, &[]).await, (9, 40 - 9));
    let stored = r.scalar("SELECT COUNT(*) FROM submissions").await;
    assert_eq!(stored, 10);
    // The widget's retry of a stored submission (its answer lost) is answered from the
    // store, limit or not; a new one is still refused.
    assert_eq!(post(&r, &first, &[]).await.0, 201);
    assert_eq!(post(&r, &submission(), &[]).await.0, 429);
    assert_eq!(r.scalar("SELECT COUNT(*) FROM submissions").await, 10);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_allowance() {
    let r = Receiver::start(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--intake-rate",
        "5/minute",
        "--proof-of-work",
        "off",
    ])
    .await;
    let a = [("x-forwarded-for", "192.0.2.1".to_owned())];
    let b = [("x-forwarded-for", "192.0.2.2".to_owned())];
    assert_eq!(burst(&r, 12, &a).await, (5, 7));
    // The second client, through the same proxy, is not held back by the first's burst.
    assert_eq!(burst(&r, 3, &b).await, (3, 0));
    // IPv6 clients count by their /64: hopping inside it gains nothing.
    let hops: Vec<_> = (0..8)
        .map(|i| [("x-forwarded-for", format!("2001:db8:1:2::{i:x}"))])
        .collect();
    let mut created = 0;
    for h in &hops {
        created += usize::from(post(&r, &submission(), h).await.0 == 201);
    }
    assert_eq!(created, 5);
}

#[tokio::test]
async fn a_client_lying_in_x_forwarded_for_is_counted_as_its_peer() {
    let r = Receiver::start(&["--intake-rate", "5/minute", "--proof-of-work", "off"]).await;
    let mut created = 0;
    for i in 0..12 {
        let lie = [("x-forwarded-for", format!("198.51.100.{i}"))];
        created += usize::from(post(&r, &submission(), &lie).await.0 == 201);
    }
    assert_eq!(created, 5, "no --trusted-proxy: the header is ignored");
}

// ---- proof of work ----

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

async fn fetch_challenge(r: &Receiver) -> J {
    let res = client()
        .get(format!("{}/submissions/challenge", r.url))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Readable by the clinic's pages, and never cached.
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(res.headers()["cache-control"], "no-store");
    res.json().await.unwrap()
}

/// Finds the number as the widget does: the first whose hash is the challenge.
fn solve(c: &J) -> J {
    let salt = c["salt"].as_str().unwrap();
    let number = (0..=c["maxnumber"].as_u64().unwrap())
        .find(|n| sha_hex(&format!("{salt}{n}")) == c["challenge"])
        .expect("a solution within maxnumber");
    json!({"algorithm": c["algorithm"], "challenge": c["challenge"], "number": number,
           "salt": salt, "signature": c["signature"]})
}

fn header(solution: &J) -> Vec<(&'static str, String)> {
    vec![(
        "altcha",
        base64::engine::general_purpose::STANDARD.encode(solution.to_string()),
    )]
}

/// The stored row's spam mark, the reasons in the receiver's summary and its plain text's
/// first line.
async fn marks(r: &Receiver, id: &str) -> (bool, J, String) {
    let spam = r
        .scalar(&format!(
            "SELECT COUNT(*) FROM submissions WHERE submission_id = '{id}' AND likely_spam"
        ))
        .await
        == 1;
    let row = r.row(id).await.expect("stored");
    let summary: J = serde_json::from_str(&row.summary_json).unwrap();
    let first = row.summary_text.lines().next().unwrap_or("").to_owned();
    (spam, summary["spam"]["reasons"].clone(), first)
}

#[tokio::test]
async fn submissions_without_a_valid_proof_of_work_are_stored_and_marked() {
    // The least work the flag takes, so this debug-built test solves quickly.
    let r = Receiver::start(&["--proof-of-work", "1000"]).await;

    // A bot leaving it out: stored, marked, the reason given.
    let bare = submission();
    assert_eq!(post(&r, &bare, &[]).await.0, 201);
    let (spam, reasons, first) = marks(&r, &bare.0).await;
    assert!(spam);
    assert_eq!(reasons, json!(["no-proof-of-work"]));
    assert_eq!(first, "LIKELY SPAM (no-proof-of-work)");

    // Solved: not marked. Its retry (same key, body and solution) is answered as before.
    let c = fetch_challenge(&r).await;
    assert_eq!(c["algorithm"], "SHA-256");
    assert_eq!(c["maxnumber"], 1000);
    let solved = solve(&c);
    let person = submission();
    assert_eq!(post(&r, &person, &header(&solved)).await.0, 201);
    assert!(!marks(&r, &person.0).await.0);
    assert_eq!(post(&r, &person, &header(&solved)).await.0, 201);
    assert!(!marks(&r, &person.0).await.0);

    // The same solution on another submission: spent, so marked.
    let again = submission();
    assert_eq!(post(&r, &again, &header(&solved)).await.0, 201);
    assert_eq!(marks(&r, &again.0).await.1, json!(["proof-of-work-reused"]));

    // A forged signature, a wrong number, garbage: marked invalid.
    let c = fetch_challenge(&r).await;
    let mut forged = solve(&c);
    forged["signature"] = json!(sha_hex("forged"));
    let mut wrong = solve(&c);
    wrong["number"] = json!(wrong["number"].as_u64().unwrap() + 1);
    for bad in [
        header(&forged),
        header(&wrong),
        vec![("altcha", "not base64!".to_owned())],
    ] {
        let sub = submission();
        assert_eq!(post(&r, &sub, &bad).await.0, 201, "stored, never dropped");
        assert_eq!(marks(&r, &sub.0).await.1, json!(["proof-of-work-invalid"]));
    }

    // Expired: a challenge signed with the receiver's own key (read from its database, as
    // only the receiver could) whose time has passed.
    let key = r
        .text("SELECT value FROM settings WHERE name = 'proof_of_work_key'")
        .await;
    let salt = "00ff?expires=1000000000";
    let challenge = sha_hex(&format!("{salt}7"));
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(challenge.as_bytes());
    let old = json!({"algorithm": "SHA-256", "challenge": challenge, "number": 7, "salt": salt,
                     "signature": hex(&mac.finalize().into_bytes())});
    let sub = submission();
    assert_eq!(post(&r, &sub, &header(&old)).await.0, 201);
    assert_eq!(marks(&r, &sub.0).await.1, json!(["proof-of-work-expired"]));

    // The exports carry the mark: the CSV's likely_spam column, the text summaries' first line.
    let csv = export(&r.db_url(), "csv");
    let header: Vec<&str> = csv[0].split(',').collect();
    let column = header.iter().position(|h| *h == "\"likely_spam\"").unwrap();
    let marked = csv[1..]
        .iter()
        .filter(|line| line.split(',').nth(column) == Some("\"yes\""))
        .count();
    assert_eq!((csv.len() - 1, marked), (7, 6));
    let text = export(&r.db_url(), "text").join("\n");
    assert_eq!(text.matches("LIKELY SPAM (").count(), 6);
}

#[tokio::test]
async fn a_bot_burst_at_the_defaults_is_capped_and_all_marked() {
    // The defaults, spelled out (the harness turns both off for other tests).
    let r = Receiver::start(&["--intake-rate", "10/minute", "--proof-of-work", "50000"]).await;
    assert_eq!(burst(&r, 300, &[]).await, (10, 290));
    assert_eq!(r.scalar("SELECT COUNT(*) FROM submissions").await, 10);
    assert_eq!(
        r.scalar("SELECT COUNT(*) FROM submissions WHERE likely_spam")
            .await,
        10
    );
}

#[tokio::test]
async fn a_padded_message_is_refused_and_long_typed_text_too() {
    let r = Receiver::start(&["--proof-of-work", "off"]).await;
    // Within the body limit (256 KB), far beyond any summary of these answers.
    let (id, body) = submission();
    let mut doc: J = serde_json::from_str(&body).unwrap();
    doc["message"] = json!("x".repeat(200 * 1024));
    let (status, answer) = r.post(Some(&id), &doc.to_string()).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.contains("message-too-long"), "{answer}");
    // A message the widget's own wording could differ by is only recorded.
    doc["message"] = json!("No screening flags");
    assert_eq!(r.post(Some(&id), &doc.to_string()).await.0, 201);
    // Typed text beyond its question's limit: refused on its field.
    let mut a = answers();
    a.set("goals", Value::Text("y".repeat(20 * 1024)));
    let (id, body) = body_with(&a);
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.contains("\"field\":\"goals\""), "{answer}");
    assert_eq!(r.scalar("SELECT COUNT(*) FROM submissions").await, 1);
}
