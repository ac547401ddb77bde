//! A questionnaire's texts in another language, read from a file beside the questionnaire, and
//! the questionnaire with those texts in place of its own.
//!
//! One file per language (`translations/es.json` beside the built-in questionnaire), so only
//! the language a visitor reads ever travels to them, and the questionnaire file stays as it is:
//!
//! ```json
//! { "language": "es", "questionnaire": "microneedling-consultation", "version": "1.2.0",
//!   "title": "Consulta de microagujas",
//!   "steps": { "about_you": { "title": "Sobre usted", "intro": "…" } },
//!   "questions": {
//!     "full_name": { "label": "Nombre completo" },
//!     "areas": { "label": "…", "hint": "…", "options": { "face": { "label": "Cara" } } } } }
//! ```
//!
//! Steps are named by id, questions by id and options by value; every text the questionnaire
//! has is there (title; step title and intro; question label, hint and text; option label and
//! hint), and no other: a hint the questionnaire lacks is refused too. The translation names
//! the questionnaire and version it translates, and a language the questionnaire lists in
//! `languages` (not the first, which the questionnaire is written in). Ids, option values,
//! versions, kinds, conditions and flags are the questionnaire's alone, so a translation cannot
//! change what is asked, only its words.

use super::pairs;
use super::questionnaire::{Choice, Question, Questionnaire, Step, MAX_BYTES};
use super::reading::{self, ReadError};
use serde::Deserialize;
use std::fmt;
use std::rc::Rc;

/// Every text is optional when read, so that a missing one is reported by `translate` as the
/// path it lacks (`questions.keloid.label`), not as serde's "missing field".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// A BCP 47 tag the questionnaire lists in its `languages`.
    pub language: String,
    /// The id of the questionnaire translated.
    pub questionnaire: String,
    /// Its version: a new version may have new words, so an older translation is refused.
    pub version: String,
    #[serde(default)]
    pub title: Option<String>,
    /// By step id, in any order.
    #[serde(default, deserialize_with = "pairs::deserialize")]
    pub steps: Vec<(String, StepTexts)>,
    /// By question id, in any order.
    #[serde(default, deserialize_with = "pairs::deserialize")]
    pub questions: Vec<(String, QuestionTexts)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepTexts {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub intro: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionTexts {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// By option value.
    #[serde(default, deserialize_with = "pairs::deserialize")]
    pub options: Vec<(String, OptionTexts)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionTexts {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
}

/// Why a translation was refused: one clear sentence for the site owner, with the path to the
/// text where there is one.
#[derive(Debug, Clone, PartialEq)]
pub enum TranslationError {
    TooLarge(usize),
    Syntax(String),
    Shape {
        at: String,
        problem: String,
    },
    OtherQuestionnaire {
        expected: String,
        found: String,
    },
    OtherVersion {
        language: String,
        expected: String,
        found: String,
    },
    /// A language the questionnaire does not list.
    NotListed {
        language: String,
        listed: Vec<String>,
    },
    /// The language the questionnaire is written in: nothing to translate.
    Original(String),
    /// A text the questionnaire has and the translation lacks.
    Lacks {
        language: String,
        at: String,
    },
    /// A text, step, question or option the questionnaire does not have.
    Unknown {
        language: String,
        at: String,
    },
    /// A text of nothing but spaces, which would show the visitor a blank.
    EmptyText {
        language: String,
        at: String,
    },
}

impl fmt::Display for TranslationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TranslationError as E;
        match self {
            E::TooLarge(n) => write!(
                f,
                "the translation is {} KB; at most {} KB is accepted",
                n.div_ceil(1024),
                MAX_BYTES / 1024
            ),
            E::Syntax(e) => write!(f, "the translation is not valid JSON: {e}"),
            E::Shape { at, problem } => write!(f, "the translation's {at}: {problem}"),
            E::OtherQuestionnaire { expected, found } => write!(
                f,
                "the translation is of the questionnaire \"{found}\", not \"{expected}\""
            ),
            E::OtherVersion {
                language,
                expected,
                found,
            } => write!(
                f,
                "the {} translation is of version {found}; the questionnaire is version {expected}",
                name(language)
            ),
            E::NotListed { language, listed } => write!(
                f,
                "the questionnaire does not list the language \"{language}\"; its languages are {}",
                listed.join(", ")
            ),
            E::Original(language) => write!(
                f,
                "the questionnaire is written in \"{language}\" itself; a translation is into another of its languages"
            ),
            E::Lacks { language, at } => {
                write!(f, "the {} translation lacks {at}", name(language))
            }
            E::Unknown { language, at } => write!(
                f,
                "the {} translation has {at}, which the questionnaire does not have",
                name(language)
            ),
            E::EmptyText { language, at } => {
                write!(f, "the {} translation's {at} is empty", name(language))
            }
        }
    }
}

