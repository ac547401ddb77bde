//! A likely typo in an email address's domain (`gmial.com`, `gmail`): a suggestion that never
//! blocks, since such addresses are valid by the WHATWG rule and some are real. The domains
//! are data (`email_domains.txt`, the most used first), compared as Mailcheck does: a domain
//! in the list is never questioned; one without a dot is completed; otherwise the nearest
//! domain within a small number of edits (adjacent swaps count as one) is offered.

use super::validate::email;

const DOMAINS: &str = include_str!("email_domains.txt");

/// The address with the domain it most likely meant, or `None` when it looks as meant.
pub fn email(address: &str) -> Option<String> {
    let address = email::sanitise(address);
    if !email::is_valid(&address) {
        return None;
    }
    let (local, domain) = address.rsplit_once('@')?;
    let domain = domain.to_ascii_lowercase();
    let known = || DOMAINS.lines().filter(|d| !d.is_empty());
    if known().any(|d| d == domain) {
        return None;
    }
    let meant = if domain.contains('.') {
        // One edit for short domains, two for longer ones: `mail.co` is not `gmail.com`.
        let most = if domain.len() < 8 { 1 } else { 2 };
        known()
            .map(|d| (edits(&domain, d), d))
            .filter(|&(n, _)| n <= most)
            .min_by_key(|&(n, _)| n)?
            .1
    } else {
        // `gmail`: the first domain whose name before the first dot it is.
        known().find(|d| d.split('.').next() == Some(domain.as_str()))?
    };
    Some(format!("{local}@{meant}"))
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring letters, each one edit. Domains are short ASCII, so bytes are letters.
fn edits(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let width = b.len() + 1;
    let mut d: Vec<usize> = (0..(a.len() + 1) * width).collect();
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likely_typos_and_addresses_left_alone() {
        // Issue 20's two examples, Mailcheck's README cases (gmial, hotmial, yaho), and the
        // addresses the tests use, which must never draw a suggestion.
        let cases = [
            ("amelia.hart@gmail", Some("amelia.hart@gmail.com")),
            ("amelia.hart@gmial.com", Some("amelia.hart@gmail.com")),
            ("name@hotmial.com", Some("name@hotmail.com")),
            ("name@yaho.com", Some("name@yahoo.com")),
            ("name@gmail.con", Some("name@gmail.com")),
            ("name@outlok.com", Some("name@outlook.com")),
            ("name@hotmail", Some("name@hotmail.com")),
            ("Name@GMIAL.com", Some("Name@gmail.com")),
            (" name@gmial.com ", Some("name@gmail.com")),
            ("name@gmail.com", None),
            ("name@GMAIL.COM", None),
            ("name@example.com", None),
            ("name@mail.com", None),
            ("name@clinic.example", None),
            ("name@nhs.net", None),
            ("name@bt.com", None),
            ("name@", None), // invalid: the error says so, not a suggestion
            ("name@gmail..com", None),
            ("", None),
        ];
        for (typed, want) in cases {
            assert_eq!(email(typed).as_deref(), want, "{typed:?}");
        }
    }

    #[test]
    fn edit_distance() {
        for (a, b, n) in [
            ("gmial.com", "gmail.com", 1),
            ("gmail.com", "gmail.com", 0),
            ("gamil.com", "gmail.com", 1),
            ("gmal.com", "gmail.com", 1),
            ("gmaill.com", "gmail.com", 1),
            ("yahoo.com", "gmail.com", 5),
            ("", "abc", 3),
        ] {
            assert_eq!(edits(a, b), n, "{a} {b}");
        }
    }
}
