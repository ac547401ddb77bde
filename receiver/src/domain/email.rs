//! A staff member's email address, as the inbox and the `staff` command take it: trimmed,
//! lower-cased and checked once, at the edge.

use std::fmt;

/// The longest email address (RFC 5321 §4.5.3.1.3: a path of 256 octets, less the brackets).
pub const MAX_EMAIL: usize = 254;

/// A staff email: one `@`, something either side, a dot in the domain, no spaces or
/// controls, at most 254 octets; held lower-cased, so one person has one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEmail(String);

impl StaffEmail {
    pub fn parse(text: &str) -> Option<StaffEmail> {
        let email = text.trim().to_lowercase();
        let (local, domain) = email.split_once('@')?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.contains('@')
            && email.len() <= MAX_EMAIL
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then_some(StaffEmail(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `staff` command's `--email`: clap says what is wrong before anything opens.
impl std::str::FromStr for StaffEmail {
    type Err = &'static str;
    fn from_str(text: &str) -> Result<StaffEmail, &'static str> {
        StaffEmail::parse(text).ok_or("not an email address such as name@example.com")
    }
}

#[cfg(test)]
mod tests {
    use super::StaffEmail;

    #[test]
    fn trimmed_lower_cased_and_checked() {
        let cases = [
            ("  Name@Example.com ", Some("name@example.com")),
            ("name@example", None),
            ("@example.com", None),
            ("name@@example.com", None),
            ("na me@example.com", None),
            ("name@example.com\u{7}", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                StaffEmail::parse(text).as_ref().map(StaffEmail::as_str),
                want,
                "{text:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(StaffEmail::parse(&long), None);
    }
}
