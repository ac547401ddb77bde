//! What the inbox shows of one submission, built from the receiver's own re-checked summary
//! (stored at intake; never the browser's `flags` or `message`) and its questionnaire: flags
//! first, then each step's answers, then the consents with their text versions and the signed
//! consent. Text is made safe to read here (the characters that reorder or hide text dropped,
//! as in the plain-text summary); the templates escape it for HTML.

use crate::domain::questionnaires::Reading;
use consultation_widget::core::answers::Value;
use consultation_widget::core::characters;
use consultation_widget::core::messages::{AGREED, NOT_AGREED, NOT_PROVIDED, SIGNED_BY};
use consultation_widget::core::questionnaire::{Kind, Questionnaire};
use consultation_widget::core::signature;
use consultation_widget::core::summary::{Flag, Summary};
use consultation_widget::core::validate::email;

/// Visitor text for a page: controls, reordering and hidden characters dropped, line
/// separators as line breaks (shown with `white-space: pre-line`).
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            c if characters::is_line_separator(c) => out.push('\n'),
            c if characters::reorders(c) || characters::is_hidden(c) => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The name and email the list shows and searches, and the spam mark: the answer to the
/// question asking for a name (`autocomplete="name"`), the reply-to address (or the answer to
/// the email question).
pub fn describe(s: &Summary, q: Option<&Questionnaire>) -> (String, String, bool) {
    let kind_of = |id: &str| q.and_then(|q| q.question(id));
    let name = s
        .answers
        .iter()
        .find(|i| {
            kind_of(&i.question_id)
                .map(|q| q.autocomplete.as_deref() == Some("name"))
                .unwrap_or(i.question_id == "full_name")
        })
        .and_then(|i| i.display.clone())
        .unwrap_or_default();
    let email = s.reply_to.clone().unwrap_or_else(|| {
        s.answers
            .iter()
            .find(|i| kind_of(&i.question_id).is_some_and(|q| q.kind == Kind::Email))
            .and_then(|i| i.display.clone())
            .unwrap_or_default()
    });
    (clean(&name), clean(&email), !s.spam.is_empty())
}

pub struct Line {
    pub label: String,
    pub value: String,
}

pub struct FlagView {
    pub label: String,
    pub answer: String,
    pub details: Vec<Line>,
    /// The "Screening incomplete" flag: its details are the questions still to ask.
    pub incomplete: bool,
}

pub struct Section {
    pub title: String,
    pub lines: Vec<AnswerLine>,
}

/// An answer on the submission page; `href` a `mailto:` or `tel:` link for the visitor's email
/// address and phone numbers, so staff reply with a click.
pub struct AnswerLine {
    pub question_id: String,
    pub label: String,
    pub value: String,
    pub href: Option<String>,
    /// A photos answer's photos (issue 24), filled in from the store by the page.
    pub photos: Vec<PhotoView>,
}

/// A photo on the submission page: its thumbnail, linking to the full photo.
pub struct PhotoView {
    pub href: String,
    pub thumbnail: String,
    pub alt: String,
}

/// Everything but RFC 3986's unreserved characters and the `@` is percent-encoded in a
/// `mailto:` address: `?`, `&`, `%` or `#` there would start or change a header (RFC 6068).
const MAILTO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// The link for an answer to an email or phone question: `mailto:` only for a valid address
/// (the widget's own rule); `tel:` with the digits alone, and a leading `+` where it was typed.
fn contact_href(kind: Option<Kind>, value: Option<&Value>) -> Option<String> {
    let text = value.map(Value::as_text).unwrap_or_default();
    match kind? {
        Kind::Email => {
            let address = email::sanitise(text);
            email::is_valid(&address).then(|| {
                format!(
                    "mailto:{}",
                    percent_encoding::utf8_percent_encode(&address, MAILTO)
                )
            })
        }
        Kind::Phone => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let plus = if text.trim_start().starts_with('+') {
                "+"
            } else {
                ""
            };
            (!digits.is_empty()).then(|| format!("tel:{plus}{digits}"))
        }
        _ => None,
    }
}

pub struct ConsentView {
    /// The clinic's label.
    pub label: String,
    /// The label the visitor read, when they read another language.
    pub label_read: Option<String>,
    /// "Agreed", "Not agreed", or for the signature's own statement "Signed by" and the name.
    pub answer: String,
    pub version: String,
    /// The consent's words as the visitor read them, in their language: the record.
    pub text: String,
}

/// The signed consent (issue 23): the drawing as an SVG path's `d` the receiver writes from
/// the stroke numbers (`core::signature::path_data`: digits, spaces, `M` and `L`, never
/// anything the browser wrote), the signer, the browser's time and the consent digest.
pub struct SignatureView {
    /// Empty when the visitor only typed their name.
    pub path: String,
    pub signer: String,
    pub signed_at: String,
    pub digest: String,
    pub questionnaire: String,
}

