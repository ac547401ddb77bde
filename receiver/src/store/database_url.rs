//! A `--database` address, checked: `sqlite://PATH` or `postgres://…`, shown without its password.

use sqlx::postgres::PgConnectOptions;
use std::path::PathBuf;
use std::str::FromStr;

/// A `--database` address, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    /// The whole `postgres://` URL, as libpq and sqlx read it (user, host, port, database,
    /// `?sslmode=`…); the password best in `PGPASSWORD` rather than the URL.
    Postgres(String),
}

/// Why a `--database` address was refused (clap shows it after the address).
#[derive(Debug, thiserror::Error)]
pub enum BadDatabaseUrl {
    #[error("{0}: give a file, such as sqlite://data/receiver.db")]
    NotAFile(String),
    /// A `postgres://` address libpq's rules do not read (shown without its password).
    #[error("{shown}: {source}")]
    Postgres { shown: String, source: sqlx::Error },
    #[error(
        "{0}: the database must be sqlite://PATH (such as sqlite://data/receiver.db) or \
         postgres://USER@HOST:PORT/DATABASE"
    )]
    Scheme(String),
}

impl FromStr for DatabaseUrl {
    type Err = BadDatabaseUrl;
    fn from_str(url: &str) -> Result<DatabaseUrl, BadDatabaseUrl> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.contains('?') || path == ":memory:" {
                return Err(BadDatabaseUrl::NotAFile(url.to_owned()));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url).map_err(|source| BadDatabaseUrl::Postgres {
                shown: redact(url),
                source,
            })?;
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        Err(BadDatabaseUrl::Scheme(url.to_owned()))
    }
}

impl DatabaseUrl {
    /// For messages and logs: a password in the URL is never shown.
    pub fn shown(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => redact(u),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:…@host/db`.
pub(super) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!("{}{}:…{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        let ok = DatabaseUrl::from_str("sqlite://.data/receiver.db").ok();
        assert_eq!(ok, Some(DatabaseUrl::Sqlite(".data/receiver.db".into())));
        let abs = DatabaseUrl::from_str("sqlite:///var/lib/x.db").ok();
        assert_eq!(abs, Some(DatabaseUrl::Sqlite("/var/lib/x.db".into())));
        for bad in [
            "sqlite://",
            "sqlite://:memory:",
            "x.db",
            "sqlite://a.db?mode=ro",
        ] {
            assert!(DatabaseUrl::from_str(bad).is_err(), "{bad}");
        }
        let pg = DatabaseUrl::from_str("postgres://receiver:s3cret@db.glow.example:5432/intake");
        assert!(matches!(pg, Ok(DatabaseUrl::Postgres(_))));
        assert_eq!(
            pg.unwrap().shown(),
            "postgres://receiver:…@db.glow.example:5432/intake"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }
}
