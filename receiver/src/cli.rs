//! The command line: `serve`, `export`, `staff` and `migrate-to`, every flag also readable from a `CONSULTATION_*`
//! environment variable (for systemd units and containers). Values are checked here, at the
//! edge, into typed settings.

use crate::domain::days::Days;
use crate::domain::email::StaffEmail;
use crate::domain::origin::Origin;
use crate::domain::public_url::PublicUrl;
use crate::domain::role::Role;
use crate::domain::time::Zone;
use crate::store::database_url::DatabaseUrl;
use crate::workers::mail::SmtpPassword;
use clap::{Parser, Subcommand, ValueEnum};
use lettre::message::Mailbox;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "consultation-receiver",
    version,
    about = "The clinic's own receiver for consultation submissions: re-checks each with the \
             widget's core, stores it in SQLite (or PostgreSQL shared by several receivers) and \
             notifies staff without health data"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log format: `text` for people, `json` for log collectors (default: text on a terminal,
    /// json otherwise).
    #[arg(long, global = true, env = "CONSULTATION_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Receive submissions over HTTP.
    // Boxed: its many flags make it far larger than the other commands.
    Serve(Box<Serve>),
    /// Print every stored submission: json and text one per line, oldest first; csv the
    /// list as staff see it, newest first; fhir one QuestionnaireResponse per line;
    /// consent-pdf one PDF file per signed submission into --out.
    Export(Export),
    /// Copy a clinic's SQLite file into an empty PostgreSQL database (docs/postgres.md):
    /// stop the receiver first; the file is only read.
    MigrateTo(MigrateTo),
    /// Manage the staff inbox's accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Add an account. The password is read from standard input (one line); when standard
    /// input is a terminal or the line is empty, one is generated and printed once.
    Add(StaffAdd),
    /// Remove an account and end its sessions.
    Remove(StaffWho),
    /// Set a new password (read or generated as for `add`) and end the account's sessions.
    ResetPassword(StaffWho),
    /// Turn off an account's two-factor sign-in (authenticator and recovery codes), end its
    /// sessions and print a new enrolment code for setting it up again.
    ResetTwoFactor(StaffWho),
}

#[derive(clap::Args, Debug)]
pub struct StaffAdd {
    #[command(flatten)]
    pub who: StaffWho,
    #[arg(long, value_enum)]
    pub role: Role,
}

#[derive(clap::Args, Debug)]
pub struct StaffWho {
    #[arg(long, env = "CONSULTATION_DATABASE")]
    pub database: DatabaseUrl,
    #[arg(long)]
    pub email: StaffEmail,
}

