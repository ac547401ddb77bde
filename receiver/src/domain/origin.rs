//! An origin allowed to send submissions (`--allow-origin`): scheme, host and optional port,
//! checked once into the header value the CORS layer compares.

use axum::http::HeaderValue;

/// An `--allow-origin` that is not an origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--allow-origin {0:?}: give an origin such as https://glow.example (no path)")]
pub struct OriginError(String);

/// An origin allowed to send submissions, as the CORS layer compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(pub HeaderValue);

impl std::str::FromStr for Origin {
    type Err = OriginError;
    fn from_str(origin: &str) -> Result<Origin, OriginError> {
        check_origin(origin).map(Origin)
    }
}

/// An `--allow-origin` value: scheme, host and optional port, nothing else, as browsers send
/// it in the Origin header (and as the CORS layer compares it).
pub fn check_origin(origin: &str) -> Result<HeaderValue, OriginError> {
    let bad = || OriginError(origin.to_owned());
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !ok {
        return Err(bad());
    }
    HeaderValue::from_str(origin).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::check_origin;

    #[test]
    fn origins() {
        for ok in [
            "https://glow.example",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert_eq!(check_origin(ok).unwrap(), ok);
        }
        for bad in [
            "glow.example",
            "https://glow.example/",
            "https://",
            "*",
            "https://a b",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }
}
