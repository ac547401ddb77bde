//! The words the visitor reads for each validation problem. The three messages are fixed by
//! the product's documents and must appear verbatim.

use super::validate::Problem;

pub const REQUIRED: &str = "Required field missing";
pub const EMAIL: &str = "Email address invalid";
pub const WEBSITE: &str = "Website address invalid";

/// Shown in the review and the summary for a question the visitor skipped.
pub const NOT_PROVIDED: &str = "Not provided";

pub fn message(problem: Problem) -> String {
    match problem {
        Problem::Missing => REQUIRED.to_owned(),
        Problem::Email => EMAIL.to_owned(),
        Problem::Website => WEBSITE.to_owned(),
        Problem::TooLong { max } => format!("Must be {max} characters or fewer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_words_from_the_documents() {
        // shared/questionnaire-brief.md and the seed article close with this JSON.
        let documents: std::collections::HashMap<String, String> = serde_json::from_str(
            r#"{"email":"Email address invalid","url":"Website address invalid","required":"Required field missing"}"#,
        )
        .unwrap();
        assert_eq!(message(Problem::Email), documents["email"]);
        assert_eq!(message(Problem::Website), documents["url"]);
        assert_eq!(message(Problem::Missing), documents["required"]);
        assert_eq!(
            message(Problem::TooLong { max: 5 }),
            "Must be 5 characters or fewer"
        );
    }
}
