//! The questionnaires this receiver accepts: the built-in one and each `--questionnaire` file,
//! each in every language it lists (issue 25): the built-in translations are compiled in
//! (`core::translation::builtin_json`), a file's are read from beside it, `NAME.LANG.json` for
//! `NAME.json`. A submission is re-checked in the language the visitor read; staff read it in
//! the clinic's language (`--language`, which every questionnaire must come in).
//!
//! The core's `Questionnaire` shares its questions with `Rc` (cheap in the browser), so it
//! cannot cross threads: each runtime thread reads its own copies once, from the sources
//! checked at start, and re-checks run synchronously on those copies.

use consultation_widget::core::questionnaire::{LoadError, Questionnaire};
use consultation_widget::core::summary::{QuestionnaireRef, Summary};
use consultation_widget::core::translation::{
    builtin_json, english_name, translate, Translation, TranslationError,
};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The language staff read when `--language` is not given.
pub const DEFAULT_LANGUAGE: &str = "en-GB";

#[derive(Clone)]
pub struct Questionnaires {
    /// The files given, in order, with their translations; the built-in one comes first,
    /// always.
    files: Arc<Vec<Source>>,
    /// `--language`: the language staff read answers in, as the questionnaires spell it.
    language: Arc<str>,
}

/// One `--questionnaire` file's text and its translations' texts, in the order it lists them.
struct Source {
    text: String,
    translations: Vec<String>,
}

thread_local! {
    /// This thread's copies, with the address of the `files` they were read from.
    static LOADED: RefCell<Option<(usize, Vec<Questionnaire>)>> = const { RefCell::new(None) };
}

/// Why a questionnaire cannot be used; a file's name comes first.
#[derive(Debug, thiserror::Error)]
pub enum QuestionnaireError {
    #[error("{0}")]
    Invalid(LoadError),
    #[error("questionnaire {id} version {version} is given twice")]
    Twice { id: String, version: String },
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    File {
        path: PathBuf,
        reason: Box<QuestionnaireError>,
    },
    /// A language the questionnaire lists whose translation file cannot be read.
    #[error(
        "{}: the questionnaire {} lists the language \"{language}\", and its translation is read \
         from this file: {source}",
        path.display(), questionnaire.display()
    )]
    NoTranslation {
        path: PathBuf,
        questionnaire: PathBuf,
        language: String,
        source: std::io::Error,
    },
    /// A translation refused by the core, with the sentence naming the text at fault.
    #[error("{}: {reason}", path.display())]
    Translation {
        path: PathBuf,
        reason: TranslationError,
    },
    /// A translation refused when the copies are read again (each was checked with its path
    /// at start).
    #[error("{0}")]
    Translated(TranslationError),
    /// The built-in questionnaire lists a language it has no translation for (a build fault).
    #[error("the built-in questionnaire's {language} translation: {reason}")]
    BuiltIn { language: String, reason: String },
    /// `--language` names a language a questionnaire does not come in.
    #[error(
        "--language {language}: questionnaire {id} version {version} does not come in it; its \
         languages are {}",
        listed.join(", ")
    )]
    LanguageNotShown {
        language: String,
        id: String,
        version: String,
        listed: Vec<String>,
    },
}

/// Where a questionnaire file's translation into `language` is read from: beside it, its name
/// with the language before the extension (`hair.json`: `hair.es.json`).
pub fn translation_path(questionnaire: &Path, language: &str) -> PathBuf {
    let stem = questionnaire
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    questionnaire.with_file_name(format!("{stem}.{language}.json"))
}

/// The language's English name for staff ("Spanish"), or its tag for one not built in.
pub fn language_name(tag: &str) -> String {
    english_name(tag).map_or_else(|| tag.to_owned(), str::to_owned)
}

/// `q` in each of its other languages, from the translations' texts in its order.
fn in_every_language<'a>(
    q: &Questionnaire,
    texts: impl Iterator<Item = &'a str>,
) -> Result<Vec<Questionnaire>, TranslationError> {
    texts
        .map(|text| translate(q, &Translation::from_json(text)?))
        .collect()
}

