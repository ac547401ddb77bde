//! A cost a person never notices, as ALTCHA does it: `GET /submissions/challenge` hands out a
//! signed puzzle with an expiry; the widget finds the number behind the hash while the visitor
//! types, and sends it with the submission in the `Altcha` header (base64 of the JSON, as
//! ALTCHA's own payload). A header, so the submission document and its schema stay as they
//! are, and a Formspree-style endpoint never sees anything new. Intake checks the signature,
//! the expiry and the hash, and spends the challenge once. A submission without a valid
//! solution is still stored (a false alarm must not lose a real request) but marked likely
//! spam with the reason why, so a script pays with every request or lands in the spam pile.

use crate::domain::digest::{hex, sha256_hex};
use crate::store::error::StoreError;
use crate::store::Store;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// How long a challenge stays good: long enough to fill in the form slowly (the widget asks for
/// a fresh one before sending if its own has expired).
pub const LIFETIME: Duration = Duration::from_secs(60 * 60);

/// Why the receiver marks a submission (`spam.reasons`, beside the widget's own two).
pub const MISSING: &str = "no-proof-of-work";
pub const INVALID: &str = "proof-of-work-invalid";
pub const EXPIRED: &str = "proof-of-work-expired";
pub const REUSED: &str = "proof-of-work-reused";

/// The puzzle and its solution, ALTCHA's field names: the core's own types, which the widget
/// reads and writes.
pub use consultation_widget::core::proof::{attempt, Challenge, Solution};

#[derive(Clone)]
pub struct Issuer {
    key: Vec<u8>,
    /// The largest secret number (the work: half of it in hashes on average); 0: off.
    pub maxnumber: u64,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes
}

impl Issuer {
    /// The key from the database (made and stored by the first receiver to start).
    pub async fn open(store: &Store, maxnumber: u64) -> Result<Issuer, StoreError> {
        let key = store.proof_of_work_key(&hex(&random_bytes::<32>())).await?;
        Ok(Issuer {
            key: key.into_bytes(),
            maxnumber,
        })
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length")
    }

    /// A fresh puzzle, good until `now_s + LIFETIME`.
    pub fn issue(&self, now_s: u64) -> Challenge {
        let expires = now_s + LIFETIME.as_secs();
        let salt = format!("{}?expires={expires}", hex(&random_bytes::<12>()));
        let r = u64::from_le_bytes(random_bytes::<8>());
        let number = r % (self.maxnumber + 1);
        let mut c = Challenge {
            algorithm: "SHA-256".into(),
            signature: String::new(),
            challenge: String::new(),
            salt,
            maxnumber: self.maxnumber,
            expires,
        };
        c.challenge = sha256_hex(&attempt(&c, number));
        let mut mac = self.mac();
        mac.update(c.challenge.as_bytes());
        c.signature = hex(&mac.finalize().into_bytes());
        c
    }

    /// Checks an `Altcha` header (without spending it): the solution to spend and when it
    /// expires, or the reason to mark the submission.
    pub fn check(&self, header: Option<&str>, now_s: u64) -> Result<(Solution, u64), &'static str> {
        let header = header.ok_or(MISSING)?;
        let json = base64::engine::general_purpose::STANDARD
            .decode(header.trim())
            .map_err(|_| INVALID)?;
        let s: Solution = serde_json::from_slice(&json).map_err(|_| INVALID)?;
        let signature = (0..s.signature.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.signature.get(i..i + 2).unwrap_or("x"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| INVALID)?;
        let mut mac = self.mac();
        mac.update(s.challenge.as_bytes());
        // Constant-time comparison (hmac's verify), so the signature cannot be guessed byte
        // by byte.
        mac.verify_slice(&signature).map_err(|_| INVALID)?;
        if s.algorithm != "SHA-256" || sha256_hex(&format!("{}{}", s.salt, s.number)) != s.challenge
        {
            return Err(INVALID);
        }
        let expires = s
            .salt
            .split_once("?expires=")
            .and_then(|(_, e)| e.parse::<u64>().ok())
            .ok_or(INVALID)?;
        if expires < now_s {
            return Err(EXPIRED);
        }
        Ok((s, expires))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> Issuer {
        Issuer {
            key: b"test key".to_vec(),
            maxnumber: 1000,
        }
    }

    fn solve(c: &Challenge) -> String {
        let number = (0..=c.maxnumber)
            .find(|n| sha256_hex(&format!("{}{n}", c.salt)) == c.challenge)
            .expect("a solution");
        let s = Solution {
            algorithm: c.algorithm.clone(),
            challenge: c.challenge.clone(),
            number,
            salt: c.salt.clone(),
            signature: c.signature.clone(),
        };
        base64::engine::general_purpose::STANDARD.encode(serde_json::to_string(&s).unwrap())
    }

    #[test]
    fn solutions() {
        let i = issuer();
        let c = i.issue(1_000);
        let good = solve(&c);
        assert!(i.check(Some(&good), 1_000).is_ok());
        assert_eq!(i.check(Some(&good), 1_000 + 3_601).unwrap_err(), EXPIRED);
        assert_eq!(i.check(None, 1_000).unwrap_err(), MISSING);
        assert_eq!(i.check(Some("%%%"), 1_000).unwrap_err(), INVALID);
        // Another key's signature, or a number that is not the one.
        let other = Issuer {
            key: b"other".to_vec(),
            maxnumber: 1000,
        };
        assert_eq!(other.check(Some(&good), 1_000).unwrap_err(), INVALID);
        let json = base64::engine::general_purpose::STANDARD
            .decode(&good)
            .unwrap();
        let mut s: Solution = serde_json::from_slice(&json).unwrap();
        s.number += 1;
        let wrong =
            base64::engine::general_purpose::STANDARD.encode(serde_json::to_string(&s).unwrap());
        assert_eq!(i.check(Some(&wrong), 1_000).unwrap_err(), INVALID);
    }
}
