//! The signed consent as a PDF (issue 23), for the clinic's records: the consent texts in the
//! words shown (label, hint, text, version, and whether agreed), the screening answers (flags
//! first), the signature drawn from its numbers as vector paths (never an image from the
//! browser) with the typed name, who signed, when (the browser's time and the receiver's), the
//! digest of the consent words, and the questionnaire's id and version.
//!
//! Written with krilla as PDF/A-2u (ISO 19005-2, level U: every glyph maps to Unicode), which
//! krilla checks as it writes; Noto Sans and Noto Sans Arabic are embedded (subset), so the file
//! reads the same on every reader and for as long as the clinic keeps it. Each line is set by
//! `pdf_text`: bidi order, a font per character, rustybuzz shaping (Arabic joined, right to
//! left; Latin, Greek and Cyrillic glyph for character, as before); a paragraph that reads right
//! to left stands against the right edge. docs/receiver.md says why krilla.

use super::pdf_text::{self, Family, Fonts};
use crate::domain::questionnaires::{language_name, Reading};
use consultation_widget::core::characters;
use consultation_widget::core::messages::{AGREED, NOT_AGREED, NOT_PROVIDED, SIGNED_BY};
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::signature::{Stroke, HEIGHT, WIDTH};
use consultation_widget::core::summary::Summary;
use krilla::configure::{Archival, ConfigurationBuilder, Validator};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{LineCap, LineJoin, Stroke as Pen};
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};

/// What the PDF shows of one signed submission, as text (the times already written out).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub reference: String,
    pub submission_id: String,
    pub title: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub signer: String,
    /// The browser's time of signing.
    pub signed_at: String,
    /// The receiver's time of receipt.
    pub received_at: String,
    pub consent_digest: String,
    pub strokes: Vec<Stroke>,
    /// The language the visitor read and signed in, by its English name ("Spanish").
    pub answered_in: String,
    /// The clinic's language by name, when the visitor read another ("English").
    pub clinic_language: Option<String>,
    pub consents: Vec<ConsentText>,
    /// The screening flags, first: what raised each, with its details.
    pub flags: Vec<Flagged>,
    /// Every question of the screening steps, with its answer.
    pub screening: Vec<Line>,
}

/// One consent question as the visitor saw it, and what they did.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentText {
    pub label: String,
    /// The clinic's label for it, when the visitor read another language.
    pub clinic_label: Option<String>,
    pub hint: String,
    pub text: String,
    pub version: String,
    /// "Agreed", "Not agreed" or "Signed by …".
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub value: String,
}

/// A screening flag: the question, the answer that raised it, and the answers that go with it
/// (or, for "Screening incomplete", the questions left unanswered).
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    pub label: String,
    pub answer: String,
    pub details: Vec<Line>,
}

/// The signed consent of a stored summary, with the receiver's time of receipt (`received_at`,
/// RFC 3339 as stored); None when the submission has no signature. The consent texts are the
/// words the visitor read, in their language (the record of what was signed), with the
/// clinic's labels beside them; the screening answers are under the clinic's labels.
pub fn record(r: &Reading, received_at: &str) -> Option<Record> {
    let s = r.sent;
    let signed = s.signature.as_ref()?;
    let hint = |id: &str| {
        r.read
            .and_then(|q| q.question(id))
            .and_then(|x| x.hint.clone())
            .unwrap_or_default()
    };
    let clinic_label = |id: &str, read: &str| {
        let shown = r.shown.consents.iter().find(|c| c.question_id == id)?;
        (r.translated() && shown.label != read).then(|| shown.label.clone())
    };
    let consents = s
        .consents
        .iter()
        .map(|c| ConsentText {
            label: c.label.clone(),
            clinic_label: clinic_label(&c.question_id, &c.label),
            hint: hint(&c.question_id),
            text: c.text.clone(),
            version: c.version.clone(),
            answer: if c.question_id == signed.question_id {
                format!("{SIGNED_BY} {}", signed.signer)
            } else if c.given {
                AGREED.to_owned()
            } else {
                NOT_AGREED.to_owned()
            },
        })
        .collect();
    Some(Record {
        reference: s.reference.clone(),
        submission_id: s.submission_id.clone(),
        title: s.questionnaire.title.clone(),
        questionnaire_id: s.questionnaire.id.clone(),
        questionnaire_version: s.questionnaire.version.clone(),
        signer: signed.signer.clone(),
        signed_at: utc(&signed.signed_at),
        received_at: utc(received_at),
        consent_digest: signed.consent_digest.clone(),
        strokes: signed.strokes.clone(),
        answered_in: r.answered_in.clone(),
        clinic_language: r.translated().then(|| language_name(&r.shown.language)),
        consents,
        flags: flags(r.shown),
        screening: screening(r.shown, r.q),
    })
}