/// The built-in languages by name, for the site owner's sentences; any other by its tag.
fn name(tag: &str) -> String {
    english_name(tag).map_or_else(|| format!("\"{tag}\""), str::to_owned)
}

/// A built-in language's English name ("Spanish" for `es` or `es-MX`), for sentences staff
/// and site owners read; `None` for any other language, which is then named by its tag.
pub fn english_name(tag: &str) -> Option<&'static str> {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" => "English",
        "es" => "Spanish",
        "fr" => "French",
        "de" => "German",
        "ar" => "Arabic",
        _ => return None,
    })
}

/// The built-in questionnaire's translation into `language` (compared without case), as the
/// file beside it holds it; `None` for a language it has no file for. Compiled into native
/// programs only (the receiver re-checks in the visitor's language with it): the widget loads
/// a translation as data, on demand.
#[cfg(any(not(target_arch = "wasm32"), test))]
pub fn builtin_json(language: &str) -> Option<&'static str> {
    const FILES: [(&str, &str); 4] = [
        ("es", include_str!("translations/es.json")),
        ("fr", include_str!("translations/fr.json")),
        ("de", include_str!("translations/de.json")),
        ("ar", include_str!("translations/ar.json")),
    ];
    FILES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(language))
        .map(|(_, json)| *json)
}

impl Translation {
    /// Reads a translation file: the same limits and sentences (with paths) as a questionnaire.
    pub fn from_json(json: &str) -> Result<Translation, TranslationError> {
        if json.len() > MAX_BYTES {
            return Err(TranslationError::TooLarge(json.len()));
        }
        reading::read(json).map_err(|e| match e {
            ReadError::Syntax { .. } => TranslationError::Syntax(e.to_string()),
            ReadError::Shape { at, problem } if at.is_empty() => TranslationError::Shape {
                at: "top level".to_owned(),
                problem,
            },
            ReadError::Shape { at, problem } => TranslationError::Shape { at, problem },
        })
    }
}

/// The questionnaire with every text in the translation's language: title, step titles and
/// intros, question labels, hints and texts, option labels and hints. Everything else is the
/// questionnaire's own. Its `languages` start with the translation's (the language its texts
/// are now in), so the consent digest (`core::consent`) covers the words the visitor read.
pub fn translate(q: &Questionnaire, t: &Translation) -> Result<Questionnaire, TranslationError> {
    let language = claimed(q, t)?;
    let texts = Texts {
        language: language.clone(),
        all: t,
    };
    texts.none_unknown(q)?;
    let mut out = q.clone();
    out.title = texts.pick(t.title.as_ref(), || "title".to_owned())?;
    for step in &mut out.steps {
        texts.step(step, lookup(&t.steps, &step.id))?;
    }
    out.languages.retain(|l| *l != language);
    out.languages.insert(0, language);
    Ok(out)
}

