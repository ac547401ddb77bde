//! The clinic's settings: the raw strings from the host element's `data-` attributes, and the
//! checked configuration built from them, with a clear message for each bad setting. No DOM
//! access here: the view reads the attributes and hands over the strings.

use super::validate::{email, website};
use std::fmt;

/// The attribute values as the host page wrote them (`None` when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawConfig {
    /// `data-endpoint`
    pub endpoint: Option<String>,
    /// `data-clinic-name`
    pub clinic_name: Option<String>,
    /// `data-clinic-email`
    pub clinic_email: Option<String>,
    /// `data-draft-storage`: `session` (default) or `local`
    pub draft_storage: Option<String>,
    /// `data-draft-hours`: how long a saved draft lives (default 24)
    pub draft_hours: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStorage {
    /// Gone when the tab closes: the safer default for health answers on a shared computer.
    Session,
    /// Survives closing the browser; the clinic opts in.
    Local,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where submissions are POSTed; `None` means the visitor sends the summary themselves.
    pub endpoint: Option<String>,
    pub clinic_name: String,
    pub clinic_email: Option<String>,
    pub draft_storage: DraftStorage,
    /// Draft lifetime in milliseconds.
    pub draft_max_age_ms: u64,
}

pub const DEFAULT_CLINIC_NAME: &str = "the clinic";
const DEFAULT_DRAFT_HOURS: u64 = 24;
/// A draft of health answers should not outlive a few weeks in any browser.
const MAX_DRAFT_HOURS: u64 = 24 * 30;

/// A setting the widget cannot work with, worded for the site owner who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub attribute: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute, self.problem)
    }
}

fn error(attribute: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        attribute,
        problem: problem.into(),
    }
}

