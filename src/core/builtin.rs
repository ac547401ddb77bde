//! The built-in questionnaire as Rust data, written by build.rs from
//! `default_questionnaire.json`: built without reading JSON, so a wasm without the
//! questionnaire reader (the `questionnaire-files` feature off) still has it.

use super::questionnaire::{Choice, Condition, Kind, Question, Questionnaire, Step};
use std::rc::Rc;

pub struct Static {
    id: &'static str,
    version: &'static str,
    languages: &'static [&'static str],
    title: &'static str,
    steps: &'static [StaticStep],
}

pub struct StaticStep {
    id: &'static str,
    title: &'static str,
    intro: Option<&'static str>,
    questions: &'static [StaticQuestion],
}

pub struct StaticQuestion {
    id: &'static str,
    kind: Kind,
    label: &'static str,
    hint: Option<&'static str>,
    required: bool,
    /// Value, label, hint.
    options: &'static [(&'static str, &'static str, Option<&'static str>)],
    text: Option<&'static str>,
    /// The question and the answer it must be.
    show_if: Option<(&'static str, &'static str)>,
    flag_if: Option<&'static str>,
    consent_version: Option<&'static str>,
    max_length: Option<usize>,
    autocomplete: Option<&'static str>,
}

static STATIC: Static = include!(concat!(env!("OUT_DIR"), "/default_questionnaire.rs"));

fn own(s: &str) -> String {
    s.to_owned()
}

fn own_opt(s: Option<&str>) -> Option<String> {
    s.map(own)
}

/// The built-in questionnaire, as `Questionnaire::from_json` reads the file (a test holds the
/// two equal, and that one passes every check).
pub fn questionnaire() -> Questionnaire {
    Questionnaire {
        id: own(STATIC.id),
        version: own(STATIC.version),
        languages: STATIC.languages.iter().map(|t| own(t)).collect(),
        title: own(STATIC.title),
        steps: STATIC
            .steps
            .iter()
            .map(|s| Step {
                id: own(s.id),
                title: own(s.title),
                intro: own_opt(s.intro),
                questions: s.questions.iter().map(|q| Rc::new(question(q))).collect(),
            })
            .collect(),
    }
}

fn question(q: &StaticQuestion) -> Question {
    Question {
        id: own(q.id),
        kind: q.kind,
        label: own(q.label),
        hint: own_opt(q.hint),
        required: q.required,
        options: q
            .options
            .iter()
            .map(|&(value, label, hint)| Choice {
                value: own(value),
                label: own(label),
                hint: own_opt(hint),
            })
            .collect(),
        text: own_opt(q.text),
        show_if: q.show_if.map(|(question, is)| Condition {
            question: own(question),
            is: own(is),
        }),
        flag_if: own_opt(q.flag_if),
        consent_version: own_opt(q.consent_version),
        max_length: q.max_length,
        autocomplete: own_opt(q.autocomplete),
        // The built-in questionnaire asks for no photos yet (issue 24 goes on).
        max_photos: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_as_the_file_read_with_every_check() {
        let text = include_str!(concat!(env!("OUT_DIR"), "/default_questionnaire.json"));
        let read = Questionnaire::from_json(text).expect("the built-in questionnaire passes");
        assert_eq!(questionnaire(), read);
    }
}
