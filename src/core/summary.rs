//! The summary staff receive: built once from the answers, then written as plain text (flags
//! first, for a ten-second read) and as JSON (for systems). Both come from the same `Summary`.

use super::answers::{Answers, Value};
use super::characters;
use super::messages::{AGREED, NOT_AGREED, NOT_PROVIDED, SIGNED_BY};
use super::questionnaire::{Kind, Questionnaire};
use super::reading::{self, ReadError};
use super::signature::Stroke;
use super::validate::email;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::Write;

/// Names the JSON shape, so a receiving system can tell versions apart.
pub const FORMAT: &str = "consultation-summary/1";

/// The submission document (schema/submission.schema.json): written by the widget, read back
/// by the clinic's receiver with the same type. Members are written in this order; a document
/// with a member the schema does not list is refused (`additionalProperties: false`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub format: Format,
    pub submission_id: String,
    pub reference: String,
    pub questionnaire: QuestionnaireRef,
    /// The BCP 47 tag of the language of every text here (labels, option displays, consent
    /// texts): the language the visitor read, the questionnaire's `language()`. The signed
    /// consent's words are in it too, and its digest covers them. A document from before
    /// issue 25 has none and was English.
    #[serde(default = "default_language")]
    pub language: String,
    pub completed_at: String,
    /// Every screening answer that needs a practitioner's review, with its details.
    pub flags: Vec<Flag>,
    /// Every visible question, in questionnaire order.
    pub answers: Vec<Item>,
    pub consents: Vec<Consent>,
    /// The signed consent, when the questionnaire asks for a signature and the visitor signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureRecord>,
    /// For form backends of the Formspree kind: the email subject, naming visitor and clinic.
    #[serde(rename = "_subject")]
    pub subject: String,
    /// Why the submission looks automated (`core::spam`); empty for a person. Written as
    /// `{"likely": true, "reasons": [...]}`, and left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "spam_mark")]
    pub spam: Vec<String>,
    /// The page address parameters the clinic chose to pass along (`data-pass-params`), such as
    /// where the visitor came from; never answers. Left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "super::pairs")]
    pub context: Vec<(String, String)>,
    /// For form backends: where staff replies go, the visitor's email address.
    #[serde(rename = "_replyto", default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The plain-text summary (`text()`), which form backends email to staff as it is.
    pub message: String,
    /// Step ids and titles, for the headings of `text()`; not part of the document.
    #[serde(skip)]
    steps: Vec<(String, String)>,
    /// The language the visitor answered in, when this is their summary under another
    /// language's labels (`in_language_of`), for `text()`'s "Answered in"; not part of the
    /// document.
    #[serde(skip)]
    answered_in: Option<String>,
}

/// The language of a document written before documents named theirs: the widget only spoke
/// British English then.
fn default_language() -> String {
    "en-GB".to_owned()
}

/// The document's `format`: always `FORMAT`, and a document naming another is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Format;

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FORMAT)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Format, D::Error> {
        let name = String::deserialize(deserializer)?;
        if name == FORMAT {
            Ok(Format)
        } else {
            Err(serde::de::Error::custom(format_args!(
                "\"{name}\" is not {FORMAT}"
            )))
        }
    }
}

/// `spam` as the document writes it: `{"likely": true, "reasons": [...]}`.
mod spam_mark {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Mark<R> {
        likely: bool,
        reasons: R,
    }

