//! The staff notification email: what it says (a reference, the time received and a link to
//! the inbox, never an answer, a name or an email address from the form) and the SMTP
//! transport that sends it.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// The SMTP server's address, as `--smtp` takes it: `smtp://HOST:PORT` (plain, for a relay on
/// the same machine), `smtp://HOST:PORT?tls=required` (STARTTLS) or `smtps://HOST:PORT`
/// (TLS from the first byte). Credentials come from `--smtp-user` and the password from the
/// environment, never from the address, so they do not show in `ps`.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub url: String,
    pub user: Option<String>,
    pub password: Option<SmtpPassword>,
}

/// The SMTP password (CONSULTATION_SMTP_PASSWORD), kept out of `Debug`.
#[derive(Clone)]
pub struct SmtpPassword(pub String);

impl std::fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpPassword(…)")
    }
}

/// Why the SMTP settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("--smtp {url}: {source}")]
    Url {
        url: String,
        source: lettre::transport::smtp::Error,
    },
    #[error(
        "--smtp: put the user in --smtp-user and the password in \
         CONSULTATION_SMTP_PASSWORD, not in the address"
    )]
    CredentialsInUrl,
    #[error("--smtp-user needs TLS: use smtps://HOST:465 or smtp://HOST:587?tls=required")]
    CredentialsNeedTls,
    #[error("--smtp-user and CONSULTATION_SMTP_PASSWORD go together")]
    UserWithoutPassword,
}

/// One message's content, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// The notice for a submission. It carries only what staff need to go and read it: the
/// reference the visitor was shown, when it arrived, and the inbox link (sign-in required).
pub fn notice(reference: &str, received_at: &str, link: &str) -> Notice {
    Notice {
        subject: format!("New consultation request {reference}"),
        body: body(
            &format!(
                "A new consultation request has arrived.\n\
                 \n\
                 Reference: {reference}\n\
                 Received: {received_at}\n"
            ),
            "it",
            link,
        ),
    }
}

/// One notice for many submissions to the same address, when more than a few are due at once
/// (a flood must not bury staff in mail): how many, and the inbox link. Like the single notice,
/// no answer, name or email address; not even the references, which staff see in the inbox.
pub fn digest(count: usize, inbox: &str) -> Notice {
    Notice {
        subject: format!("{count} new consultation requests are waiting"),
        body: body(
            &format!("{count} new consultation requests have arrived.\n"),
            "them",
            inbox,
        ),
    }
}

/// A notification's text: what arrived, where to read `it` or `them`, and why no more is said.
fn body(arrived: &str, them: &str, link: &str) -> String {
    format!(
        "{arrived}\n\
         Read {them} in the staff inbox (sign-in required):\n\
         {link}\n\
         \n\
         This email holds no answers on purpose: health information stays\n\
         in the clinic's receiver, behind the sign-in.\n"
    )
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a send failed, in words that hold no address or content (they go to the log and the
/// outbox row).
#[derive(Debug)]
pub enum SendError {
    Timeout,
    Refused(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Timeout => write!(f, "timed out"),
            SendError::Refused(kind) => write!(f, "{kind}"),
        }
    }
}

/// The longest one send may take, from connecting to the server's last reply. lettre's own
/// timeout covers each read and write, not the whole; this bounds the whole.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    pub fn new(smtp: &SmtpSettings, from: Mailbox) -> Result<Mailer, SmtpError> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
            .map_err(|source| SmtpError::Url {
                url: smtp.url.clone(),
                source,
            })?
            .timeout(Some(Duration::from_secs(10)));
        if smtp.url.contains('@') {
            return Err(SmtpError::CredentialsInUrl);
        }
        match (&smtp.user, &smtp.password) {
            (Some(user), Some(password)) => {
                let plain = smtp.url.starts_with("smtp://") && !smtp.url.contains("tls=required");
                if plain {
                    return Err(SmtpError::CredentialsNeedTls);
                }
                builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
            }
            (None, None) => {}
            _ => return Err(SmtpError::UserWithoutPassword),
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one notice to one address. The Message-ID is derived from the submission and
    /// the address, so a copy sent again after a crash reads as the same message.
    pub async fn send(
        &self,
        to: &str,
        notice: &Notice,
        message_id: String,
    ) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| SendError::Refused("bad recipient address".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&notice.subject)
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            // lettre picks the encoding: quoted-printable, as the link is longer than 76.
            .body(notice.body.clone())
            .map_err(|_| SendError::Refused("could not build the message".into()))?;
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Err(_) => Err(SendError::Timeout),
            Ok(Err(e)) => Err(SendError::Refused(describe(&e))),
            Ok(Ok(_)) => Ok(()),
        }
    }
}

