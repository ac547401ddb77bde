//! The address staff reach this receiver at (`--public-url`): checked once, it knows its
//! origin, whether it is https, and the inbox links the notification emails carry.

/// An http(s) address without a trailing slash, such as `https://intake.glow.example`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

/// A `--public-url` that is not an http(s) address. The flag is named in the message because
/// the same words reach people from the environment variable too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--public-url {0:?}: give the receiver's address, such as https://intake.glow.example")]
pub struct PublicUrlError(String);

impl PublicUrl {
    pub fn parse(url: &str) -> Result<PublicUrl, PublicUrlError> {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && !url.contains(char::is_whitespace);
        if ok {
            Ok(PublicUrl(url.trim_end_matches('/').to_owned()))
        } else {
            Err(PublicUrlError(url.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Staff reach it over TLS, so its cookies can be `Secure` even behind a proxy.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// Scheme, host and port, without the path: what browsers send in `Origin`.
    pub fn origin(&self) -> &str {
        let after = self.0.find("://").map(|i| i + 3).unwrap_or(0);
        match self.0[after..].find('/') {
            Some(i) => &self.0[..after + i],
            None => &self.0,
        }
    }

    /// The inbox's own address (its list of submissions, newest first).
    pub fn inbox_home(&self) -> String {
        format!("{}/inbox", self.0)
    }

    /// The inbox address of one submission, which staff open after signing in.
    pub fn inbox_link(&self, submission_id: &str) -> String {
        format!("{}/inbox/submissions/{submission_id}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    #[test]
    fn checked_trimmed_and_taken_apart() {
        let url = PublicUrl::parse("https://intake.glow.example/").unwrap();
        assert_eq!(url.as_str(), "https://intake.glow.example");
        assert!(url.is_https());
        assert_eq!(
            url.inbox_link("0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b"),
            "https://intake.glow.example/inbox/submissions/0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b"
        );
        assert_eq!(url.inbox_home(), "https://intake.glow.example/inbox");
        let under = PublicUrl::parse("http://127.0.0.1:8080/clinic/").unwrap();
        assert_eq!(under.origin(), "http://127.0.0.1:8080");
        assert!(!under.is_https());
        let e = PublicUrl::parse("intake.glow.example").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--public-url \"intake.glow.example\": give the receiver's address, such as \
             https://intake.glow.example"
        );
    }
}
