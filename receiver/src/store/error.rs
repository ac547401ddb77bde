//! The store's one error type. Its messages are the ones the receiver has always printed and
//! logged: the database's own words, or where opening failed and why.

/// An opening or copying step's own reason (an I/O or sqlx error, kept as its source).
type Reason = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database answered with an error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The embedded migrations did not run.
    #[error("migrations: {0}")]
    Migrations(#[from] sqlx::migrate::MigrateError),
    /// Something failed at a named place: a file, a database address (without its
    /// password), a table.
    #[error("{place}: {source}")]
    At {
        place: String,
        #[source]
        source: Reason,
    },
    /// The SQLite file to read is not there.
    #[error("{0}: no such database")]
    NoDatabase(String),
    /// The group-commit writer is gone (the process is stopping).
    #[error("the writer has stopped")]
    WriterStopped,
    /// The group-commit writer dropped the request without an answer.
    #[error("the writer dropped the request")]
    WriterDropped,
    /// `migrate-to` refuses, and says why and what to do.
    #[error("{0}")]
    Refused(String),
}

impl StoreError {
    /// `source` at `place`: shown as `place: source`.
    pub fn at(place: impl std::fmt::Display, source: impl Into<Reason>) -> StoreError {
        StoreError::At {
            place: place.to_string(),
            source: source.into(),
        }
    }
}
