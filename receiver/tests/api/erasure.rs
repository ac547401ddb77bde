//! Erasure tells the truth about the bytes: when another process holds a read open on the
//! SQLite file, the WAL cannot be emptied at once, and the admin is told the deleted bytes
//! remain until the next checkpoint; once the reader lets go, the receiver's retry empties it
//! and no byte of the submission is left in the file or its WAL.

use crate::helpers::web::*;
use crate::helpers::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A second process (python3's sqlite3) in the middle of a read on the database file.
struct Reader {
    child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

const READER: &str = r#"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
c.execute("SELECT COUNT(*) FROM submissions").fetchall()
print("reading", flush=True)
sys.stdin.readline()
c.execute("COMMIT")
c.close()
print("released", flush=True)
sys.stdin.readline()
"#;

impl Reader {
    fn start(db: &std::path::Path) -> Reader {
        let mut child = Command::new("python3")
            .args(["-c", READER])
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "reading");
        Reader { child, lines }
    }
    fn release(&mut self) {
        writeln!(self.child.stdin.as_mut().unwrap()).unwrap();
        assert_eq!(self.lines.next().unwrap().unwrap(), "released");
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_reader_holding_the_wal_is_told_and_the_bytes_go_once_it_lets_go() {
    let r = Receiver::start(&[]).await;
    let mut admin = signed_in(&r, "admin@glow.example", "admin").await;
    let (id, marker) = store_marked(&r).await;
    let mut reader = Reader::start(&r.db_path());
    let p = admin.delete_submission(&id).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Submission deleted"), "{}", p.body);
    assert!(
        p.body
            .contains("the deleted bytes remain in the log file until the next checkpoint"),
        "{}",
        p.body
    );
    assert!(
        r.log_text().contains("checkpoint held back by a reader"),
        "{}",
        r.log_text()
    );
    assert!(
        holds(&r.file_bytes(), &marker),
        "the bytes do remain meanwhile"
    );
    reader.release();
    wait_for("the retried checkpoint", Duration::from_secs(30), || {
        let gone = !holds(&r.file_bytes(), &marker) && !holds(&r.file_bytes(), &id);
        async move { gone }
    })
    .await;
    // The log is read from the process's stderr as it comes: the line may follow the bytes.
    wait_for("the checkpoint's log line", Duration::from_secs(10), || {
        let said = r.log_text().contains("checkpoint done: the WAL is empty");
        async move { said }
    })
    .await;
    // With no reader, a deletion empties the WAL at once and says nothing more.
    let (id2, body2) = submission();
    assert_eq!(r.post(Some(&id2), &body2).await.0, 201);
    let p = admin.delete_submission(&id2).await;
    assert!(p.body.contains("Submission deleted"));
    assert!(!p.body.contains("remain"), "{}", p.body);
    assert!(!holds(&r.file_bytes(), &id2));
}
