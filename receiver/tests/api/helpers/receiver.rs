//! The real `consultation-receiver` binary as a process: started on a port of its own choosing
//! with a fresh database, its log lines collected, stopped with SIGKILL or SIGTERM, and its
//! database read from outside; `export` run on it as the command line.

use super::{client, fresh_postgres, pg_connect, read_pool, wait_for, Engine, BIN, ORIGIN};
use sqlx::Row;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The two-factor key the test receivers run with (64 hex digits; a test value only).
pub const TEST_TOTP_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

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
        let mut serve = Command::new(BIN);
        serve
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
            .env("CONSULTATION_PROOF_OF_WORK", "off");
        let (child, address) = spawn_serving(serve, &self.logs);
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

    /// `GET path` as any HTTP client would (no cookie, no Origin).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        client()
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
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
    /// connection beside the receiver's, which WAL allows; with `secure_delete` on, as the
    /// receiver's own are, so what a change replaces leaves no bytes the receiver's would not).
    pub async fn execute(&self, sql: &str) {
        match self.engine() {
            Engine::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(self.db_path())
                    .pragma("secure_delete", "ON")
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
        self.one(sql).await
    }

    /// Waits until `sql` (a `SELECT COUNT(*) …`) gives `value`, for at most `limit`.
    pub async fn wait_for_scalar(&self, sql: &str, value: i64, limit: Duration) {
        wait_for(&format!("{value} from {sql}"), limit, || async {
            self.scalar(sql).await == value
        })
        .await;
    }

    /// One text value from the database (a setting, a stored secret), on either engine.
    pub async fn text(&self, sql: &str) -> String {
        self.one(sql).await
    }

    async fn one<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin,
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        match self.engine() {
            Engine::Sqlite => {
                let pool = read_pool(&self.db_path()).await;
                let value = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
                pool.close().await;
                value
            }
            Engine::Postgres => {
                let mut c = pg_connect(&self.database).await;
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }

    /// Every byte of the SQLite file and its WAL, to search for what must (not) be there.
    pub fn file_bytes(&self) -> Vec<u8> {
        let mut all = std::fs::read(self.db_path()).expect("the database file");
        all.extend(std::fs::read(self.db_path().with_extension("db-wal")).unwrap_or_default());
        all
    }

    /// Under load from `clients` (tasks that stop once the receiver is gone, each noting the ids
    /// answered 201 in `acknowledged`): waits until `n` are acknowledged, kills the process with
    /// SIGKILL mid-load, and waits for every client to stop. The ids acknowledged by then.
    pub async fn kill9_under_load<T>(
        &mut self,
        acknowledged: &Mutex<Vec<String>>,
        n: usize,
        clients: Vec<tokio::task::JoinHandle<T>>,
    ) -> Vec<String> {
        wait_for(
            &format!("{n} acknowledged"),
            Duration::from_secs(60),
            || {
                let so_far = acknowledged.lock().unwrap().len();
                async move { so_far >= n }
            },
        )
        .await;
        self.kill9();
        for c in clients {
            c.await.unwrap();
        }
        acknowledged.lock().unwrap().clone()
    }

    /// The submission ids `export` prints, in its order (one line a stored submission).
    pub fn exported_ids(&self) -> Vec<String> {
        self.export()
            .iter()
            .map(|line| {
                let doc: serde_json::Value = serde_json::from_str(line).unwrap();
                doc["submission_id"].as_str().unwrap().to_owned()
            })
            .collect()
    }

    /// `consultation-receiver ARGS… --database DB` on this receiver's database, `stdin` typed
    /// in: a command line run beside the serving process, as the clinic's admin would.
    pub fn cli(&self, args: &[&str], stdin: &str) -> std::process::Output {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--database", &self.db_url()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill9();
    }
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

/// Whether `needle` stands anywhere in `bytes` (a file searched for what must be gone).
pub fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Spawns `serve` (a `consultation-receiver serve … --log-format json`) with its stderr
/// collected line by line into `logs` from a thread of its own, and waits for its "listening"
/// line: the process and the address it listens on.
pub fn spawn_serving(mut serve: Command, logs: &Arc<Mutex<Vec<String>>>) -> (Child, String) {
    let mut child = serve
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the receiver");
    let stderr = child.stderr.take().unwrap();
    let kept = logs.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&line) {
                if doc["message"] == "listening" {
                    let _ = tx.send(doc["address"].as_str().unwrap_or("").to_owned());
                }
            }
            kept.lock().unwrap().push(line);
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("no listening line; logs: {:?}", logs.lock()));
    (child, address)
}
