//! The questionnaire as data: its shape, how it is read from JSON, the built-in default, and
//! the structural checks a supplied one must pass before the widget will run it.

use super::reading::{self, ReadError};
use super::summary::SCREENING_INCOMPLETE;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::rc::Rc;

/// The built-in questionnaire as JSON (`default_questionnaire.json`, minified by build.rs).
#[cfg(feature = "questionnaire-files")]
const DEFAULT_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_questionnaire.json"));

/// A supplied file must be exact: a member the widget does not know is refused, so a misspelt
/// "requried" cannot silently make a question optional.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    /// The languages it comes in, as BCP 47 tags: the first is the one this file is written
    /// in, each other one a translation beside it (`core::translation`). Absent: `en-GB` only.
    #[serde(default = "written_in_british_english")]
    pub languages: Vec<String>,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: Option<String>,
    /// Shared, so the view can hand a question to its field without copying it.
    pub questions: Vec<Rc<Question>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// Choices for `choice` and `multi` questions.
    #[serde(default)]
    pub options: Vec<Choice>,
    /// The sentence beside the tick box of a `confirm` question.
    #[serde(default)]
    pub text: Option<String>,
    /// Shown (and so validated and summarised) only when this holds.
    #[serde(default)]
    pub show_if: Option<Condition>,
    /// A screening question: this answer is flagged for practitioner review.
    #[serde(default)]
    pub flag_if: Option<String>,
    /// A consent: the version of the text the visitor agreed to, recorded with the answer.
    #[serde(default)]
    pub consent_version: Option<String>,
    /// Overrides the kind's default length limit (in characters).
    #[serde(default, deserialize_with = "above_zero")]
    pub max_length: Option<usize>,
    /// The HTML `autocomplete` token, so browsers can fill in contact details.
    #[serde(default)]
    pub autocomplete: Option<String>,
    /// How many photos a `photos` question takes (`core::photos::DEFAULT_MAX` without it).
    #[serde(default, deserialize_with = "above_zero")]
    pub max_photos: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    LongText,
    Email,
    Website,
    Phone,
    /// One of several options (radios).
    Choice,
    /// Any number of options (checkboxes).
    Multi,
    /// A single tick box that the visitor confirms.
    Confirm,
    /// The visitor signs: types their full name, and may also draw (`core::signature`).
    Signature,
    /// Photos of the skin (`core::photos`): optional unless `required`, up to `max_photos`.
    Photos,
}

impl Kind {
    /// Answers of these kinds are typed text, so they carry a length limit.
    pub fn is_typed(self) -> bool {
        matches!(
            self,
            Kind::Text | Kind::LongText | Kind::Email | Kind::Website | Kind::Phone
        )
    }

