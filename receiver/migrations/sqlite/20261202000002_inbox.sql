-- The staff inbox: accounts, server-side sessions, settings and the audit log; and beside each
-- submission what the list shows and searches (name, email, spam) plus a short internal note.

ALTER TABLE submissions ADD COLUMN visitor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN visitor_email TEXT NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN likely_spam BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE submissions ADD COLUMN note TEXT NOT NULL DEFAULT '';
-- Rows stored before this migration get their name and email filled at start (store.rs).
ALTER TABLE submissions ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    -- Argon2id, PHC string format.
    password_hash TEXT NOT NULL,
    -- Base32 TOTP secret once enrolled; the pending one while enrolling.
    totp_secret TEXT,
    totp_pending TEXT,
    -- The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL
);

-- Only the SHA-256 of a session id is stored: a copy of the file cannot be used to sign in.
CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (staff_id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Who did what, when: never an answer. Append-only: the application only inserts, and the
-- triggers below refuse any change or removal.
CREATE TABLE audit_log (
    entry BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    address TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
