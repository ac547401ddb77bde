//! Submissions as the tests send them: the happy path's answers and body, and a submission
//! shown to be in flight before the test sends the next.

use super::{body_with, client, visitor, Receiver};
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
        tokio::spawn(async move {
            let res = client()
                .post(format!("{url}/submissions"))
                .header("content-type", "application/json")
                .header("idempotency-key", id)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        })
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