    pub fn serialize<S: Serializer>(reasons: &[String], serializer: S) -> Result<S::Ok, S::Error> {
        Mark {
            likely: true,
            reasons,
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        Ok(Mark::<Vec<String>>::deserialize(deserializer)?.reasons)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    pub question_id: String,
    pub label: String,
    pub answer: String,
    pub details: Vec<Item>,
}

/// The `question_id` of the flag that lists the screening questions left unanswered. Not a
/// question id a questionnaire may use (`Questionnaire::check` refuses it).
pub const SCREENING_INCOMPLETE: &str = "screening_incomplete";

impl Flag {
    /// "Screening incomplete: 2 questions not answered", naming each in `details` (each with
    /// no value).
    fn screening_incomplete(unanswered: Vec<Item>) -> Flag {
        let n = unanswered.len();
        Flag {
            question_id: SCREENING_INCOMPLETE.to_owned(),
            label: Flag::incomplete_label(n),
            answer: String::new(),
            details: unanswered,
        }
    }

    /// "Screening incomplete: 2 questions not answered": the flag's label, and the inbox
    /// list's mark for it, in one wording.
    pub fn incomplete_label(n: usize) -> String {
        let s = if n == 1 { "" } else { "s" };
        format!("Screening incomplete: {n} question{s} not answered")
    }

    /// How many screening questions went unanswered (0 for an answer's flag).
    pub fn unanswered(&self) -> usize {
        if self.question_id == SCREENING_INCOMPLETE {
            self.details.len()
        } else {
            0
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub question_id: String,
    pub step_id: String,
    pub label: String,
    /// The raw answer (option values, typed text exactly as entered); `null` when not given.
    pub value: Option<Value>,
    /// The answer as a person reads it; `null` when not given.
    pub display: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub question_id: String,
    pub label: String,
    pub text: String,
    pub given: bool,
    pub version: String,
}

/// Who signed, when, what they drew, and the digest of the exact consent words they were shown
/// (`core::consent`): the record a clinic keeps of a signed consent (issue 23). The words signed
/// are in the document's `language` (issue 25): one member names the language of every text,
/// these included, and the digest binds it, since a document naming another language than the
/// words its digest covers is refused by the receiver as a digest mismatch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRecord {
    pub question_id: String,
    /// The typed name, exactly as typed.
    pub signer: String,
    /// The browser's time of signing: the visitor signs by sending what they signed, so it is
    /// the summary's `completed_at` (the receiver keeps its own time beside it).
    pub signed_at: String,
    /// The drawn strokes in `core::signature`'s box; empty when the visitor only typed.
    pub strokes: Vec<Stroke>,
    /// Lowercase hex SHA-256 of `core::consent::canonical` for the questionnaire shown.
    pub consent_digest: String,
}

/// A short reference a visitor can quote on the phone: the first eight letters and digits of
/// the submission id, upper-cased, in two groups of four.
pub fn reference(submission_id: &str) -> String {
    let chars: Vec<char> = submission_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (a, b) = chars.split_at(chars.len().min(4));
    let (a, b): (String, String) = (a.iter().collect(), b.iter().collect());
    if b.is_empty() {
        a
    } else {
        format!("{a}-{b}")
    }
}

impl Summary {
    /// The photos the submission names, with their question's id, in the questionnaire's
    /// order (issue 24): the widget sends each image beside the JSON, and the receiver needs
    /// each one there.
    pub fn photos(&self) -> impl Iterator<Item = (&str, &super::photos::Photo)> {
        self.answers
            .iter()
            .filter_map(|a| match &a.value {
                Some(Value::Photos(photos)) => Some((a.question_id.as_str(), photos)),
                _ => None,
            })
            .flat_map(|(question, photos)| photos.iter().map(move |p| (question, p)))
    }

    pub fn build(
        q: &Questionnaire,
        answers: &Answers,
        clinic_name: &str,
        submission_id: String,
        completed_at: String,
    ) -> Summary {
        let mut items = Vec::new();
        let mut flags = Vec::new();
        let mut consents = Vec::new();
        let mut unanswered = Vec::new();
        let mut signature = None;
        for step in &q.steps {
            for question in step.questions.iter().filter(|x| answers.is_visible(q, x)) {
                let mut value = answers.get(&question.id).filter(|v| !v.is_blank()).cloned();
                // The strokes go to the signed consent record; the answer is the typed name.
                if let Some(Value::Signed(signed)) = value {
                    value = Some(Value::Text(signed.name.clone()));
                    signature = Some(SignatureRecord {
                        question_id: question.id.clone(),
                        signer: signed.name,
                        signed_at: completed_at.clone(),
                        strokes: signed.strokes,
                        consent_digest: String::new(),
                    });
                }
                let item = Item {
                    question_id: question.id.clone(),
                    step_id: step.id.clone(),
                    label: question.label.clone(),
                    display: answers.display(question),
                    value,
                };
                if let Some(version) = &question.consent_version {
                    consents.push(Consent {
                        question_id: question.id.clone(),
                        label: question.label.clone(),
                        text: question
                            .text
                            .clone()
                            .unwrap_or_else(|| question.label.clone()),
                        given: item.value.is_some(),
                        version: version.clone(),
                    });
                }
                let flagged = question
                    .flag_if
                    .as_deref()
                    .is_some_and(|want| item.value.as_ref().is_some_and(|v| v.matches(want)));
                if question.flag_if.is_some() && item.value.is_none() {
                    unanswered.push(item.clone());
                }
                if flagged {
                    flags.push(Flag {
                        question_id: question.id.clone(),
                        label: question.label.clone(),
                        answer: item.display.clone().unwrap_or_default(),
                        details: Vec::new(),
                    });
                }
                // A question shown because of a flagged answer is that flag's detail.
                let parent = question.show_if.as_ref().map(|c| c.question.as_str());
                if let Some(flag) = flags
                    .iter_mut()
                    .find(|f| Some(f.question_id.as_str()) == parent)
                {
                    flag.details.push(item.clone());
                }
                items.push(item);
            }
        }
        // A screening question left unanswered is not a "no": staff must ask it, so it is a
        // flag of its own, first, and the summary never reads "No screening flags" (issue 20).
        if !unanswered.is_empty() {
            flags.insert(0, Flag::screening_incomplete(unanswered));
        }
        // The visitor is named by the question the browser would autofill with a name.
        let visitor = q
            .questions()
            .find(|x| x.autocomplete.as_deref() == Some("name"))
            .and_then(|x| answers.display(x))
            .map(|n| one_line(&n))
            .unwrap_or_else(|| "a visitor".to_owned());
        let reply_to = q
            .questions()
            .filter(|x| x.kind == Kind::Email && answers.is_visible(q, x))
            .find_map(|x| answers.get(&x.id).map(|v| email::sanitise(v.as_text())))
            .filter(|e| email::is_valid(e));
        let mut summary = Summary {
            format: Format,
            reference: reference(&submission_id),
            submission_id,
            questionnaire: QuestionnaireRef {
                id: q.id.clone(),
                version: q.version.clone(),
                title: q.title.clone(),
            },
            language: q.language().to_owned(),
            completed_at,
            flags,
            answers: items,
            consents,
            signature,
            subject: format!(
                "{} request from {visitor} for {}",
                one_line(&q.title),
                one_line(clinic_name)
            ),
            reply_to,
            message: String::new(),
            context: Vec::new(),
            spam: Vec::new(),
            steps: q
                .steps
                .iter()
                .map(|s| (s.id.clone(), s.title.clone()))
                .collect(),
            answered_in: None,
        };
        summary.message = summary.text();
        summary
    }

    /// The same summary with the page parameters passed along and the reasons it looks like
    /// spam, in JSON and in the text.
    pub fn annotated(mut self, context: &[(String, String)], spam: &[String]) -> Summary {
        self.context = context.to_vec();
        self.spam = spam.to_vec();
        self.message = self.text();
        self
    }

    /// The same summary with the digest of the consent words shown (`core::consent`), which the
    /// widget knows before it mounts (src/view/consent.rs) and the receiver computes itself.
    pub fn with_consent_digest(mut self, digest: &str) -> Summary {
        if let Some(record) = &mut self.signature {
            record.consent_digest = digest.to_owned();
        }
        self
    }

    /// The answers as the widget held them, read back from the summary: each answer's value,
    /// the signature's typed name with the signed record's strokes. For a summary the receiver
    /// has re-checked, so every value already has its question's shape.
    pub fn held_answers(&self) -> Answers {
        let mut answers = Answers::default();
        for item in &self.answers {
            let Some(value) = &item.value else { continue };
            let value = match (&self.signature, value) {
                (Some(record), Value::Text(name)) if record.question_id == item.question_id => {
                    Value::Signed(super::signature::Signature {
                        name: name.clone(),
                        strokes: record.strokes.clone(),
                    })
                }
                _ => value.clone(),
            };
            answers.set(&item.question_id, value);
        }
        answers
    }

    /// The same submission under another language's texts of its questionnaire (`q`, the same
    /// id and version, translated): labels, option displays, flags and the consents' words in
    /// `q`'s language, typed text exactly as typed. What staff read in the clinic's language;
    /// the signed record (and its digest of the words the visitor read), the subject, the reply
    /// address, the page parameters and the spam reasons are the submission's own.
    pub fn in_language_of(&self, q: &Questionnaire) -> Summary {
        let mut out = Summary::build(
            q,
            &self.held_answers(),
            "",
            self.submission_id.clone(),
            self.completed_at.clone(),
        )
        .annotated(&self.context, &self.spam);
        out.signature = self.signature.clone();
        out.subject = self.subject.clone();
        out.reply_to = self.reply_to.clone();
        if !out.language.eq_ignore_ascii_case(&self.language) {
            out.answered_in = Some(self.language.clone());
            out.message = out.text();
        }
        out
    }

    /// The submission as JSON (schema/submission.schema.json), indented for people who open
    /// the downloaded file.
    pub fn json(&self) -> String {
        // Strings, booleans and lists of them: serde_json cannot fail on these. Written
        // compactly, as drafts and events are, then indented: one serde_json writer in the
        // wasm rather than two (500 bytes less gzip).
        indented(&serde_json::to_string(self).unwrap_or_default())
    }

    /// Reads a submission document exactly as `json()` writes it; the error says where and
    /// what is wrong (`answers[3].value: invalid type ...`).
    pub fn from_json(text: &str) -> Result<Summary, ReadError> {
        reading::read(text)
    }

    /// The plain text for email: flags first, then each step's answers in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if !self.spam.is_empty() {
            // First, so staff can set it aside in seconds; the request stays whole below.
            let _ = writeln!(out, "LIKELY SPAM ({})\n", self.spam.join(", "));
        }
        let _ = writeln!(out, "{}", self.questionnaire.title);
        let _ = writeln!(out, "Reference: {}", self.reference);
        let _ = writeln!(out, "Completed: {}", self.completed_at);
        let _ = writeln!(
            out,
            "Questionnaire: {} version {}",
            self.questionnaire.id, self.questionnaire.version
        );
        let _ = writeln!(out, "Submission id: {}", self.submission_id);
        if let Some(tag) = &self.answered_in {
            let name = super::translation::english_name(tag).unwrap_or(tag);
            let _ = writeln!(out, "Answered in {}", clean(name));
        }
        for (name, value) in &self.context {
            let _ = writeln!(out, "Page parameter {name}: {}", one_line(value));
        }
        out.push('\n');
        if self.flags.is_empty() {
            out.push_str("No screening flags\n");
        } else {
            let _ = writeln!(out, "NEEDS PRACTITIONER REVIEW ({})", self.flags.len());
            for flag in &self.flags {
                if flag.unanswered() > 0 {
                    // The questions staff still need to ask, one per line.
                    let _ = writeln!(out, "- {}", clean(&flag.label));
                    for d in &flag.details {
                        let _ = writeln!(out, "    {}", clean(&d.label));
                    }
                    continue;
                }
                let _ = writeln!(out, "- {} {}", clean(&flag.label), clean(&flag.answer));
                for d in &flag.details {
                    let shown = d
                        .display
                        .as_deref()
                        .map(clean)
                        .unwrap_or_else(|| NOT_PROVIDED.into());
                    let _ = writeln!(out, "    {}", line(&d.label, &shown));
                }
            }
        }
        for (step_id, title) in &self.steps {
            // An underline rather than capitals: upper-casing every script needs Unicode tables
            // in the download, and an underline reads as a heading in any mail client.
            let _ = write!(
                out,
                "\n{}\n{}\n",
                clean(title),
                "-".repeat(title.chars().count())
            );
            for item in self.answers.iter().filter(|i| &i.step_id == step_id) {
                let shown = match self
                    .consents
                    .iter()
                    .find(|c| c.question_id == item.question_id)
                {
                    Some(c) => format!(
                        "{} (text version {})",
                        match &self.signature {
                            Some(s) if s.question_id == c.question_id =>
                                format!("{SIGNED_BY} {}", clean(&s.signer)),
                            _ if c.given => AGREED.to_owned(),
                            _ => NOT_AGREED.to_owned(),
                        },
                        clean(&c.version)
                    ),
                    None => item
                        .display
                        .as_deref()
                        .map(clean)
                        .unwrap_or_else(|| NOT_PROVIDED.into()),
                };
                let _ = writeln!(out, "{}", line(&item.label, &shown));
            }
        }
        out
    }
}

/// "Label: answer", or "Question? Answer" when the label asks a question.
fn line(label: &str, shown: &str) -> String {
    let label = clean(label);
    let joint = if label.ends_with('?') { " " } else { ": " };
    format!("{label}{joint}{shown}")
}

/// Text for a single line such as an email subject: every control character, line breaks
/// included, becomes a space, so nothing typed can start a new mail header.
pub(crate) fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|&c| !characters::reorders(c) && !characters::is_hidden(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Line and paragraph separators are whitespace: they go with the rest.
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How a line break inside an answer continues: indented like a flag's detail line, then a
/// bar no line the widget writes has, so typed text can never pass for a detail or an answer
/// (issue 14).
const CONTINUATION: &str = "\n    | ";

/// Makes visitor text safe to place in a plain-text summary: control characters, characters
/// that reorder what staff read and invisible ones (`core::characters`) are dropped, and a line
/// break (or a line separator) starts an indented line, so typed text can never pose as a
/// heading or a new answer. The zero-width joiners that emoji and several scripts need are
/// kept.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str(CONTINUATION),
            c if characters::is_line_separator(c) => out.push_str(CONTINUATION),
            c if characters::reorders(c) || characters::is_hidden(c) => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Compact JSON laid out exactly as `serde_json::to_string_pretty` lays it out: each member
/// and item on a line of its own, indented by two spaces, `": "` after names, and `[]` and
/// `{}` kept whole. Only whitespace is added, and never inside a string.
fn indented(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        out.push(c);
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => match chars.next_if(|&n| n == '}' || n == ']') {
                Some(end) => out.push(end),
                None => {
                    depth += 1;
                    newline(&mut out, depth);
                }
            },
            '}' | ']' => {
                out.pop();
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => newline(&mut out, depth),
            ':' => out.push(' '),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::flow::{Action, Flow};
    use std::rc::Rc;

    fn completed(extra: Vec<(&str, Value)>) -> Summary {
        let q = Questionnaire::builtin();
        let mut flow = Flow::new(Rc::new(q.clone()), Rc::new(Config::default()));
        for actions in crate::core::flow::tests::minimal_answers() {
            for a in actions {
                flow.apply(a);
            }
        }
        for (id, v) in extra {
            flow.apply(Action::Answer {
                question: id.into(),
                value: v,
            });
        }
        // Built straight from the answers: the flow's own path to the summary is tested there.
        Summary::build(
            &q,
            &flow.answers,
            "Glow Clinic",
            "0f3a9c1b-2d4e-5f60".into(),
            "2026-11-21T10:00:00Z".into(),
        )
    }

    #[test]
    fn no_flags_says_so_first() {
        let s = completed(vec![]);
        let text = s.text();
        let first_section = text.split("\n\n").nth(1).unwrap();
        assert_eq!(first_section, "No screening flags");
        assert!(text.contains("Phone number: Not provided\n"), "{text}");
        assert!(text.contains("Risks: Agreed (text version risks-2026-11)\n"));
        assert!(
            text.contains("Before and after photos: Not agreed (text version photos-2026-11)\n")
        );
        assert_eq!(s.reference, "0F3A-9C1B");
    }

    #[test]
    fn unanswered_screening_is_a_flag_never_no_flags() {
        // Issue 20: a skipped screening read "No screening flags", which a practitioner can
        // take for "screened and clear". Unanswered questions with `flag_if` are a flag of
        // their own, first, naming each question; answered ones are flagged as before.
        let q = Questionnaire::builtin();
        let mut flow = Flow::new(Rc::new(q.clone()), Rc::new(Config::default()));
        for (step, actions) in crate::core::flow::tests::minimal_answers()
            .into_iter()
            .enumerate()
        {
            for a in actions {
                // Two screening answers given, the other ten skipped.
                let keep = match &a {
                    Action::Answer { question, .. } if step == 3 => {
                        question == "diabetes" || question == "pregnant"
                    }
                    _ => true,
                };
                if keep {
                    flow.apply(a);
                }
            }
        }
        flow.apply(Action::Answer {
            question: "pregnant".into(),
            value: Value::Text("yes".into()),
        });
        let s = Summary::build(&q, &flow.answers, "Glow Clinic", "id".into(), "t".into());
        let text = s.text();
        assert!(!text.contains("No screening flags"), "{text}");
        let expected = "NEEDS PRACTITIONER REVIEW (2)\n\
            - Screening incomplete: 10 questions not answered\n    \
            Do you have eczema, psoriasis or rosacea in the area to be treated?\n";
        assert!(text.contains(expected), "{text}");
        assert!(text.contains("    Are you allergic to any topical products or numbing cream?\n- Are you pregnant or breastfeeding? Yes\n"), "{text}");
        assert!(!text.contains("    Do you have diabetes?\n"), "{text}");
        assert_eq!(s.flags[0].question_id, SCREENING_INCOMPLETE);
        assert_eq!(s.flags[0].unanswered(), 10);
        assert_eq!(s.flags[1].unanswered(), 0);
        // The JSON names them too, so a system that reads `flags` never sees "clear".
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(
            json["flags"][0]["label"],
            "Screening incomplete: 10 questions not answered"
        );
        assert_eq!(
            json["flags"][0]["details"][0]["question_id"],
            "skin_condition"
        );
        assert_eq!(
            json["flags"][0]["details"][0]["value"],
            serde_json::Value::Null
        );
        // One left: singular.
        let mut answers = flow.answers.clone();
        for q in q
            .questions()
            .filter(|q| q.flag_if.is_some() && q.id != "keloid")
        {
            if answers.get(&q.id).is_none() {
                answers.set(&q.id, Value::Text("no".into()));
            }
        }
        let s = Summary::build(&q, &answers, "Glow Clinic", "id".into(), "t".into());
        assert!(s.text().contains("- Screening incomplete: 1 question not answered\n    Do you have keloid or raised scarring?\n"));
    }

    #[test]
    fn every_yes_is_flagged_with_its_detail_before_anything_else() {
        let yes = || Value::Text("yes".into());
        let s = completed(vec![
            ("pregnant", yes()),
            ("diabetes", Value::Text("no".into())),
            ("allergies", yes()),
            ("allergies_detail", Value::Text("Lidocaine".into())),
        ]);
        let text = s.text();
        let expected = "NEEDS PRACTITIONER REVIEW (2)\n\
            - Are you pregnant or breastfeeding? Yes\n\
            - Are you allergic to any topical products or numbing cream? Yes\n    \
            Which products are you allergic to? Lidocaine\n";
        assert!(text.contains(expected), "{text}");
        let flags_at = text.find("NEEDS PRACTITIONER REVIEW").unwrap();
        let contact_at = text
            .find("\nAbout you\n---------\nFull name: Jane Example\n")
            .unwrap();
        assert!(flags_at < contact_at, "{text}");
        // The JSON carries the same flags.
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        let flags = json["flags"].as_array().unwrap();
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[1]["details"][0]["value"], "Lidocaine");
    }

    #[test]
    fn indented_as_serde_json_indents() {
        let docs = [
            r#"{"a":[],"b":{},"c":[{}],"d":[[],[1,{"e":null}]],"f":true}"#,
            r#"{"s":"a\"b,{c}:[d]\\","t":"\u0001é\n","":[""]}"#,
            "[]",
            "{}",
            "\"x\"",
        ];
        for doc in docs {
            let v: serde_json::Value = serde_json::from_str(doc).unwrap();
            let compact = serde_json::to_string(&v).unwrap();
            assert_eq!(
                indented(&compact),
                serde_json::to_string_pretty(&v).unwrap(),
                "{doc}"
            );
        }
    }

    #[test]
    fn json_holds_every_visible_answer_with_ids() {
        let s = completed(vec![("website", Value::Text("myclinic.com".into()))]);
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(json["format"], FORMAT);
        assert_eq!(json["questionnaire"]["id"], "microneedling-consultation");
        assert_eq!(json["completed_at"], "2026-11-21T10:00:00Z");
        let answers = json["answers"].as_array().unwrap();
        let by_id = |id: &str| {
            answers
                .iter()
                .find(|a| a["question_id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(by_id("full_name")["value"], "Jane Example");
        assert_eq!(by_id("areas")["value"], serde_json::json!(["face"]));
        assert_eq!(by_id("age_confirmed")["value"], true);
        assert_eq!(by_id("website")["display"], "https://myclinic.com");
        assert_eq!(by_id("phone")["value"], serde_json::Value::Null);
        assert!(answers.iter().all(|a| a["question_id"] != "concerns_other"));
        let consents = json["consents"].as_array().unwrap();
        assert_eq!(consents.len(), 6);
        assert_eq!(consents[4]["given"], false);
        // Issue 23: the signature's answer is the typed name; its record holds the rest.
        assert_eq!(by_id("signature")["value"], "Jane Example");
        assert_eq!(consents[5]["question_id"], "signature");
        assert_eq!(json["signature"]["signer"], "Jane Example");
        assert_eq!(json["signature"]["signed_at"], json["completed_at"]);
        assert!(s
            .text()
            .contains("Your signature: Signed by Jane Example (text version signature-2026-12)"));
        // Text and JSON list the same answers.
        let text = s.text();
        for a in answers {
            let label = a["label"].as_str().unwrap();
            let joint = if label.ends_with('?') { " " } else { ": " };
            assert!(text.contains(&format!("\n{label}{joint}")), "{a}\n{text}");
        }
    }

    #[test]
    fn visitor_text_is_kept_exactly_in_json_and_defused_in_text() {
        // Issue 2, "Bad input": emoji, accents, right-to-left text and markup are kept.
        let hostile = "Zoë 😀 مرحبا <script>alert(1)</script>\nBcc: x@example.com\u{202e}gnp.exe";
        let s = completed(vec![("goals", Value::Text(hostile.into()))]);
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        let goals = json["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["question_id"] == "goals")
            .unwrap();
        assert_eq!(goals["value"], hostile);
        let text = s.text();
        assert!(text.contains(
            "What do you hope to achieve? Zoë 😀 مرحبا <script>alert(1)</script>\n    | Bcc: x@example.com"
        ));
        assert!(!text.contains('\u{202e}'));
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")));
    }

    #[test]
    fn page_parameters_reach_staff_as_one_line_each() {
        // Issue 4: an allow-list of page address parameters passed along with the submission.
        let context = [
            ("utm_source".to_owned(), "newsletter".to_owned()),
            ("utm_campaign".to_owned(), "spring <b>offer</b>".to_owned()),
        ];
        let s = completed(vec![]).annotated(&context, &[]);
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(
            json["context"],
            serde_json::json!({"utm_source": "newsletter", "utm_campaign": "spring <b>offer</b>"})
        );
        assert_eq!(json["message"], s.text());
        assert!(s.text().contains(
            "Page parameter utm_source: newsletter\nPage parameter utm_campaign: spring <b>offer</b>\n"
        ));
        // None given: no key at all, as the schema allows.
        let plain: serde_json::Value = serde_json::from_str(&completed(vec![]).json()).unwrap();
        assert!(plain.get("context").is_none());
    }

    #[test]
    fn invisible_and_separating_characters_never_reach_staff_raw() {
        // Issue 14, "What staff read": line and paragraph separators become the widget's own
        // continuation; directional marks, soft hyphens, tag characters and Hangul fillers
        // are dropped; a typed line can never pass for a flag's detail line.
        let typed = "a\u{2028}b\u{2029}c \u{200e}d\u{200f}e\u{061c}f so\u{00ad}ft \
            \u{e0041}\u{e0042}tag \u{3164}\u{115f}fill\n    Which products are you allergic to? None";
        let s = completed(vec![("goals", Value::Text(typed.into()))]);
        let text = s.text();
        let line = text
            .lines()
            .skip_while(|l| !l.starts_with("What do you hope to achieve?"))
            .take(4)
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            line,
            "What do you hope to achieve? a\n    | b\n    | c def soft tag fill\n    |     Which products are you allergic to? None"
        );
        // The JSON keeps exactly what was typed.
        assert!(s.json().contains("\\u2028") || s.json().contains('\u{2028}'));
    }

    #[test]
    fn form_backend_fields() {
        // Issue 3: `_subject` names the clinic and the visitor, `_replyto` is the visitor's
        // email, `message` the plain-text summary.
        let s = completed(vec![(
            "full_name",
            Value::Text("Jane\r\nBcc: x@example.com".into()),
        )]);
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(
            json["_subject"],
            "Microneedling consultation request from Jane Bcc: x@example.com for Glow Clinic"
        );
        assert_eq!(json["_replyto"], "name@example.com");
        assert_eq!(json["message"], s.text());
        assert!(s
            .text()
            .starts_with("Microneedling consultation\nReference: 0F3A-9C1B\n"));
    }

    #[test]
    fn json_keys_agree_with_the_schema_file() {
        // schema/submission.schema.json documents this JSON for clinics; the end-to-end tests
        // validate real submissions against it with ajv. Here: the keys never drift apart.
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/submission.schema.json")).unwrap();
        let yes = || Value::Text("yes".into());
        let s = completed(vec![
            ("allergies", yes()),
            ("allergies_detail", Value::Text("Latex".into())),
        ])
        .annotated(
            &[("utm_source".into(), "newsletter".into())],
            &["completed-too-fast".into()],
        );
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let listed = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            k.sort();
            k
        };
        let properties = keys(&schema["properties"]);
        assert_eq!(
            keys(&json),
            properties,
            "every property, _replyto, context and spam included here"
        );
        let required = listed(&schema["required"]);
        assert!(required.iter().all(|r| json.get(r).is_some()));
        let defs = &schema["$defs"];
        assert_eq!(
            keys(&json["answers"][0]),
            listed(&defs["answer"]["required"])
        );
        assert_eq!(keys(&json["flags"][0]), listed(&defs["flag"]["required"]));
        assert_eq!(
            keys(&json["consents"][0]),
            listed(&defs["consent"]["required"])
        );
        assert_eq!(
            keys(&json["signature"]),
            listed(&defs["signature"]["required"])
        );
        assert_eq!(
            keys(&json["signature"]),
            keys(&defs["signature"]["properties"])
        );
        assert_eq!(json["format"], schema["properties"]["format"]["const"]);
    }

    #[test]
    fn the_summary_names_its_language_and_reads_in_another() {
        // Issue 25: the document names the language of its texts, the questionnaire's.
        let s = completed(vec![
            ("allergies", Value::Text("yes".into())),
            ("allergies_detail", Value::Text("Lidocaína, y látex".into())),
        ]);
        assert_eq!(s.language, "en-GB");
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(json["language"], "en-GB");
        let t = crate::core::translation::Translation::from_json(
            crate::core::translation::builtin_json("es").unwrap(),
        )
        .unwrap();
        let spanish = crate::core::translation::translate(&Questionnaire::builtin(), &t).unwrap();
        let es = s.in_language_of(&spanish);
        assert_eq!(es.language, "es");
        let json: serde_json::Value = serde_json::from_str(&es.json()).unwrap();
        assert_eq!(json["language"], "es");
        assert_eq!(
            es.flags[0].label,
            "¿Tiene alergia a algún producto que se aplique sobre la piel o a la crema anestésica?"
        );
        assert_eq!(es.flags[0].answer, "Sí");
        // Typed text stays as typed; the signed record is the submission's own.
        assert_eq!(
            es.flags[0].details[0].display.as_deref(),
            Some("Lidocaína, y látex")
        );
        assert_eq!(es.signature, s.signature);
        assert_eq!(es.subject, s.subject);
        // Staff reading it in another language are told which the visitor read.
        assert!(es
            .text()
            .contains("Submission id: 0f3a9c1b-2d4e-5f60\nAnswered in English\n"));
        assert!(!s.text().contains("Answered in"));
        // And back: the English summary again, its words field for field.
        let back = es.in_language_of(&Questionnaire::builtin());
        assert_eq!(
            (&back.language, &back.answers, &back.flags, &back.consents),
            (&s.language, &s.answers, &s.flags, &s.consents)
        );
        assert_eq!(back.signature, s.signature);
        assert_eq!(back.text().replace("Answered in Spanish\n", ""), s.text());
        // A document from before the member reads as British English.
        let mut old = json.clone();
        old.as_object_mut().unwrap().remove("language");
        assert_eq!(
            Summary::from_json(&old.to_string()).unwrap().language,
            "en-GB"
        );
    }

    #[test]
    fn references() {
        let cases = [("0f3a9c1b-2d4e", "0F3A-9C1B"), ("abc", "ABC"), ("", "")];
        for (id, want) in cases {
            assert_eq!(reference(id), want);
        }
    }
}
