//! The subcommands `main` dispatches to: `serve`, `staff`, `migrate-to` (`export` is in
//! `export`), and the one error they stop with.

pub mod migrate_to;
pub mod serve;
pub mod staff;

use crate::domain::email::StaffEmail;
use crate::domain::questionnaires::QuestionnaireError;
use crate::inbox::auth::{KeyError, PasswordError};
use crate::store::error::StoreError;
use crate::workers::mail::SmtpError;
use consultation_widget::core::reading::ReadError;

/// Why a command stopped: `main` prints it after `consultation-receiver: ` and exits with 1.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The database could not be opened, read or written (the store's words, with where).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A `--questionnaire` file could not be read or is not a questionnaire.
    #[error(transparent)]
    Questionnaire(#[from] QuestionnaireError),
    /// The SMTP server's settings could not be used.
    #[error(transparent)]
    Smtp(#[from] SmtpError),
    /// Reading standard input or writing standard output failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Hashing a password failed (`inbox::auth`'s words).
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The two-factor key could not be read (`inbox::auth`'s words).
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(
        "--audit-retention-days {audit_days} is shorter than --retention-days {days}: who read \
         a record must be kept at least as long as the record"
    )]
    AuditShorter { audit_days: u32, days: u32 },
    #[error("--notify needs --smtp")]
    NotifyNeedsSmtp,
    #[error("--notify needs --from")]
    NotifyNeedsFrom,
    #[error("--notify needs --public-url")]
    NotifyNeedsPublicUrl,
    #[error("--smtp needs at least one --notify address")]
    SmtpNeedsNotify,
    #[error("--listen {address}: {source}")]
    Listen {
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("give the two-factor key once: --totp-key-file or CONSULTATION_TOTP_KEY, not both")]
    TotpKeyTwice,
    #[error("--totp-key-file {}: {source}", path.display())]
    TotpKeyFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(
        "two-factor secrets are stored but no key is given to open them: pass \
         --totp-key-file PATH (or CONSULTATION_TOTP_KEY) with the clinic's key"
    )]
    TotpKeyMissing,
    #[error("a password needs at least {0} characters")]
    ShortPassword(usize),
    #[error("there is already an account for {0}")]
    AccountExists(StaffEmail),
    #[error("there is no account for {0}")]
    NoAccount(StaffEmail),
    #[error("the export was not audited, so nothing is printed: {0}")]
    ExportNotAudited(StoreError),
    #[error("--format consent-pdf writes one file per signed submission: give the folder with --out FOLDER")]
    ConsentPdfNeedsOut,
    #[error("--out is only for --format consent-pdf (the other formats print to standard output)")]
    OutOnlyForConsentPdf,
    #[error("--out {}: {source}", path.display())]
    Out {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// A signed consent whose PDF could not be made (export's words, never the answers).
    #[error("{reference}: {reason}")]
    ConsentPdf { reference: String, reason: String },
    /// A stored submission the core cannot read back, by its reference.
    #[error("{reference}: {reason}")]
    Unreadable {
        reference: String,
        reason: ReadError,
    },
}