    /// Default length limits. Email: 254 is the longest address that fits an SMTP path
    /// (RFC 5321 §4.5.3.1.3). Website: 2048 is the longest URL that every browser and
    /// server handles. The rest are generous for what a visitor would write here.
    pub fn default_max_length(self) -> usize {
        match self {
            Kind::Text => 200,
            Kind::LongText => 2000,
            Kind::Email => 254,
            Kind::Website => 2048,
            Kind::Phone => 40,
            Kind::Signature => 120,
            // A photo's description.
            Kind::Photos => super::photos::MAX_DESCRIPTION,
            Kind::Choice | Kind::Multi | Kind::Confirm => 200,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
}

/// `{"question": "concerns", "is": "other"}`: holds when that question's answer is (or, for a
/// `multi` question, includes) the value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    pub is: String,
}

fn written_in_british_english() -> Vec<String> {
    vec!["en-GB".to_owned()]
}

/// A length limit is a whole number of characters above 0: `0`, `-1` or `2.5` is refused with
/// one sentence, whatever its JSON type.
fn above_zero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<usize>, D::Error> {
    struct Count;
    impl Visitor<'_> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number above 0")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<usize, E> {
            match usize::try_from(n) {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(E::custom("must be a whole number above 0")),
            }
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<usize, E> {
            Err(E::custom("must be a whole number above 0"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<usize, E> {
            Err(E::custom("must be a whole number above 0"))
        }
    }
    deserializer.deserialize_u64(Count).map(Some)
}

impl Question {
    pub fn max_length(&self) -> usize {
        self.max_length
            .unwrap_or_else(|| self.kind.default_max_length())
    }

    /// How many photos a `photos` question takes.
    pub fn max_photos(&self) -> usize {
        self.max_photos.unwrap_or(super::photos::DEFAULT_MAX)
    }

    pub fn option_label(&self, value: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.value == value)
            .map(|o| o.label.as_str())
    }
}

/// Why a supplied questionnaire was refused: one clear sentence for the site owner.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// Larger than `MAX_BYTES`: no real questionnaire is, and every visitor would download it.
    TooLarge(usize),
    /// Not JSON at all: where and why.
    Syntax(String),
    /// JSON, but not a questionnaire: the path to the problem and what it is.
    Shape {
        at: String,
        problem: String,
    },
    Empty,
    DuplicateId(String),
    BadId(String),
    NoOptions(String),
    /// A question named like the summary's screening-incomplete flag, which staff would confuse.
    ReservedId(String),
    UnknownCondition {
        question: String,
        refers_to: String,
    },
    ConditionNotEarlier {
        question: String,
        refers_to: String,
    },
    /// A second `signature` question: a submission carries one signed consent record.
    SecondSignature(String),
    /// A `photos` question's setting out of place or range, or a condition on photos: the
    /// question and what is wrong.
    Photos {
        question: String,
        problem: &'static str,
    },
    /// `languages` is empty: it names at least the language the file is written in.
    NoLanguages,
    /// Not a language tag (`en-GB`, `es`, `zh-Hant`), or one given twice.
    BadLanguage(String),
    DuplicateLanguage(String),
}

/// The largest questionnaire file accepted: the built-in one is about 12 KB.
pub const MAX_BYTES: usize = 256 * 1024;

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::TooLarge(n) => write!(
                f,
                "the questionnaire is {} KB; at most {} KB is accepted",
                n.div_ceil(1024),
                MAX_BYTES / 1024
            ),
            LoadError::Syntax(e) => write!(f, "the questionnaire is not valid JSON: {e}"),
            LoadError::Shape { at, problem } => write!(f, "the questionnaire's {at}: {problem}"),
            LoadError::Empty => write!(f, "the questionnaire has no steps with questions"),
            LoadError::DuplicateId(id) => write!(f, "the id \"{id}\" is used more than once"),
            LoadError::BadId(id) => write!(
                f,
                "the id \"{id}\" must be 1 to 64 letters, digits, hyphens or underscores, starting with a letter"
            ),
            LoadError::NoOptions(id) => write!(f, "the question \"{id}\" needs options to choose from"),
            LoadError::ReservedId(id) => write!(
                f,
                "the id \"{id}\" is kept for the summary's own flag; choose another"
            ),
            LoadError::UnknownCondition { question, refers_to } => write!(
                f,
                "the question \"{question}\" depends on \"{refers_to}\", which does not exist"
            ),
            LoadError::ConditionNotEarlier { question, refers_to } => write!(
                f,
                "the question \"{question}\" depends on \"{refers_to}\", which must come before it"
            ),
            LoadError::SecondSignature(id) => write!(
                f,
                "the question \"{id}\" is a second signature; a questionnaire has one at most"
            ),
            LoadError::Photos { question, problem } => {
                write!(f, "the question \"{question}\" {problem}")
            }
            LoadError::NoLanguages => write!(
                f,
                "the questionnaire's languages are empty; the first names the language it is written in"
            ),
            LoadError::BadLanguage(tag) => write!(
                f,
                "the language \"{tag}\" is not a language tag such as \"en-GB\" or \"es\""
            ),
            LoadError::DuplicateLanguage(tag) => {
                write!(f, "the language \"{tag}\" is listed more than once")
            }
        }
    }
}

