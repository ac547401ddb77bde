//! The group-commit writer: one task per process stores submissions (with their outbox rows and
//! idempotency records) in shared transactions and answers each after the commit.

use super::error::StoreError;
use super::{Db, Store, LOCK_KEY};
use tokio::sync::{mpsc, oneshot};

/// How many submissions one commit may carry. One fsync per commit is what limits SQLite
/// here (about 2 ms on these machines), so a burst shares one instead of queueing for many;
/// PostgreSQL's commit flushes its WAL likewise.
pub(super) const MAX_GROUP: usize = 64;

/// Everything stored for one accepted submission, and the answer its request gets (kept with
/// the Idempotency-Key, to replay).
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub submission_id: String,
    pub reference: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub completed_at: String,
    pub received_at: String,
    pub received_at_ms: i64,
    pub sent_body: String,
    pub sent_sha256: String,
    pub summary_json: String,
    pub summary_text: String,
    pub flags_count: i64,
    /// Screening questions left unanswered (the "Screening incomplete" flag's count), or 0.
    pub screening_unanswered: i64,
    /// The language the visitor answered in (the summary's `language`).
    pub language: String,
    pub flags_differed: bool,
    pub message_differed: bool,
    pub differed: Vec<&'static str>,
    /// For the inbox's list and search: the visitor's name and email, and the spam mark.
    pub visitor_name: String,
    pub visitor_email: String,
    pub likely_spam: bool,
    pub response_status: u16,
    pub response_body: String,
    /// Staff addresses to notify: one outbox row each.
    pub recipients: Vec<String>,
    /// The photos, re-encoded (issue 24): stored in the submission's own transaction, so no
    /// photo is ever stored without its submission.
    pub photos: Vec<NewPhoto>,
}

/// One photo to store with its submission.
#[derive(Clone)]
pub struct NewPhoto {
    pub photo_id: String,
    pub question_id: String,
    /// Its place among the submission's photos, from 0, in the order the answers name them.
    pub position: i64,
    pub description: String,
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    /// SHA-256 of `jpeg` (the stored file), in hex.
    pub sha256: String,
    pub width: i64,
    pub height: i64,
}

impl NewPhoto {
    pub fn new(
        question_id: String,
        photo_id: String,
        description: String,
        position: usize,
        made: crate::domain::jpeg::Stored,
    ) -> NewPhoto {
        use sha2::Digest;
        NewPhoto {
            sha256: crate::domain::digest::hex(&sha2::Sha256::digest(&made.jpeg)),
            photo_id,
            question_id,
            position: i64::try_from(position).unwrap_or(i64::MAX),
            description,
            jpeg: made.jpeg,
            thumbnail: made.thumbnail,
            width: i64::from(made.width),
            height: i64::from(made.height),
        }
    }
}

/// The bytes stay out of logs and panics: their size only.
impl std::fmt::Debug for NewPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewPhoto({}, {} bytes)", self.photo_id, self.jpeg.len())
    }
}

/// What storing a submission came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Committed now.
    Created,
    /// The key was used before with the same body: the response it got then.
    Replay { status: u16, body: String },
    /// The key was used before with another body.
    KeyReused,
    /// Another receiver on the same PostgreSQL database is storing this key right now (it
    /// holds the key's advisory lock): a 409, as for a duplicate in flight in this process.
    InFlight,
}

/// A key's record: the fingerprint of the body it was used with, and the answer it got.
const EARLIER: &str = "SELECT request_sha256, response_status, response_body
     FROM idempotency_keys WHERE idempotency_key = $1";

/// What a key used before comes to for a body with fingerprint `sha`: the answer it got, for
/// the same body; refused as reused, for another.
fn earlier_answer((earlier, status, body): (String, i64, String), sha: &str) -> Stored {
    if earlier == sha {
        let status = u16::try_from(status).unwrap_or(200);
        Stored::Replay { status, body }
    } else {
        Stored::KeyReused
    }
}

