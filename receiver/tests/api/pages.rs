//! The staff pages as issue 20 left them, against the real process: `GET /` says what this
//! server is; every time on the staff pages and in the notification email is in the clinic's
//! zone (`--time-zone`) while the exports stay UTC; the visitor's email and phone are links;
//! removing an account asks first; the note's form and its print copy have names of their own.

use crate::helpers::web::*;
use crate::helpers::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

on_both_engines!(removing_an_account_asks_first);

const ZONE: &str = "America/New_York";

/// A receiver with an admin signed in.
async fn with_admin(extra: &[&str]) -> (Receiver, Web) {
    let r = Receiver::start(extra).await;
    let admin = sign_in_admin(&r).await;
    (r, admin)
}

async fn sign_in_admin(r: &Receiver) -> Web {
    signed_in(r, "admin@glow.example", "admin").await
}

#[tokio::test]
async fn the_home_page_says_what_this_server_is_with_the_inbox_headers() {
    let r = Receiver::start(&[]).await;
    let home = r.get("/").await;
    assert_eq!(home.status(), 200);
    let sign_in = r.get("/inbox/sign-in").await;
    assert!(home.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert_eq!(home.headers().get(h), sign_in.headers().get(h), "{h}");
        assert!(home.headers().contains_key(h), "{h}");
    }
    let body = home.text().await.unwrap();
    assert!(body.contains("consultation receiver"), "{body}");
    assert!(body.contains("POST /submissions"), "{body}");
    assert!(body.contains(r#"<a href="/inbox">"#), "{body}");
}

/// `<time datetime="ISO">SHOWN</time>` after `after` on a page: (ISO, SHOWN).
fn time_after(html: &str, after: &str) -> (String, String) {
    let rest = &html[html
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {html}"))..];
    let rest = &rest[rest.find("<time datetime=\"").expect("a <time>")..];
    let iso = text_between(rest, "<time datetime=\"", "\"").to_owned();
    let shown = text_between(rest, "\">", "</time>").to_owned();
    (iso, shown)
}

/// A UTC time as staff in `ZONE` read it (jiff, as the receiver uses; the fixed times below
/// are checked by hand).
fn in_zone(iso: &str) -> String {
    iso.parse::<jiff::Timestamp>()
        .unwrap()
        .in_tz(ZONE)
        .unwrap()
        .strftime("%-d %b %Y, %H:%M %Z")
        .to_string()
}

#[tokio::test]
async fn times_are_shown_in_the_time_zone_and_exported_in_utc() {
    let smtp = Smtp::start(free_port()).await;
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let (r, mut admin) = with_admin(&[
        "--time-zone",
        ZONE,
        "--smtp",
        &smtp_url,
        "--notify",
        "staff@glow.example",
        "--from",
        "receiver@glow.example",
        // http: a Secure cookie would not come back over the tests' plain http.
        "--public-url",
        "http://intake.glow.example",
    ])
    .await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);

    let list = admin.get("/inbox").await.body;
    let (iso, received) = time_after(&list, "Received ");
    assert!(iso.ends_with('Z'), "{iso}");
    assert_eq!(received, in_zone(&iso));
    assert!(
        received.ends_with(" EST") || received.ends_with(" EDT"),
        "{received}"
    );

    let page = admin.get(&format!("/inbox/submissions/{id}")).await.body;
    assert_eq!(
        time_after(&page, "Received "),
        (iso.clone(), received.clone())
    );
    // The widget's completed_at, 2026-12-02T09:30:00.000Z: 04:30 in New York, in winter.
    assert_eq!(
        time_after(&page, "Completed "),
        (
            "2026-12-02T09:30:00Z".to_owned(),
            "2 Dec 2026, 04:30 EST".to_owned()
        )
    );
    let delete = admin
        .get(&format!("/inbox/submissions/{id}/delete"))
        .await
        .body;
    assert_eq!(
        time_after(&delete, "received "),
        (iso.clone(), received.clone())
    );
    let audit = admin.get("/inbox/audit").await.body;
    let (at, shown) = time_after(&audit, "<li class=\"row\">");
    assert_eq!(shown, in_zone(&at));
    for (name, html) in [("list", &list), ("submission", &page), ("audit", &audit)] {
        assert!(!html.contains("UTC"), "{name} shows UTC");
    }

    // The email's "Received" line, the same.
    smtp.wait_for_messages(1, Duration::from_secs(20)).await;
    let mail = &smtp.received()[0];
    assert!(mail.contains(&format!("Received: {received}\n")), "{mail}");

    // The exports and what is stored keep UTC.
    let csv = admin.get("/inbox/export.csv").await.body;
    assert!(csv.contains(&format!("\"{iso}\"")), "{csv}");
    assert!(!csv.contains("EST") && !csv.contains("EDT"), "{csv}");
    let json = admin
        .get(&format!("/inbox/submissions/{id}/export.json"))
        .await
        .body;
    assert!(json.contains("2026-12-02T09:30:00.000Z"), "{json}");
    assert!(!json.contains("EST") && !json.contains("EDT"), "{json}");
    for line in export(&r.db_url(), "text") {
        assert!(!line.contains("EST") && !line.contains("EDT"), "{line}");
    }
}

#[test]
fn an_unknown_time_zone_stops_the_start_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("r.db").display());
    for (flag, env) in [
        (Some("Mars/Olympus_Mons"), None),
        (None, Some("Mars/Olympus_Mons")),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--database", &database]);
        if let Some(zone) = flag {
            cmd.args(["--time-zone", zone]);
        }
        match env {
            Some(zone) => cmd.env("CONSULTATION_TIME_ZONE", zone),
            None => cmd.env_remove("CONSULTATION_TIME_ZONE"),
        };
        // Bounded: a receiver that ignored the zone would go on serving.
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("still running with {flag:?} {env:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains("--time-zone"), "{stderr}");
        assert!(stderr.contains("Mars/Olympus_Mons"), "{stderr}");
        assert!(
            !dir.path().join("r.db").exists(),
            "stopped before the database"
        );
    }
}

#[tokio::test]
async fn the_visitors_email_and_phone_are_links() {
    let (r, mut admin) = with_admin(&[]).await;
    let mut answers = answers();
    answers.set(
        "email",
        consultation_widget::core::answers::Value::Text("o'hara+skin@example.com".into()),
    );
    answers.set(
        "phone",
        consultation_widget::core::answers::Value::Text("+44 (0)1632 960-001".into()),
    );
    let (id, body) = body_with(&answers);
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let page = admin.get(&format!("/inbox/submissions/{id}")).await.body;
    assert!(
        page.contains(
            r#"<a href="mailto:o%27hara%2Bskin@example.com">o&#39;hara+skin@example.com</a>"#
        ) || page.contains(
            r#"<a href="mailto:o%27hara%2Bskin@example.com">o&#x27;hara+skin@example.com</a>"#
        ),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="tel:+4401632960001">+44 (0)1632 960-001</a>"#),
        "{page}"
    );
    // Only those two: no other answer is a link.
    assert_eq!(page.matches("href=\"mailto:").count(), 1);
    assert_eq!(page.matches("href=\"tel:").count(), 1);
}

async fn removing_an_account_asks_first(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let mut admin = sign_in_admin(&r).await;
    add_staff(&r, "member@glow.example", "staff");
    let mut member = Web::new(&r);
    member.sign_in("member@glow.example", PASSWORD, "").await;
    assert_eq!(member.get("/inbox").await.status, 200);

    // The staff page's button: a question, nothing removed.
    let ask = admin
        .post("/inbox/staff/remove", &[("email", "member@glow.example")])
        .await;
    assert_eq!(ask.status, 200);
    assert!(
        ask.body.contains("Remove the account member@glow.example?"),
        "{}",
        ask.body
    );
    assert!(ask.body.contains(r#"name="confirm" value="yes""#));
    assert!(ask
        .body
        .contains(r#"<a href="/inbox/staff">Keep it and go back</a>"#));
    assert!(admin
        .get("/inbox/staff")
        .await
        .body
        .contains("member@glow.example"));
    assert_eq!(member.get("/inbox").await.status, 200, "still signed in");

    // Confirmed: gone, its session too.
    let done = admin
        .post(
            "/inbox/staff/remove",
            &[("email", "member@glow.example"), ("confirm", "yes")],
        )
        .await;
    assert_eq!((done.status, done.location.as_str()), (303, "/inbox/staff"));
    assert!(!admin
        .get("/inbox/staff")
        .await
        .body
        .contains("member@glow.example"));
    assert_eq!(member.get("/inbox").await.status, 303);
}

/// The text of every heading, label and `aria-label` on a page, tags stripped.
fn names(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let tag: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let open_end = rest.find('>').unwrap();
        let attrs = &rest[..open_end];
        if let Some(a) = attrs.find("aria-label=\"") {
            let v = &attrs[a + 12..];
            out.push(v[..v.find('"').unwrap()].to_owned());
        }
        if matches!(
            tag.as_str(),
            "label" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) {
            let close = format!("</{tag}>");
            let inner = &rest[open_end + 1..rest.find(&close).unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            out.push(text.trim().to_owned());
        }
    }
    out
}

#[tokio::test]
async fn the_note_form_and_its_print_copy_are_named_apart() {
    let (r, mut admin) = with_admin(&[]).await;
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let path = format!("/inbox/submissions/{id}");
    let empty = names(&admin.get(&path).await.body);
    assert!(
        empty.iter().any(|n| n.starts_with("Add an internal note")),
        "{empty:?}"
    );
    admin
        .post(&format!("{path}/note"), &[("note", "Call back Tuesday")])
        .await;
    let page = admin.get(&path).await.body;
    assert!(page.contains("Call back Tuesday"));
    let all = names(&page);
    // Each name once; and none the same as another once its "(…)" is set aside.
    let short: Vec<String> = all
        .iter()
        .map(|n| n.split(" (").next().unwrap().trim().to_lowercase())
        .collect();
    for (i, n) in short.iter().enumerate() {
        assert!(!short[..i].contains(n), "{n:?} twice in {all:?}");
    }
    assert!(short.contains(&"internal note".to_owned()), "{all:?}");
    assert!(
        short.contains(&"edit the internal note".to_owned()),
        "{all:?}"
    );
}