#[derive(clap::Args, Debug)]
pub struct Serve {
    /// The address to listen on (port 0: any free port; the log says which).
    #[arg(long, env = "CONSULTATION_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Where submissions are stored: sqlite://PATH (the folder is made, readable by this user
    /// only), or postgres://USER@HOST:PORT/DATABASE, which several receivers may share.
    #[arg(long, env = "CONSULTATION_DATABASE")]
    pub database: DatabaseUrl,
    /// An origin whose pages may send submissions, such as https://glow.example (repeat for
    /// more; comma-separated in the environment).
    #[arg(long, env = "CONSULTATION_ALLOW_ORIGIN", value_delimiter = ',')]
    pub allow_origin: Vec<Origin>,
    #[command(flatten)]
    pub questionnaires: QuestionnaireFiles,
    /// The SMTP server for staff notifications: smtp://HOST:PORT (plain, a local relay),
    /// smtp://HOST:PORT?tls=required (STARTTLS) or smtps://HOST:PORT (TLS).
    #[arg(long, env = "CONSULTATION_SMTP")]
    pub smtp: Option<String>,
    /// The SMTP user name; the password is read from CONSULTATION_SMTP_PASSWORD only.
    #[arg(long, env = "CONSULTATION_SMTP_USER")]
    pub smtp_user: Option<String>,
    // From the environment only: clap's `env` needs a flag, and a password given as one
    // would show in `ps`.
    #[arg(skip = std::env::var("CONSULTATION_SMTP_PASSWORD").ok().map(SmtpPassword))]
    pub smtp_password: Option<SmtpPassword>,
    /// A staff address to notify of each new submission (repeat for more; comma-separated in
    /// the environment).
    #[arg(
        long,
        env = "CONSULTATION_NOTIFY",
        value_delimiter = ',',
        value_parser = parse_notify
    )]
    pub notify: Vec<Mailbox>,
    /// The sender of the notifications, such as "Glow Clinic <receiver@glow.example>".
    #[arg(long, env = "CONSULTATION_FROM", value_parser = parse_from)]
    pub from: Option<Mailbox>,
    /// The address staff reach this receiver at, for the links in notifications, such as
    /// https://intake.glow.example.
    #[arg(long, env = "CONSULTATION_PUBLIC_URL", value_parser = PublicUrl::parse)]
    pub public_url: Option<PublicUrl>,
    /// Submissions older than this many days are deleted, checked at start and once a day
    /// (an enquiry is not a clinical record: the clinic copies what it keeps into its own).
    #[arg(long, env = "CONSULTATION_RETENTION_DAYS", default_value = "180")]
    pub retention_days: Days,
    /// Audit log entries (who read, changed, exported or deleted what, sign-ins) older than
    /// this many days are deleted, as submissions are. At least --retention-days: who read a
    /// record must outlive the record. The default, six years, is the limitation period for
    /// claims in England and Wales (Limitation Act 1980, ss. 2 and 5) and HIPAA's retention of
    /// documentation (45 CFR 164.316(b)(2)(i)).
    #[arg(
        long,
        env = "CONSULTATION_AUDIT_RETENTION_DAYS",
        default_value = "2190"
    )]
    pub audit_retention_days: Days,
    /// A reverse proxy in front of this receiver: an address or a range such as 10.0.0.0/8
    /// (repeat for more; comma-separated in the environment). Only for connections from these
    /// is the client's address read from `Forwarded` or `X-Forwarded-For` (the rightmost
    /// address there that is not a trusted proxy): the sign-in throttle, the intake's rate
    /// limit and the audit log then count the real client, not the proxy.
    #[arg(
        long,
        env = "CONSULTATION_TRUSTED_PROXY",
        value_delimiter = ',',
        value_parser = crate::http::client::parse_range
    )]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// A file holding the key that seals two-factor secrets in the database (32 bytes as 64
    /// hex digits or base64), kept outside the database and its backups. Or give the key
    /// itself in CONSULTATION_TOTP_KEY. Without either, two-factor sign-in cannot be set up.
    #[arg(long, env = "CONSULTATION_TOTP_KEY_FILE")]
    pub totp_key_file: Option<PathBuf>,
    // The key itself: from the environment only, as the SMTP password.
    #[arg(skip = std::env::var("CONSULTATION_TOTP_KEY").ok().map(TotpKeyText))]
    pub totp_key: Option<TotpKeyText>,
    /// Submissions taken from one client address (IPv6: its /64), such as 10/minute or
    /// 100/hour, with bursts up to the count; more are answered 429 with Retry-After. Counted
    /// by each receiver in memory. `off`: no limit.
    #[arg(long, env = "CONSULTATION_INTAKE_RATE", default_value = "10/minute")]
    pub intake_rate: crate::http::rate::Rate,
    /// The proof of work asked of each submission (GET /submissions/challenge): the largest
    /// secret number, about half of which the widget hashes while the visitor types; `off`:
    /// none asked, and none missing marks a submission as likely spam.
    #[arg(
        long,
        env = "CONSULTATION_PROOF_OF_WORK",
        default_value = "50000",
        value_parser = parse_work
    )]
    pub proof_of_work: u64,
    /// The time zone staff pages and notification emails show times in: an IANA name such as
    /// Europe/London (default: the system's). What is stored and exported stays UTC.
    #[arg(
        long,
        env = "CONSULTATION_TIME_ZONE",
        value_name = "ZONE",
        value_parser = Zone::parse
    )]
    pub time_zone: Option<Zone>,
}

/// A `--proof-of-work` that is neither a number in range nor `off`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?}: give a number from 1000 to 10000000, or off")]
pub struct WorkError(String);

/// A `--proof-of-work`: a number from 1,000 to 10,000,000, or `off` (0).
fn parse_work(text: &str) -> Result<u64, WorkError> {
    if text.trim().eq_ignore_ascii_case("off") {
        return Ok(0);
    }
    match text.trim().parse::<u64>() {
        Ok(n) if (1_000..=10_000_000).contains(&n) => Ok(n),
        _ => Err(WorkError(text.to_owned())),
    }
}

/// A `--notify` address that lettre cannot send to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--notify {0:?} is not an email address")]
pub struct NotifyError(String);

fn parse_notify(address: &str) -> Result<Mailbox, NotifyError> {
    address.parse().map_err(|_| NotifyError(address.to_owned()))
}

/// A `--from` that is not a mailbox, with lettre's reason.
#[derive(Debug, thiserror::Error)]
#[error("--from {text:?}: {source}")]
pub struct FromError {
    text: String,
    source: lettre::address::AddressError,
}

fn parse_from(text: &str) -> Result<Mailbox, FromError> {
    text.parse().map_err(|source| FromError {
        text: text.to_owned(),
        source,
    })
}

