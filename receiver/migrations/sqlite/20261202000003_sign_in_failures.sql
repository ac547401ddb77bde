-- Failed sign-ins, counted by the throttle (auth.rs) per account and per address over a
-- sliding window. In the database rather than in memory, so receivers sharing one database
-- count the same failures (a guesser spreading tries over them gains nothing) and a restart
-- forgets nothing. Rows older than the window are deleted as new ones are written.
CREATE TABLE sign_in_failures (
    throttle_key TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);

CREATE INDEX sign_in_failures_key ON sign_in_failures (throttle_key, at_ms);