/// A `photos` question's own rules (issue 24): `max_photos` only on one, from 1 to
/// `photos::MOST`; no screening flag, consent or options on one; and no condition on one, as
/// photos match no value.
fn photos_fit<'a>(
    q: &Question,
    question: impl Fn(&str) -> Option<&'a Question>,
) -> Result<(), LoadError> {
    let problem = if q.max_photos.is_some() && q.kind != Kind::Photos {
        Some("has max_photos, which only a photos question takes")
    } else if q.max_photos.is_some_and(|n| n > super::photos::MOST) {
        Some("takes more than 10 photos (max_photos)")
    } else if q.kind == Kind::Photos
        && (q.flag_if.is_some() || q.consent_version.is_some() || !q.options.is_empty())
    {
        Some("asks for photos, which cannot be a screening question, a consent or a choice")
    } else if q
        .show_if
        .as_ref()
        .and_then(|c| question(&c.question))
        .is_some_and(|parent| parent.kind == Kind::Photos)
    {
        Some("depends on a photos question, which matches no value")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(LoadError::Photos {
            question: q.id.clone(),
            problem,
        }),
        None => Ok(()),
    }
}

impl Questionnaire {
    /// The built-in microneedling questionnaire, embedded so the widget works with no setup
    /// (`default_questionnaire.json`, minified by build.rs). Read with the questionnaire reader
    /// where there is one: the JSON is 1.3 KB gzip smaller in the wasm than the same as Rust
    /// data, which the wasm without the reader builds it from (`core::builtin`).
    #[cfg(feature = "questionnaire-files")]
    pub fn builtin() -> Questionnaire {
        match Questionnaire::from_json(DEFAULT_JSON) {
            Ok(q) => q,
            Err(e) => panic!("the built-in questionnaire is invalid: {e}"),
        }
    }

    /// The built-in microneedling questionnaire, built from Rust data: this wasm has no JSON
    /// reader for it (`core::builtin`, held equal to the JSON by its test).
    #[cfg(not(feature = "questionnaire-files"))]
    pub fn builtin() -> Questionnaire {
        super::builtin::questionnaire()
    }

    /// Reads and checks a questionnaire. Conditions may only point at an earlier question,
    /// which also rules out loops.
    pub fn from_json(json: &str) -> Result<Questionnaire, LoadError> {
        if json.len() > MAX_BYTES {
            return Err(LoadError::TooLarge(json.len()));
        }
        let q: Questionnaire = reading::read(json).map_err(|e| match e {
            ReadError::Syntax { .. } => LoadError::Syntax(e.to_string()),
            ReadError::Shape { at, problem } if at.is_empty() => LoadError::Shape {
                at: "top level".to_owned(),
                problem,
            },
            ReadError::Shape { at, problem } => LoadError::Shape { at, problem },
        })?;
        q.check()?;
        Ok(q)
    }

    /// The language its texts are in: the first it claims.
    pub fn language(&self) -> &str {
        self.languages.first().map_or("en-GB", String::as_str)
    }

    fn check(&self) -> Result<(), LoadError> {
        self.check_languages()?;
        if self.steps.is_empty() || self.steps.iter().any(|s| s.questions.is_empty()) {
            return Err(LoadError::Empty);
        }
        // Vectors, not sets: a questionnaire has tens of ids, and set code costs download.
        let mut seen: Vec<&str> = Vec::new();
        let all_ids = self
            .steps
            .iter()
            .map(|s| &s.id)
            .chain(self.questions().map(|q| &q.id));
        if let Some(bad) = all_ids.into_iter().find(|id| !is_safe_id(id)) {
            return Err(LoadError::BadId(bad.clone()));
        }
        for step in &self.steps {
            if seen.contains(&step.id.as_str()) {
                return Err(LoadError::DuplicateId(step.id.clone()));
            }
            seen.push(&step.id);
        }
        if let Some(second) = self
            .questions()
            .filter(|q| q.kind == Kind::Signature)
            .nth(1)
        {
            return Err(LoadError::SecondSignature(second.id.clone()));
        }
        let mut earlier: Vec<&str> = Vec::new();
        for q in self.questions() {
            if seen.contains(&q.id.as_str()) {
                return Err(LoadError::DuplicateId(q.id.clone()));
            }
            seen.push(&q.id);
            if q.id == SCREENING_INCOMPLETE {
                return Err(LoadError::ReservedId(q.id.clone()));
            }
            if matches!(q.kind, Kind::Choice | Kind::Multi) && q.options.is_empty() {
                return Err(LoadError::NoOptions(q.id.clone()));
            }
            photos_fit(q, |id| self.question(id))?;
            if let Some(cond) = &q.show_if {
                if !earlier.contains(&cond.question.as_str()) {
                    let exists = self.questions().any(|o| o.id == cond.question);
                    let (question, refers_to) = (q.id.clone(), cond.question.clone());
                    return Err(if exists {
                        LoadError::ConditionNotEarlier {
                            question,
                            refers_to,
                        }
                    } else {
                        LoadError::UnknownCondition {
                            question,
                            refers_to,
                        }
                    });
                }
            }
            earlier.push(&q.id);
        }
        Ok(())
    }

