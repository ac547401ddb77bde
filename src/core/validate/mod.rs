//! Validation rules: each answer against its question, returning a typed reason (never words;
//! `messages` owns the words).

pub mod email;
pub mod phone;
pub mod website;

use super::answers::Value;
use super::questionnaire::{Kind, Question};

/// Why an answer cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    Email,
    Website,
    Phone,
    TooLong {
        max: usize,
    },
    /// The clinic's server refused the answer with its own words (shown as sent).
    Rejected(String),
    /// A file the visitor chose was not taken as a photo (issue 24): why, and the file's name
    /// as their device gave it. Shown until they next choose or Continue (`Flow`).
    Photo(super::photos::Refusal, String),
    /// More photos than the question takes (`max_photos`).
    TooManyPhotos {
        max: usize,
    },
}

/// Checks one visible answer. Optional questions may be left empty, but what is filled in must
/// be valid (shared/questionnaire-brief.md, "Validation messages").
pub fn check(question: &Question, value: Option<&Value>) -> Result<(), Problem> {
    let blank = value.is_none_or(Value::is_blank);
    if blank {
        return if question.required {
            Err(Problem::Missing)
        } else {
            Ok(())
        };
    }
    let Some(value) = value else { return Ok(()) };
    match (question.kind, value) {
        (kind, Value::Text(text)) if kind.is_typed() => {
            let max = question.max_length();
            // Counted in characters: the markup's `maxlength` counts UTF-16 units, which are
            // never fewer, so the browser never lets through what the core would refuse.
            if text.chars().count() > max {
                return Err(Problem::TooLong { max });
            }
            match kind {
                Kind::Email if !email::is_valid(&email::sanitise(text)) => Err(Problem::Email),
                Kind::Website if website::normalise(text).is_none() => Err(Problem::Website),
                Kind::Phone if !phone::is_valid(text) => Err(Problem::Phone),
                _ => Ok(()),
            }
        }
        // A value that is not one of the options (a stale draft, a changed questionnaire)
        // counts as not answered rather than being passed on.
        (Kind::Choice, Value::Text(v)) if question.option_label(v).is_some() => Ok(()),
        (Kind::Multi, Value::Many(vs)) if vs.iter().all(|v| question.option_label(v).is_some()) => {
            Ok(())
        }
        (Kind::Confirm, Value::Checked(true)) => Ok(()),
        (Kind::Photos, Value::Photos(p)) if p.len() > question.max_photos() => {
            Err(Problem::TooManyPhotos {
                max: question.max_photos(),
            })
        }
        (Kind::Photos, Value::Photos(_)) => Ok(()),
        (Kind::Signature, Value::Signed(s)) => {
            let max = question.max_length();
            if s.name.chars().count() > max {
                Err(Problem::TooLong { max })
            } else {
                Ok(())
            }
        }
        _ if question.required => Err(Problem::Missing),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::questionnaire::Questionnaire;

    #[test]
    fn required_optional_and_limits() {
        // shared/questionnaire-brief.md: whitespace-only is missing; an optional field left
        // empty is fine; an optional email/website that is filled in must be valid.
        let q = Questionnaire::builtin();
        let text = |s: &str| Some(Value::Text(s.to_owned()));
        let signed = |name: &str, strokes| {
            Value::Signed(crate::core::signature::Signature {
                name: name.to_owned(),
                strokes,
            })
        };
        let cases: Vec<(&str, Option<Value>, Result<(), Problem>)> = vec![
            ("full_name", None, Err(Problem::Missing)),
            ("full_name", text(""), Err(Problem::Missing)),
            ("full_name", text(" \t\n "), Err(Problem::Missing)),
            ("full_name", text("Ana"), Ok(())),
            ("full_name", text(&"é".repeat(120)), Ok(())),
            (
                "full_name",
                text(&"é".repeat(121)),
                Err(Problem::TooLong { max: 120 }),
            ),
            (
                "goals",
                text(&"x".repeat(2001)),
                Err(Problem::TooLong { max: 2000 }),
            ),
            ("email", text("name@example.com"), Ok(())),
            ("email", text(" name@example.com "), Ok(())),
            ("email", text("name@"), Err(Problem::Email)),
            ("website", None, Ok(())),
            ("website", text("  "), Ok(())),
            ("website", text("myclinic.com"), Ok(())),
            (
                "website",
                text("javascript:alert(1)"),
                Err(Problem::Website),
            ),
            (
                "age_confirmed",
                Some(Value::Checked(false)),
                Err(Problem::Missing),
            ),
            ("age_confirmed", Some(Value::Checked(true)), Ok(())),
            ("areas", Some(Value::Many(vec![])), Err(Problem::Missing)),
            ("areas", Some(Value::Many(vec!["face".into()])), Ok(())),
            (
                "areas",
                Some(Value::Many(vec!["elbow".into()])),
                Err(Problem::Missing),
            ),
            ("contact_method", text("pigeon"), Ok(())),
            // Issue 20: a phone answer must look like a phone number; optional stays optional.
            ("phone", None, Ok(())),
            ("phone", text("01632 960 001"), Ok(())),
            ("phone", text("call me maybe!!"), Err(Problem::Phone)),
            ("photo_consent", Some(Value::Checked(false)), Ok(())),
            // Issue 23: the typed name signs; drawing alone does not.
            ("signature", None, Err(Problem::Missing)),
            (
                "signature",
                Some(signed("  ", vec![vec![1, 2, 3, 4]])),
                Err(Problem::Missing),
            ),
            ("signature", Some(signed("Jane Doe", vec![])), Ok(())),
            (
                "signature",
                Some(signed("Jane Doe", vec![vec![1, 2]])),
                Ok(()),
            ),
            (
                "signature",
                Some(signed(&"é".repeat(121), vec![])),
                Err(Problem::TooLong { max: 120 }),
            ),
            ("signature", text("Jane Doe"), Err(Problem::Missing)),
        ];
        for (id, value, want) in cases {
            let question = q.question(id).unwrap();
            assert_eq!(check(question, value.as_ref()), want, "{id} = {value:?}");
        }
    }
}
