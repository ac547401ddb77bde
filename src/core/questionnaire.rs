//! The questionnaire as data: its shape, how it is read from JSON, the built-in default, and
//! the structural checks a supplied one must pass before the widget will run it.

use super::json::Json;
use std::fmt;
use std::rc::Rc;

/// The built-in microneedling questionnaire, embedded so the widget works with no setup
/// (`default_questionnaire.json`, minified by build.rs).
const DEFAULT_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_questionnaire.json"));

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    /// Shared, so the view can hand a question to its field without copying it.
    pub questions: Vec<Rc<Question>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    /// Choices for `choice` and `multi` questions.
    pub options: Vec<Choice>,
    /// The sentence beside the tick box of a `confirm` question.
    pub text: Option<String>,
    /// Shown (and so validated and summarised) only when this holds.
    pub show_if: Option<Condition>,
    /// A screening question: this answer is flagged for practitioner review.
    pub flag_if: Option<String>,
    /// A consent: the version of the text the visitor agreed to, recorded with the answer.
    pub consent_version: Option<String>,
    /// Overrides the kind's default length limit (in characters).
    pub max_length: Option<usize>,
    /// The HTML `autocomplete` token, so browsers can fill in contact details.
    pub autocomplete: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "text" => Kind::Text,
            "long_text" => Kind::LongText,
            "email" => Kind::Email,
            "website" => Kind::Website,
            "phone" => Kind::Phone,
            "choice" => Kind::Choice,
            "multi" => Kind::Multi,
            "confirm" => Kind::Confirm,
            _ => return None,
        })
    }

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
            Kind::Choice | Kind::Multi | Kind::Confirm => 200,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

/// `{"question": "concerns", "is": "other"}`: holds when that question's answer is (or, for a
/// `multi` question, includes) the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub question: String,
    pub is: String,
}

impl Question {
    pub fn max_length(&self) -> usize {
        self.max_length
            .unwrap_or_else(|| self.kind.default_max_length())
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
    UnknownCondition {
        question: String,
        refers_to: String,
    },
    ConditionNotEarlier {
        question: String,
        refers_to: String,
    },
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
            LoadError::UnknownCondition { question, refers_to } => write!(
                f,
                "the question \"{question}\" depends on \"{refers_to}\", which does not exist"
            ),
            LoadError::ConditionNotEarlier { question, refers_to } => write!(
                f,
                "the question \"{question}\" depends on \"{refers_to}\", which must come before it"
            ),
        }
    }
}

impl Questionnaire {
    /// The questionnaire built into the widget.
    pub fn builtin() -> Questionnaire {
        match Questionnaire::from_json(DEFAULT_JSON) {
            Ok(q) => q,
            Err(e) => panic!("the built-in questionnaire is invalid: {e}"),
        }
    }

    /// Reads and checks a questionnaire. Conditions may only point at an earlier question,
    /// which also rules out loops.
    pub fn from_json(json: &str) -> Result<Questionnaire, LoadError> {
        if json.len() > MAX_BYTES {
            return Err(LoadError::TooLarge(json.len()));
        }
        let doc = Json::parse(json).map_err(|e| LoadError::Syntax(e.to_string()))?;
        let q = read_questionnaire(&doc)?;
        q.check()?;
        Ok(q)
    }

    fn check(&self) -> Result<(), LoadError> {
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
        let mut earlier: Vec<&str> = Vec::new();
        for q in self.questions() {
            if seen.contains(&q.id.as_str()) {
                return Err(LoadError::DuplicateId(q.id.clone()));
            }
            seen.push(&q.id);
            if matches!(q.kind, Kind::Choice | Kind::Multi) && q.options.is_empty() {
                return Err(LoadError::NoOptions(q.id.clone()));
            }
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

/// Reads one JSON object member by member, remembering where it is for messages and refusing
/// members it does not know (a misspelt "requried" must not silently make a question optional).
struct Fields<'a> {
    at: String,
    members: &'a [(String, Json)],
    used: Vec<bool>,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Json, at: String) -> Result<Fields<'a>, LoadError> {
        match value {
            Json::Object(members) => {
                if let Some(i) = (1..members.len())
                    .find(|&i| members[..i].iter().any(|(k, _)| *k == members[i].0))
                {
                    return Err(shape(&at, format!("\"{}\" is given twice", members[i].0)));
                }
                Ok(Fields {
                    at,
                    used: vec![false; members.len()],
                    members,
                })
            }
            other => Err(shape(
                &at,
                format!("must be an object, not {}", other.kind()),
            )),
        }
    }