/// A present, non-blank attribute value, trimmed.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Config {
    pub fn from_raw(raw: &RawConfig) -> Result<Config, ConfigError> {
        let endpoint = given(&raw.endpoint).map(endpoint).transpose()?;
        let clinic_email = match given(&raw.clinic_email) {
            Some(e) if email::is_valid(e) => Some(e.to_owned()),
            Some(e) => {
                return Err(error(
                    "data-clinic-email",
                    format!("\"{e}\" is not a valid email address"),
                ))
            }
            None => None,
        };
        let draft_storage = match given(&raw.draft_storage) {
            None | Some("session") => DraftStorage::Session,
            Some("local") => DraftStorage::Local,
            Some(other) => {
                return Err(error(
                    "data-draft-storage",
                    format!("\"{other}\" must be \"session\" or \"local\""),
                ))
            }
        };
        let hours = match given(&raw.draft_hours) {
            None => DEFAULT_DRAFT_HOURS,
            // Whole hours: parsing fractions would bring float parsing into the download.
            Some(h) => match h.parse::<u64>() {
                Ok(n) if (1..=MAX_DRAFT_HOURS).contains(&n) => n,
                _ => {
                    return Err(error(
                        "data-draft-hours",
                        format!(
                            "\"{h}\" must be a whole number of hours from 1 to {MAX_DRAFT_HOURS}"
                        ),
                    ))
                }
            },
        };
        Ok(Config {
            endpoint,
            clinic_name: given(&raw.clinic_name)
                .unwrap_or(DEFAULT_CLINIC_NAME)
                .to_owned(),
            clinic_email,
            draft_storage,
            draft_max_age_ms: hours * 3_600_000,
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        match Config::from_raw(&RawConfig::default()) {
            Ok(config) => config,
            Err(e) => panic!("the default settings are invalid: {e}"),
        }
    }
}

/// An endpoint must be `https://`, or plain `http://` on this computer only (for a local
/// receiver during development): health answers never cross a network unencrypted.
fn endpoint(raw: &str) -> Result<String, ConfigError> {
    let problem = |p: &str| error("data-endpoint", format!("\"{raw}\" {p}"));
    let lower = raw.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Err(problem("must start with https://"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(problem("must not contain a user name or password"));
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => host,
        _ => authority,
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if lower.starts_with("http://") && !local {
        return Err(problem(
            "must use https:// (http:// is allowed only for localhost and 127.0.0.1)",
        ));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(problem("must not contain spaces"));
    }
    // The host must be one a browser can reach: the website rule, or this computer.
    if !local && website::normalise(raw).is_none() {
        return Err(problem("is not a valid web address"));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_endpoint(e: &str) -> Result<Option<String>, String> {
        let raw = RawConfig {
            endpoint: Some(e.to_owned()),
            ..RawConfig::default()
        };
        Config::from_raw(&raw)
            .map(|c| c.endpoint)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn endpoints() {
        // Issue 3: https://, or http:// on localhost/127.0.0.1 only; anything else is an error.
        let ok = [
            "https://formspree.io/f/abcd1234",
            "https://clinic.example/api/consultations?x=1",
            "http://127.0.0.1:8787/submissions",
            "http://localhost:3000/",
            "http://[::1]:8080/in",
            "https://localhost:8443/in",
        ];
        for e in ok {
            assert_eq!(with_endpoint(e), Ok(Some(e.to_owned())), "{e}");
        }
        let bad = [
            ("http://clinic.example/in", "must use https://"),
            ("http://127.0.0.1.evil.example/", "must use https://"),
            ("http://localhost@evil.example/", "user name"),
            ("https://user:pw@clinic.example/", "user name"),
            ("ftp://clinic.example/", "must start with https://"),
            ("javascript:alert(1)", "must start with https://"),
            ("/relative/path", "must start with https://"),
            ("https://", "not a valid web address"),
            ("https://clinic", "not a valid web address"),
            ("https://clinic.example/a b", "spaces"),
        ];
        for (e, why) in bad {
            let err = with_endpoint(e).expect_err(e);
            assert!(
                err.starts_with("data-endpoint: ") && err.contains(why),
                "{e}: {err}"
            );
        }
        assert_eq!(with_endpoint("  "), Ok(None), "blank means none");
    }

    #[test]
    fn other_settings() {
        let c = Config::default();
        assert_eq!(c.endpoint, None);
        assert_eq!(c.clinic_name, "the clinic");
        assert_eq!(c.draft_storage, DraftStorage::Session);
        assert_eq!(c.draft_max_age_ms, 24 * 3_600_000);

        let raw = RawConfig {
            clinic_name: Some(" Glow Clinic ".into()),
            clinic_email: Some("info@glow.clinic".into()),
            draft_storage: Some("local".into()),
            draft_hours: Some("2".into()),
            ..RawConfig::default()
        };
        let c = Config::from_raw(&raw).unwrap();
        assert_eq!(c.clinic_name, "Glow Clinic");
        assert_eq!(c.clinic_email.as_deref(), Some("info@glow.clinic"));
        assert_eq!(c.draft_storage, DraftStorage::Local);
        assert_eq!(c.draft_max_age_ms, 7_200_000);

        let email = |v: &str| RawConfig {
            clinic_email: Some(v.into()),
            ..RawConfig::default()
        };
        let storage = |v: &str| RawConfig {
            draft_storage: Some(v.into()),
            ..RawConfig::default()
        };
        let hours = |v: &str| RawConfig {
            draft_hours: Some(v.into()),
            ..RawConfig::default()
        };
        let bad = [
            (email("info@"), "data-clinic-email"),
            (storage("cookie"), "data-draft-storage"),
            (hours("0"), "data-draft-hours"),
            (hours("a day"), "data-draft-hours"),
            (hours("100000"), "data-draft-hours"),
            (hours("1.5"), "data-draft-hours"),
            (hours("-3"), "data-draft-hours"),
        ];
        for (raw, attribute) in bad {
            assert_eq!(
                Config::from_raw(&raw).unwrap_err().attribute,
                attribute,
                "{raw:?}"
            );
        }
    }
}