#[derive(clap::Args, Debug)]
pub struct MigrateTo {
    /// The PostgreSQL database to fill: postgres://USER@HOST:PORT/DATABASE (new and empty).
    #[arg(long, env = "CONSULTATION_DATABASE")]
    pub database: DatabaseUrl,
    /// The SQLite file to copy: sqlite://PATH.
    #[arg(long)]
    pub from: DatabaseUrl,
}

#[derive(clap::Args, Debug)]
pub struct Export {
    /// The database to read: sqlite://PATH or postgres://….
    #[arg(long, env = "CONSULTATION_DATABASE")]
    pub database: DatabaseUrl,
    /// `json`: each submission exactly as the widget sent it, on one line; `text`: the
    /// receiver's own plain-text summaries, as staff read them; `consent-pdf`: the signed
    /// consent of each signed submission, as consent-REFERENCE.pdf in --out.
    #[arg(long, default_value = "json")]
    pub format: ExportFormat,
    /// The folder `--format consent-pdf` writes its files to (made if missing, readable by
    /// this user only); only for that format, which prints nothing else.
    #[arg(long, value_name = "FOLDER")]
    pub out: Option<PathBuf>,
    /// For the FHIR export's and the consent PDF's labels.
    #[command(flatten)]
    pub questionnaires: QuestionnaireFiles,
}

/// The questionnaires `serve` and `export` read besides the built-in one, and the clinic's
/// language: one definition, so the two commands take them alike.
#[derive(clap::Args, Debug)]
pub struct QuestionnaireFiles {
    /// A questionnaire JSON file besides the built-in one (repeat for more;
    /// comma-separated in the environment). Each other language it lists is read from a file
    /// beside it: `NAME.LANG.json` for `NAME.json` (`hair.es.json`).
    #[arg(long, env = "CONSULTATION_QUESTIONNAIRE", value_delimiter = ',')]
    pub questionnaire: Vec<PathBuf>,
    /// The clinic's language, a BCP 47 tag every questionnaire comes in: staff read questions
    /// and answers under its labels, whatever language the visitor answered in (the consent
    /// texts of the page and the PDF stay in the words the visitor read).
    #[arg(
        long,
        env = "CONSULTATION_LANGUAGE",
        value_name = "TAG",
        default_value = crate::domain::questionnaires::DEFAULT_LANGUAGE
    )]
    pub language: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Text,
    Csv,
    Fhir,
    /// One PDF/A file per signed submission, in `--out`.
    ConsentPdf,
}

/// The two-factor key as given in CONSULTATION_TOTP_KEY, kept out of `Debug`.
#[derive(Clone)]
pub struct TotpKeyText(pub String);

impl std::fmt::Debug for TotpKeyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKeyText(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls() {
        assert_eq!(
            PublicUrl::parse("https://intake.glow.example/").map(|u| u.as_str().to_owned()),
            Ok("https://intake.glow.example".to_owned())
        );
        assert!(PublicUrl::parse("intake.glow.example").is_err());
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "consultation-receiver",
            "serve",
            "--database",
            "sqlite://d/r.db",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--allow-origin",
            "https://glow.example",
            "--notify",
            "a@glow.example",
        ])
        .unwrap();
        let Command::Serve(s) = cli.command else {
            panic!("serve")
        };
        assert_eq!(s.allow_origin.len(), 2);
        assert_eq!(s.listen.to_string(), "127.0.0.1:8787");
    }

    #[test]
    fn bad_values_are_refused_with_their_reasons() {
        let refused = |flag: &str, value: &str| {
            let args = [
                "consultation-receiver",
                "serve",
                "--database",
                "sqlite://d/r.db",
            ];
            Cli::try_parse_from(args.into_iter().chain([flag, value]))
                .unwrap_err()
                .to_string()
        };
        let cases = [
            ("--allow-origin", "https://a.example/path", "--allow-origin \"https://a.example/path\": give an origin such as https://glow.example (no path)"),
            ("--notify", "staff", "--notify \"staff\" is not an email address"),
            ("--from", "not an address", "--from \"not an address\": "),
            ("--public-url", "intake.glow.example", "--public-url \"intake.glow.example\": give the receiver's address, such as https://intake.glow.example"),
            ("--proof-of-work", "12", "\"12\": give a number from 1000 to 10000000, or off"),
            ("--time-zone", "Mars/Olympus_Mons", "\"Mars/Olympus_Mons\" is not a time zone"),
        ];
        for (flag, value, words) in cases {
            let e = refused(flag, value);
            assert!(e.contains(words), "{flag} {value}: {e}");
        }
        let staff = Cli::try_parse_from([
            "consultation-receiver",
            "staff",
            "remove",
            "--database",
            "sqlite://d/r.db",
            "--email",
            "nobody",
        ]);
        assert!(staff
            .unwrap_err()
            .to_string()
            .contains("not an email address"));
    }
}
