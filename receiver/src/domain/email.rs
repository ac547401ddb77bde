//! A staff member's email address, as the inbox and the `staff` command take it.

/// The longest email address (RFC 5321 §4.5.3.1.3: a path of 256 octets, less the brackets).
pub const MAX_EMAIL: usize = 254;

/// A staff email: one `@`, something either side, no spaces or controls, at most 254.
pub fn check_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && email.len() <= MAX_EMAIL
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}
