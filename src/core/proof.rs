//! The proof of work a clinic's receiver may ask (receiver/src/challenge.rs, as ALTCHA does it):
//! the number, at most `maxnumber`, whose SHA-256 with the salt is the challenge. The view
//! hashes with the browser's WebCrypto (`crypto.subtle.digest`) between the visitor's
//! keystrokes: measured against the sha2 crate in the wasm (docs/size-notes.md), 769 bytes gzip
//! less for every visitor. Reading the challenge and writing the `Altcha` header are here,
//! pure and tested natively.

use serde::{Deserialize, Serialize};

/// The most work the widget takes on (a receiver asking more is not waited for).
pub const MAX_NUMBER: u64 = 10_000_000;

/// A challenge as `GET …/challenge` sends it (the receiver writes it with these same types).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub algorithm: String,
    pub challenge: String,
    pub salt: String,
    pub maxnumber: u64,
    pub signature: String,
    /// Unix seconds.
    pub expires: u64,
}

/// The solution, base64 JSON in the `Altcha` header (the receiver reads it with this type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    pub algorithm: String,
    pub challenge: String,
    pub number: u64,
    pub salt: String,
    pub signature: String,
}

/// A challenge this widget can solve, with the hash it looks for; `None` for anything else
/// (another algorithm, a malformed body, an endpoint that answers something unrelated).
pub fn read(text: &str) -> Option<(Challenge, [u8; 32])> {
    let c: Challenge = serde_json::from_str(text).ok()?;
    if c.algorithm != "SHA-256" || c.maxnumber > MAX_NUMBER || c.challenge.len() != 64 {
        return None;
    }
    let mut target = [0u8; 32];
    for (i, byte) in target.iter_mut().enumerate() {
        *byte = u8::from_str_radix(c.challenge.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some((c, target))
}

/// What is hashed for `number`: the salt, then the number in decimal.
pub fn attempt(c: &Challenge, number: u64) -> String {
    format!("{}{number}", c.salt)
}

/// The `Altcha` header's value: base64 of the solution's JSON, as ALTCHA sends its payload.
pub fn header(c: &Challenge, number: u64) -> String {
    let json = serde_json::to_string(&Solution {
        algorithm: c.algorithm.clone(),
        challenge: c.challenge.clone(),
        number,
        salt: c.salt.clone(),
        signature: c.signature.clone(),
    })
    .unwrap_or_default();
    base64(json.as_bytes())
}

/// Standard base64 with padding (RFC 4648 §4): a dozen lines rather than a crate in the wasm.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    // A native dev-dependency only: the wasm's tests build without it.
    #[cfg(not(target_arch = "wasm32"))]
    use sha2::{Digest, Sha256};

    #[cfg(not(target_arch = "wasm32"))]
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn base64_as_rfc_4648_section_10() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn finds_the_number_and_writes_the_header() {
        let salt = "a1b2?expires=2000000000";
        let challenge = hex(&Sha256::digest(format!("{salt}4321").as_bytes()));
        let body = format!(
            r#"{{"algorithm":"SHA-256","challenge":"{challenge}","salt":"{salt}","maxnumber":5000,"signature":"ab","expires":2000000000}}"#
        );
        let (c, target) = read(&body).expect("readable");
        // The view's search, with sha2 standing in for WebCrypto.
        let found = (0..=c.maxnumber)
            .find(|&n| Sha256::digest(attempt(&c, n).as_bytes()).as_slice() == target);
        assert_eq!(found, Some(4321));
        let header = header(&c, 4321);
        assert!(
            header.starts_with("eyJhbGdvcml0aG0iOiJTSEEtMjU2Ii"),
            "{header}"
        );
        // Not ours to solve.
        assert!(read(&body.replace("SHA-256", "SHA-512")).is_none());
        assert!(read(&body.replace("5000", "99999999")).is_none());
        assert!(read(r#"{"ok":true}"#).is_none());
        assert!(read("<html>").is_none());
    }
}
