//! The test harness: the real `consultation-receiver` binary started as a process on a port of
//! its own choosing with a fresh database (a SQLite file in a temporary folder, or a new
//! database on the test PostgreSQL cluster), its log lines collected, submissions made with
//! the widget's own core, and a real SMTP server (aiosmtpd). No mocks; every wait is a
//! bounded poll for a condition.
//!
//! PostgreSQL: `CONSULTATION_TEST_POSTGRES` names a cluster (`postgres://USER@HOST:PORT/`,
//! which scripts/test.sh and scripts/test-receiver.sh start and stop); each test creates a
//! database of its own there. Without it the PostgreSQL tests fail, saying how to run them.

pub mod visitor;
pub mod web;

pub use visitor::{body_with, new_id};

use consultation_widget::core::answers::{Answers, Value};
use sqlx::{Connection, Row};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
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

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
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

/// The test cluster's address, ending in `/`.
pub fn postgres_cluster() -> String {
    match std::env::var("CONSULTATION_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }
        }
        _ => panic!(
            "\n\nThis test needs PostgreSQL: CONSULTATION_TEST_POSTGRES is not set.\n\
             Run the receiver's tests with a throwaway cluster (started and stopped for you):\n\
             \n    bash scripts/test-receiver.sh            (or the whole: bash scripts/test.sh)\n\
             \nor point it at a cluster of your own where this user may CREATE DATABASE:\n\
             \n    CONSULTATION_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/ cargo test -p consultation-receiver\n\n"
        ),
    }
}

