-- Photos sent with a submission (issue 24), re-encoded by the receiver: the stored JPEG and a
-- thumbnail for the staff page, with what the exports say of each. Written in the submission's
-- own transaction and erased with it (store/submissions.rs `erase`, explicitly, as the outbox
-- rows are), so a photo never exists without its submission and nothing needs sweeping.
CREATE TABLE photos (
    submission_id TEXT NOT NULL REFERENCES submissions (submission_id),
    photo_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    -- Its place among the submission's photos, from 0, in the order the answers name them.
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    jpeg BLOB NOT NULL,
    thumbnail BLOB NOT NULL,
    -- SHA-256 of `jpeg`, in hex; `size` its length in bytes.
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    PRIMARY KEY (submission_id, photo_id)
);