    fn path(&self, name: &str) -> String {
        if self.at.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.at)
        }
    }

    fn take(&mut self, name: &str) -> Option<&'a Json> {
        let i = self.members.iter().position(|(k, _)| k == name)?;
        self.used[i] = true;
        Some(&self.members[i].1)
    }

    fn opt_text(&mut self, name: &str) -> Result<Option<String>, LoadError> {
        match self.take(name) {
            None => Ok(None),
            Some(Json::Str(s)) => Ok(Some(s.clone())),
            Some(other) => Err(shape(
                &self.path(name),
                format!("must be text, not {}", other.kind()),
            )),
        }
    }

    fn text(&mut self, name: &str) -> Result<String, LoadError> {
        self.opt_text(name)?
            .ok_or_else(|| shape(&self.at, format!("\"{name}\" is missing")))
    }

    fn flag(&mut self, name: &str) -> Result<bool, LoadError> {
        match self.take(name) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(other) => Err(shape(
                &self.path(name),
                format!("must be true or false, not {}", other.kind()),
            )),
        }
    }

    fn count(&mut self, name: &str) -> Result<Option<usize>, LoadError> {
        match self.take(name) {
            None => Ok(None),
            Some(n) => match n.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(n) if n > 0 => Ok(Some(n)),
                _ => Err(shape(
                    &self.path(name),
                    "must be a whole number above 0".to_owned(),
                )),
            },
        }
    }

    fn list(&mut self, name: &str, required: bool) -> Result<&'a [Json], LoadError> {
        match self.take(name) {
            None if required => Err(shape(&self.at, format!("\"{name}\" is missing"))),
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(other) => Err(shape(
                &self.path(name),
                format!("must be a list, not {}", other.kind()),
            )),
        }
    }

    fn object(&mut self, name: &str) -> Result<Option<Fields<'a>>, LoadError> {
        let path = self.path(name);
        self.take(name).map(|v| Fields::new(v, path)).transpose()
    }

    fn finish(self) -> Result<(), LoadError> {
        match self.used.iter().position(|u| !u) {
            Some(i) => Err(shape(
                &self.at,
                format!("\"{}\" is not a known setting", self.members[i].0),
            )),
            None => Ok(()),
        }
    }
}

fn shape(at: &str, problem: String) -> LoadError {
    let at = if at.is_empty() {
        "top level".to_owned()
    } else {
        at.to_owned()
    };
    LoadError::Shape { at, problem }
}

fn read_questionnaire(doc: &Json) -> Result<Questionnaire, LoadError> {
    let mut f = Fields::new(doc, String::new())?;
    let (id, version, title) = (f.text("id")?, f.text("version")?, f.text("title")?);
    // Plain loops rather than collecting into a Result: the same, in less download.
    let mut steps = Vec::new();
    for (i, s) in f.list("steps", true)?.iter().enumerate() {
        steps.push(read_step(s, format!("steps[{i}]"))?);
    }
    f.finish()?;
    Ok(Questionnaire {
        id,
        version,
        title,
        steps,
    })
}

fn read_step(value: &Json, at: String) -> Result<Step, LoadError> {
    let mut f = Fields::new(value, at.clone())?;
    let (id, title, intro) = (f.text("id")?, f.text("title")?, f.opt_text("intro")?);
    let mut questions = Vec::new();
    for (i, q) in f.list("questions", true)?.iter().enumerate() {
        questions.push(Rc::new(read_question(q, format!("{at}.questions[{i}]"))?));
    }
    f.finish()?;
    Ok(Step {
        id,
        title,
        intro,
        questions,
    })
}