/// The kind of SMTP failure, without the server's words (which can echo addresses).
fn describe(e: &lettre::transport::smtp::Error) -> String {
    if e.is_transient() {
        "the server refused for now (4xx)".into()
    } else if e.is_permanent() {
        "the server refused (5xx)".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else if e.is_tls() {
        "TLS failed".into()
    } else {
        "could not reach the SMTP server".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::public_url::PublicUrl;

    #[test]
    fn the_notice_names_only_the_reference_time_and_link() {
        let link = PublicUrl::parse("https://clinic.example/")
            .unwrap()
            .inbox_link("0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b");
        assert_eq!(
            link,
            "https://clinic.example/inbox/submissions/0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b"
        );
        let n = notice("0F3A-9C1B", "2026-12-02T10:15:03Z", &link);
        assert_eq!(n.subject, "New consultation request 0F3A-9C1B");
        assert!(n
            .body
            .contains("Reference: 0F3A-9C1B\nReceived: 2026-12-02T10:15:03Z\n"));
        assert!(n.body.contains(&link));
        assert_eq!(
            notice("R", "T", "L").body,
            "A new consultation request has arrived.\n\nReference: R\nReceived: T\n\n\
             Read it in the staff inbox (sign-in required):\nL\n\n\
             This email holds no answers on purpose: health information stays\n\
             in the clinic's receiver, behind the sign-in.\n"
        );
    }

    #[test]
    fn the_digest_names_only_the_count_and_the_inbox() {
        let inbox = PublicUrl::parse("https://clinic.example/")
            .unwrap()
            .inbox_home();
        assert_eq!(inbox, "https://clinic.example/inbox");
        let n = digest(12, &inbox);
        assert_eq!(n.subject, "12 new consultation requests are waiting");
        assert!(n
            .body
            .starts_with("12 new consultation requests have arrived.\n"));
        assert!(n.body.contains("\nhttps://clinic.example/inbox\n"));
        assert_eq!(
            digest(2, "L").body,
            "2 new consultation requests have arrived.\n\n\
             Read them in the staff inbox (sign-in required):\nL\n\n\
             This email holds no answers on purpose: health information stays\n\
             in the clinic's receiver, behind the sign-in.\n"
        );
    }

    #[test]
    fn credentials_need_tls_and_stay_out_of_the_address() {
        let with = |url: &str, user: Option<&str>| SmtpSettings {
            url: url.into(),
            user: user.map(Into::into),
            password: user.map(|_| SmtpPassword("secret".into())),
        };
        let from: Mailbox = "receiver@clinic.example".parse().unwrap();
        let new = |smtp: &SmtpSettings| Mailer::new(smtp, from.clone());
        assert!(new(&with("smtp://127.0.0.1:2525", None)).is_ok());
        assert!(new(&with("smtps://mail.example:465", Some("u"))).is_ok());
        assert!(new(&with("smtp://mail.example:587?tls=required", Some("u"))).is_ok());
        assert!(new(&with("smtp://mail.example:25", Some("u"))).is_err());
        assert!(new(&with("smtps://u:p@mail.example:465", None)).is_err());
    }
}