/// Calls `f` on every text of `q` in one fixed order: the title; each step's title and intro;
/// each question's label, hint and text; each option's label and hint (the ones it has).
fn each_text(q: &mut Questionnaire, f: &mut dyn FnMut(&mut String)) {
    f(&mut q.title);
    for step in &mut q.steps {
        f(&mut step.title);
        step.intro.iter_mut().for_each(&mut *f);
        for question in &mut step.questions {
            let question = Rc::make_mut(question);
            f(&mut question.label);
            question.hint.iter_mut().for_each(&mut *f);
            question.text.iter_mut().for_each(&mut *f);
            for choice in &mut question.options {
                f(&mut choice.label);
                choice.hint.iter_mut().for_each(&mut *f);
            }
        }
    }
}

/// Every text of `q`, in the order `with_texts` takes them: how the build hands the widget a
/// built-in translation, as data it needs no reader for (a JSON array the browser parses).
#[cfg(any(not(target_arch = "wasm32"), test))]
pub fn texts(q: &Questionnaire) -> Vec<String> {
    let mut out = Vec::new();
    each_text(&mut q.clone(), &mut |text| out.push(text.clone()));
    out
}

/// `q` with `texts` (from `texts` of its translation into `language`) in place of its own,
/// as `translate` makes it; `None` when they are not as many as its texts (another version's).
pub fn with_texts(q: &Questionnaire, language: &str, texts: Vec<String>) -> Option<Questionnaire> {
    let mut out = q.clone();
    let mut count = 0;
    each_text(&mut out, &mut |_| count += 1);
    if count != texts.len() {
        return None;
    }
    let mut texts = texts.into_iter();
    each_text(&mut out, &mut |text| {
        *text = texts.next().unwrap_or_default()
    });
    out.languages.retain(|l| l != language);
    out.languages.insert(0, language.to_owned());
    Some(out)
}

/// The questionnaire's own spelling of the translation's language, once the translation is
/// known to be of this questionnaire, version and one of its other languages.
fn claimed(q: &Questionnaire, t: &Translation) -> Result<String, TranslationError> {
    if t.questionnaire != q.id {
        return Err(TranslationError::OtherQuestionnaire {
            expected: q.id.clone(),
            found: t.questionnaire.clone(),
        });
    }
    // Tags are compared without case (RFC 5646 §2.1.1).
    let Some(at) = q
        .languages
        .iter()
        .position(|l| l.eq_ignore_ascii_case(&t.language))
    else {
        return Err(TranslationError::NotListed {
            language: t.language.clone(),
            listed: q.languages.clone(),
        });
    };
    if at == 0 {
        return Err(TranslationError::Original(q.languages[0].clone()));
    }
    if t.version != q.version {
        return Err(TranslationError::OtherVersion {
            language: t.language.clone(),
            expected: q.version.clone(),
            found: t.version.clone(),
        });
    }
    Ok(q.languages[at].clone())
}

fn lookup<'a, V>(pairs: &'a [(String, V)], key: &str) -> Option<&'a V> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Picks texts out of one translation, naming its language in every refusal.
struct Texts<'a> {
    language: String,
    all: &'a Translation,
}