    fn check_languages(&self) -> Result<(), LoadError> {
        if self.languages.is_empty() {
            return Err(LoadError::NoLanguages);
        }
        for (i, tag) in self.languages.iter().enumerate() {
            if !is_language_tag(tag) {
                return Err(LoadError::BadLanguage(tag.clone()));
            }
            // Tags are compared without case (RFC 5646 §2.1.1): "ES" is "es".
            if self.languages[..i]
                .iter()
                .any(|t| t.eq_ignore_ascii_case(tag))
            {
                return Err(LoadError::DuplicateLanguage(tag.clone()));
            }
        }
        Ok(())
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.steps
            .iter()
            .flat_map(|s| s.questions.iter().map(|q| &**q))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The index of the step that holds a question.
    pub fn step_of(&self, question_id: &str) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.questions.iter().any(|q| q.id == question_id))
    }
}

/// Ids become HTML ids and CSS selectors in the view and keys in the JSON that systems read,
/// so they keep to a plain, stable alphabet. It has no `.`: `core::dom_ids` relies on that to
/// keep the ids of a question's parts apart from every other question's.
fn is_safe_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The shape of a BCP 47 tag (RFC 5646 §2.1): a language of 2 to 3 letters, then subtags of
/// 1 to 8 letters or digits joined by hyphens. Tags also become the widget's `lang` and file
/// names (`es.json`), so the shape alone is what matters here, not the registry.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_follows_the_brief() {
        // shared/questionnaire-brief.md: five question steps, then review and confirmation.
        let q = Questionnaire::builtin();
        let titles: Vec<_> = q.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "About you",
                "Your skin",
                "Treatment preferences",
                "Health screening",
                "Consent"
            ]
        );
        // Thirteen screening questions in the brief, each either flagged on yes or a detail.
        let flagged = q.questions().filter(|q| q.flag_if.is_some()).count();
        assert_eq!(flagged, 12);
        // Windows are data, not code.
        assert!(q
            .question("isotretinoin")
            .unwrap()
            .label
            .contains("6 months"));
        assert!(q.question("retinoids").unwrap().label.contains("48 hours"));
        let consents = q
            .questions()
            .filter(|q| q.consent_version.is_some())
            .count();
        assert_eq!(consents, 6);
        assert!(!q.question("photo_consent").unwrap().required);
        assert_eq!(q.languages, ["en-GB", "es", "fr", "de", "ar"]);
        assert_eq!(q.language(), "en-GB");
    }

    #[test]
    fn languages_default_to_british_english() {
        let q = Questionnaire::from_json(
            r#"{"id":"q","version":"1","title":"T","steps":[{"id":"s","title":"S","questions":[{"id":"a","kind":"text","label":"L"}]}]}"#,
        )
        .unwrap();
        assert_eq!(q.languages, ["en-GB"]);
        for good in ["en", "en-GB", "es-419", "zh-Hant-TW", "ast"] {
            assert!(is_language_tag(good), "{good}");
        }
    }

    #[test]
    fn refuses_broken_questionnaires() {
        let text =
            |id: &str, extra: &str| format!(r#"{{"id":"{id}","kind":"text","label":"L"{extra}}}"#);
        let wrap = |qs: Vec<String>| {
            format!(
                r#"{{"id":"q","version":"1","title":"T","steps":[{{"id":"s","title":"S","questions":[{}]}}]}}"#,
                qs.join(",")
            )
        };
        let languages = |list: &str| {
            format!(
                r#"{{"id":"q","version":"1","languages":{list},"title":"T","steps":[{{"id":"s","title":"S","questions":[{{"id":"a","kind":"text","label":"L"}}]}}]}}"#
            )
        };
        type Expect = fn(&LoadError) -> bool;
        let cases: Vec<(String, Expect)> = vec![
            (
                "{".into(),
                |e| matches!(e, LoadError::Syntax(m) if m == "line 1, column 1: the document ends too early"),
            ),
            (
                wrap(vec![text("screening_incomplete", "")]),
                |e| matches!(e, LoadError::ReservedId(id) if id == "screening_incomplete"),
            ),
            (
                wrap(vec![text("a", ""), text("a", "")]),
                |e| matches!(e, LoadError::DuplicateId(id) if id == "a"),
            ),
            (
                wrap(vec![text(
                    "a",
                    &format!(r#","hint":"{}""#, "x".repeat(MAX_BYTES)),
                )]),
                |e| matches!(e, LoadError::TooLarge(n) if *n > MAX_BYTES),
            ),
            (
                wrap(vec![text("a", r#","show_if":{"question":"zz","is":"x"}"#)]),
                |e| matches!(e, LoadError::UnknownCondition { .. }),
            ),
            (
                wrap(vec![
                    text("a", r#","show_if":{"question":"b","is":"x"}"#),
                    text("b", ""),
                ]),
                |e| matches!(e, LoadError::ConditionNotEarlier { .. }),
            ),
            (
                wrap(vec![text("a", r#","show_if":{"question":"a","is":"x"}"#)]),
                |e| matches!(e, LoadError::ConditionNotEarlier { .. }),
            ),
            (
                wrap(vec![r#"{"id":"a","kind":"choice","label":"L"}"#.into()]),
                |e| matches!(e, LoadError::NoOptions(_)),
            ),
            (
                wrap(vec![r#"{"id":"a","kind":"slider","label":"L"}"#.into()]),
                |e| matches!(e, LoadError::Shape { at, problem } if at == "steps[0].questions[0].kind" && problem.starts_with("unknown variant \"slider\", expected one of \"text\"")),
            ),
            (wrap(vec![]), |e| matches!(e, LoadError::Empty)),
            // Issue 23: one signed consent record per submission.
            (
                wrap(vec![
                    r#"{"id":"s1","kind":"signature","label":"L"}"#.into(),
                    r#"{"id":"s2","kind":"signature","label":"L"}"#.into(),
                ]),
                |e| matches!(e, LoadError::SecondSignature(id) if id == "s2"),
            ),
            // Issue 24: a photos question's own rules, each named with its question.
            (wrap(vec![text("a", r#","max_photos":2"#)]), |e| {
                e.to_string()
                    == "the question \"a\" has max_photos, which only a photos question takes"
            }),
            (
                wrap(vec![
                    r#"{"id":"p","kind":"photos","label":"L","max_photos":11}"#.into(),
                ]),
                |e| e.to_string() == "the question \"p\" takes more than 10 photos (max_photos)",
            ),
            (
                wrap(vec![
                    r#"{"id":"p","kind":"photos","label":"L","max_photos":0}"#.into(),
                ]),
                |e| {
                    e.to_string().starts_with("the questionnaire's steps[0].questions[0].max_photos: must be a whole number above 0")
                },
            ),
            (
                wrap(vec![
                    r#"{"id":"p","kind":"photos","label":"L","flag_if":"x"}"#.into(),
                ]),
                |e| matches!(e, LoadError::Photos { question, .. } if question == "p"),
            ),
            (
                wrap(vec![
                    r#"{"id":"p","kind":"photos","label":"L"}"#.into(),
                    text("a", r#","show_if":{"question":"p","is":"x"}"#),
                ]),
                |e| {
                    e.to_string()
                        == "the question \"a\" depends on a photos question, which matches no value"
                },
            ),
            // Issue 5: a missing id, and a loop of conditions (each refers to the other).
            (wrap(vec![r#"{"kind":"text","label":"L"}"#.into()]), |e| {
                e.to_string() == "the questionnaire's steps[0].questions[0]: missing field \"id\""
            }),
            (
                wrap(vec![
                    text("a", r#","show_if":{"question":"b","is":"x"}"#),
                    text("b", r#","show_if":{"question":"a","is":"x"}"#),
                ]),
                |e| {
                    e.to_string()
                        == "the question \"a\" depends on \"b\", which must come before it"
                },
            ),
            (wrap(vec![text("a", r#","requried":true"#)]), |e| {
                e.to_string().starts_with("the questionnaire's steps[0].questions[0].requried: unknown field \"requried\", expected one of \"id\", \"kind\"")
            }),
            (wrap(vec![r#"{"id":"a","kind":"text"}"#.into()]), |e| {
                e.to_string()
                    == "the questionnaire's steps[0].questions[0]: missing field \"label\""
            }),
            (
                wrap(vec![r#"{"id":"a","kind":"text","label":7}"#.into()]),
                |e| {
                    e.to_string() == "the questionnaire's steps[0].questions[0].label: invalid type: integer \"7\", expected a string"
                },
            ),
            (
                wrap(vec![
                    r#"{"id":"a","kind":"text","label":"L","label":"M"}"#.into()
                ]),
                |e| {
                    e.to_string()
                        == "the questionnaire's steps[0].questions[0]: duplicate field \"label\""
                },
            ),
            (wrap(vec![text("a", r#","max_length":0"#)]), |e| {
                e.to_string()
                    .ends_with("max_length: must be a whole number above 0")
            }),
            (wrap(vec![text("a", r#","max_length":2.5"#)]), |e| {
                e.to_string()
                    .ends_with("max_length: must be a whole number above 0")
            }),
            (
                wrap(vec![text("a", r#","show_if":{"question":"b"}"#)]),
                |e| {
                    e.to_string()
                        .ends_with("steps[0].questions[0].show_if: missing field \"is\"")
                },
            ),
            ("true".into(), |e| {
                e.to_string() == "the questionnaire's top level: invalid type: boolean \"true\", expected struct Questionnaire"
            }),
            ("{\"id\":\"q\",\n\"version\":1}".into(), |e| {
                e.to_string()
                    == "the questionnaire's version: invalid type: integer \"1\", expected a string"
            }),
            (wrap(vec![text("a b", "")]), |e| {
                matches!(e, LoadError::BadId(_))
            }),
            (wrap(vec![text("1a", "")]), |e| {
                matches!(e, LoadError::BadId(_))
            }),
            (wrap(vec![text("a\\\"]", "")]), |e| {
                matches!(e, LoadError::BadId(_))
            }),
            // Issue 25: the languages it claims.
            (languages("[]"), |e| matches!(e, LoadError::NoLanguages)),
            (languages(r#"["en-GB","english"]"#), |e| {
                e.to_string()
                    == "the language \"english\" is not a language tag such as \"en-GB\" or \"es\""
            }),
            (languages(r#"["en_GB"]"#), |e| {
                matches!(e, LoadError::BadLanguage(_))
            }),
            (languages(r#"["es-"]"#), |e| {
                matches!(e, LoadError::BadLanguage(_))
            }),
            (languages(r#"["../x"]"#), |e| {
                matches!(e, LoadError::BadLanguage(_))
            }),
            (
                languages(r#"["en-GB","es","ES"]"#),
                |e| matches!(e, LoadError::DuplicateLanguage(t) if t == "ES"),
            ),
            (languages(r#""en-GB""#), |e| {
                e.to_string() == "the questionnaire's languages: invalid type: string \"en-GB\", expected a sequence"
            }),
        ];
        for (json, expected) in cases {
            let err = Questionnaire::from_json(&json).expect_err(&json);
            assert!(expected(&err), "{json} gave {err:?}");
            assert!(!err.to_string().is_empty());
        }
    }
}
