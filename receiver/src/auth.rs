//! Staff credentials: Argon2id password hashes (the argon2 crate's defaults, OWASP's
//! m=19 MiB, t=2, p=1), random tokens for session ids, CSRF tokens and generated passwords,
//! TOTP codes (RFC 6238 through totp-rs: SHA-1, 6 digits, 30 s, one step either side), and the
//! sign-in throttle.

use crate::store::Store;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
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

/// Failed sign-ins counted per account (the email typed, existing or not) and per address, in
/// a sliding window, in the database (table `sign_in_failures`): every receiver sharing it
/// counts the same failures, and a restart forgets none.
#[derive(Default)]
pub struct Throttle;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const PER_ACCOUNT: i64 = 5;
pub const PER_ADDRESS: i64 = 20;

fn keys(account: &str, address: &str) -> [String; 2] {
    [format!("a:{account}"), format!("ip:{address}")]
}

impl Throttle {
    /// Whether this account or this address has failed too often lately. A database that
    /// cannot answer blocks nothing here (the sign-in then fails on reading the account).
    pub async fn blocked(&self, store: &Store, account: &str, address: &str, now_ms: i64) -> bool {
        let [a, ip] = keys(account, address);
        let since = now_ms - WINDOW_MS;
        store.sign_in_failures(&a, since).await.unwrap_or(0) >= PER_ACCOUNT
            || store.sign_in_failures(&ip, since).await.unwrap_or(0) >= PER_ADDRESS
    }

    pub async fn failed(&self, store: &Store, account: &str, address: &str, now_ms: i64) {
        if let Err(e) = store
            .record_sign_in_failure(&keys(account, address), now_ms, now_ms - WINDOW_MS)
            .await
        {
            tracing::error!(error = %e, "could not record a failed sign-in");
        }
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
