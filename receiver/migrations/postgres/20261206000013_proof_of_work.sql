-- Proof-of-work challenges already used at intake (receiver/src/challenge.rs): each may be
-- spent once, by one submission (its own retries included), until it expires; rows past their
-- expiry are deleted as new ones are written. In the database so receivers sharing one agree.
CREATE TABLE spent_challenges (
    challenge TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

CREATE INDEX spent_challenges_expiry ON spent_challenges (expires_at_ms);
