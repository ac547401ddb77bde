//! The questionnaires this receiver accepts: the built-in one and each `--questionnaire` file.
//! The core's `Questionnaire` shares its questions with `Rc` (cheap in the browser), so it
//! cannot cross threads: each runtime thread reads its own copy once, from the sources
//! checked at start, and re-checks run synchronously on that copy.

use consultation_widget::core::questionnaire::{LoadError, Questionnaire};
use consultation_widget::core::summary::QuestionnaireRef;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone)]
pub struct Questionnaires {
    /// The texts of the files given, in order; the built-in one comes first, always.
    files: Arc<Vec<String>>,
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
}

fn load(files: &[String]) -> Result<Vec<Questionnaire>, QuestionnaireError> {
    let mut all = vec![Questionnaire::builtin()];
    for text in files {
        let q = Questionnaire::from_json(text).map_err(QuestionnaireError::Invalid)?;
        if all.iter().any(|o| o.id == q.id && o.version == q.version) {
            return Err(QuestionnaireError::Twice {
                id: q.id,
                version: q.version,
            });
        }
        all.push(q);
    }
    Ok(all)
}

impl Questionnaires {
    /// Reads and checks every file now, so a bad one stops the start with its reason.
    pub fn from_files(paths: &[impl AsRef<Path>]) -> Result<Questionnaires, QuestionnaireError> {
        let mut files = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let text =
                std::fs::read_to_string(path).map_err(|source| QuestionnaireError::Read {
                    path: path.to_owned(),
                    source,
                })?;
            files.push(text);
            // The files before it passed, so a fault is this one's: its own, or a clash.
            load(&files).map_err(|reason| QuestionnaireError::File {
                path: path.to_owned(),
                reason: Box::new(reason),
            })?;
        }
        Ok(Questionnaires {
            files: Arc::new(files),
        })
    }

    /// How many are known, the built-in one included.
    pub fn count(&self) -> usize {
        self.files.len() + 1
    }

    /// Runs `f` on this thread's copies (read on first use; they were checked at start).
    pub fn with<R>(&self, f: impl FnOnce(&[Questionnaire]) -> R) -> R {
        let id = Arc::as_ptr(&self.files) as usize;
        LOADED.with(|cell| {
            let mut loaded = cell.borrow_mut();
            if loaded.as_ref().map(|(i, _)| *i) != Some(id) {
                let all = load(&self.files).unwrap_or_else(|_| vec![Questionnaire::builtin()]);
                *loaded = Some((id, all));
            }
            f(loaded
                .as_ref()
                .map(|(_, q)| q.as_slice())
                .unwrap_or_default())
        })
    }

    /// Runs `f` on the questionnaire a summary names (its id and version), or on `None` when
    /// this receiver does not know it.
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
}
