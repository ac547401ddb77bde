//! The words for each validation problem and each failed send, from the visitor's catalogue
//! (`catalogue`); and the few words of the summary staff read, which stay in the clinic's
//! language. The three validation messages are fixed by the product's documents and must appear
//! verbatim in English.

use super::catalogue::{Catalogue, Msg};
use super::delivery::Failure;
use super::photos::Refusal;
use super::validate::Problem;

/// The staff's summary says these (`summary`): in the clinic's language, English, whatever
/// language the visitor read. The same words as the English catalogue's (a test keeps them so).
pub const NOT_PROVIDED: &str = "Not provided";
/// A consent as the summary names it, so an optional consent left unticked never reads as
/// merely skipped (issue 20).
pub const AGREED: &str = "Agreed";
pub const NOT_AGREED: &str = "Not agreed";
/// A signature as the summary names it: "Signed by Jane Doe" (issue 23).
pub const SIGNED_BY: &str = "Signed by";

/// Photos as the summary names them, with what they may be used for (issue 24: sent with a
/// consultation request, they are for that request only, whatever the marketing consent says).
pub fn photos(count: usize) -> String {
    let noun = if count == 1 { "photo" } else { "photos" };
    format!("{count} {noun}, for this consultation request only")
}

pub fn message(problem: &Problem, words: &Catalogue) -> String {
    let msg = match problem {
        Problem::Missing => Msg::Required,
        Problem::Email => Msg::EmailInvalid,
        Problem::Website => Msg::WebsiteInvalid,
        Problem::Phone => Msg::PhoneInvalid,
        Problem::TooLong { max } => {
            return words.count(Msg::TooLong, *max as u64, &[("max", &max.to_string())])
        }
        Problem::Rejected(text) => return text.clone(),
        Problem::Photo(refusal, file) => {
            let msg = match refusal {
                Refusal::NotImage => Msg::PhotoNotImage,
                Refusal::TooLarge => Msg::PhotoTooLarge,
                Refusal::Unreadable => Msg::PhotoUnreadable,
            };
            return words.fill(msg, &[("file", file)]);
        }
        Problem::TooManyPhotos { max } => {
            return words.count(
                Msg::PhotosTooMany,
                *max as u64,
                &[("max", &max.to_string())],
            )
        }
    };
    words.get(msg).to_owned()
}

/// What the visitor hears after Copy summary.
pub fn copied(ok: bool, words: &Catalogue) -> &str {
    words.get(if ok { Msg::Copied } else { Msg::CopyFailed })
}

/// Why the answers have not reached the clinic, and what the visitor can do. Every message
/// says the answers are kept, because they are.
pub fn failure(failure: Failure, clinic: &str, words: &Catalogue) -> String {
    let msg = match failure {
        Failure::Network => Msg::FailureNetwork,
        Failure::Unreachable => Msg::FailureUnreachable,
        Failure::Timeout => Msg::FailureTimeout,
        // 429: the clinic's server takes only so many at once from one address.
        Failure::Server(429) => Msg::FailureRateLimited,
        Failure::Server(_) => Msg::FailureServer,
        Failure::Refused(_) => Msg::FailureRefused,
        Failure::NotSent => Msg::FailureNotSent,
        Failure::Busy => Msg::FailureBusy,
        // Never sent: no server refused anything, so the message does not say one did.
        Failure::TooLarge => Msg::FailureTooLarge,
    };
    words.fill(msg, &[("clinic", clinic), ("kept", words.get(Msg::Kept))])
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: Catalogue = Catalogue::ENGLISH;

    #[test]
    fn only_an_offline_browser_is_told_to_check_its_connection() {
        // Issue 20: a receiver that refuses the page's origin (CORS) looks, to the browser,
        // like a lost network; online, the message must not blame the visitor's connection.
        let offline = failure(Failure::Network, "Glow Clinic", &EN);
        assert!(
            offline.contains("Check your internet connection"),
            "{offline}"
        );
        for online in [Failure::Unreachable, Failure::Timeout, Failure::Server(503)] {
            let text = failure(online, "Glow Clinic", &EN);
            assert!(!text.contains("internet connection"), "{text}");
            assert!(text.contains("saved on this device"), "{text}");
        }
        let unreachable = failure(Failure::Unreachable, "Glow Clinic", &EN);
        assert!(
            unreachable.contains("contact Glow Clinic directly"),
            "{unreachable}"
        );
        assert!(Failure::Unreachable.retryable());
    }

    #[test]
    fn exact_words_from_the_documents() {
        // shared/questionnaire-brief.md and the seed article close with this JSON: the English
        // catalogue says it word for word (issue 25).
        let documents: std::collections::HashMap<String, String> = serde_json::from_str(
            r#"{"email":"Email address invalid","url":"Website address invalid","required":"Required field missing"}"#,
        )
        .unwrap();
        assert_eq!(message(&Problem::Email, &EN), documents["email"]);
        assert_eq!(message(&Problem::Website, &EN), documents["url"]);
        assert_eq!(message(&Problem::Missing, &EN), documents["required"]);
        assert_eq!(message(&Problem::Phone, &EN), "Phone number invalid");
        // CLDR's English rule: one for 1, other for the rest.
        for (max, words) in [
            (5, "Must be 5 characters or fewer"),
            (1, "Must be 1 character or fewer"),
            (0, "Must be 0 characters or fewer"),
            (21, "Must be 21 characters or fewer"),
        ] {
            assert_eq!(message(&Problem::TooLong { max }, &EN), words);
        }
    }

    #[test]
    fn the_staff_summary_says_what_the_english_catalogue_does() {
        assert_eq!(EN.get(Msg::NotProvided), NOT_PROVIDED);
        assert_eq!(EN.get(Msg::Agreed), AGREED);
        assert_eq!(EN.get(Msg::NotAgreed), NOT_AGREED);
        assert_eq!(
            EN.fill(Msg::SignedBy, &[("name", "Jane")]),
            format!("{SIGNED_BY} Jane")
        );
    }

    #[test]
    #[cfg(languages)]
    fn every_failure_says_the_answers_are_kept_in_the_visitor_s_words() {
        let es =
            crate::core::catalogue::from_json("es", include_str!("catalogues/es.json")).unwrap();
        for f in [
            Failure::Network,
            Failure::Unreachable,
            Failure::Timeout,
            Failure::Server(429),
            Failure::Server(500),
            Failure::Refused(422),
            Failure::NotSent,
            Failure::Busy,
            Failure::TooLarge,
        ] {
            let text = failure(f, "Glow Clinic", &es);
            assert!(
                text.contains("Glow Clinic") && text.contains(es.get(Msg::Kept)),
                "{text}"
            );
            assert!(!text.contains('{'), "every placeholder filled: {text}");
        }
    }
}