pub struct SubmissionView {
    pub title: String,
    /// "Spanish": the language the visitor answered in, by its English name (or its tag).
    pub answered_in: String,
    /// Its BCP 47 tag, for `lang` on the words the visitor read (screen readers say them in it).
    pub language: String,
    /// Whether that is another language than the one this page shows questions in.
    pub translated: bool,
    pub completed_at: String,
    pub spam: Vec<String>,
    pub flags: Vec<FlagView>,
    pub sections: Vec<Section>,
    pub consents: Vec<ConsentView>,
    pub signature: Option<SignatureView>,
    pub context: Vec<Line>,
}

fn signature(s: &Summary) -> Option<SignatureView> {
    let record = s.signature.as_ref()?;
    Some(SignatureView {
        path: signature::path_data(&record.strokes),
        signer: clean(&record.signer),
        signed_at: record.signed_at.clone(),
        digest: clean(&record.consent_digest),
        questionnaire: clean(&format!(
            "{}, version {}",
            s.questionnaire.id, s.questionnaire.version
        )),
    })
}

fn shown(display: &Option<String>) -> String {
    display
        .as_deref()
        .map(clean)
        .unwrap_or_else(|| NOT_PROVIDED.to_owned())
}

/// The page's view of a stored submission: questions, options and flags under the clinic's
/// labels (`Reading::shown`), typed text as typed, and the consents' words as the visitor read
/// them (`Reading::sent`).
pub fn submission(r: &Reading) -> SubmissionView {
    let (s, q) = (r.shown, r.q);
    let flags = s
        .flags
        .iter()
        .map(|f| FlagView {
            incomplete: f.unanswered() > 0,
            label: clean(&f.label),
            answer: clean(&f.answer),
            details: f
                .details
                .iter()
                .map(|d| Line {
                    label: clean(&d.label),
                    value: shown(&d.display),
                })
                .collect(),
        })
        .collect();
    // Steps in the questionnaire's order, with its titles; without the questionnaire (one no
    // longer configured) the step ids stand in, in the order the answers come.
    let mut steps: Vec<(String, String)> = match q {
        Some(q) => q
            .steps
            .iter()
            .map(|st| (st.id.clone(), st.title.clone()))
            .collect(),
        None => Vec::new(),
    };
    for item in &s.answers {
        if !steps.iter().any(|(id, _)| *id == item.step_id) {
            steps.push((item.step_id.clone(), item.step_id.clone()));
        }
    }
    let sections = steps
        .into_iter()
        .map(|(id, title)| Section {
            title: clean(&title),
            lines: s
                .answers
                .iter()
                .filter(|i| i.step_id == id)
                .filter(|i| !s.consents.iter().any(|c| c.question_id == i.question_id))
                .map(|i| AnswerLine {
                    question_id: i.question_id.clone(),
                    photos: Vec::new(),
                    label: clean(&i.label),
                    value: shown(&i.display),
                    href: contact_href(
                        q.and_then(|q| q.question(&i.question_id)).map(|x| x.kind),
                        i.value.as_ref(),
                    ),
                })
                .collect(),
        })
        .filter(|sec: &Section| !sec.lines.is_empty())
        .collect();
    SubmissionView {
        title: clean(&s.questionnaire.title),
        answered_in: clean(&r.answered_in),
        language: clean(&r.sent.language),
        translated: r.translated(),
        completed_at: s.completed_at.clone(),
        spam: s.spam.iter().map(|r| clean(r)).collect(),
        flags,
        sections,
        consents: consents(r),
        signature: signature(s),
        context: s
            .context
            .iter()
            .map(|(k, v)| Line {
                label: clean(k),
                value: clean(v),
            })
            .collect(),
    }
}

/// The consents under the clinic's labels, each with its words as the visitor read them.
fn consents(r: &Reading) -> Vec<ConsentView> {
    let s = r.shown;
    s.consents
        .iter()
        .map(|c| {
            let read = r
                .sent
                .consents
                .iter()
                .find(|x| x.question_id == c.question_id);
            ConsentView {
                label: clean(&c.label),
                label_read: read
                    .filter(|x| r.translated() && x.label != c.label)
                    .map(|x| clean(&x.label)),
                answer: match &s.signature {
                    Some(record) if record.question_id == c.question_id => {
                        format!("{SIGNED_BY} {}", clean(&record.signer))
                    }
                    _ if c.given => AGREED.to_owned(),
                    _ => NOT_AGREED.to_owned(),
                },
                version: clean(&c.version),
                text: clean(&read.unwrap_or(c).text),
            }
        })
        .collect()
}

/// The list's mark for unanswered screening questions, worded as the summary's flag.
pub fn incomplete(unanswered: i64) -> Option<String> {
    let n = usize::try_from(unanswered).ok().filter(|&n| n > 0)?;
    Some(Flag::incomplete_label(n))
}