fn read_question(value: &Json, at: String) -> Result<Question, LoadError> {
    let mut f = Fields::new(value, at.clone())?;
    let id = f.text("id")?;
    let kind = f.text("kind")?;
    let kind = Kind::parse(&kind).ok_or_else(|| {
        shape(
            &format!("{at}.kind"),
            format!("\"{kind}\" is not a kind of question (text, long_text, email, website, phone, choice, multi or confirm)"),
        )
    })?;
    let label = f.text("label")?;
    let hint = f.opt_text("hint")?;
    let required = f.flag("required")?;
    let mut options = Vec::new();
    for (i, o) in f.list("options", false)?.iter().enumerate() {
        let mut c = Fields::new(o, format!("{at}.options[{i}]"))?;
        let (value, label, hint) = (c.text("value")?, c.text("label")?, c.opt_text("hint")?);
        c.finish()?;
        options.push(Choice { value, label, hint });
    }
    let text = f.opt_text("text")?;
    let show_if = match f.object("show_if")? {
        Some(mut c) => {
            let condition = Condition {
                question: c.text("question")?,
                is: c.text("is")?,
            };
            c.finish()?;
            Some(condition)
        }
        None => None,
    };
    let flag_if = f.opt_text("flag_if")?;
    let consent_version = f.opt_text("consent_version")?;
    let max_length = f.count("max_length")?;
    let autocomplete = f.opt_text("autocomplete")?;
    f.finish()?;
    Ok(Question {
        id,
        kind,
        label,
        hint,
        required,
        options,
        text,
        show_if,
        flag_if,
        consent_version,
        max_length,
        autocomplete,
    })
}

/// Ids become HTML ids and CSS selectors in the view and keys in the JSON that systems read,
/// so they keep to a plain, stable alphabet.
fn is_safe_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
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
        assert_eq!(consents, 5);
        assert!(!q.question("photo_consent").unwrap().required);
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
        type Expect = fn(&LoadError) -> bool;
        let cases: Vec<(String, Expect)> = vec![
            (
                "{".into(),
                |e| matches!(e, LoadError::Syntax(m) if m == "line 1, column 2: expected a name in quotes"),
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
                |e| matches!(e, LoadError::Shape { at, problem } if at == "steps[0].questions[0].kind" && problem.contains("\"slider\"")),
            ),
            (wrap(vec![]), |e| matches!(e, LoadError::Empty)),
            // Issue 5: a missing id, and a loop of conditions (each refers to the other).
            (wrap(vec![r#"{"kind":"text","label":"L"}"#.into()]), |e| {
                e.to_string() == "the questionnaire's steps[0].questions[0]: \"id\" is missing"
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
                e.to_string() == "the questionnaire's steps[0].questions[0]: \"requried\" is not a known setting"
            }),
            (wrap(vec![r#"{"id":"a","kind":"text"}"#.into()]), |e| {
                e.to_string() == "the questionnaire's steps[0].questions[0]: \"label\" is missing"
            }),
            (
                wrap(vec![r#"{"id":"a","kind":"text","label":7}"#.into()]),
                |e| {
                    e.to_string() == "the questionnaire's steps[0].questions[0].label: must be text, not a number"
                },
            ),
            (
                wrap(vec![
                    r#"{"id":"a","kind":"text","label":"L","label":"M"}"#.into()
                ]),
                |e| e.to_string().ends_with("\"label\" is given twice"),
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
                |e| e.to_string().ends_with("show_if: \"is\" is missing"),
            ),
            ("[]".into(), |e| {
                e.to_string() == "the questionnaire's top level: must be an object, not a list"
            }),
            ("{\"id\":\"q\",\n\"version\":1}".into(), |e| {
                e.to_string() == "the questionnaire's version: must be text, not a number"
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
        ];
        for (json, expected) in cases {
            let err = Questionnaire::from_json(&json).expect_err(&json);
            assert!(expected(&err), "{json} gave {err:?}");
            assert!(!err.to_string().is_empty());
        }
    }
}
