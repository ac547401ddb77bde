//! The Idempotency-Key cases of the IETF httpapi draft ("The Idempotency-Key HTTP Header
//! Field", section 2.6 and the error responses): a repeat replays the first answer, another
//! body under a used key is 422, a duplicate while the first is in flight is 409, and copies
//! fired at the same moment store exactly one.

use crate::helpers::*;

on_both_engines!(
    a_repeat_gets_the_stored_answer_and_stores_nothing_more,
    the_same_key_with_another_body_is_422,
    a_duplicate_while_the_first_is_in_flight_is_409_and_the_first_then_succeeds,
    copies_fired_at_the_same_moment_store_exactly_one,
);
use serde_json::Value as J;

async fn a_repeat_gets_the_stored_answer_and_stores_nothing_more(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let (id, body) = submission();
    let first = r.post(Some(&id), &body).await;
    let second = r.post(Some(&id), &body).await;
    assert_eq!(first.0, 201);
    assert_eq!(second, first, "the same status and body");
    assert_eq!(r.export().len(), 1);
}

async fn the_same_key_with_another_body_is_422(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    // The same submission id, an answer changed (a client bug, or someone else's key).
    let mut doc: J = serde_json::from_str(&body).unwrap();
    for a in doc["answers"].as_array_mut().unwrap() {
        if a["question_id"] == "goals" {
            a["value"] = "Something else".into();
            a["display"] = "Something else".into();
        }
    }
    let (status, answer) = r.post(Some(&id), &doc.to_string()).await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (422, "IDEMPOTENCY_KEY_REUSED")
    );
    // Even the same document re-indented is another body: the draft fingerprints the bytes.
    let (status, _) = r.post(Some(&id), &one_line(&body)).await;
    assert_eq!(status, 422);
    assert_eq!(r.export(), [one_line(&body)], "the first one only");
}

async fn a_duplicate_while_the_first_is_in_flight_is_409_and_the_first_then_succeeds(
    engine: Engine,
) {
    let r = Receiver::start_on(engine, &[]).await;
    let (id, body) = submission();
    let lock = hold_write_lock(&r).await;
    let first = send_and_wait_in_flight(&r, &id, &body).await;
    let res = submission_post(&client(), &format!("{}/submissions", r.url), &id, &body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(res.headers()["retry-after"], "1");
    assert_eq!(error_code(&res.text().await.unwrap()), "IN_PROGRESS");
    // Durable before acknowledged: no answer while the commit cannot happen.
    assert!(!first.is_finished(), "answered before its commit");
    lock.release().await;
    let (status, _) = first.await.unwrap();
    assert_eq!(status, 201);
    // The widget's retry after the 409, with the same id: the stored answer.
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    assert_eq!(r.export().len(), 1);
}

async fn copies_fired_at_the_same_moment_store_exactly_one(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    // 10 submissions, 8 copies each, all at once.
    let subs: Vec<(String, String)> = (0..10).map(|_| submission()).collect();
    let results = send_copies_at_once(&[&r.url], &subs, 8).await;
    assert_each_stored_once(&subs, &results, &r.export());
}
