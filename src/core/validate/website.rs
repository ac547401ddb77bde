//! The website rule of the brief: an http or https address with a real host, a bare domain
//! normalised to https, and every other scheme or any embedded credentials refused.
//!
//! It follows the WHATWG URL Standard's parsing of special schemes where that matters for a
//! visitor typing an address (leading/trailing C0 and space stripped, tabs and newlines removed,
//! `\` read as `/`, any number of slashes after the scheme, the default port dropped, the host
//! lower-cased), then asks more than the standard does: the host must be a public-looking domain
//! or an IP address, because staff must be able to open it. The `url` crate would add its IDNA
//! tables to the download for no gain here.

use crate::core::characters::{is_invisible, percent_encode};

/// The normalised address, or `None` when it is not a usable web address.
pub fn normalise(raw: &str) -> Option<String> {
    // URL Standard, basic URL parser: strip leading and trailing C0 control or space, and
    // remove all ASCII tab or newline. We also strip other Unicode spaces a paste brings along.
    let cleaned: String = raw
        .trim_matches(|c: char| c <= ' ' || c.is_whitespace())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (scheme, rest) = match split_scheme(&cleaned) {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            s @ ("http" | "https") => (if s == "http" { "http" } else { "https" }, rest),
            // `myclinic.com:8080` parses as scheme `myclinic.com`: a port after the colon
            // means the visitor typed a bare host with a port.
            _ if starts_with_port(rest) => ("https", cleaned.as_str()),
            _ => return None,
        },
        None => ("https", cleaned.as_str()),
    };
    // Special schemes accept any mix of slashes and backslashes before the host.
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    // Checked splits: `end` comes from `find`, but a plain split_at keeps a panic path (and
    // its formatting code) in the download.
    let (authority, tail) = rest.split_at_checked(end)?;
    if authority.contains('@') {
        return None; // user:pass@ credentials are never accepted
    }
    let (host, port) = split_port(authority)?;
    let host = normalise_host(host)?;
    // URL Standard, port state: the digits as a number (leading zeros and all), which is then
    // dropped when it is the scheme's default, so `:0443` reads as `:443` does.
    let port = match port.filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    let port = match (port, scheme) {
        (None, _) | (Some(80), "http") | (Some(443), "https") => String::new(),
        (Some(p), _) => format!(":{p}"),
    };
    Some(format!("{scheme}://{host}{port}{}", encode_tail(tail)))
}

/// `scheme ":" rest` when the text starts with a URL scheme (ASCII alpha, then alphanumerics,
/// `+`, `-` or `.`).
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some((scheme, rest))
}

fn starts_with_port(rest: &str) -> bool {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'/' | b'?' | b'#'))
}

fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at_checked(close + 1)?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    Some(match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        Some(_) => return None,
        None => (authority, None),
    })
}

/// A domain with at least two labels and a top-level label that is not a number, or an IPv4 or
/// bracketed IPv6 address. Lower-cased, as the URL Standard's host parser does.
fn normalise_host(host: &str) -> Option<String> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        // Kept as typed (lower-cased) once it is a valid address staff could reach.
        ipv6(inner).filter(|g| reachable_v6(*g))?;
        return Some(format!("[{}]", inner.to_ascii_lowercase()));
    }
    // ASCII lower-casing only: full Unicode case mapping would add its tables to the download,
    // and an internationalised name is passed on as the visitor typed it.
    let host = host.to_ascii_lowercase();
    let name = host.strip_suffix('.').unwrap_or(&host);
    let labels: Vec<&str> = name.split('.').collect();
    let last = *labels.last()?;
    // URL Standard "ends in a number checker": such a host must be an IPv4 address. Only the
    // ordinary dotted-quad form is accepted; `0x7f.1` and friends are not addresses people type.
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x") {
        return ipv4(name)
            .filter(|a| reachable_v4(*a))
            .map(|_| name.to_owned());
    }
    let ok = labels.len() >= 2 && name.len() <= 253 && labels.iter().all(|l| is_label(l));
    ok.then_some(host)
}

/// The plain dotted-quad form only: four numbers 0 to 255 without leading zeros. The URL
/// Standard also reads `0x7f.1` and `127.1`; nobody types those as their website. (Written
/// out rather than using `std::net`, whose parsers add twice this to the download.)
fn ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        let plain = (1..=3).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'));
        if n == 4 || !plain {
            return None;
        }
        out[n] = part.parse().ok()?;
        n += 1;
    }
    (n == 4).then_some(out)
}

