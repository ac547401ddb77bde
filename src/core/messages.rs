//! The words the visitor reads for each validation problem. The three messages are fixed by
//! the product's documents and must appear verbatim.

use super::delivery::Failure;
use super::validate::Problem;

pub const REQUIRED: &str = "Required field missing";
pub const EMAIL: &str = "Email address invalid";
pub const WEBSITE: &str = "Website address invalid";
/// In the documents' style (a noun, then "invalid"), for a phone answer that is not a number.
pub const PHONE: &str = "Phone number invalid";

/// Shown in the review and the summary for a question the visitor skipped.
pub const NOT_PROVIDED: &str = "Not provided";

/// A consent as the visitor's review and the staff's summary both name it: one wording in both
/// places, so an optional consent left unticked never reads as merely skipped (issue 20).
pub const AGREED: &str = "Agreed";
pub const NOT_AGREED: &str = "Not agreed";
/// A signature as the summary names it: "Signed by Jane Doe" (issue 23).
pub const SIGNED_BY: &str = "Signed by";

pub fn message(problem: &Problem) -> String {
    match problem {
        Problem::Missing => REQUIRED.to_owned(),
        Problem::Email => EMAIL.to_owned(),
        Problem::Website => WEBSITE.to_owned(),
        Problem::Phone => PHONE.to_owned(),
        Problem::TooLong { max } => format!("Must be {max} characters or fewer"),
        Problem::Rejected(text) => text.clone(),
    }
}

/// What the visitor hears after Copy summary.
pub fn copied(ok: bool) -> &'static str {
    if ok {
        "Summary copied"
    } else {
        "Could not copy: select the summary and copy it yourself"
    }
}

/// Why the answers have not reached the clinic, and what the visitor can do. Every message
/// says the answers are kept, because they are.
pub fn failure(failure: Failure, clinic: &str) -> String {
    let kept = "Your answers are saved on this device.";
    match failure {
        Failure::Network => format!(
            "We could not reach {clinic}. Check your internet connection, then select Retry. {kept} We will also try again when you are back online."
        ),
        Failure::Unreachable => format!(
            "We could not get an answer from {clinic}. Select Retry in a moment. If it still does not work, please contact {clinic} directly. {kept}"
        ),
        Failure::Timeout => format!("{clinic} took too long to answer. Select Retry to send your answers again. {kept}"),
        // 429: the clinic's server takes only so many at once from one address.
        Failure::Server(429) => format!("{clinic} is receiving a lot just now. Please try again shortly: select Retry in a minute. {kept}"),
        Failure::Server(_) => format!("Something went wrong at {clinic}'s end. Select Retry to send your answers again. {kept}"),
        Failure::Refused(_) => format!(
            "{clinic} could not accept your answers. Copy or download them below and contact {clinic} directly. {kept}"
        ),
        Failure::NotSent => format!("Your answers have not been sent to {clinic} yet. Select Retry to send them. {kept}"),
        Failure::Busy => format!("{clinic} is still receiving your answers. Select Retry in a moment to make sure they arrived: they will not be sent twice. {kept}"),
        // Never sent: no server refused anything, so the message does not say one did.
        Failure::TooLarge => format!(
            "Your answers are too long to send from this page. Copy or download them below and send them to {clinic} yourself. {kept}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_offline_browser_is_told_to_check_its_connection() {
        // Issue 20: a receiver that refuses the page's origin (CORS) looks, to the browser,
        // like a lost network; online, the message must not blame the visitor's connection.
        let offline = failure(Failure::Network, "Glow Clinic");
        assert!(
            offline.contains("Check your internet connection"),
            "{offline}"
        );
        for online in [Failure::Unreachable, Failure::Timeout, Failure::Server(503)] {
            let text = failure(online, "Glow Clinic");
            assert!(!text.contains("internet connection"), "{text}");
            assert!(text.contains("saved on this device"), "{text}");
        }
        let unreachable = failure(Failure::Unreachable, "Glow Clinic");
        assert!(
            unreachable.contains("contact Glow Clinic directly"),
            "{unreachable}"
        );
        assert!(Failure::Unreachable.retryable());
    }

    #[test]
    fn exact_words_from_the_documents() {
        // shared/questionnaire-brief.md and the seed article close with this JSON.
        let documents: std::collections::HashMap<String, String> = serde_json::from_str(
            r#"{"email":"Email address invalid","url":"Website address invalid","required":"Required field missing"}"#,
        )
        .unwrap();
        assert_eq!(message(&Problem::Email), documents["email"]);
        assert_eq!(message(&Problem::Website), documents["url"]);
        assert_eq!(message(&Problem::Missing), documents["required"]);
        assert_eq!(message(&Problem::Phone), "Phone number invalid");
        assert_eq!(
            message(&Problem::TooLong { max: 5 }),
            "Must be 5 characters or fewer"
        );
    }
}
