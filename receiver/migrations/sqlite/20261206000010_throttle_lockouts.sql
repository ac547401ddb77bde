-- Issue 19: the sign-in throttle counts an attempt before its password is checked (auth.rs):
-- its rows name the attempt, so a success can take them back. Refused attempts are counted
-- in one row per lockout, not a row each. And the audit log gets a retention of its own
-- (--audit-retention-days): its delete trigger now lets a row go only below the cutoff the
-- retention run records in `settings` first, so nothing else can remove an entry.
ALTER TABLE sign_in_failures ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_attempt ON sign_in_failures (attempt);

CREATE TABLE sign_in_lockouts (
    throttle_key TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    last_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (throttle_key, started_ms)
);

DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at_ms >= COALESCE(
    (SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'audit_retention_cutoff_ms'), 0)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