/// A new, empty database on the test cluster; its URL.
pub async fn fresh_postgres() -> String {
    let cluster = postgres_cluster();
    let name = format!("receiver_{}", new_id().replace('-', "_"));
    let mut admin = sqlx::PgConnection::connect(&format!("{cluster}postgres"))
        .await
        .unwrap_or_else(|e| panic!("CONSULTATION_TEST_POSTGRES={cluster}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    format!("{cluster}{name}")
}

/// One connection to a receiver's PostgreSQL database, from outside.
pub async fn pg_connect(url: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(url).await.unwrap()
}

/// The columns of a stored row the tests look at, on either engine.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub flags_differed: bool,
    pub message_differed: bool,
    pub flags_count: i64,
    pub differed: String,
    pub summary_text: String,
    pub summary_json: String,
}

const ROW_SQL: &str = "SELECT flags_differed, message_differed, flags_count, differed, \
                       summary_text, summary_json FROM submissions WHERE submission_id = $1";

macro_rules! stored_row {
    ($r:expr) => {{
        let r = $r;
        StoredRow {
            flags_differed: r.get(0),
            message_differed: r.get(1),
            flags_count: r.get(2),
            differed: r.get(3),
            summary_text: r.get(4),
            summary_json: r.get(5),
        }
    }};
}

/// A running receiver process and what it logged.
/// The two-factor key the test receivers run with (64 hex digits; a test value only).
pub const TEST_TOTP_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

pub struct Receiver {
    pub child: Option<Child>,
    pub url: String,
    pub dir: PathBuf,
    /// The `--database` address: the SQLite file in `dir`, or a PostgreSQL database.
    pub database: String,
    pub logs: Arc<Mutex<Vec<String>>>,
    args: Vec<String>,
    _temp: Option<tempfile::TempDir>,
}

impl Receiver {
    pub fn db_url(&self) -> String {
        self.database.clone()
    }

    pub fn engine(&self) -> Engine {
        if self.database.starts_with("postgres") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join("data").join("receiver.db")
    }

    /// A fresh folder and SQLite database, with `extra` flags.
    pub async fn start(extra: &[&str]) -> Receiver {
        Receiver::start_on(Engine::Sqlite, extra).await
    }

    /// A fresh database on `engine`, with `extra` flags.
    pub async fn start_on(engine: Engine, extra: &[&str]) -> Receiver {
        let database = match engine {
            Engine::Sqlite => String::new(),
            Engine::Postgres => fresh_postgres().await,
        };
        Receiver::start_with(database, extra).await
    }

    /// Another receiver on this one's database (PostgreSQL: several instances).
    pub async fn join(&self, extra: &[&str]) -> Receiver {
        assert_eq!(
            self.engine(),
            Engine::Postgres,
            "one process per SQLite file"
        );
        Receiver::start_with(self.database.clone(), extra).await
    }

    /// A receiver on `database` (empty: a fresh SQLite file).
    pub async fn start_with(database: String, extra: &[&str]) -> Receiver {
        let temp = tempfile::tempdir().unwrap();
        let database = if database.is_empty() {
            format!(
                "sqlite://{}",
                temp.path().join("data").join("receiver.db").display()
            )
        } else {
            database
        };
        let mut r = Receiver {
            child: None,
            url: String::new(),
            database,
            dir: temp.path().to_owned(),
            logs: Arc::default(),
            args: extra.iter().map(|s| s.to_string()).collect(),
            _temp: Some(temp),
        };
        r.launch().await;
        r
    }

    /// Starts the process (again, on the same database), and waits for /healthz.
    pub async fn launch(&mut self) {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .args(["--database", &self.db_url(), "--allow-origin", ORIGIN])
            .args(&self.args)
            .env_remove("RUST_LOG")
            // The key sealing two-factor secrets (issue 19): a fixed one for the tests, unless
            // a test gives its own file.
            .envs(
                (!self.args.iter().any(|a| a == "--totp-key-file"))
                    .then_some(("CONSULTATION_TOTP_KEY", TEST_TOTP_KEY)),
            )
            .env_remove(if self.args.iter().any(|a| a == "--totp-key-file") {
                "CONSULTATION_TOTP_KEY"
            } else {
                "CONSULTATION_TOTP_KEY_FILE"
            })
            // Tests of other things send bursts of bare requests from one address: the rate
            // limit and the proof of work are off unless a test's own flags turn them on
            // (flags beat the environment); tests/api/abuse.rs attacks both.
            .env("CONSULTATION_INTAKE_RATE", "off")
            .env("CONSULTATION_PROOF_OF_WORK", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the receiver");
        let stderr = child.stderr.take().unwrap();
        let logs = self.logs.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&line) {
                    if doc["message"] == "listening" {
                        let _ = tx.send(doc["address"].as_str().unwrap_or("").to_owned());
                    }
                }
                logs.lock().unwrap().push(line);
            }
        });
        let address = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no listening line; logs: {:?}", self.logs.lock()));
        self.url = format!("http://{address}");
        self.child = Some(child);
        let health = format!("{}/healthz", self.url);
        wait_for("/healthz", Duration::from_secs(10), || async {
            reqwest::get(&health).await.is_ok_and(|r| r.status() == 200)
        })
        .await;
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// SIGTERM, then waits for the exit; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        let pid = self.pid().to_string();
        let ok = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(ok.success(), "kill -TERM");
        self.terminate_wait()
    }

    /// Waits for the process to exit (after a SIGTERM); whether it exited successfully.
    pub fn terminate_wait(&mut self) -> bool {
        let mut child = self.child.take().expect("running");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub async fn post(&self, key: Option<&str>, body: &str) -> (u16, String) {
        self.post_as("application/json", key, body).await
    }

    pub async fn post_as(
        &self,
        content_type: &str,
        key: Option<&str>,
        body: &str,
    ) -> (u16, String) {
        let mut req = client()
            .post(format!("{}/submissions", self.url))
            .header("content-type", content_type)
            .header("origin", ORIGIN)
            .body(body.to_owned());
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        let res = req.send().await.expect("an answer");
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }

    /// `consultation-receiver export --format json`, one document per line.
    pub fn export(&self) -> Vec<String> {
        export(&self.db_url(), "json")
    }

    /// Every log line so far.
    pub fn log_text(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// The stored row, read with sqlx from outside the receiver (either engine).
    pub async fn row(&self, id: &str) -> Option<StoredRow> {
        match self.engine() {
            Engine::Sqlite => {
                let pool = read_pool(&self.db_path()).await;
                let row = sqlx::query(ROW_SQL)
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                row.map(|r| stored_row!(r))
            }
            Engine::Postgres => {
                let mut c = pg_connect(&self.database).await;
                let row = sqlx::query(ROW_SQL)
                    .bind(id)
                    .fetch_optional(&mut c)
                    .await
                    .unwrap();
                row.map(|r| stored_row!(r))
            }
        }
    }

    /// Changes rows behind the receiver's back, as time would (SQLite: the tests' own
    /// connection beside the receiver's, which WAL allows).
    pub async fn execute(&self, sql: &str) {
        match self.engine() {
            Engine::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(self.db_path())
                    .busy_timeout(Duration::from_secs(10));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Engine::Postgres => {
                let mut c = pg_connect(&self.database).await;
                sqlx::query(sql).execute(&mut c).await.unwrap();
            }
        }
    }

    /// One number from the database (a `SELECT COUNT(*) …`), on either engine.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self.engine() {
            Engine::Sqlite => {
                let pool = read_pool(&self.db_path()).await;
                let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
                pool.close().await;
                n
            }
            Engine::Postgres => {
                let mut c = pg_connect(&self.database).await;
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn export(db: &str, format: &str) -> Vec<String> {
    let out = Command::new(BIN)
        .args(["export", "--database", db, "--format", format])
        .output()
        .expect("run export");
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub async fn read_pool(path: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

/// A free port on 127.0.0.1 for a server that must be told its port (aiosmtpd).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server (aiosmtpd's Debugging handler), printing each message it receives.
pub struct Smtp {
    child: Child,
    pub port: u16,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl Smtp {
    pub async fn start(port: u16) -> Smtp {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/tools.sh installs it)");
        let stdout = child.stdout.take().unwrap();
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let store = messages.clone();
        std::thread::spawn(move || {
            let mut current: Option<String> = None;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("---------- MESSAGE FOLLOWS") {
                    current = Some(String::new());
                } else if line.starts_with("------------ END MESSAGE") {
                    if let Some(m) = current.take() {
                        store.lock().unwrap().push(quoted_printable(&m));
                    }
                } else if let Some(m) = current.as_mut() {
                    m.push_str(&line);
                    m.push('\n');
                }
            }
        });
        wait_for("aiosmtpd to listen", Duration::from_secs(20), || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        Smtp {
            child,
            port,
            messages,
        }
    }

    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A write lock held from outside, as a slow disk would hold a commit.
pub enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    pub async fn release(mut self) {
        match &mut self {
            WriteLock::Sqlite(c) => sqlx::query("ROLLBACK").execute(c).await.map(|_| ()),
            WriteLock::Postgres(c) => sqlx::query("ROLLBACK").execute(c).await.map(|_| ()),
        }
        .unwrap();
    }
}

/// Holds the database's write lock from outside, so that a request is provably in flight
/// (its commit waiting) while the test sends another. SQLite: `BEGIN IMMEDIATE`; PostgreSQL:
/// the tables a submission is written to, locked against writers (reads go on).
pub async fn hold_write_lock(r: &Receiver) -> WriteLock {
    match r.engine() {
        Engine::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(r.db_path());
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Sqlite(conn)
        }
        Engine::Postgres => {
            let mut conn = pg_connect(&r.database).await;
            sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
            sqlx::query("LOCK TABLE idempotency_keys, submissions IN EXCLUSIVE MODE")
                .execute(&mut conn)
                .await
                .unwrap();
            WriteLock::Postgres(conn)
        }
    }
}

/// PostgreSQL: waits until some receiver's transaction holds the advisory lock of key `id`
/// (it is storing that submission now).
pub async fn wait_for_key_lock(r: &Receiver, id: &str) {
    let mut c = pg_connect(&r.database).await;
    let start = Instant::now();
    loop {
        let held: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
             AND classid = 1301 AND objid = hashtext($1)::oid)",
        )
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap();
        if held {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no key lock for {id}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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

/// A message as a mail client shows it: quoted-printable soft breaks joined, `=XX` decoded
/// (the notices are ASCII, RFC 2045 section 6.7).
pub fn quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
