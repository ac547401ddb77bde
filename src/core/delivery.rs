//! What became of a submission: the clinic's server's answer classified into delivered,
//! rejected with field errors, or failed (and so worth retrying). Pure, so the view's fetch
//! stays a thin edge and every branch is tested natively.

use serde::{Deserialize, Serialize};

/// How long the view waits for the clinic's server before calling it a failure.
pub const TIMEOUT_MS: i32 = 15_000;

/// The largest submission the widget sends (the local receiver refuses more). The built-in
/// questionnaire cannot reach it, whatever is typed (a test checks the worst case); a larger
/// one is offered to the visitor to send by hand instead.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer at all, and the browser is offline: the visitor's connection.
    Network,
    /// No answer at all although the browser is online: the clinic's server is down, or does
    /// not allow this page's origin (CORS). A browser cannot tell these apart, so the visitor
    /// is not told to check a connection that works (issue 20).
    Unreachable,
    /// No answer within `TIMEOUT_MS`.
    Timeout,
    /// A 5xx, or a 408 or 429: the server may accept the same submission later.
    Server(u16),
    /// Any other 4xx without field errors we can show: retrying as-is will not help.
    Refused(u16),
    /// Restored from a draft: it was being sent, or had failed, when the page closed.
    NotSent,
    /// A 409: the clinic's server is still working on this same submission (an earlier send
    /// that looked lost). Sending it again in a moment gets the stored answer.
    Busy,
    /// Larger than `MAX_PAYLOAD_BYTES`: never sent, so the visitor sends it by hand.
    TooLarge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// The server's status and its field errors in the Formspree shape: (question id,
    /// message), in the server's order.
    Rejected(u16, Vec<(String, String)>),
    Failed(Failure),
}

/// A refusal's body in the Formspree shape: `{"errors":[{"field":"email","message":"..."}]}`.
/// Errors without a field are about the whole form (`code` says which kind). The clinic's
/// receiver writes this same type, so the widget reads exactly what it sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    #[serde(default)]
    pub errors: Vec<RefusalError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default)]
    pub message: String,
}

/// Classifies a response by its status and body. Field errors are read from the Formspree
/// shape (`Refusal`); errors without a field or message are form-level and leave the response
/// a plain refusal.
pub fn classify(status: u16, body: &str) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        // 409: the same Idempotency-Key is still being processed (the IETF httpapi
        // Idempotency-Key draft, §2.6): the same submission may be sent again in a moment.
        409 => Outcome::Failed(Failure::Busy),
        408 | 429 => Outcome::Failed(Failure::Server(status)),
        400..=499 => {
            let refusal: Refusal = super::reading::parse(body).unwrap_or_default();
            let mut fields = Vec::new();
            for e in refusal.errors {
                if let Some(field) = e.field.filter(|_| !e.message.trim().is_empty()) {
                    fields.push((field, e.message));
                }
            }
            if fields.is_empty() {
                Outcome::Failed(Failure::Refused(status))
            } else {
                Outcome::Rejected(status, fields)
            }
        }
        _ => Outcome::Failed(Failure::Server(status)),
    }
}

impl Failure {
    /// Whether sending the same submission again may succeed.
    pub fn retryable(self) -> bool {
        !matches!(self, Failure::Refused(_) | Failure::TooLarge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        let fields = r#"{"errors":[{"field":"email","message":"This address bounced"},{"code":"FORM_LEVEL","message":"x"}]}"#;
        let cases: Vec<(u16, &str, Outcome)> = vec![
            (200, "", Outcome::Delivered),
            (201, r#"{"ok":true}"#, Outcome::Delivered),
            (204, "", Outcome::Delivered),
            (
                422,
                fields,
                Outcome::Rejected(422, vec![("email".into(), "This address bounced".into())]),
            ),
            (
                400,
                fields,
                Outcome::Rejected(400, vec![("email".into(), "This address bounced".into())]),
            ),
            (
                422,
                r#"{"errors":[{"code":"FORM_LEVEL","message":"Form disabled"}]}"#,
                Outcome::Failed(Failure::Refused(422)),
            ),
            (
                422,
                r#"{"errors":[{"field":"email","message":"  "}]}"#,
                Outcome::Failed(Failure::Refused(422)),
            ),
            (
                400,
                "<html>Bad request</html>",
                Outcome::Failed(Failure::Refused(400)),
            ),
            (403, "", Outcome::Failed(Failure::Refused(403))),
            (408, "", Outcome::Failed(Failure::Server(408))),
            (429, fields, Outcome::Failed(Failure::Server(429))),
            // The Idempotency-Key draft's "request still in progress": wait and retry.
            (409, "", Outcome::Failed(Failure::Busy)),
            (500, fields, Outcome::Failed(Failure::Server(500))),
            (503, "", Outcome::Failed(Failure::Server(503))),
            (302, "", Outcome::Failed(Failure::Server(302))),
        ];
        for (status, body, want) in cases {
            assert_eq!(classify(status, body), want, "{status} {body}");
        }
        assert!(
            Failure::Timeout.retryable()
                && Failure::Network.retryable()
                && Failure::Server(500).retryable()
        );
        assert!(!Failure::Refused(403).retryable());
    }

    /// The receiver's rate limit (429) asks for patience, not a fault report; the answers are
    /// kept either way.
    #[test]
    fn too_many_is_try_again_shortly() {
        use crate::core::catalogue::Catalogue;
        use crate::core::messages::failure;
        let busy = failure(classify_failure(429), "Glow Clinic", &Catalogue::ENGLISH);
        assert!(busy.contains("try again shortly"), "{busy}");
        assert!(busy.contains("saved on this device"), "{busy}");
        let fault = failure(classify_failure(500), "Glow Clinic", &Catalogue::ENGLISH);
        assert!(!fault.contains("try again shortly"), "{fault}");
        assert!(Failure::Server(429).retryable());
    }

    fn classify_failure(status: u16) -> Failure {
        match classify(status, "") {
            Outcome::Failed(f) => f,
            other => panic!("{status}: {other:?}"),
        }
    }
}
