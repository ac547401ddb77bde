//! Staff notifications through a real SMTP server on 127.0.0.1 (aiosmtpd): the email holds
//! the reference, the time and the inbox link, and nothing the visitor typed; SMTP down, slow
//! or gone across a restart never delays an answer, and the email then arrives once.

use crate::helpers::*;

on_both_engines!(smtp_down_then_up_across_a_restart_the_notice_arrives_once,);
use std::time::{Duration, Instant};

/// `mail_flags` with one address to notify and a bare sender.
fn one_address(port: u16) -> Vec<String> {
    let mut flags = mail_flags(port);
    flags.truncate(4);
    flags.extend(
        [
            "--from",
            "receiver@glow.example",
            "--public-url",
            PUBLIC_URL,
        ]
        .map(String::from),
    );
    flags
}

/// Nothing a visitor typed or chose, and no health word, is in an email.
fn assert_no_health_data(message: &str) {
    for typed in [
        "Jane",
        "Example",
        "jane@example.com",
        "01632",
        "Lidocaine",
        "Redness",
        "wedding",
        "pregnan",
        "allerg",
        "Microneedling",
        "NEEDS PRACTITIONER",
        "acne",
    ] {
        assert!(
            !message.contains(typed),
            "the email holds {typed:?}:\n{message}"
        );
    }
}

#[tokio::test]
async fn a_submission_with_photos_gets_a_notice_that_never_mentions_them() {
    // Issue 24: a photo of the skin is health data, and so is the fact of sending one.
    let smtp = Smtp::start(free_port()).await;
    let flags = mail_flags(smtp.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (r, _dir) = crate::photos::clinic_with(Engine::Sqlite, &flags).await;
    crate::photos::stored_one(&r, crate::photos::jpeg(64, 48), "Left cheek").await;
    smtp.wait_for_messages(2, Duration::from_secs(20)).await;
    for m in smtp.received() {
        assert!(m.contains("Reference: "), "the notice itself: {m}");
        for word in ["photo", "Photo", "image", "jpeg", "Left cheek", "attach"] {
            assert!(!m.contains(word), "the email mentions {word:?}:\n{m}");
        }
        assert_no_health_data(&m);
    }
}

#[tokio::test]
async fn staff_get_a_notice_with_the_reference_time_and_link_only() {
    let smtp = Smtp::start(free_port()).await;
    let flags = mail_flags(smtp.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut r = Receiver::start(&flags).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    smtp.wait_for_messages(2, Duration::from_secs(20)).await;
    let reference = reference(&body);
    let link = format!("{PUBLIC_URL}/inbox/submissions/{id}");
    let mut to = Vec::new();
    for m in smtp.received() {
        assert!(
            m.contains(&format!("Subject: New consultation request {reference}")),
            "{m}"
        );
        assert!(m.contains(&format!("Reference: {reference}")), "{m}");
        // In the receiver's zone (pages.rs checks it with --time-zone).
        assert!(m.contains("Received: "), "{m}");
        assert!(m.contains(&link), "{m}");
        assert!(
            m.contains("From: \"Glow Clinic receiver\" <receiver@glow.example>"),
            "{m}"
        );
        assert_no_health_data(&m);
        to.extend(
            m.lines()
                .filter(|l| l.starts_with("To: "))
                .map(str::to_owned),
        );
    }
    to.sort();
    assert_eq!(
        to,
        ["To: practitioner@glow.example", "To: staff@glow.example"]
    );
    println!("{}", smtp.received()[0]);
    // Stopped cleanly, nothing more was sent: each once.
    assert!(r.terminate());
    assert_eq!(smtp.received().len(), 2);
    assert!(
        !r.log_text().contains("staff@glow.example"),
        "no address in the logs"
    );
}

async fn smtp_down_then_up_across_a_restart_the_notice_arrives_once(engine: Engine) {
    let port = free_port();
    let flags = one_address(port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut r = Receiver::start_on(engine, &flags).await;
    let (id, body) = submission();
    let started = Instant::now();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "SMTP down never delays the answer"
    );
    wait_for("a failed attempt", Duration::from_secs(20), || {
        let failed = r.log_text().contains("notification not sent; will retry");
        async move { failed }
    })
    .await;
    // The receiver dies with the email unsent; SMTP comes back; the receiver restarts.
    r.kill9();
    let smtp = Smtp::start(port).await;
    r.launch().await;
    smtp.wait_for_messages(1, Duration::from_secs(30)).await;
    assert!(r.terminate());
    let received = smtp.received();
    assert_eq!(received.len(), 1, "once");
    assert!(received[0].contains(&reference(&body)));
    // A second submission now goes through, once the outbox's 30 s window after the first
    // email to the same address has passed.
    r.launch().await;
    let (id2, body2) = submission();
    assert_eq!(r.post(Some(&id2), &body2).await.0, 201);
    smtp.wait_for_messages(2, Duration::from_secs(60)).await;
    assert!(r.terminate());
    assert_eq!(smtp.received().len(), 2);
}

#[tokio::test]
async fn an_smtp_server_that_never_answers_does_not_delay_intake() {
    let silent = SilentSmtp::start().await;
    let flags = mail_flags(silent.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut r = Receiver::start(&flags).await;
    for _ in 0..5 {
        let (id, body) = submission();
        let started = Instant::now();
        assert_eq!(r.post(Some(&id), &body).await.0, 201);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    assert_eq!(r.export().len(), 5);
    r.kill9();
}

/// How many submissions one email stands for: a digest says, a single notice is one.
fn covers(message: &str) -> usize {
    let subject = message
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default();
    match subject.strip_suffix(" new consultation requests are waiting") {
        Some(n) => n.parse().unwrap(),
        None => {
            assert!(
                subject.starts_with("New consultation request "),
                "{message}"
            );
            1
        }
    }
}

#[tokio::test]
async fn a_burst_of_submissions_comes_as_a_handful_of_emails() {
    let smtp = Smtp::start(free_port()).await;
    let flags = one_address(smtp.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let r = Receiver::start(&flags).await;
    // 50 submissions from 10 clients at once.
    let mut clients = Vec::new();
    for _ in 0..10 {
        let url = r.url.clone();
        clients.push(tokio::spawn(async move {
            for _ in 0..5 {
                let (id, body) = submission();
                assert_eq!(post_submission(&url, &id, &body).await.unwrap().0, 201);
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    let sent = "SELECT COUNT(*) FROM notifications WHERE sent_at_ms IS NOT NULL";
    r.wait_for_scalar(sent, 50, Duration::from_secs(60)).await;
    let received = smtp.received();
    let covered: usize = received.iter().map(|m| covers(m)).sum();
    println!(
        "50 submissions: {} emails ({:?})",
        received.len(),
        received.iter().map(|m| covers(m)).collect::<Vec<_>>()
    );
    assert_eq!(covered, 50, "every submission told once");
    assert!(received.len() <= 10, "{} emails for 50", received.len());
    let inbox = format!("{PUBLIC_URL}/inbox\n");
    let mut digests = 0;
    for m in &received {
        assert_no_health_data(m);
        if covers(m) > 1 {
            digests += 1;
            assert!(m.contains(&inbox), "{m}");
            assert!(!m.contains("Reference:"), "{m}");
        }
    }
    assert!(digests >= 1, "at least one digest");
}
