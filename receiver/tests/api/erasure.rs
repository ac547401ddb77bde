//! Erasure tells the truth about the bytes: when another process holds a read open on the
//! SQLite file, the WAL cannot be emptied at once, and the admin is told the deleted bytes
//! remain until the next checkpoint; once the reader lets go, the receiver's retry empties it
//! and no byte of the submission is left in the file or its WAL. A signed consent (issue 23)
//! goes with its submission, by an admin's deletion or by retention, on both engines.

use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::consent;
use consultation_widget::core::questionnaire::Questionnaire;
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

on_both_engines!(a_signed_consent_goes_with_its_submission);

/// What a signed submission leaves in the database: its id, the signer's name (a marker found
/// nowhere else) and the strokes as each stored copy writes them (the body as sent, the
/// receiver's own summary), read back from the row once stored.
struct Traces {
    id: String,
    marks: Vec<String>,
}

async fn store_signed(r: &Receiver) -> Traces {
    let signer = format!("Signer {}", new_id());
    let strokes = vec![vec![599, 3, 598, 4, 597, 5, 596, 6], vec![11, 199, 12, 198]];
    let (id, body) = crate::consent::signed(&signer, strokes);
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let stored = r.row(&id).await.expect("stored").summary_json;
    let strokes_in = |json: &str| {
        let at = json.find("\"strokes\"").expect("strokes stored");
        json[at..].chars().take(60).collect::<String>()
    };
    Traces {
        marks: vec![id.clone(), signer, strokes_in(&body), strokes_in(&stored)],
        id,
    }
}

/// Whether `mark` is anywhere in the database: SQLite, in any byte of the file and its WAL;
/// PostgreSQL, in any column of any row of any table (the server keeps deleted rows' bytes
/// until VACUUM, docs/inbox.md "Forgetting", so rows are what it can promise).
pub(crate) async fn anywhere(r: &Receiver, mark: &str) -> bool {
    match r.engine() {
        Engine::Sqlite => holds(&r.file_bytes(), mark),
        Engine::Postgres => {
            let mut c = pg_connect(&r.database).await;
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for (table, column) in columns {
                let sql = format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE strpos(\"{column}\"::text, $1) > 0"
                );
                let n: i64 = sqlx::query_scalar(&sql)
                    .bind(mark)
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                if n > 0 {
                    return true;
                }
            }
            false
        }
    }
}

/// The signed consent lives inside the stored submission (issue 23): one submission deleted by
/// an admin, another by the retention run, each after its PDF was downloaded, and no signer,
/// stroke or consent digest of either is left (the digest is the same for every submission on
/// this questionnaire version: with both gone, none holds it).
async fn a_signed_consent_goes_with_its_submission(engine: Engine) {
    let mut r = Receiver::start_on(engine, &[]).await;
    let mut admin = signed_in(&r, "admin@glow.example", "admin").await;
    let (deleted, expired) = (store_signed(&r).await, store_signed(&r).await);
    let digest = consent::digest(&Questionnaire::builtin());
    for t in [&deleted, &expired] {
        let pdf = format!("/inbox/submissions/{}/consent.pdf", t.id);
        assert_eq!(admin.get_bytes(&pdf).await.0, 200);
        for mark in &t.marks {
            assert!(anywhere(&r, mark).await, "stored first: {mark:?}");
        }
    }
    assert!(anywhere(&r, &digest).await, "the digest stored first");

    assert_eq!(admin.delete_submission(&deleted.id).await.status, 200);
    r.kill9();
    // The other one 200 days old, past the default 180: the retention run at start erases it.
    r.execute("UPDATE submissions SET received_at_ms = received_at_ms - 17280000000")
        .await;
    r.launch().await;
    let mut admin = Web::new(&r);
    assert_eq!(
        admin
            .sign_in("admin@glow.example", PASSWORD, "")
            .await
            .location,
        "/inbox"
    );
    wait_for("retention", Duration::from_secs(10), || async {
        crate::helpers::export(&r.db_url(), "json").is_empty()
    })
    .await;
    // The retention run checkpoints after its transaction; the exports above, reading at the
    // same moment, may hold that back, and the receiver's retry (every 5 s) then empties the
    // WAL into the file: wait for the bytes, not the rows.
    let marks: Vec<&String> = deleted.marks.iter().chain(&expired.marks).collect();
    wait_for("the erased bytes", Duration::from_secs(30), || async {
        for mark in marks.iter().copied().chain([&digest]) {
            if anywhere(&r, mark).await {
                return false;
            }
        }
        true
    })
    .await;
    for t in [&deleted, &expired] {
        let pdf = format!("/inbox/submissions/{}/consent.pdf", t.id);
        assert_eq!(admin.get_bytes(&pdf).await.0, 404);
    }
}
