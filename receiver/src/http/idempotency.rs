//! The Idempotency-Key rules (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): the
//! key must be the submission's own id; a body is fingerprinted by its SHA-256; and requests
//! in flight are known here, so a duplicate arriving meanwhile gets 409 rather than waiting.
//! Finished requests are remembered in the database (store/), which decides replays.

use crate::domain::digest::sha256_hex;
use crate::domain::submission_id::SubmissionId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The body's fingerprint: SHA-256 of the exact bytes, in hex.
pub fn fingerprint(body: &str) -> String {
    sha256_hex(body)
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
    }
}