/// RFC 4291 §2.2 text forms: eight groups of 1 to 4 hex digits, at most one `::` standing
/// for one or more zero groups, and optionally a dotted quad as the last two groups.
fn ipv6(s: &str) -> Option<[u16; 8]> {
    let groups = |part: &str, may_end_in_quad: bool| -> Option<Vec<u16>> {
        let mut out = Vec::new();
        if part.is_empty() {
            return Some(out);
        }
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, piece) in pieces.iter().enumerate() {
            if may_end_in_quad && i == pieces.len() - 1 && piece.contains('.') {
                let [a, b, c, d] = ipv4(piece)?;
                out.extend([u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])]);
            } else if (1..=4).contains(&piece.len()) && piece.bytes().all(|b| b.is_ascii_hexdigit())
            {
                out.push(u16::from_str_radix(piece, 16).ok()?);
            } else {
                return None;
            }
        }
        Some(out)
    };
    let mut out = [0u16; 8];
    match s.split_once("::") {
        Some((head, tail)) if !tail.contains("::") => {
            let (head, tail) = (groups(head, false)?, groups(tail, true)?);
            if head.len() + tail.len() > 7 {
                return None;
            }
            out[..head.len()].copy_from_slice(&head);
            out[8 - tail.len()..].copy_from_slice(&tail);
        }
        Some(_) => return None,
        None => {
            let all = groups(s, true)?;
            if all.len() != 8 {
                return None;
            }
            out.copy_from_slice(&all);
        }
    }
    Some(out)
}

/// An address staff could open: not this computer (RFC 1122 loopback, "this network"), not a
/// private network (RFC 1918) or link-local (RFC 3927), not multicast or reserved (224 and up).
fn reachable_v4([a, b, ..]: [u8; 4]) -> bool {
    !(a == 0
        || a == 10
        || a == 127
        || (a == 169 && b == 254)
        || (a == 172 && (16..=31).contains(&b))
        || (a == 192 && b == 168)
        || a >= 224)
}

/// The same for IPv6: not unspecified or loopback, unique-local (fc00::/7), link-local
/// (fe80::/10) or multicast (ff00::/8); an IPv4-mapped address by its IPv4 rules.
fn reachable_v6(groups: [u16; 8]) -> bool {
    match groups {
        [0, 0, 0, 0, 0, 0, 0, 0 | 1] => false,
        [0, 0, 0, 0, 0, 0xffff, high, low] => {
            let ([a, b], [c, d]) = (high.to_be_bytes(), low.to_be_bytes());
            reachable_v4([a, b, c, d])
        }
        [first, ..] => !(first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 || first >= 0xff00),
    }
}

