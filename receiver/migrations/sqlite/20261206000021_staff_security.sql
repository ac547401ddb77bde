-- Issue 19, item 5: a password alone no longer takes over two-factor sign-in.
-- An issued password (generated, or shown to an admin) must be replaced before anything else.
ALTER TABLE staff ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- A one-time enrolment code issued with the account or by an admin's two-factor reset (its
-- SHA-256; random, so no slow hash is needed), needed to set up two-factor sign-in when it is
-- required: a password thief does not have it.
ALTER TABLE staff ADD COLUMN enrol_code_hash TEXT;
ALTER TABLE staff ADD COLUMN enrol_code_expires_ms BIGINT NOT NULL DEFAULT 0;
-- The session (its hash) that started the pending enrolment: only it sees and confirms it.
ALTER TABLE staff ADD COLUMN totp_pending_session TEXT;
-- Single-use recovery codes (SHA-256 of the account id and the code), used in place of a
-- two-factor code; a used one is deleted.
CREATE TABLE recovery_codes (
    staff_id TEXT NOT NULL REFERENCES staff (staff_id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (staff_id, code_hash)
);