fn flags(s: &Summary) -> Vec<Flagged> {
    s.flags
        .iter()
        .map(|f| Flagged {
            label: f.label.clone(),
            answer: f.answer.clone(),
            details: f
                .details
                .iter()
                .map(|d| Line {
                    label: d.label.clone(),
                    value: d.display.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

/// "label — value", or the label alone when there is no value.
fn dash(label: &str, value: &str) -> String {
    if value.trim().is_empty() {
        label.to_owned()
    } else {
        format!("{label} — {value}")
    }
}

/// The answers on the steps that hold a screening question (one that can raise a flag); without
/// the questionnaire, the steps of the flagged questions.
fn screening(s: &Summary, q: Option<&Questionnaire>) -> Vec<Line> {
    let steps: Vec<&str> = match q {
        Some(q) => q
            .steps
            .iter()
            .filter(|st| st.questions.iter().any(|x| x.flag_if.is_some()))
            .map(|st| st.id.as_str())
            .collect(),
        None => s
            .answers
            .iter()
            .filter(|i| s.flags.iter().any(|f| f.question_id == i.question_id))
            .map(|i| i.step_id.as_str())
            .collect(),
    };
    s.answers
        .iter()
        .filter(|i| steps.contains(&i.step_id.as_str()))
        .map(|i| Line {
            label: i.label.clone(),
            value: i.display.clone().unwrap_or_else(|| NOT_PROVIDED.to_owned()),
        })
        .collect()
}

/// A stored RFC 3339 time as people read it, in UTC, with the exact value after it.
fn utc(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(t) => format!("{} ({rfc3339})", t.strftime("%-d %b %Y, %H:%M:%S UTC")),
        Err(_) => rfc3339.to_owned(),
    }
}

/// Why a PDF could not be made: the names of krilla's errors (such as a PDF/A rule the content
/// would break), never their details, which can quote the text (health data stays out of logs).
#[derive(Debug, thiserror::Error)]
#[error("the consent PDF could not be written: {0}")]
pub struct PdfError(String);

impl From<krilla::error::KrillaError> for PdfError {
    fn from(e: krilla::error::KrillaError) -> PdfError {
        let name = |debug: String| debug.split(['(', ' ', '{']).next().unwrap_or("").to_owned();
        PdfError(match e {
            krilla::error::KrillaError::Validation(errors) => {
                let names: Vec<String> =
                    errors.iter().map(|(e, _)| name(format!("{e:?}"))).collect();
                format!("PDF/A: {}", names.join(", "))
            }
            other => name(format!("{other:?}")),
        })
    }
}

/// The record as a PDF/A-2u file; `now` is the file's creation date.
pub fn write(r: &Record, now: jiff::Timestamp) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::new().ok_or_else(|| PdfError("the built-in font does not read".into()))?;
    let pages = layout(r, &fonts);
    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::A(Archival::A2_U))
        .finish()
        .map_err(|_| PdfError("the PDF/A-2u configuration".into()))?;
    let mut doc = Document::new_with(SerializeSettings {
        configuration,
        ..Default::default()
    });
    doc.set_metadata(metadata(r, now));
    let a4 = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("A4".into()))?;
    let total = pages.len();
    for (n, mut marks) in pages.into_iter().enumerate() {
        let footer = format!("Signed consent {} · page {} of {total}", r.reference, n + 1);
        marks.push(Mark::text(MARGIN, FOOTER_Y, 8.0, false, footer));
        let mut page = doc.start_page_with(a4.clone());
        let mut surface = page.surface();
        for mark in &marks {
            draw(&mut surface, &fonts, mark);
        }
        surface.finish();
        page.finish();
    }
    Ok(doc.finish()?)
}

fn metadata(r: &Record, now: jiff::Timestamp) -> Metadata {
    let t = now.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let date = DateTime::new(t.year() as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    Metadata::new()
        .title(format!("Signed consent {}", clean(&r.reference)))
        .description(format!(
            "Signed consent to {}; consent digest (SHA-256) {}",
            clean(&r.title),
            clean(&r.consent_digest)
        ))
        .language("en".into())
        .producer(format!(
            "consultation-receiver {}",
            env!("CARGO_PKG_VERSION")
        ))
        .creation_date(date)
}

/// A4 in points, and the margins and sizes of the layout.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TOP: f32 = 64.0;
const BOTTOM: f32 = PAGE_H - 72.0;
const FOOTER_Y: f32 = PAGE_H - 40.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 10.0;
/// The digest's size: its 64 hex digits fit the value column on one line.
const DIGEST: f32 = 8.5;
/// The signature's box on paper: the drawing box at half size (300 × 100 pt).
const SIGN_SCALE: f32 = 0.5;
/// The first column of the facts at the top.
const LABEL_W: f32 = 118.0;

/// One thing on a page, placed (y grows downwards from the top edge, the text's baseline).
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    /// One line, its left end at x; `rtl` if its paragraph reads right to left.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        rtl: bool,
        text: String,
    },
    /// The drawn strokes, their box's top left corner at (x, y).
    Strokes {
        x: f32,
        y: f32,
        strokes: Vec<Stroke>,
    },
    /// A thin frame: the signature's box.
    Frame { x: f32, y: f32, w: f32, h: f32 },
}

