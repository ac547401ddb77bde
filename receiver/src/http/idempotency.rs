//! The Idempotency-Key rules (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): the
//! key must be the submission's own id; a body is fingerprinted by its SHA-256; and requests
//! in flight are known here, so a duplicate arriving meanwhile gets 409 rather than waiting.
//! Finished requests are remembered in the database (store/), which decides replays.
//!
//! A submission with photos (multipart, issue 24) is fingerprinted by its parts, never its raw
//! body: a browser's multipart boundary is random, so a retry's body differs byte for byte.
//! `fingerprint_parts` is the SHA-256 of the JSON part's text followed, for each photo in the
//! order the submission names them, by `\n`, the photo's uuid, a space and the lowercase hex
//! SHA-256 of its part's bytes. The same parts give the same fingerprint (a retry is answered
//! as before); other bytes under the same id are the key reused. With no photo it is the JSON
//! body's own fingerprint, so fingerprints stored before photos existed stay valid.

use crate::domain::digest::{hex, sha256_hex};
use crate::domain::submission_id::SubmissionId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The body's fingerprint: SHA-256 of the exact bytes, in hex.
pub fn fingerprint(body: &str) -> String {
    sha256_hex(body)
}

/// The fingerprint of a submission sent with its photos: see the module's notes.
pub fn fingerprint_parts<'a>(
    json: &str,
    photos: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> String {
    use sha2::{Digest, Sha256};
    let mut all = Sha256::new();
    all.update(json.as_bytes());
    for (id, bytes) in photos {
        all.update(b"\n");
        all.update(id.as_bytes());
        all.update(b" ");
        all.update(hex(&Sha256::digest(bytes)).as_bytes());
    }
    hex(&all.finalize())
}

/// What a new request for a key finds among the requests in flight.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// None in flight: this request now holds the key until its guard is dropped.
    Held(Guard),
    /// The same body is being handled by an earlier request.
    InFlight,
    /// Another body is being handled under this key.
    OtherBody,
}

/// The keys being handled by this process, with their fingerprints. Only this process can
/// have requests in flight in its SQLite file, so after a crash nothing is stuck "in flight":
/// a retry proceeds, and the database's unique key still stores it once.
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<HashMap<SubmissionId, String>>>);

impl InFlight {
    pub fn claim(&self, key: &SubmissionId, fingerprint: &str) -> Claim {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some(f) if f == fingerprint => Claim::InFlight,
            Some(_) => Claim::OtherBody,
            None => {
                map.insert(key.clone(), fingerprint.to_owned());
                Claim::Held(Guard {
                    map: self.clone(),
                    key: key.clone(),
                })
            }
        }
    }
}

/// Releases the key when the request is done, whether it finished, failed or was cancelled.
pub struct Guard {
    map: InFlight,
    key: SubmissionId,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Guard({})", self.key.as_str())
    }
}

impl PartialEq for Guard {
    fn eq(&self, other: &Guard) -> bool {
        self.key == other.key
    }
}

impl Eq for Guard {}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut map = self.map.0.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims() {
        let inflight = InFlight::default();
        let key = SubmissionId::parse("0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b").unwrap();
        let held = inflight.claim(&key, "aa");
        assert!(matches!(held, Claim::Held(_)));
        assert_eq!(inflight.claim(&key, "aa"), Claim::InFlight);
        assert_eq!(inflight.claim(&key, "bb"), Claim::OtherBody);
        drop(held);
        assert!(matches!(inflight.claim(&key, "bb"), Claim::Held(_)));
        assert_eq!(fingerprint("").len(), 64);
        // No photo: the JSON body's own fingerprint; with one, the parts', stable.
        assert_eq!(fingerprint_parts("{}", []), fingerprint("{}"));
        let id = "0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b";
        let one = fingerprint_parts("{}", [(id, &b"jpeg"[..])]);
        let text = format!("{{}}\n{id} {}", sha256_hex("jpeg"));
        assert_eq!(one, sha256_hex(&text));
        assert_ne!(one, fingerprint_parts("{}", [(id, &b"jpeG"[..])]));
    }
}
