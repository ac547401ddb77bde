//! A panic costs one request: the real receiver, with the hidden route that panics on demand
//! (feature `panic-test`, which scripts/test-receiver.sh turns on; never in a normal build),
//! answers that request 500, logs that it happened without the request's words, and goes on
//! answering intake and /healthz. (The release profile unwinds too: src/panics.rs refuses to
//! build with panic = "abort".)

use crate::helpers::*;

#[tokio::test]
async fn a_panic_costs_its_own_request_only() {
    if !cfg!(feature = "panic-test") {
        panic!(
            "this test needs the hidden panic route: run it with --features panic-test \
             (bash scripts/test-receiver.sh --test api -- panic:: does)"
        );
    }
    let mut r = Receiver::start(&[]).await;
    let secret = format!("PANIC-WORDS-{}", new_id());
    let panic = || {
        let (url, secret) = (r.url.clone(), secret.clone());
        tokio::spawn(async move {
            let res = client()
                .post(format!("{url}/__panic-test"))
                .body(secret)
                .send()
                .await
                .expect("an answer, not a closed connection");
            (res.status().as_u16(), res.text().await.unwrap())
        })
    };
    let (status, body) = panic().await.unwrap();
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("INTERNAL"), "{body}");
    assert!(!body.contains(&secret), "{body}");
    // Panics side by side with submissions: every submission is stored.
    let mut panics = Vec::new();
    let mut submissions = Vec::new();
    for _ in 0..5 {
        panics.push(panic());
        let (id, body) = submission();
        let url = r.url.clone();
        submissions.push(tokio::spawn(async move {
            post_submission(&url, &id, &body).await.unwrap().0
        }));
    }
    for p in panics {
        assert_eq!(p.await.unwrap().0, 500);
    }
    for s in submissions {
        assert_eq!(s.await.unwrap(), 201);
    }
    assert!(
        r.child.as_mut().unwrap().try_wait().unwrap().is_none(),
        "the process is alive"
    );
    let health = reqwest::get(format!("{}/healthz", r.url)).await.unwrap();
    assert_eq!(health.status(), 200);
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    assert_eq!(r.export().len(), 6);
    let logs = r.log_text();
    assert!(logs.contains("a request panicked"), "{logs}");
    assert!(logs.contains("panic (its message is not logged)"), "{logs}");
    assert!(
        !logs.contains(&secret),
        "the panic's words are in the log:\n{logs}"
    );
    assert!(!logs.contains("PANIC-WORDS"), "{logs}");
    assert!(r.terminate(), "a clean stop after all that");
}