impl Mark {
    /// A text of one line: its own first strong character gives its direction.
    fn text(x: f32, y: f32, size: f32, bold: bool, text: String) -> Mark {
        let rtl = pdf_text::rtl(&text);
        Mark::line(x, y, size, bold, Wrapped { text, rtl })
    }

    fn line(x: f32, y: f32, size: f32, bold: bool, line: Wrapped) -> Mark {
        Mark::Text {
            x,
            y,
            size,
            bold,
            rtl: line.rtl,
            text: line.text,
        }
    }
}

/// Visitor text for the page: control, reordering and hidden characters dropped, tabs as
/// spaces, line separators as line breaks.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if characters::is_line_separator(c) => Some('\n'),
            c if characters::reorders(c) || characters::is_hidden(c) || c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// A line of a wrapped paragraph, and whether the paragraph reads right to left (its first
/// strong character's direction, which its later lines keep).
#[derive(Debug, Clone, PartialEq)]
struct Wrapped {
    text: String,
    rtl: bool,
}

/// `text` broken into lines of at most `width` points, measured as set (shaped): at spaces,
/// and inside a word longer than a line.
fn wrap(family: &Family, text: &str, size: f32, width: f32) -> Vec<Wrapped> {
    let mut lines = Vec::new();
    for paragraph in clean(text).split('\n') {
        let rtl = pdf_text::rtl(paragraph);
        let fits = |line: &str| family.width(line, rtl, size) <= width;
        let mut line = String::new();
        let mut done = Vec::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let joined = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if fits(&joined) {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                done.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if !line.is_empty() && !fits(&format!("{line}{c}")) {
                    done.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        done.push(line);
        lines.extend(done.into_iter().map(|text| Wrapped { text, rtl }));
    }
    lines
}

/// Where a line starts within the column from `left` to `right`, indented by `indent` from
/// the side its paragraph reads from: from the left, or, right to left, so that it ends
/// `indent` short of the right (the mirror image).
fn aligned(
    family: &Family,
    line: &Wrapped,
    size: f32,
    (left, right): (f32, f32),
    indent: f32,
) -> f32 {
    if line.rtl {
        right - indent - family.width(&line.text, true, size)
    } else {
        left + indent
    }
}

/// The pages being filled, and where the next line goes.
struct Pages<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl<'a> Pages<'a> {
    fn new(fonts: &'a Fonts) -> Pages<'a> {
        Pages {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn mark(&mut self, mark: Mark) {
        self.pages.last_mut().expect("a page").push(mark);
    }

    /// A paragraph indented by `x`, wrapped to the text's width: from the left margin, or,
    /// when it reads right to left, mirrored (indented from the right margin, against it).
    fn para(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let lead = size * 1.4;
        let family = self.fonts.family(bold);
        for line in wrap(family, text, size, TEXT_W - x) {
            self.room(lead);
            self.y += lead;
            let at = aligned(family, &line, size, (MARGIN, MARGIN + TEXT_W), x);
            self.mark(Mark::line(at, self.y, size, bold, line));
        }
    }

    fn heading(&mut self, text: &str) {
        // A heading never ends a page: it keeps a few lines after it.
        self.room(5.0 * BODY * 1.4);
        self.y += 10.0;
        self.para(0.0, text, 12.5, true);
        self.y += 2.0;
    }

    /// A fact at the top: its name in the first column, the value wrapped beside it at `size`.
    fn fact(&mut self, label: &str, value: &str, size: f32) {
        let lead = BODY * 1.4;
        let family = self.fonts.family(false);
        let lines = wrap(family, value, size, TEXT_W - LABEL_W);
        self.room(lead * lines.len() as f32);
        self.y += lead;
        self.mark(Mark::text(MARGIN, self.y, BODY, true, clean(label)));
        for (n, line) in lines.into_iter().enumerate() {
            if n > 0 {
                self.y += lead;
            }
            let at = aligned(
                family,
                &line,
                size,
                (MARGIN + LABEL_W, MARGIN + TEXT_W),
                0.0,
            );
            self.mark(Mark::line(at, self.y, size, false, line));
        }
    }

    /// The signature's box with the strokes drawn in it (or a word that none were), and the
    /// typed name under it.
    fn signature(&mut self, strokes: &[Stroke], signer: &str) {
        let (w, h) = (
            f32::from(WIDTH) * SIGN_SCALE,
            f32::from(HEIGHT) * SIGN_SCALE,
        );
        self.room(h + 40.0);
        let top = self.y + 8.0;
        self.mark(Mark::Frame {
            x: MARGIN,
            y: top,
            w,
            h,
        });
        if strokes.is_empty() {
            let note = "Not drawn: signed by typing the name below.".to_owned();
            self.mark(Mark::text(MARGIN + 10.0, top + h / 2.0, 9.0, false, note));
        } else {
            self.mark(Mark::Strokes {
                x: MARGIN,
                y: top,
                strokes: strokes.to_vec(),
            });
        }
        self.y = top + h;
        self.fact("Typed name", signer, BODY);
    }
}

/// The record laid out on as many A4 pages as it takes.
fn layout(r: &Record, fonts: &Fonts) -> Vec<Vec<Mark>> {
    let mut p = Pages::new(fonts);
    p.para(0.0, "Signed consent", 18.0, true);
    p.para(0.0, &r.title, 12.0, false);
    p.y += 6.0;
    let questionnaire = format!(
        "{}, version {}",
        r.questionnaire_id, r.questionnaire_version
    );
    for (label, value, size) in [
        ("Signer", r.signer.as_str(), BODY),
        ("Signed (browser)", &r.signed_at, BODY),
        ("Received (receiver)", &r.received_at, BODY),
        // 64 hex digits, on one line.
        ("Consent digest", &r.consent_digest, DIGEST),
        ("Questionnaire", &questionnaire, BODY),
        ("Answered in", &r.answered_in, BODY),
        ("Reference", &r.reference, BODY),
        ("Submission", &r.submission_id, BODY),
    ] {
        p.fact(label, value, size);
    }
    p.heading("Signature");
    p.signature(&r.strokes, &r.signer);
    p.heading(&format!("Consent texts as shown, in {}", r.answered_in));
    for c in &r.consents {
        p.room(4.0 * BODY * 1.4);
        p.y += 4.0;
        let label = match (&c.clinic_label, &r.clinic_language) {
            (Some(clinic), Some(language)) => format!("{} (in {language}: {clinic})", c.label),
            _ => c.label.clone(),
        };
        p.para(0.0, &label, BODY, true);
        if !c.hint.trim().is_empty() {
            p.para(0.0, &c.hint, 9.0, false);
        }
        p.para(0.0, &c.text, BODY, false);
        p.para(
            0.0,
            &format!("{} (text version {})", c.answer, c.version),
            BODY,
            true,
        );
    }
    screening_answers(&mut p, r);
    p.pages
}

/// The flags first ("Needs practitioner review", as the inbox says), then every screening
/// question with its answer.
fn screening_answers(p: &mut Pages, r: &Record) {
    p.heading("Screening answers");
    if r.flags.is_empty() {
        p.para(0.0, "No screening flags.", BODY, true);
    } else {
        let title = format!("Needs practitioner review ({})", r.flags.len());
        p.para(0.0, &title, BODY, true);
        for f in &r.flags {
            p.para(14.0, &dash(&f.label, &f.answer), BODY, true);
            for d in &f.details {
                p.para(28.0, &dash(&d.label, &d.value), BODY, false);
            }
        }
    }
    p.y += 6.0;
    for l in &r.screening {
        p.room(2.0 * BODY * 1.4);
        p.para(0.0, &l.label, BODY, false);
        p.para(14.0, &l.value, BODY, true);
    }
}

/// Puts one mark on the page.
fn draw(surface: &mut Surface, fonts: &Fonts, mark: &Mark) {
    match mark {
        Mark::Text {
            x,
            y,
            size,
            bold,
            rtl,
            text,
        } => {
            let family = fonts.family(*bold);
            let set = family.set(&clean(text), *rtl);
            family.draw(surface, &set, Point::from_xy(*x, *y), *size);
        }
        Mark::Strokes { x, y, strokes } => {
            let mut path = PathBuilder::new();
            for stroke in strokes {
                let points: Vec<(f32, f32)> = stroke
                    .chunks_exact(2)
                    .map(|p| {
                        let at = |v: u16, o: f32| o + f32::from(v) * SIGN_SCALE;
                        (at(p[0], *x), at(p[1], *y))
                    })
                    .collect();
                let Some(&(x0, y0)) = points.first() else {
                    continue;
                };
                path.move_to(x0, y0);
                // A dot (one point) is a line too short to see, which round caps show.
                let rest = if points.len() == 1 {
                    vec![(x0 + 0.01, y0)]
                } else {
                    points[1..].to_vec()
                };
                for (px, py) in rest {
                    path.line_to(px, py);
                }
            }
            stroke_path(surface, path, 1.6, LineCap::Round);
        }
        Mark::Frame { x, y, w, h } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                path.push_rect(rect);
            }
            stroke_path(surface, path, 0.5, LineCap::Butt);
        }
    }
}

fn stroke_path(surface: &mut Surface, path: PathBuilder, width: f32, line_cap: LineCap) {
    let Some(path) = path.finish() else {
        return;
    };
    surface.set_fill(None);
    surface.set_stroke(Some(Pen {
        width,
        line_cap,
        line_join: LineJoin::Round,
        ..Default::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
    surface.set_fill(Some(Default::default()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            reference: "AB12-CD34".into(),
            submission_id: "ab12cd34-0000-4000-8000-000000000000".into(),
            title: "Microneedling consultation".into(),
            questionnaire_id: "microneedling-consultation".into(),
            questionnaire_version: "1.2.0".into(),
            signer: "Zoë Müller-Škoda".into(),
            signed_at: utc("2026-12-02T09:30:00.000Z"),
            received_at: utc("2026-12-02T09:30:02.125Z"),
            consent_digest: "a".repeat(64),
            strokes: vec![vec![10, 20, 300, 150, 590, 30], vec![100, 100]],
            answered_in: "Spanish".into(),
            clinic_language: Some("English".into()),
            consents: vec![ConsentText {
                label: "Riesgos".into(),
                clinic_label: Some("Risks".into()),
                hint: "Read this first.".into(),
                text: "I understand the risks. ".repeat(40),
                version: "risks-2026-11".into(),
                answer: AGREED.into(),
            }],
            flags: vec![Flagged {
                label: "Allergies?".into(),
                answer: "Yes".into(),
                details: vec![Line {
                    label: "Which?".into(),
                    value: "Lidocaine".into(),
                }],
            }],
            screening: (0..60)
                .map(|n| Line {
                    label: format!("Question {n}?"),
                    value: "No".into(),
                })
                .collect(),
        }
    }

    /// The texts of the marks on `pages`: each line's left and right ends, and its text.
    fn lines(pages: &[Vec<Mark>], fonts: &Fonts) -> Vec<(f32, f32, String)> {
        let mut lines = Vec::new();
        for mark in pages.iter().flatten() {
            if let Mark::Text {
                x,
                y,
                size,
                bold,
                rtl,
                text,
            } = mark
            {
                assert!(*y <= BOTTOM && *y >= TOP, "{y} {text}");
                let right = x + fonts.family(*bold).width(text, *rtl, *size);
                lines.push((*x, right, text.clone()));
            }
        }
        lines
    }

    fn texts(lines: Vec<Wrapped>) -> Vec<String> {
        lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn long_records_take_more_pages_and_stay_inside_them() {
        let fonts = Fonts::new().unwrap();
        let pages = layout(&sample(), &fonts);
        assert!(pages.len() >= 2, "{}", pages.len());
        for (left, right, text) in lines(&pages, &fonts) {
            assert!(left >= MARGIN - 0.01, "{left} {text}");
            assert!(right <= PAGE_W - MARGIN + 0.01, "{right} {text}");
        }
    }

    #[test]
    fn the_widest_digest_stays_on_one_line() {
        let fonts = Fonts::new().unwrap();
        let regular = fonts.family(false);
        let width = |c: &char| regular.width(&c.to_string(), false, DIGEST);
        let c = "0123456789abcdef"
            .chars()
            .max_by(|a, b| width(a).total_cmp(&width(b)));
        let widest = c.unwrap().to_string().repeat(64);
        assert_eq!(
            texts(wrap(regular, &widest, DIGEST, TEXT_W - LABEL_W)),
            [widest]
        );
    }

    #[test]
    fn wraps_at_spaces_and_inside_overlong_words() {
        let fonts = Fonts::new().unwrap();
        let regular = fonts.family(false);
        let lines = texts(wrap(
            regular,
            &format!("a b {}", "x".repeat(200)),
            BODY,
            100.0,
        ));
        assert_eq!(lines[0], "a b");
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines.iter().all(|l| regular.width(l, false, BODY) <= 100.0));
        // Line breaks typed are kept; what reorders or hides text is not.
        assert_eq!(
            texts(wrap(regular, "x\ny\u{202e}z", BODY, 400.0)),
            ["x", "yz"]
        );
    }

    /// The sample as an Arabic visitor signed it: the built-in Arabic consent words.
    fn arabic() -> Record {
        use consultation_widget::core::translation::{builtin_json, translate, Translation};
        let t = Translation::from_json(builtin_json("ar").unwrap()).unwrap();
        let q = translate(&Questionnaire::builtin(), &t).unwrap();
        let risks = q.question("risks_acknowledged").unwrap();
        let mut r = sample();
        r.answered_in = "Arabic".into();
        r.signer = "محمد علي".into();
        r.consents = vec![ConsentText {
            label: risks.label.clone(),
            clinic_label: Some("Risks".into()),
            hint: risks.hint.clone().unwrap(),
            text: risks.text.clone().unwrap(),
            version: risks.consent_version.clone().unwrap(),
            answer: AGREED.into(),
        }];
        r
    }

    #[test]
    fn arabic_paragraphs_stand_against_the_right_edge_and_wrap_inside_the_text() {
        let fonts = Fonts::new().unwrap();
        let r = arabic();
        let lines = lines(&layout(&r, &fonts), &fonts);
        let hint = &r.consents[0].hint;
        let hint_lines: Vec<&(f32, f32, String)> = lines
            .iter()
            .filter(|(_, _, text)| hint.contains(text.as_str()))
            .collect();
        assert!(hint_lines.len() >= 2, "the hint wraps: {lines:?}");
        for (left, right, text) in hint_lines.into_iter().chain(
            lines
                .iter()
                .filter(|(_, _, t)| t.contains(&r.consents[0].label)),
        ) {
            assert!((right - (MARGIN + TEXT_W)).abs() < 0.01, "{right} {text}");
            assert!(*left >= MARGIN - 0.01, "{left} {text}");
        }
        // The signer's name in the facts' value column, against its right edge too.
        let (left, right, _) = lines.iter().find(|(_, _, t)| *t == r.signer).unwrap();
        assert!((right - (MARGIN + TEXT_W)).abs() < 0.01, "{right}");
        assert!(*left > MARGIN + LABEL_W, "{left}");
        // A left-to-right line stays at the margin.
        let (left, _, _) = lines.iter().find(|(_, _, t)| t == "Signature").unwrap();
        assert_eq!(*left, MARGIN);
    }

    #[test]
    fn an_arabic_record_is_pdf_a() {
        let pdf = write(&arabic(), jiff::Timestamp::UNIX_EPOCH).expect("a PDF/A file");
        assert!(pdf.starts_with(b"%PDF-1.7"));
    }

    #[test]
    fn characters_the_font_lacks_are_question_marks_and_it_still_is_pdf_a() {
        let mut r = sample();
        r.signer = "Jane \u{1F600} 李 Doe".into();
        let pdf = write(&r, jiff::Timestamp::UNIX_EPOCH).expect("a PDF/A file");
        assert!(pdf.starts_with(b"%PDF-1.7"));
    }

    #[test]
    fn times_read_in_utc_with_the_stored_value() {
        assert_eq!(
            utc("2026-12-02T09:30:00.000Z"),
            "2 Dec 2026, 09:30:00 UTC (2026-12-02T09:30:00.000Z)"
        );
        assert_eq!(utc("not a time"), "not a time");
    }
}
