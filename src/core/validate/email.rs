//! The WHATWG HTML "valid email address" rule, the one `<input type=email>` applies.
//!
//! Source: HTML Living Standard, §4.10.5.1.5 "E-mail state (type=email)", which defines a valid
//! email address as matching
//! `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`
//! (a "willful violation" of RFC 5322, deliberately simpler). Written out by hand rather than
//! with the `regex` crate, which would add far more to the download than these lines.

/// The value sanitisation of the email state: strip newlines, then leading and trailing ASCII
/// whitespace.
pub fn sanitise(raw: &str) -> String {
    let no_newlines: String = raw.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
    no_newlines
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_owned()
}

/// Whether `address` (already sanitised) is a valid email address.
pub fn is_valid(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty() && local.bytes().all(is_local_byte) && domain.split('.').all(is_label)
}

/// `[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]`
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b)
}

/// `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`: 1 to 63 letters, digits and hyphens, not
/// starting or ending with a hyphen. (A second `@` fails here too.)
fn is_label(label: &str) -> bool {
    let b = label.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatwg_valid_email_address() {
        let label63 = "a".repeat(63);
        let label64 = "a".repeat(64);
        let long_ok = format!("x@{label63}.com");
        let long_bad = format!("x@{label64}.com");
        let cases: &[(&str, bool, &str)] = &[
            // The cases.
            ("jane+skin@gmail.com", true, "issue 2"),
            ("info@glow.clinic", true, "issue 2"),
            (
                "a@b",
                true,
                "issue 2: a domain needs no dot in the WHATWG rule",
            ),
            ("a@-b.com", false, "issue 2: label starts with a hyphen"),
            // From the rule in HTML §4.10.5.1.5.
            ("name@example.com", true, "plain"),
            (
                "first.last@example.co.uk",
                true,
                "dots in local part and domain",
            ),
            (
                ".leading.dot.@example.com",
                true,
                "the rule allows dots anywhere in the local part",
            ),
            (
                "a..b@example.com",
                true,
                "consecutive dots allowed by the rule",
            ),
            (
                "!#$%&'*+/=?^_`{|}~-@example.com",
                true,
                "every symbol the local part allows",
            ),
            ("user@192.168.0.1", true, "numeric labels are labels"),
            ("user@xn--bcher-kva.example", true, "punycode domain"),
            (&long_ok, true, "63-character label"),
            (&long_bad, false, "64-character label"),
            ("user@b-.com", false, "label ends with a hyphen"),
            ("user@example..com", false, "empty label"),
            (
                "user@example.com.",
                false,
                "trailing dot gives an empty label",
            ),
            (
                "user@.example.com",
                false,
                "leading dot gives an empty label",
            ),
            ("@example.com", false, "empty local part"),
            ("user@", false, "empty domain"),
            ("user", false, "no @"),
            ("a@b@c.com", false, "two @"),
            ("us er@example.com", false, "space in local part"),
            (
                "\"quoted\"@example.com",
                false,
                "quoted local parts are RFC 5322, not WHATWG",
            ),
            (
                "user@[127.0.0.1]",
                false,
                "address literals are not allowed",
            ),
            ("user@exa_mple.com", false, "underscore in domain"),
            ("zoë@example.com", false, "non-ASCII local part"),
            (
                "user@bücher.example",
                false,
                "the value must be ASCII: browsers send punycode",
            ),
            ("<script>@example.com", false, "angle brackets"),
            ("user@example.com\u{0}", false, "control character"),
        ];
        for (input, want, why) in cases {
            assert_eq!(is_valid(input), *want, "{input:?}: {why}");
        }
    }

    #[test]
    fn sanitising_matches_the_input_element() {
        // HTML §4.10.5.1.5 value sanitisation algorithm.
        let cases = [
            (" name@example.com ", "name@example.com"),
            ("\tname@example.com\n", "name@example.com"),
            ("name@exam\nple.com", "name@example.com"),
            ("name@example.com\u{a0}", "name@example.com\u{a0}"),
        ];
        for (raw, want) in cases {
            assert_eq!(sanitise(raw), want);
        }
        assert!(!is_valid(&sanitise("name@example.com\u{a0}")));
    }
}
