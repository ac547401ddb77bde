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

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(url: &str) -> Result<DatabaseUrl, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.contains('?') || path == ":memory:" {
                return Err(format!(
                    "{url}: give a file, such as sqlite://data/receiver.db"
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url).map_err(|e| format!("{}: {e}", redact(url)))?;
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        Err(format!(
            "{url}: the database must be sqlite://PATH (such as sqlite://data/receiver.db) or \
             postgres://USER@HOST:PORT/DATABASE"
        ))
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
        let ok = DatabaseUrl::from_str("sqlite://.data/receiver.db");
        assert_eq!(ok, Ok(DatabaseUrl::Sqlite(".data/receiver.db".into())));
        let abs = DatabaseUrl::from_str("sqlite:///var/lib/x.db");
        assert_eq!(abs, Ok(DatabaseUrl::Sqlite("/var/lib/x.db".into())));
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
