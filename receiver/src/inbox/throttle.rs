//! The sign-in throttle, with its bound on password checks running at once (Argon2id on a
//! fixed pool of threads).

use super::auth::{hash_password, random_hex, verify_password, PasswordError};
use crate::store::error::StoreError;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The sign-in throttle, in the database (tables `sign_in_failures` and `sign_in_lockouts`):
/// every receiver sharing it counts the same attempts, and a restart forgets none.
///
/// An attempt is counted before its password is checked: it reserves a row under each of its
/// keys, then reads the counts, which include every attempt reserved before it. So N attempts
/// sent at once count as N, and at most the limit of them reach Argon2; a success releases its
/// reservation, a failure keeps it.
///
/// What is counted (OWASP Authentication Cheat Sheet, "Account Lockout": a lockout an attacker
/// can trigger is a denial of service): failures per account *and* address (a guesser is
/// stopped where they guess), per address across accounts (one address spraying many
/// accounts), and per account across addresses, which stops a guesser spread over many
/// addresses but applies only to addresses that have themselves failed on that account: the
/// owner, signing in from an address that has not failed, is never locked out by strangers.
pub struct Throttle {
    /// Sign-ins admitted to password checking: running plus waiting. Past it, at once 503.
    admitted: Arc<Semaphore>,
    /// Argon2 runs at once: each holds 19 MiB and a core.
    hashing: Arc<Semaphore>,
    /// The threads that run Argon2, one per core, always the same ones: each keeps its 19 MiB
    /// in its own allocator arena between checks, so memory stays at cores x 19 MiB. (On
    /// tokio's blocking pool any of hundreds of threads could run a check, each arena keeping
    /// its own copy: the 2.76 GB seen under a burst.)
    pool: HashPool,
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads for password hashing.
struct HashPool {
    jobs: std::sync::Mutex<std::sync::mpsc::Sender<Job>>,
}

impl HashPool {
    fn new(threads: usize) -> HashPool {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for n in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || loop {
                    // The lock is held only while taking a job, not while running it.
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        HashPool {
            jobs: std::sync::Mutex::new(tx),
        }
    }

    /// Runs `f` on one of the pool's threads.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs.lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }
}

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures per account from one address.
pub const PER_ACCOUNT_ADDRESS: i64 = 5;
/// Failures per address, whatever the accounts.
pub const PER_ADDRESS: i64 = 20;
/// Failures per account from all addresses together (applied to addresses that failed on it):
/// 24 in 15 minutes keeps it under ASVS 2.2.1's 100 an hour.
pub const PER_ACCOUNT: i64 = 24;
/// Sign-ins that may wait for a free core, per core, beyond those hashing.
const WAITING_PER_CORE: usize = 2;
/// The longest a sign-in waits for a core (well inside the request's 10 s).
const WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// What the throttle says of an attempt.
pub enum Verdict {
    /// Go on and check the password; `release` the reservation if it succeeds.
    Go(Reservation),
    /// Too many failures lately under this key: refused without checking anything.
    Blocked { key: String },
}

/// An attempt's rows in `sign_in_failures`, kept if it fails.
pub struct Reservation {
    attempt: String,
}

impl Reservation {
    /// The attempt succeeded: it no longer counts as a failure.
    pub async fn release(self, store: &Store) {
        if let Err(e) = store.release_sign_in(&self.attempt).await {
            tracing::error!(error = %e, "could not release a sign-in reservation");
        }
    }
}

impl Throttle {
    pub fn new() -> Throttle {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Throttle {
            admitted: Arc::new(Semaphore::new(cores * (1 + WAITING_PER_CORE))),
            hashing: Arc::new(Semaphore::new(cores)),
            pool: HashPool::new(cores),
        }
    }

    /// Counts this attempt under its keys and says whether it may go on. `client` is the
    /// client's throttle key (crate::http::client::throttle_key).
    pub async fn reserve(
        &self,
        store: &Store,
        account: &str,
        client: &str,
        now_ms: i64,
    ) -> Result<Verdict, StoreError> {
        let pair = format!("aa:{account}|{client}");
        let address = format!("ip:{client}");
        let whole = format!("a:{account}");
        let attempt = random_hex(16);
        let keys = [pair.clone(), address.clone(), whole.clone()];
        let counts = store
            .reserve_sign_in(&attempt, &keys, now_ms, now_ms - WINDOW_MS)
            .await?;
        let (n_pair, n_address, n_whole) = (counts[0], counts[1], counts[2]);
        // The account-wide count and lockout apply only to an address that has itself failed
        // on this account (this attempt is one of `n_pair`).
        let failed_here = n_pair > 1;
        let locked = store.locked_out(&keys, now_ms - WINDOW_MS).await?;
        let is_locked = |key: &String| locked.contains(key);
        // Counts include this attempt: the limit-th attempt still goes on.
        let blocked = if n_pair > PER_ACCOUNT_ADDRESS || is_locked(&pair) {
            Some(pair)
        } else if n_address > PER_ADDRESS || is_locked(&address) {
            Some(address)
        } else if failed_here && (n_whole > PER_ACCOUNT || is_locked(&whole)) {
            Some(whole)
        } else {
            None
        };
        match blocked {
            None => Ok(Verdict::Go(Reservation { attempt })),
            Some(key) => {
                // A refused attempt is counted in its lockout's row, not as a failure of its own;
                // the lockout lasts while refusals keep coming, and 15 minutes after the last.
                store.release_sign_in(&attempt).await?;
                Ok(Verdict::Blocked { key })
            }
        }
    }

    /// A place to check a password: `None` when as many sign-ins as allowed are already
    /// hashing or waiting (answer 503 at once). The permit waits for a free core.
    pub async fn hashing(&self) -> Option<HashingPermit> {
        let admitted = self.admitted.clone().try_acquire_owned().ok()?;
        let running = tokio::time::timeout(WAIT, self.hashing.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        Some(HashingPermit {
            _admitted: admitted,
            _running: running,
        })
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new()
    }
}

/// Held while one password is checked.
pub struct HashingPermit {
    _admitted: OwnedSemaphorePermit,
    _running: OwnedSemaphorePermit,
}

impl Throttle {
    /// Checks a password on the hashing threads (the permit says one may run now).
    pub async fn verify(&self, _permit: &HashingPermit, password: String, hash: String) -> bool {
        self.pool
            .run(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false)
    }

    /// Checks a signed-in member's password again (changing it, enrolling), on the hashing
    /// threads, waiting for a free one.
    pub async fn check(&self, password: String, hash: String) -> bool {
        let Ok(_running) = self.hashing.clone().acquire_owned().await else {
            return false;
        };
        self.pool
            .run(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false)
    }

    /// Hashes a new password on the hashing threads, waiting for a free one.
    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        let _running = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(PasswordError::Closed)?;
        self.pool
            .run(move || hash_password(&password))
            .await
            .unwrap_or(Err(PasswordError::Stopped))
    }
}
