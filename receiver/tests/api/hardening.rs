//! The edges an outsider or a log reader meets: HSTS when the receiver is served as https, and
//! the inbox's search (names, emails) kept out of the logs at every level, even with
//! `RUST_LOG=trace`.

use crate::helpers::web::*;
use crate::helpers::*;
use std::process::Command;
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn hsts_when_the_public_url_is_https_only() {
    let https = Receiver::start(&["--public-url", "https://intake.glow.example"]).await;
    let plain = Receiver::start(&[]).await;
    let hsts = |r: &Receiver| {
        let url = format!("{}/inbox/sign-in", r.url);
        async move {
            let res = reqwest::get(url).await.unwrap();
            assert_eq!(res.status(), 200);
            res.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap().to_owned())
        }
    };
    assert_eq!(hsts(&https).await.as_deref(), Some("max-age=31536000"));
    assert_eq!(hsts(&plain).await, None, "not over plain http");
}

/// The receiver on `database` with `RUST_LOG` set (the harness clears it), its log lines.
struct Traced {
    child: std::process::Child,
    url: String,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Traced {
    fn start(database: &str, rust_log: &str) -> Traced {
        let mut serve = Command::new(BIN);
        serve
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .args(["--database", database])
            .env("RUST_LOG", rust_log);
        let logs: Arc<Mutex<Vec<String>>> = Arc::default();
        let (child, address) = spawn_serving(serve, &logs);
        Traced {
            child,
            url: format!("http://{address}"),
            logs,
        }
    }
}

impl Drop for Traced {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_inbox_search_is_in_no_log_line_even_at_trace() {
    let mut r = Receiver::start(&[]).await;
    add_staff(&r, "admin@glow.example", "admin");
    let (id, body) = submission();
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    r.kill9();
    for filter in ["trace", "info,tower_http=debug"] {
        let traced = Traced::start(&r.db_url(), filter);
        let mut web = Web::new(&r);
        web.url = traced.url.clone();
        assert_eq!(
            web.sign_in("admin@glow.example", PASSWORD, "")
                .await
                .location,
            "/inbox"
        );
        let needle = "searched-visitor@example.com";
        let page = web.get("/inbox?q=searched-visitor%40example.com").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(needle), "the search was made");
        let page = web.get("/inbox?q=Zebedee+Searchname").await;
        assert_eq!(page.status, 200);
        let logs = traced.logs.lock().unwrap().join("\n");
        assert!(
            logs.contains("/inbox"),
            "{filter}: requests are logged, by path"
        );
        for word in ["searched-visitor", "Zebedee", "Searchname"] {
            assert!(
                !logs.contains(word),
                "{filter}: the search {word:?} is in the log"
            );
        }
    }
}
