//! The SMTP servers the notification tests send to: a real one (aiosmtpd) whose messages are
//! read as a mail client shows them, and a silent one that accepts and never answers.

use super::wait_for;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A free port on 127.0.0.1 for a server that must be told its port (aiosmtpd).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The address staff reach the receiver at, in the notices' links.
pub const PUBLIC_URL: &str = "https://intake.glow.example";

/// The flags of a receiver that notifies two addresses through the SMTP server on `port`.
pub fn mail_flags(port: u16) -> Vec<String> {
    [
        "--smtp",
        &format!("smtp://127.0.0.1:{port}"),
        "--notify",
        "staff@glow.example",
        "--notify",
        "practitioner@glow.example",
        "--from",
        "Glow Clinic receiver <receiver@glow.example>",
        "--public-url",
        PUBLIC_URL,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
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

    /// Waits until `n` messages have arrived, for at most `limit`.
    pub async fn wait_for_messages(&self, n: usize, limit: Duration) {
        wait_for(&format!("{n} message(s) at aiosmtpd"), limit, || {
            let arrived = self.received().len();
            async move { arrived >= n }
        })
        .await;
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// An SMTP server that accepts connections and then says nothing, as a wedged mail server
/// does: every connection is held open until this is dropped.
pub struct SilentSmtp {
    pub port: u16,
    connected: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl SilentSmtp {
    pub async fn start() -> SilentSmtp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connected = Arc::new(AtomicUsize::new(0));
        let count = connected.clone();
        let task = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                open.push(socket);
            }
        });
        SilentSmtp {
            port,
            connected,
            task,
        }
    }

    /// How many connections it has accepted so far.
    pub fn connected(&self) -> usize {
        self.connected.load(Ordering::SeqCst)
    }
}

impl Drop for SilentSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}
