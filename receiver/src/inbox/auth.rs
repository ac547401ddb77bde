//! Staff credentials: Argon2id password hashes (the argon2 crate's defaults, OWASP's
//! m=19 MiB, t=2, p=1), random tokens for session ids, CSRF tokens and generated passwords,
//! TOTP codes (RFC 6238 through totp-rs: SHA-1, 6 digits, 30 s, one step either side), TOTP
//! secrets sealed at rest (`SecretBox`), enrolment and recovery codes, and the sign-in
//! throttle with its bound on password checks running at once.

use crate::store::Store;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use totp_rs::{Algorithm, Secret, TOTP};

/// `n` random bytes from the operating system, as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // getrandom fails only where the OS has no randomness at all; refuse to go on then.
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A generated password: 20 characters from an alphabet without look-alikes (about 114 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    // 256 is not a multiple of 54: the slight bias costs well under a bit in all.
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub const MIN_PASSWORD: usize = 12;

pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash (constant time inside argon2).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Constant-time comparison of two tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A random code from an alphabet without look-alikes or capitals (31 signs, about 4.95 bits
/// each), in groups of four joined by `-`, for people to copy.
pub fn random_code(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; len];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed: spaces and dashes dropped, lowercase.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The stored form of an enrolment or recovery code: SHA-256 of the account id and the code.
/// These are random (12 signs, about 59 bits), not chosen by people, so a slow hash such as
/// Argon2 would add nothing a guesser notices; the id makes each account's hashes its own.
pub fn code_hash(staff_id: &str, code: &str) -> String {
    sha256_hex(&format!("{staff_id}:{}", normalise_code(code)))
}

pub const ENROL_CODE_LEN: usize = 12;
pub const RECOVERY_CODE_LEN: usize = 12;
pub const RECOVERY_CODES: usize = 10;
/// How long an enrolment code stays usable.
pub const ENROL_CODE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// TOTP secrets at rest: ChaCha20-Poly1305 (ring) under a 32-byte key the clinic keeps outside
/// the database, the account id as associated data (a secret copied onto another account's
/// row does not open). Stored as `v1:` + base64(nonce ‖ ciphertext ‖ tag).
pub struct SecretBox {
    key: ring::aead::LessSafeKey,
}

const SEALED: &str = "v1:";

impl SecretBox {
    /// A key as 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored).
    pub fn from_text(text: &str) -> Result<SecretBox, String> {
        use base64::Engine;
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
                .collect()
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| "the two-factor key is not 64 hex digits nor base64".to_owned())?
        };
        if bytes.len() != 32 {
            return Err(format!(
                "the two-factor key has {} bytes; it needs 32 (64 hex digits)",
                bytes.len()
            ));
        }
        let key = ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &bytes)
            .map_err(|_| "the two-factor key is not usable".to_owned())?;
        Ok(SecretBox {
            key: ring::aead::LessSafeKey::new(key),
        })
    }

    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED)
    }

    pub fn seal(&self, staff_id: &str, secret: &str) -> String {
        use base64::Engine;
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).expect("the operating system's random source");
        let mut data = secret.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                ring::aead::Nonce::assume_unique_for_key(nonce),
                ring::aead::Aad::from(staff_id.as_bytes()),
                &mut data,
            )
            .expect("sealing a short secret");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!(
            "{SEALED}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        )
    }

    /// The secret, or None when it does not open with this key for this account.
    pub fn open(&self, staff_id: &str, stored: &str) -> Option<String> {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(stored.strip_prefix(SEALED)?)
            .ok()?;
        if raw.len() < 12 + 16 {
            return None;
        }
        let (nonce, data) = raw.split_at(12);
        let mut data = data.to_vec();
        let nonce = ring::aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
        let plain = self
            .key
            .open_in_place(nonce, ring::aead::Aad::from(staff_id.as_bytes()), &mut data)
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

pub const TOTP_STEP: u64 = 30;

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, TOTP_STEP, bytes).ok()
}

/// A new 160-bit secret (RFC 4226's recommended length), base32 without padding.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The otpauth URI authenticator apps read (Key Uri Format), shown as text to copy.
pub fn otpauth_uri(secret_b32: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The time step a code matches (this one, or one either side for clock drift), if any.
pub fn check_code(secret_b32: &str, code: &str, now_s: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32)?;
    for delta in [0i64, -1, 1] {
        let at = now_s as i64 + delta * TOTP_STEP as i64;
        if at < 0 {
            continue;
        }
        if same(&t.generate(at as u64), &code) {
            return Some(at / TOTP_STEP as i64);
        }
    }
    None
}

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
    ) -> Result<Verdict, String> {
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
    pub async fn hash(&self, password: String) -> Result<String, String> {
        let _running = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        self.pool
            .run(move || hash_password(&password))
            .await
            .unwrap_or_else(|| Err("the password hashing threads stopped".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_seal_per_account() {
        let key = SecretBox::from_text(&"ab".repeat(32)).unwrap();
        let sealed = key.seal("id-1", "JBSWY3DPEHPK3PXP");
        assert!(SecretBox::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open("id-1", &sealed).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(key.open("id-2", &sealed), None);
        let other = SecretBox::from_text(&"cd".repeat(32)).unwrap();
        assert_eq!(other.open("id-1", &sealed), None);
        assert!(SecretBox::from_text("short").is_err());
    }

    #[test]
    fn codes_read_as_typed() {
        let code = random_code(RECOVERY_CODE_LEN);
        assert_eq!(code.len(), 14);
        let typed = code.to_uppercase().replace('-', " ");
        assert_eq!(code_hash("a", &code), code_hash("a", &typed));
        assert_ne!(code_hash("a", &code), code_hash("b", &code));
    }

    /// RFC 6238 appendix B, SHA-1, the 20-byte ASCII secret "12345678901234567890": at T=59
    /// the 8-digit code is 94287082, so the 6-digit one is its last six, 287082.
    #[test]
    fn rfc6238_vector() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(check_code(&secret, "287082", 59), Some(1));
        assert_eq!(check_code(&secret, "287082", 59 + 30), Some(1));
        assert_eq!(check_code(&secret, "287082", 59 + 90), None);
        assert_eq!(check_code(&secret, "28708", 59), None);
    }
}