/// A DNS label: 1 to 63 ASCII letters, digits and inner hyphens, or any other non-ASCII,
/// non-space character (for internationalised names). Everything the URL Standard forbids in a
/// domain (`<`, `%`, `^`, `|`, spaces, controls …) is outside this set.
fn is_label(label: &str) -> bool {
    let ok_char = |c: char| {
        c.is_ascii_alphanumeric()
            || c == '-'
            // Non-ASCII letters of internationalised names, but none of what UTS #46 (IDNA)
            // disallows and a reader cannot see: spaces, controls, bidi and zero-width marks.
            || !(c.is_ascii() || c.is_whitespace() || c.is_control() || is_invisible(c))
    };
    !label.is_empty()
        && label.len() <= 63
        && label.chars().all(ok_char)
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// The path, query and fragment, with `\` read as `/` in the path and the characters that may
/// never appear raw in a URL percent-encoded (URL Standard, the path and query percent-encode
/// sets), so the result can be used as a link.
fn encode_tail(tail: &str) -> String {
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let mut out = String::with_capacity(tail.len());
    for (i, c) in tail.char_indices() {
        match c {
            '\\' if i < path_end => out.push('/'),
            // The URL Standard's path percent-encode set; and, beyond it, characters a person
            // cannot see or that reorder text (controls, bidirectional marks, zero-width and
            // other spaces), which the standard also encodes as non-ASCII: the rest of
            // non-ASCII stays readable.
            ' ' | '"' | '<' | '>' | '`' => percent_encode(c, &mut out),
            c if c.is_control() || c.is_whitespace() || is_invisible(c) => {
                percent_encode(c, &mut out)
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[rustfmt::skip] // one case a line: a table to read, not code to reflow
    fn usable_web_addresses() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            // shared/questionnaire-brief.md and issue 2.
            (
                "myclinic.com",
                Some("https://myclinic.com"),
                "bare domain gets https",
            ),
            (
                "https://myclinic.com",
                Some("https://myclinic.com"),
                "as typed",
            ),
            ("javascript:alert(1)", None, "brief: never javascript:"),
            ("https://user:pw@x.com", None, "issue 2: credentials"),
            ("data:text/html,<b>hi</b>", None, "brief: never data:"),
            ("file:///etc/passwd", None, "brief: never file:"),
            // Other schemes.
            ("JavaScript:alert(1)", None, "schemes are case-insensitive"),
            (
                " javascript:alert(1)",
                None,
                "leading space is stripped before the scheme",
            ),
            (
                "java\tscript:alert(1)",
                None,
                "URL Standard removes tabs inside",
            ),
            ("vbscript:msgbox", None, "other script scheme"),
            ("ftp://files.example.com", None, "not http or https"),
            ("mailto:name@example.com", None, "not a website"),
            ("blob:https://x.com/1", None, "blob"),
            // Credentials in any form.
            ("https://user@x.com", None, "username only"),
            ("x.com@evil.com", None, "bare domain with credentials"),
            (
                "https://x.com\\@evil.com",
                Some("https://x.com/@evil.com"),
                "backslash ends the host",
            ),
            // URL Standard leniencies for special schemes.
            (
                "HTTPS://MyClinic.COM/About",
                Some("https://myclinic.com/About"),
                "scheme and host lower-cased, path kept",
            ),
            (
                "http://myclinic.com/",
                Some("http://myclinic.com/"),
                "http kept",
            ),
            (
                "https:myclinic.com",
                Some("https://myclinic.com"),
                "no slashes",
            ),
            (
                "https:\\\\myclinic.com\\a",
                Some("https://myclinic.com/a"),
                "backslashes",
            ),
            (
                "https:////myclinic.com",
                Some("https://myclinic.com"),
                "extra slashes",
            ),
            (
                "  www.myclinic.com  ",
                Some("https://www.myclinic.com"),
                "trimmed",
            ),
            (
                "https://myclinic.com:443/x",
                Some("https://myclinic.com/x"),
                "default port dropped",
            ),
            (
                "http://myclinic.com:80",
                Some("http://myclinic.com"),
                "default port dropped",
            ),
            (
                "myclinic.com:8080/book",
                Some("https://myclinic.com:8080/book"),
                "bare host with port",
            ),
            (
                "https://myclinic.com:0443",
                Some("https://myclinic.com"),
                "default port with leading zeros dropped (fuzzing found it)",
            ),
            (
                "myclinic.com:08080",
                Some("https://myclinic.com:8080"),
                "a port's leading zeros dropped",
            ),
            ("https://myclinic.com:99999", None, "port out of range"),
            ("https://myclinic.com:8o", None, "port not a number"),
            (
                "myclinic.com/about us",
                Some("https://myclinic.com/about%20us"),
                "space in path encoded",
            ),
            (
                "myclinic.com/a\u{80}b\u{202e}c\u{200b}/é",
                Some("https://myclinic.com/a%C2%80b%E2%80%AEc%E2%80%8B/é"),
                "invisible and reordering characters encoded, found by tests/properties.rs",
            ),
            ("my\u{202e}clinic.com", None, "a bidi override in the host, found by tests/properties.rs"),
            ("my\u{200b}clinic.com", None, "a zero-width space in the host"),
            (
                "instagram.com/glow.clinic?x=1#top",
                Some("https://instagram.com/glow.clinic?x=1#top"),
                "query and fragment",
            ),
            (
                "https://myclinic.com.",
                Some("https://myclinic.com."),
                "trailing dot is a fully qualified name",
            ),
            (
                "https://café.example/menu",
                Some("https://café.example/menu"),
                "internationalised domain",
            ),
            (
                "https://93.184.216.34/",
                Some("https://93.184.216.34/"),
                "IPv4",
            ),
            (
                "https://[2001:db8::1]:8443/",
                Some("https://[2001:db8::1]:8443/"),
                "IPv6",
            ),
            // A real host.
            (
                "https://localhost",
                None,
                "single label is not a public host",
            ),
            ("myclinic", None, "single label"),
            ("https://", None, "no host"),
            ("https://.com", None, "empty label"),
            ("https://my..clinic.com", None, "empty label"),
            ("https://-clinic.com", None, "label starts with hyphen"),
            ("https://my_clinic.com", None, "underscore"),
            ("https://my clinic.com", None, "space in host"),
            (
                "https://my<clinic>.com",
                None,
                "forbidden domain code points",
            ),
            (
                "https://myclinic.123",
                None,
                "ends in a number but is no IPv4 address",
            ),
            ("https://0x7f.1", None, "exotic IPv4 forms refused"),
            ("https://999.1.1.1", None, "octet out of range"),
            ("https://[::zz]", None, "bad IPv6"),
            ("https://[::1]/", None, "IPv6 loopback: this computer, not a real host"),
            ("https://[0:0:0:0:0:0:0:1]", None, "loopback written out"),
            ("https://[::]", None, "unspecified"),
            ("https://[fe80::1]", None, "link-local"),
            ("https://[fd12:3456::1]", None, "unique-local (private)"),
            ("https://[ff02::1]", None, "multicast"),
            ("https://[::ffff:127.0.0.1]", None, "IPv4-mapped loopback"),
            ("https://[::ffff:10.1.2.3]", None, "IPv4-mapped private"),
            ("http://127.0.0.1/", None, "loopback, like localhost"),
            ("http://0.0.0.0", None, "this network"),
            ("http://10.0.0.1", None, "RFC 1918 private"),
            ("http://172.16.0.1", None, "RFC 1918 private"),
            ("http://172.31.255.255", None, "RFC 1918 private, top of the range"),
            ("http://172.32.0.1", Some("http://172.32.0.1"), "just outside 172.16/12"),
            ("http://192.168.1.1", None, "RFC 1918 private"),
            ("http://169.254.0.5", None, "RFC 3927 link-local"),
            ("http://224.0.0.1", None, "multicast"),
            (
                "https://[1:2:3:4:5:6:7:8]",
                Some("https://[1:2:3:4:5:6:7:8]"),
                "eight groups",
            ),
            ("https://[1:2:3:4:5:6:7:8:9]", None, "nine groups"),
            ("https://[1:2:3:4:5:6:7]", None, "seven groups without ::"),
            (
                "https://[1:2:3:4::5:6:7:8]",
                None,
                ":: must stand for at least one group",
            ),
            ("https://[1::2::3]", None, "two ::"),
            ("https://[12345::]", None, "five hex digits"),
            (
                "https://[::FFFF:192.0.2.1]",
                Some("https://[::ffff:192.0.2.1]"),
                "embedded IPv4, lower-cased",
            ),
            (
                "https://[::ffff:192.0.2.256]",
                None,
                "embedded IPv4 out of range",
            ),
            (
                "https://[192.0.2.1::]",
                None,
                "embedded IPv4 must come last",
            ),
            (
                "https://[1:2:3:4:5:6:192.0.2.1]",
                Some("https://[1:2:3:4:5:6:192.0.2.1]"),
                "six groups and a quad",
            ),
            ("https://[2001:db8::1", None, "unclosed bracket"),
            ("https://01.2.3.4/", None, "leading zero in IPv4"),
            ("https://1.2.3/", None, "three parts"),
            ("https://1.2.3.4.5/", None, "five parts"),
            ("@glowclinic", None, "a social handle is not an address"),
            ("<script>alert(1)</script>", None, "markup"),
            ("", None, "empty"),
        ];
        for (input, want, why) in cases {
            assert_eq!(normalise(input).as_deref(), *want, "{input:?}: {why}");
        }
    }

    #[test]
    fn long_hosts() {
        let label = "a".repeat(63);
        assert!(normalise(&format!("{label}.com")).is_some());
        assert!(
            normalise(&format!("a{label}.com")).is_none(),
            "64-character label"
        );
        let too_long = [label.as_str(); 4].join(".") + ".com"; // 4*64 + 3 > 253
        assert!(normalise(&too_long).is_none(), "name over 253 characters");
    }

    /// The hand-written address readers agree with `std::net`'s, the reference: every string
    /// of up to four pieces from a table of the pieces that matter (zeros, leading zeros,
    /// limits, hex, `::`, quads) is an address to both or to neither, with the same value.
    #[test]
    fn addresses_agree_with_std_net() {
        use std::net::{Ipv4Addr, Ipv6Addr};
        let pieces = [
            "0", "1", "01", "255", "256", "ffff", "FFFF", "12345", "g", ".", ":", "::", "1.2.3.4",
            "0.0.0.0", "1.2.3", ":1", "1:",
        ];
        let mut cases = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = cases
                .iter()
                .flat_map(|c| pieces.iter().map(move |p| format!("{c}{p}")))
                .collect();
            cases.extend(longer);
        }
        // Whole addresses too, beyond what four pieces reach.
        cases.extend(
            [
                "1:2:3:4:5:6:7:8",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7::",
                "::1:2:3:4:5:6:7",
                "1:2:3:4:5:6:1.2.3.4",
                "::ffff:192.0.2.1",
                "2001:db8::1",
                "2001:db8:::1",
                "1::2::3",
                "192.168.001.1",
            ]
            .map(str::to_owned),
        );
        for case in &cases {
            let want4 = case.parse::<Ipv4Addr>().ok().map(|a| a.octets());
            assert_eq!(ipv4(case), want4, "IPv4 {case:?}");
            let want6 = case.parse::<Ipv6Addr>().ok().map(|a| a.segments());
            assert_eq!(ipv6(case), want6, "IPv6 {case:?}");
        }
        assert!(cases.len() > 80_000);
    }
}