impl Texts<'_> {
    fn lacks(&self, at: String) -> TranslationError {
        TranslationError::Lacks {
            language: self.language.clone(),
            at,
        }
    }

    fn unknown(&self, at: String) -> TranslationError {
        TranslationError::Unknown {
            language: self.language.clone(),
            at,
        }
    }

    /// The translated text, which must be there and say something. The path is built only
    /// for a refusal.
    fn pick(
        &self,
        found: Option<&String>,
        at: impl FnOnce() -> String,
    ) -> Result<String, TranslationError> {
        match found {
            None => Err(self.lacks(at())),
            Some(text) if text.trim().is_empty() => Err(TranslationError::EmptyText {
                language: self.language.clone(),
                at: at(),
            }),
            Some(text) => Ok(text.clone()),
        }
    }

    /// Replaces an optional text the questionnaire has; one it lacks stays absent (the
    /// translation was already held to having none by `none_unknown`).
    fn replace(
        &self,
        english: &mut Option<String>,
        found: Option<&String>,
        at: impl FnOnce() -> String,
    ) -> Result<(), TranslationError> {
        if english.is_some() {
            *english = Some(self.pick(found, at)?);
        }
        Ok(())
    }

    fn step(&self, step: &mut Step, t: Option<&StepTexts>) -> Result<(), TranslationError> {
        let id = step.id.clone();
        step.title = self.pick(t.and_then(|t| t.title.as_ref()), || {
            format!("steps.{id}.title")
        })?;
        self.replace(&mut step.intro, t.and_then(|t| t.intro.as_ref()), || {
            format!("steps.{id}.intro")
        })?;
        // Questions are found by id in the whole translation, not under their step.
        for question in &mut step.questions {
            let mut translated = (**question).clone();
            self.question(&mut translated, lookup(&self.all.questions, &question.id))?;
            *question = Rc::new(translated);
        }
        Ok(())
    }

    fn question(
        &self,
        question: &mut Question,
        t: Option<&QuestionTexts>,
    ) -> Result<(), TranslationError> {
        let id = question.id.clone();
        let at = |part: &str| format!("questions.{id}.{part}");
        question.label = self.pick(t.and_then(|t| t.label.as_ref()), || at("label"))?;
        self.replace(&mut question.hint, t.and_then(|t| t.hint.as_ref()), || {
            at("hint")
        })?;
        self.replace(&mut question.text, t.and_then(|t| t.text.as_ref()), || {
            at("text")
        })?;
        let options = t.map_or(&[][..], |t| t.options.as_slice());
        for option in &mut question.options {
            let found = lookup(options, &option.value);
            self.option(&id, option, found)?;
        }
        Ok(())
    }

    fn option(
        &self,
        question: &str,
        option: &mut Choice,
        t: Option<&OptionTexts>,
    ) -> Result<(), TranslationError> {
        let value = option.value.clone();
        let at = |part: &str| format!("questions.{question}.options.{value}.{part}");
        option.label = self.pick(t.and_then(|t| t.label.as_ref()), || at("label"))?;
        self.replace(&mut option.hint, t.and_then(|t| t.hint.as_ref()), || {
            at("hint")
        })
    }

    /// Refuses anything the questionnaire does not have, in the translation's own order:
    /// checked before what is missing, so a misspelt id is named as written, not as the
    /// questionnaire's text it fails to supply.
    fn none_unknown(&self, q: &Questionnaire) -> Result<(), TranslationError> {
        let t = self.all;
        for (id, texts) in &t.steps {
            let Some(step) = q.steps.iter().find(|s| s.id == *id) else {
                return Err(self.unknown(format!("steps.{id}")));
            };
            if texts.intro.is_some() && step.intro.is_none() {
                return Err(self.unknown(format!("steps.{id}.intro")));
            }
        }
        for (id, texts) in &t.questions {
            let Some(question) = q.question(id) else {
                return Err(self.unknown(format!("questions.{id}")));
            };
            self.question_known(question, texts)?;
        }
        Ok(())
    }

    fn question_known(&self, q: &Question, t: &QuestionTexts) -> Result<(), TranslationError> {
        let id = &q.id;
        if t.hint.is_some() && q.hint.is_none() {
            return Err(self.unknown(format!("questions.{id}.hint")));
        }
        if t.text.is_some() && q.text.is_none() {
            return Err(self.unknown(format!("questions.{id}.text")));
        }
        for (value, texts) in &t.options {
            let Some(option) = q.options.iter().find(|o| o.value == *value) else {
                return Err(self.unknown(format!("questions.{id}.options.{value}")));
            };
            if texts.hint.is_some() && option.hint.is_none() {
                return Err(self.unknown(format!("questions.{id}.options.{value}.hint")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::consent;
    use serde_json::Value;

    /// The built-in questionnaire's translations, as the files beside it hold them.
    const BUILT_IN: [(&str, &str); 4] = [
        ("es", include_str!("translations/es.json")),
        ("fr", include_str!("translations/fr.json")),
        ("de", include_str!("translations/de.json")),
        ("ar", include_str!("translations/ar.json")),
    ];

    fn spanish() -> Value {
        serde_json::from_str(BUILT_IN[0].1).unwrap()
    }

    fn translate_json(json: &str) -> Result<Questionnaire, TranslationError> {
        translate(&Questionnaire::builtin(), &Translation::from_json(json)?)
    }

    /// The questionnaire with every word blanked and no languages: what a translation must
    /// leave exactly as it was.
    fn without_words(q: &Questionnaire) -> Questionnaire {
        let blank = |t: &mut Option<String>| *t = t.as_ref().map(|_| String::new());
        let mut q = q.clone();
        q.title.clear();
        q.languages.clear();
        for step in &mut q.steps {
            step.title.clear();
            blank(&mut step.intro);
            for question in &mut step.questions {
                let mut question_ = (**question).clone();
                question_.label.clear();
                blank(&mut question_.hint);
                blank(&mut question_.text);
                for option in &mut question_.options {
                    option.label.clear();
                    blank(&mut option.hint);
                }
                *question = Rc::new(question_);
            }
        }
        q
    }

    /// Every text of a questionnaire, in order, for comparing one language with another.
    fn words(q: &Questionnaire) -> Vec<String> {
        let mut all = vec![q.title.clone()];
        for step in &q.steps {
            all.extend(
                [Some(&step.title), step.intro.as_ref()]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            for question in &step.questions {
                let own = [
                    Some(&question.label),
                    question.hint.as_ref(),
                    question.text.as_ref(),
                ];
                all.extend(own.into_iter().flatten().cloned());
                for option in &question.options {
                    all.extend(
                        [Some(&option.label), option.hint.as_ref()]
                            .into_iter()
                            .flatten()
                            .cloned(),
                    );
                }
            }
        }
        all
    }

    #[test]
    fn every_built_in_translation_reads_and_translates_completely() {
        let english = Questionnaire::builtin();
        // The same words in both languages, and nothing else left in English.
        let the_same = ["Normal", "No", "Microchanneling"];
        for (tag, json) in BUILT_IN {
            let translation = Translation::from_json(json).unwrap_or_else(|e| panic!("{tag}: {e}"));
            assert_eq!(translation.language, tag);
            let q = translate(&english, &translation).unwrap_or_else(|e| panic!("{tag}: {e}"));
            assert_eq!(q.language(), tag);
            assert_eq!(q.languages.len(), english.languages.len());
            assert_eq!(without_words(&q), without_words(&english), "{tag}");
            let (theirs, ours) = (words(&q), words(&english));
            assert_eq!(theirs.len(), ours.len());
            for (t, e) in theirs.iter().zip(&ours) {
                assert!(
                    t != e || the_same.contains(&e.as_str()),
                    "{tag}: \"{e}\" untranslated"
                );
            }
        }
    }

    #[test]
    fn the_built_in_questionnaire_has_a_file_for_each_language_it_lists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/core/translations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let mut listed: Vec<String> = Questionnaire::builtin().languages[1..]
            .iter()
            .map(|l| format!("{l}.json"))
            .collect();
        listed.sort();
        assert_eq!(files, listed);
        let mut tested: Vec<String> = BUILT_IN.iter().map(|(l, _)| format!("{l}.json")).collect();
        tested.sort();
        assert_eq!(tested, listed);
        // The receiver's copies are these files.
        for (tag, json) in BUILT_IN {
            assert_eq!(builtin_json(tag), Some(json));
            assert_eq!(builtin_json(&tag.to_uppercase()), Some(json));
        }
        assert_eq!(builtin_json("en-GB"), None);
        assert_eq!(builtin_json("pt"), None);
        assert_eq!(english_name("es-MX"), Some("Spanish"));
        assert_eq!(english_name("pt"), None);
    }

    #[test]
    fn the_translated_words_are_in_place() {
        let q = translate_json(BUILT_IN[0].1).unwrap();
        let keloid = q.question("keloid").unwrap();
        assert_eq!(keloid.label, "¿Tiene queloides o cicatrices abultadas?");
        assert_eq!(keloid.option_label("yes"), Some("Sí"));
        assert_eq!(q.steps[0].title, "Sobre usted");
        assert_eq!(q.languages, ["es", "en-GB", "fr", "de", "ar"]);
        let automated = &q.question("treatment_type").unwrap().options[1];
        assert!(automated.hint.as_ref().unwrap().contains("dermapen"));
        let signature = q.question("signature").unwrap();
        assert!(signature.text.as_ref().unwrap().starts_with("Al firmar"));
        // Tags are compared without case; the questionnaire's spelling is kept.
        let mut upper = spanish();
        upper["language"] = "ES".into();
        assert_eq!(translate_json(&upper.to_string()).unwrap().language(), "es");
    }

    #[test]
    fn texts_as_data_give_the_same_questionnaire_as_the_file() {
        // The widget gets a built-in translation as the build's array of texts (`texts`), not
        // the file: put back (`with_texts`), it is the questionnaire `translate` makes.
        let q = Questionnaire::builtin();
        for (language, json) in BUILT_IN {
            let translated = translate_json(json).unwrap();
            let data = texts(&translated);
            assert_eq!(data.len(), texts(&q).len());
            assert_eq!(
                with_texts(&q, language, data.clone()),
                Some(translated),
                "{language}"
            );
            let mut short = data;
            short.pop();
            assert_eq!(
                with_texts(&q, language, short),
                None,
                "one text short: refused"
            );
        }
    }

    /// The path of every text in a translation file (`questions.areas.options.face.label`).
    fn text_paths(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(members) => {
                for (name, member) in members {
                    let path = if at.is_empty() {
                        name.clone()
                    } else {
                        format!("{at}.{name}")
                    };
                    text_paths(member, &path, out);
                }
            }
            Value::String(_) if !["language", "questionnaire", "version"].contains(&at) => {
                out.push(at.to_owned())
            }
            _ => {}
        }
    }

    fn remove(v: &mut Value, path: &str) {
        let (parent, last) = path.rsplit_once('.').unwrap_or(("", path));
        let mut here = v;
        for name in parent.split('.').filter(|n| !n.is_empty()) {
            here = &mut here[name];
        }
        here.as_object_mut().unwrap().remove(last).expect(path);
    }

    #[test]
    fn a_translation_without_any_one_text_is_refused_naming_it() {
        let mut paths = Vec::new();
        text_paths(&spanish(), "", &mut paths);
        assert_eq!(paths.len(), words(&Questionnaire::builtin()).len());
        for path in paths {
            let mut lacking = spanish();
            remove(&mut lacking, &path);
            let err = translate_json(&lacking.to_string()).expect_err(&path);
            assert_eq!(
                err.to_string(),
                format!("the Spanish translation lacks {path}")
            );
        }
        // A whole step, question or list of options: the first text it lacks.
        for (gone, named) in [
            ("steps.health", "steps.health.title"),
            ("questions.keloid", "questions.keloid.label"),
            (
                "questions.areas.options",
                "questions.areas.options.face.label",
            ),
            ("questions", "questions.full_name.label"),
        ] {
            let mut lacking = spanish();
            remove(&mut lacking, gone);
            let err = translate_json(&lacking.to_string()).expect_err(gone);
            assert_eq!(
                err.to_string(),
                format!("the Spanish translation lacks {named}")
            );
        }
    }

    #[test]
    fn refuses_what_does_not_belong() {
        type Change = fn(&mut Value);
        let cases: Vec<(Change, &str)> = vec![
            (|t| t["version"] = "1.0.0".into(), "the Spanish translation is of version 1.0.0; the questionnaire is version 1.2.0"),
            (|t| t["questionnaire"] = "hair-removal".into(), "the translation is of the questionnaire \"hair-removal\", not \"microneedling-consultation\""),
            (|t| t["language"] = "pt".into(), "the questionnaire does not list the language \"pt\"; its languages are en-GB, es, fr, de, ar"),
            (|t| t["language"] = "en-gb".into(), "the questionnaire is written in \"en-GB\" itself; a translation is into another of its languages"),
            (|t| t["questions"]["ful_name"] = serde_json::json!({"label": "Nombre"}), "the Spanish translation has questions.ful_name, which the questionnaire does not have"),
            (|t| t["questions"]["full_name"]["hint"] = "Como en su DNI.".into(), "the Spanish translation has questions.full_name.hint, which the questionnaire does not have"),
            (|t| t["questions"]["phone"]["text"] = "Sí".into(), "the Spanish translation has questions.phone.text, which the questionnaire does not have"),
            (|t| t["questions"]["areas"]["options"]["feet"] = serde_json::json!({"label": "Pies"}), "the Spanish translation has questions.areas.options.feet, which the questionnaire does not have"),
            (|t| t["questions"]["areas"]["options"]["face"]["hint"] = "Toda la cara.".into(), "the Spanish translation has questions.areas.options.face.hint, which the questionnaire does not have"),
            (|t| t["steps"]["aftercare"] = serde_json::json!({"title": "Después"}), "the Spanish translation has steps.aftercare, which the questionnaire does not have"),
            (|t| t["steps"]["your_skin"]["intro"] = "Cuéntenos.".into(), "the Spanish translation has steps.your_skin.intro, which the questionnaire does not have"),
            (|t| t["questions"]["keloid"]["label"] = " ".into(), "the Spanish translation's questions.keloid.label is empty"),
            (|t| t["steps"]["health"]["intro"] = "".into(), "the Spanish translation's steps.health.intro is empty"),
            (|t| t["questions"]["keloid"]["label"] = 7.into(), "the translation's questions.keloid.label: invalid type: integer \"7\", expected a string"),
            (|t| t["questions"]["keloid"]["lable"] = "x".into(), "the translation's questions.keloid.lable: unknown field \"lable\", expected one of \"label\", \"hint\", \"text\", \"options\""),
            (|t| t["colour"] = "red".into(), "the translation's colour: unknown field \"colour\", expected one of \"language\", \"questionnaire\", \"version\", \"title\", \"steps\", \"questions\""),
            (|t| t["steps"] = serde_json::json!([]), "the translation's steps: invalid type: sequence, expected an object"),
            (|t| remove(t, "version"), "the translation's top level: missing field \"version\""),
        ];
        for (change, expected) in cases {
            let mut t = spanish();
            change(&mut t);
            let err = translate_json(&t.to_string()).expect_err(expected);
            assert_eq!(err.to_string(), expected);
        }
        let raw = [
            (
                "{",
                "the translation is not valid JSON: line 1, column 1: the document ends too early",
            ),
            (
                r#"{"language":"es","questionnaire":"q","version":"1","questions":{"a":{},"a":{}}}"#,
                "the translation's questions: \"a\" is given twice",
            ),
        ];
        for (json, expected) in raw {
            assert_eq!(
                Translation::from_json(json).unwrap_err().to_string(),
                expected
            );
        }
        let large = format!("\"{}\"", "x".repeat(MAX_BYTES));
        assert!(matches!(
            Translation::from_json(&large),
            Err(TranslationError::TooLarge(_))
        ));
    }

    #[test]
    fn the_consent_digest_covers_the_words_read() {
        let english = Questionnaire::builtin();
        let mut digests = vec![consent::digest(&english)];
        for (tag, json) in BUILT_IN {
            let q = translate_json(json).unwrap();
            let digest = consent::digest(&q);
            assert!(
                !digests.contains(&digest),
                "{tag}: the same digest as another language"
            );
            // The same words, however the file orders them, give the same digest.
            let reordered: Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                consent::digest(&translate_json(&reordered.to_string()).unwrap()),
                digest
            );
            let signature = q.question("signature").unwrap().text.clone().unwrap();
            assert!(consent::canonical(&q).contains(&signature), "{tag}");
            digests.push(digest);
        }
    }
}