fn builtin() -> Result<Vec<Questionnaire>, QuestionnaireError> {
    let q = Questionnaire::builtin();
    let mut all = vec![q.clone()];
    for language in &q.languages[1..] {
        let fault = |reason: String| QuestionnaireError::BuiltIn {
            language: language.clone(),
            reason,
        };
        let json = builtin_json(language).ok_or_else(|| fault("no file".into()))?;
        let t = Translation::from_json(json).map_err(|e| fault(e.to_string()))?;
        all.push(translate(&q, &t).map_err(|e| fault(e.to_string()))?);
    }
    Ok(all)
}

/// Every questionnaire in every language, each version's own language first.
fn load(files: &[Source]) -> Result<Vec<Questionnaire>, QuestionnaireError> {
    let mut all = builtin()?;
    for file in files {
        let q = Questionnaire::from_json(&file.text).map_err(QuestionnaireError::Invalid)?;
        if all.iter().any(|o| o.id == q.id && o.version == q.version) {
            return Err(QuestionnaireError::Twice {
                id: q.id,
                version: q.version,
            });
        }
        let translated = in_every_language(&q, file.translations.iter().map(String::as_str))
            .map_err(QuestionnaireError::Translated)?;
        all.push(q);
        all.extend(translated);
    }
    Ok(all)
}

/// Reads one `--questionnaire` file and the translation of each other language it lists,
/// checking each translation as it is read, so a fault names the file it is in.
fn read(path: &Path) -> Result<Source, QuestionnaireError> {
    let text = std::fs::read_to_string(path).map_err(|source| QuestionnaireError::Read {
        path: path.to_owned(),
        source,
    })?;
    let q = Questionnaire::from_json(&text).map_err(|e| QuestionnaireError::File {
        path: path.to_owned(),
        reason: Box::new(QuestionnaireError::Invalid(e)),
    })?;
    let mut translations = Vec::new();
    for language in &q.languages[1..] {
        let at = translation_path(path, language);
        let text =
            std::fs::read_to_string(&at).map_err(|source| QuestionnaireError::NoTranslation {
                path: at.clone(),
                questionnaire: path.to_owned(),
                language: language.clone(),
                source,
            })?;
        in_every_language(&q, std::iter::once(text.as_str()))
            .map_err(|reason| QuestionnaireError::Translation { path: at, reason })?;
        translations.push(text);
    }
    Ok(Source { text, translations })
}

/// The questionnaires' own spelling of `language`, which each of them must come in.
fn clinic_language(all: &[Questionnaire], language: &str) -> Result<String, QuestionnaireError> {
    let mut spelt = None;
    for q in all {
        let Some(own) = q
            .languages
            .iter()
            .find(|l| l.eq_ignore_ascii_case(language))
        else {
            return Err(QuestionnaireError::LanguageNotShown {
                language: language.to_owned(),
                id: q.id.clone(),
                version: q.version.clone(),
                listed: q.languages.clone(),
            });
        };
        spelt.get_or_insert_with(|| own.clone());
    }
    Ok(spelt.unwrap_or_else(|| language.to_owned()))
}

impl Questionnaires {
    /// Reads and checks every file and translation now, so a bad one stops the start with its
    /// reason, and checks that each comes in `language` (the clinic's, `--language`).
    pub fn from_files(
        paths: &[impl AsRef<Path>],
        language: &str,
    ) -> Result<Questionnaires, QuestionnaireError> {
        let mut files = Vec::new();
        for path in paths {
            let path = path.as_ref();
            files.push(read(path)?);
            // The files before it passed, so a fault is this one's: its own, or a clash.
            load(&files).map_err(|reason| QuestionnaireError::File {
                path: path.to_owned(),
                reason: Box::new(reason),
            })?;
        }
        let mut originals = vec![Questionnaire::builtin()];
        for file in &files {
            originals
                .push(Questionnaire::from_json(&file.text).map_err(QuestionnaireError::Invalid)?);
        }
        let language = clinic_language(&originals, language)?;
        Ok(Questionnaires {
            files: Arc::new(files),
            language: language.into(),
        })
    }

    /// How many are known, the built-in one included (each once, whatever its languages).
    pub fn count(&self) -> usize {
        self.files.len() + 1
    }