/// Insert-or-replay on the key's unique constraint, inside the transaction: of two copies
/// racing, exactly one inserts; the other finds the first's record.
macro_rules! store_one {
    ($conn:expr, $sub:expr) => {{
        let sub: &NewSubmission = $sub;
        let id = &sub.submission_id;
        let result: Result<Stored, sqlx::Error> = async {
            let claim = "INSERT INTO idempotency_keys
         (idempotency_key, request_sha256, response_status, response_body, created_at_ms)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING";
            let status = i64::from(sub.response_status);
            let (sha, body, at_ms) = (&sub.sent_sha256, &sub.response_body, sub.received_at_ms);
            let claimed = sql!(query(claim, id, sha, status, body, at_ms).execute(&mut *$conn))?;
            if claimed.rows_affected() != 1 {
                let row = sql!(query_as(EARLIER, id).fetch_one(&mut *$conn))?;
                return Ok::<Stored, sqlx::Error>(earlier_answer(row, &sub.sent_sha256));
            }
            let insert = "INSERT INTO submissions (submission_id, reference, questionnaire_id,
         questionnaire_version, completed_at, received_at, received_at_ms, sent_body,
         sent_sha256, summary_json, summary_text, flags_count, flags_differed,
         message_differed, differed, visitor_name, visitor_email, likely_spam, listed,
         screening_unanswered, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         $18, TRUE, $19, $20)";
            sql!(query(
                insert,
                id,
                &sub.reference,
                &sub.questionnaire_id,
                &sub.questionnaire_version,
                &sub.completed_at,
                &sub.received_at,
                sub.received_at_ms,
                &sub.sent_body,
                &sub.sent_sha256,
                &sub.summary_json,
                &sub.summary_text,
                sub.flags_count,
                sub.flags_differed,
                sub.message_differed,
                sub.differed.join(","),
                &sub.visitor_name,
                &sub.visitor_email,
                sub.likely_spam,
                sub.screening_unanswered,
                &sub.language,
            )
            .execute(&mut *$conn))?;
            for p in &sub.photos {
                let photo = "INSERT INTO photos (submission_id, photo_id, question_id, position,
             description, jpeg, thumbnail, sha256, size, width, height)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
                let size = i64::try_from(p.jpeg.len()).unwrap_or(i64::MAX);
                sql!(query(
                    photo,
                    id,
                    &p.photo_id,
                    &p.question_id,
                    p.position,
                    &p.description,
                    &p.jpeg,
                    &p.thumbnail,
                    &p.sha256,
                    size,
                    p.width,
                    p.height,
                )
                .execute(&mut *$conn))?;
            }
            for recipient in &sub.recipients {
                let notify = "INSERT INTO notifications (submission_id, recipient, created_at_ms,
             next_attempt_at_ms) VALUES ($1, $2, $3, $3)";
                sql!(query(notify, id, recipient, at_ms).execute(&mut *$conn))?;
            }
            Ok(Stored::Created)
        }
        .await;
        result
    }};
}

pub(super) type Job = (NewSubmission, oneshot::Sender<Result<Stored, StoreError>>);

impl Store {
    /// How a key was answered, if it was used before: `Stored::Replay` for the body it was
    /// used with (`sha`, its fingerprint), `Stored::KeyReused` for another. Read before work a
    /// repeat does not need; `insert` still decides, in its transaction.
    pub async fn answered_before(
        &self,
        key: &str,
        sha: &str,
    ) -> Result<Option<Stored>, StoreError> {
        let row: Option<(String, i64, String)> =
            fetch!(on_read(self.db) query_as(EARLIER, key).fetch_optional)?;
        Ok(row.map(|row| earlier_answer(row, sha)))
    }

    /// Stores a submission with its outbox rows and idempotency record; returns once the
    /// commit is durable.
    pub async fn insert(&self, new: NewSubmission) -> Result<Stored, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send((new, tx))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterDropped)?
    }
}

/// The single writer: takes the first waiting submission and every other already queued (up
/// to `MAX_GROUP`), stores them in one transaction, and answers each after the commit. A group
/// that fails is retried one by one, so one bad row cannot fail its neighbours.
pub(super) async fn writer(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let subs: Vec<&NewSubmission> = group.iter().map(|(s, _)| s).collect();
        match store_group(&db, &subs).await {
            Ok(results) => {
                for ((_, reply), result) in group.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) if group.len() > 1 => {
                tracing::warn!(error = %e, size = group.len(), "group commit failed; one by one");
                for (sub, reply) in group {
                    let result = store_group(&db, &[&sub]).await;
                    let _ = reply.send(result.map(|mut r| r.remove(0)));
                }
            }
            Err(e) => {
                let (_, reply) = group.remove(0);
                let _ = reply.send(Err(e));
            }
        }
    }
}

pub(super) async fn store_group(
    db: &Db,
    subs: &[&NewSubmission],
) -> Result<Vec<Stored>, StoreError> {
    let postgres = matches!(db, Db::Postgres(_));
    on_write!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut results = Vec::with_capacity(subs.len());
        for sub in subs {
            // PostgreSQL: the key's advisory lock, for this transaction. Held: another
            // receiver is storing the same key now, so this copy is a duplicate in flight
            // (409) rather than a wait on the unique index.
            if postgres {
                let got: bool =
                    sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, hashtext($2))")
                        .bind(LOCK_KEY)
                        .bind(&sub.submission_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if !got {
                    results.push(Stored::InFlight);
                    continue;
                }
            }
            results.push(store_one!(&mut *tx, sub)?);
        }
        tx.commit().await?;
        Ok(results)
    })
}
