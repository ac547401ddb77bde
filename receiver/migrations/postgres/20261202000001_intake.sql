-- The receiver's tables on PostgreSQL: the same text as migrations/sqlite/ (portable SQL:
-- TEXT, BIGINT, BOOLEAN), so both engines hold the same columns and the same queries run.

-- One row per stored submission: the body exactly as the browser sent it, and beside it the
-- receiver's own re-check (its summary JSON and text, computed from the answers).
CREATE TABLE submissions (
    submission_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    sent_body TEXT NOT NULL,
    sent_sha256 TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    summary_text TEXT NOT NULL,
    flags_count BIGINT NOT NULL,
    -- Whether the browser's copy differed from the receiver's; `differed` names every field.
    flags_differed BOOLEAN NOT NULL,
    message_differed BOOLEAN NOT NULL,
    differed TEXT NOT NULL,
    -- Staff workflow, for the inbox (a later issue): new, then read, ...
    status TEXT NOT NULL DEFAULT 'new'
);

CREATE INDEX submissions_received ON submissions (received_at_ms, submission_id);

-- Idempotency-Key records (IETF httpapi draft): the fingerprint of the body first sent with a
-- key, and the response it got, replayed to a repeat. Kept as long as the submission.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY,
    request_sha256 TEXT NOT NULL,
    response_status BIGINT NOT NULL,
    response_body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- The outbox: one staff notification per submission and address, written in the same
-- transaction as the submission and sent by a worker, so SMTP never delays an answer.
CREATE TABLE notifications (
    submission_id TEXT NOT NULL REFERENCES submissions (submission_id),
    recipient TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT NOT NULL,
    last_error TEXT,
    sent_at_ms BIGINT,
    PRIMARY KEY (submission_id, recipient)
);

CREATE INDEX notifications_due ON notifications (sent_at_ms, next_attempt_at_ms);