    /// The language staff read answers in (`--language`).
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Runs `f` on this thread's copies, every version in every language it comes in (read on
    /// first use; they were checked at start).
    pub fn with<R>(&self, f: impl FnOnce(&[Questionnaire]) -> R) -> R {
        let id = Arc::as_ptr(&self.files) as usize;
        LOADED.with(|cell| {
            let mut loaded = cell.borrow_mut();
            if loaded.as_ref().map(|(i, _)| *i) != Some(id) {
                let all = load(&self.files).unwrap_or_else(|_| {
                    builtin().unwrap_or_else(|_| vec![Questionnaire::builtin()])
                });
                *loaded = Some((id, all));
            }
            f(loaded
                .as_ref()
                .map(|(_, q)| q.as_slice())
                .unwrap_or_default())
        })
    }

    /// Runs `f` on the questionnaire a summary names (its id and version, in its own first
    /// language), or on `None` when this receiver does not know it.
    pub fn find<R>(
        &self,
        named: &QuestionnaireRef,
        f: impl FnOnce(Option<&Questionnaire>) -> R,
    ) -> R {
        self.with(|all| {
            f(all
                .iter()
                .find(|q| q.id == named.id && q.version == named.version))
        })
    }

    /// Runs `f` on a stored submission as staff read it: under the labels of the clinic's
    /// language, beside the words the visitor read.
    pub fn reading<R>(&self, s: &Summary, f: impl FnOnce(&Reading) -> R) -> R {
        self.with(|all| {
            let named = &s.questionnaire;
            let version = |language: &str| {
                all.iter().find(|q| {
                    q.id == named.id
                        && q.version == named.version
                        && q.language().eq_ignore_ascii_case(language)
                })
            };
            let (clinic, read) = (version(&self.language), version(&s.language));
            let relabelled = clinic
                .filter(|q| !q.language().eq_ignore_ascii_case(&s.language))
                .map(|q| s.in_language_of(q));
            f(&Reading {
                shown: relabelled.as_ref().unwrap_or(s),
                sent: s,
                q: clinic.or(read),
                read,
                answered_in: language_name(&s.language),
            })
        })
    }
}

/// A stored submission as staff read it.
pub struct Reading<'a> {
    /// Under the clinic's labels (question labels, option labels, flags), typed text as typed;
    /// the stored summary itself when the visitor read the clinic's language, or when the
    /// questionnaire is no longer known.
    pub shown: &'a Summary,
    /// As stored: in the visitor's language, the consent texts as the visitor read them.
    pub sent: &'a Summary,
    /// The questionnaire in the clinic's language (or as read, when it has no such version).
    pub q: Option<&'a Questionnaire>,
    /// The questionnaire as the visitor read it.
    pub read: Option<&'a Questionnaire>,
    /// The visitor's language by its English name ("Spanish"), or its tag.
    pub answered_in: String,
}

impl Reading<'_> {
    /// Whether the visitor read another language than the one shown to staff.
    pub fn translated(&self) -> bool {
        !self
            .shown
            .language
            .eq_ignore_ascii_case(&self.sent.language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_sit_beside_their_questionnaire() {
        let at = |file: &str, language: &str| translation_path(Path::new(file), language);
        assert_eq!(
            at("/etc/q/hair.json", "es"),
            Path::new("/etc/q/hair.es.json")
        );
        assert_eq!(at("hair.v2.json", "pt-BR"), Path::new("hair.v2.pt-BR.json"));
        assert_eq!(language_name("es-MX"), "Spanish");
        assert_eq!(language_name("pt-BR"), "pt-BR");
    }

    #[test]
    fn the_built_in_questionnaire_comes_in_each_language_it_lists() {
        let none: [&str; 0] = [];
        let qs = Questionnaires::from_files(&none, "EN-gb").unwrap();
        // The questionnaires' own spelling of the clinic's language.
        assert_eq!(qs.language(), "en-GB");
        let languages = qs.with(|all| {
            all.iter()
                .map(|q| q.language().to_owned())
                .collect::<Vec<_>>()
        });
        assert_eq!(languages, ["en-GB", "es", "fr", "de", "ar"]);
        let refused = Questionnaires::from_files(&none, "pt").err().unwrap();
        assert!(
            refused.to_string().starts_with("--language pt: "),
            "{refused}"
        );
    }
}
