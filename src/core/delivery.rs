//! What became of a submission: the clinic's server's answer classified into delivered,
//! rejected with field errors, or failed (and so worth retrying). Pure, so the view's fetch
//! stays a thin edge and every branch is tested natively.

use super::json::Json;

/// How long the view waits for the clinic's server before calling it a failure.
pub const TIMEOUT_MS: i32 = 15_000;

/// The largest submission the widget sends (the local receiver refuses more). The built-in
/// questionnaire cannot reach it, whatever is typed (a test checks the worst case); a larger
/// one is offered to the visitor to send by hand instead.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer at all: offline, DNS, refused connection, blocked by CORS.
    Network,
    /// No answer within `TIMEOUT_MS`.
    Timeout,
    /// A 5xx, or a 408 or 429: the server may accept the same submission later.
    Server(u16),
    /// Any other 4xx without field errors we can show: retrying as-is will not help.
    Refused(u16),
    /// Restored from a draft: it was being sent, or had failed, when the page closed.
    NotSent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Field errors in the Formspree shape: (question id, message), in the server's order.
    Rejected(Vec<(String, String)>),
    Failed(Failure),
}

/// Classifies a response by its status and body. Field errors are read from
/// `{"errors":[{"field":"<question id>","message":"..."}]}` (Formspree's shape); errors without
/// a field or message are form-level and leave the response a plain refusal.
pub fn classify(status: u16, body: &str) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        408 | 429 => Outcome::Failed(Failure::Server(status)),
        400..=499 => {
            let doc = Json::parse(body).unwrap_or(Json::Null);
            let errors = doc
                .get("errors")
                .and_then(Json::as_array)
                .unwrap_or_default();
            let fields: Vec<(String, String)> = errors
                .iter()
                .filter_map(|e| {
                    let message = e
                        .get("message")?
                        .as_str()
                        .filter(|m| !m.trim().is_empty())?;
                    Some((e.get("field")?.as_str()?.to_owned(), message.to_owned()))
                })
                .collect();
            if fields.is_empty() {
                Outcome::Failed(Failure::Refused(status))
            } else {
                Outcome::Rejected(fields)
            }
        }
        _ => Outcome::Failed(Failure::Server(status)),
    }
}

impl Failure {
    /// Whether sending the same submission again may succeed.
    pub fn retryable(self) -> bool {
        !matches!(self, Failure::Refused(_))
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
                Outcome::Rejected(vec![("email".into(), "This address bounced".into())]),
            ),
            (
                400,
                fields,
                Outcome::Rejected(vec![("email".into(), "This address bounced".into())]),
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
}
