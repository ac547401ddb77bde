//! The `mailto:` link that lets a visitor email the summary to the clinic when no endpoint is
//! configured, encoded per RFC 6068 so nothing in the text can add or change a header.

use super::characters::percent_encode;

/// Percent-encodes everything but RFC 3986 unreserved characters. That covers `&`, `=`, `?`,
/// `#` and `%` (which would end or corrupt a header field) and every line break, which
/// RFC 6068 §5 requires as `%0D%0A` in a body.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-._~".contains(c) {
            out.push(c);
        } else {
            percent_encode(c, &mut out);
        }
    }
    out
}

/// Line breaks in the body as CRLF (RFC 6068 §5), whatever the text used.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// `to` must already be a valid address (the configuration checks it).
pub fn link(to: &str, subject: &str, body: &str) -> String {
    format!(
        "mailto:{}?subject={}&body={}",
        encode(to),
        encode(subject),
        encode(&crlf(body))
    )
}

/// Decodes a link's percent-encoding as a mail client does (`None` when malformed): for the
/// tests here and in tests/injection.rs to read back what staff would receive. Unused by the
/// widget, so not in its download.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_cannot_add_headers() {
        let subject = "Consultation request from Zoë & co for Glow Clinic";
        let body = "Line one\nBcc: attacker@example.com\n&cc=x@example.com?#%20 مرحبا 😀";
        let link = link("info@glow.clinic", subject, body);
        let (to, query) = link
            .strip_prefix("mailto:")
            .unwrap()
            .split_once('?')
            .unwrap();
        assert_eq!(decode(to).as_deref(), Some("info@glow.clinic"));
        // Exactly two header fields, whatever the text held.
        let fields: Vec<&str> = query.split('&').collect();
        assert_eq!(fields.len(), 2, "{link}");
        assert_eq!(
            decode(fields[0].strip_prefix("subject=").unwrap()).as_deref(),
            Some(subject)
        );
        assert_eq!(
            decode(fields[1].strip_prefix("body=").unwrap()),
            Some(body.replace('\n', "\r\n"))
        );
        assert!(!link.contains('\n') && !link.contains(' '));
    }
}
