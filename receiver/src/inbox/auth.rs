//! Staff credentials: Argon2id password hashes (the argon2 crate's defaults, OWASP's
//! m=19 MiB, t=2, p=1), random tokens for session ids, CSRF tokens and generated passwords,
//! TOTP codes (RFC 6238 through totp-rs: SHA-1, 6 digits, 30 s, one step either side), TOTP
//! secrets sealed at rest (`SecretBox`), and enrolment and recovery codes (the sign-in
//! throttle is in `throttle.rs`).

use crate::domain::digest::{hex, sha256_hex};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use totp_rs::{Algorithm, Secret, TOTP};

/// `n` random bytes from the operating system, as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // getrandom fails only where the OS has no randomness at all; refuse to go on then.
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
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

/// Why a password could not be hashed: the operating system's randomness or Argon2 failed, or
/// the hashing threads are gone (the process is stopping).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("{0}")]
    Random(getrandom::Error),
    #[error("{0}")]
    Hash(argon2::password_hash::Error),
    #[error("{0}")]
    Closed(tokio::sync::AcquireError),
    #[error("the password hashing threads stopped")]
    Stopped,
}

pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(PasswordError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(PasswordError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
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

/// Why `--totp-key-file` (or CONSULTATION_TOTP_KEY) is not a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the two-factor key is not 64 hex digits nor base64")]
    Unreadable,
    #[error("the two-factor key has {0} bytes; it needs 32 (64 hex digits)")]
    Length(usize),
    #[error("the two-factor key is not usable")]
    Unusable,
}

impl SecretBox {
    /// A key as 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored).
    pub fn from_text(text: &str) -> Result<SecretBox, KeyError> {
        use base64::Engine;
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
                .collect()
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| KeyError::Unreadable)?
        };
        if bytes.len() != 32 {
            return Err(KeyError::Length(bytes.len()));
        }
        let key = ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &bytes)
            .map_err(|_| KeyError::Unusable)?;
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
