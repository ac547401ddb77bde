//! Submissions as the tests send them: the happy path's answers and body, a POST as the
//! widget makes it, a submission shown to be in flight before the test sends the next, and
//! what copies sent at once must leave stored.

use super::{body_with, client, one_line, visitor, Receiver};
use consultation_widget::core::answers::{Answers, Value};
use std::time::Duration;

/// The answers a visitor gives in the end-to-end happy path: the typical visitor's, the
/// optional contact and skin questions answered too, and a second screening flag (pregnant);
/// one optional consent left unticked.
pub fn answers() -> Answers {
    let mut a = visitor::typical_answers();
    let text = |s: &str| Value::Text(s.into());
    let many = |v: &[&str]| Value::Many(v.iter().map(|s| s.to_string()).collect());
    a.set("phone", text("01632 960 001"));
    a.set("contact_method", text("email"));
    a.set("areas", many(&["face", "neck"]));
    a.set("concerns", many(&["acne_scars", "other"]));
    a.set("concerns_other", text("Redness after sport"));
    a.set("skin_type", text("combination"));
    a.set("goals", text("Smoother skin before a wedding"));
    a.set("had_before", text("no"));
    a.set("pregnant", text("yes"));
    a
}

pub fn submission() -> (String, String) {
    body_with(&answers())
}

/// Sends `body` under `id` and waits until it is in flight: a probe under the same key with a
/// broken body answers 422 (another body in flight) only then, and 400 otherwise.
pub async fn send_and_wait_in_flight(
    r: &Receiver,
    id: &str,
    body: &str,
) -> tokio::task::JoinHandle<(u16, String)> {
    let url = r.url.clone();
    let spawn = || {
        let (url, id, body) = (url.clone(), id.to_owned(), body.to_owned());
        tokio::spawn(async move { post_submission(&url, &id, &body).await.unwrap() })
    };
    let mut first = spawn();
    for _ in 0..500 {
        if r.post(Some(id), "{").await.0 == 422 {
            return first;
        }
        if first.is_finished() {
            // It met the probe's own brief claim (a 422 of its own): send it again.
            assert_eq!(first.await.unwrap().0, 422);
            first = spawn();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the first request never showed as in flight");
}

/// `POST target` as the widget sends a submission: its JSON `body` under its `id` as the
/// idempotency key. The caller adds what a test varies (an Origin, a proxy's header).
pub fn submission_post(
    http: &reqwest::Client,
    target: &str,
    id: &str,
    body: &str,
) -> reqwest::RequestBuilder {
    http.post(target)
        .header("content-type", "application/json")
        .header("idempotency-key", id)
        .body(body.to_owned())
}

/// A submission posted to the receiver at `url` from outside a browser (no Origin): the status
/// and the answer, or the error of a receiver that is gone.
pub async fn post_submission(url: &str, id: &str, body: &str) -> reqwest::Result<(u16, String)> {
    let res = submission_post(&client(), &format!("{url}/submissions"), id, body)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

/// The code of the first error in a refusal's answer (`errors[0].code`), or "".
pub fn error_code(answer: &str) -> String {
    serde_json::from_str::<serde_json::Value>(answer).unwrap()["errors"][0]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// The reference a submission's staff see (in the body the widget sent).
pub fn reference(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `copies` copies of each of `subs`, all sent at once, copy k to `urls[k % urls.len()]` (the
/// receivers a load balancer would spread them over): (id, status, answer) for every copy.
pub async fn send_copies_at_once(
    urls: &[&str],
    subs: &[(String, String)],
    copies: usize,
) -> Vec<(String, u16, String)> {
    let mut tasks = Vec::new();
    for (id, body) in subs {
        for copy in 0..copies {
            let url = urls[copy % urls.len()].to_owned();
            let (id, body) = (id.clone(), body.clone());
            tasks.push(tokio::spawn(async move {
                let (status, answer) = post_submission(&url, &id, &body).await.unwrap();
                (id, status, answer)
            }));
        }
    }
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    results
}

/// Stores a submission whose typed goals are a marker found nowhere else, to search the
/// database's bytes for once it is deleted: its id and the marker.
pub async fn store_marked(r: &Receiver) -> (String, String) {
    let marker = format!("ERASE-ME-{}", super::new_id());
    let mut a = answers();
    a.set("goals", Value::Text(marker.clone()));
    let (id, body) = body_with(&a);
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    (id, marker)
}

/// Copies of each of `subs` sent at once, answered with `results` (id, status, answer), and
/// `stored` what export printed after: each copy 201 or 409, one answer for all the accepted
/// copies of a submission, and each submission stored exactly once.
pub fn assert_each_stored_once(
    subs: &[(String, String)],
    results: &[(String, u16, String)],
    stored: &[String],
) {
    for (id, _) in subs {
        let mine: Vec<_> = results.iter().filter(|(i, _, _)| i == id).collect();
        assert!(
            mine.iter().all(|(_, s, _)| *s == 201 || *s == 409),
            "only 201 or 409: {mine:?}"
        );
        let ok: Vec<_> = mine.iter().filter(|(_, s, _)| *s == 201).collect();
        assert!(!ok.is_empty(), "at least one accepted");
        assert!(ok.iter().all(|(_, _, b)| *b == ok[0].2), "one answer");
    }
    assert_eq!(stored.len(), subs.len(), "exactly one of each");
    for (_, body) in subs {
        assert_eq!(stored.iter().filter(|s| **s == one_line(body)).count(), 1);
    }
}
