-- PostgreSQL's version of migrations/sqlite/20261206000010_throttle_lockouts.sql: attempts
-- reserved before their password is checked, one row per lockout, and the audit log's own
-- retention (a row may be deleted only below the cutoff recorded in `settings`; updates and
-- TRUNCATE stay refused).
ALTER TABLE sign_in_failures ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_attempt ON sign_in_failures (attempt);

CREATE TABLE sign_in_lockouts (
    throttle_key TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    last_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (throttle_key, started_ms)
);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at_ms < COALESCE(
        (SELECT value::BIGINT FROM settings WHERE name = 'audit_retention_cutoff_ms'), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
