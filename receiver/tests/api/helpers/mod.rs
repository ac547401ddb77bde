//! The test harness, shared by every area: the real `consultation-receiver` binary started as
//! a process (`receiver`) on a fresh database (`database`: a SQLite file in a temporary folder,
//! or a new database on the test PostgreSQL cluster), submissions made with the widget's own
//! core (`visitor`, `posting`), a real SMTP server (`smtp`) and a browser of one for the staff
//! pages (`web`). No mocks; every wait is a bounded poll for a condition.
//!
//! PostgreSQL: `CONSULTATION_TEST_POSTGRES` names a cluster (`postgres://USER@HOST:PORT/`,
//! which scripts/test.sh and scripts/test-receiver.sh start and stop); each test creates a
//! database of its own there. Without it the PostgreSQL tests fail, saying how to run them.

pub mod database;
pub mod posting;
pub mod receiver;
pub mod smtp;
pub mod visitor;
pub mod web;

pub use database::*;
pub use posting::*;
pub use receiver::*;
pub use smtp::*;
pub use visitor::{body_with, new_id};

use std::time::{Duration, Instant};

/// The body as `export` prints it: the product's own whitespace removal (pinned by its unit
/// test in src/export/mod.rs), so what the tests check is that nothing else of a body changes.
pub use consultation_receiver::export::one_line;

pub const BIN: &str = env!("CARGO_BIN_EXE_consultation-receiver");
pub const ORIGIN: &str = "http://127.0.0.1:8080";

/// Polls `check` every 20 ms until it holds, for at most `limit`.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An HTTP client whose every request is bounded (30 s): a receiver that hangs fails the test
/// rather than holding it.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Runs `async fn $name(engine: Engine)` as two tests, `$name::sqlite` and `$name::postgres`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::Engine::Sqlite).await
                }
                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::helpers::Engine::Postgres).await
                }
            }
        )*
    };
}
