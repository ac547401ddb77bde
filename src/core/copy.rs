//! "Save a copy of what you agreed" (issue 23): the visitor's own record of a consent, as one
//! self-contained, print-ready HTML page built from the summary: every consent's words as shown
//! (label, hint, text, version, agreed or not), the signer, the time, the drawn signature as SVG
//! made from its numbers (`signature::path_data`), the digest, then the whole summary. No
//! script, nothing fetched; every text is escaped, whoever wrote it (clinic or visitor).

use super::catalogue::{fill, Catalogue, Msg};
use super::questionnaire::Questionnaire;
use super::signature::path_data;
use super::summary::Summary;
use std::fmt::Write;

/// Readable on screen; on paper one column, a consent never split across pages.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;\
padding:0 1em;color:#000;background:#fff}section{border-top:1px solid #999}svg{display:block;\
width:100%;max-width:600px;border:1px solid #999}pre{white-space:pre-wrap;font:inherit}\
small{color:#444}@media print{body{margin:0;max-width:none}section,svg{break-inside:avoid}}\
@page{margin:15mm}";

/// The page, in the visitor's words. Text goes in only through `esc` (the catalogue's too);
/// the path holds digits, spaces, M and L only.
pub fn page(q: &Questionnaire, s: &Summary, words: &Catalogue) -> String {
    // A message, escaped, with its values (escaped or built here) in place.
    let t = |msg: Msg, values: &[(&str, &str)]| fill(&esc(words.get(msg)), values);
    let mut h = String::new();
    let title = esc(&s.questionnaire.title);
    let heading = t(Msg::CopyTitle, &[]);
    let bold_reference = format!("<b>{}</b>", esc(&s.reference));
    let _ = write!(
        h,
        "<!doctype html><html lang=\"{}\" dir=\"{}\"><meta charset=\"utf-8\"><meta \
         name=\"viewport\" content=\"width=device-width\"><title>{heading}: {title} ({})</title>\
         <style>{STYLE}</style><h1>{heading}</h1><p>{}<br>{}</p><h2>{}</h2>",
        esc(words.lang()),
        words.dir(),
        esc(&s.reference),
        t(
            Msg::CopyAbout,
            &[
                ("title", &title),
                ("version", &esc(&s.questionnaire.version))
            ]
        ),
        t(
            Msg::CopyReference,
            &[
                ("reference", &bold_reference),
                ("time", &esc(&s.completed_at))
            ]
        ),
        t(Msg::CopyConsent, &[]),
    );
    for c in &s.consents {
        let hint = q.question(&c.question_id).and_then(|x| x.hint.as_deref());
        let _ = write!(h, "<section><h3>{}</h3>", esc(&c.label));
        if let Some(hint) = hint {
            let _ = write!(h, "<p><small>{}</small></p>", esc(hint));
        }
        let _ = write!(
            h,
            "<p>{}</p><p><b>{}</b> <small>{}</small></p></section>",
            esc(&c.text),
            t(if c.given { Msg::Agreed } else { Msg::NotAgreed }, &[]),
            t(Msg::CopyTextVersion, &[("version", &esc(&c.version))]),
        );
    }
    if let Some(r) = &s.signature {
        let name = format!("<b><bdi>{}</bdi></b>", esc(&r.signer));
        let _ = write!(
            h,
            "<h2>{}</h2><p>{}</p>",
            t(Msg::CopySignature, &[]),
            t(
                Msg::CopySignedAt,
                &[("name", &name), ("time", &esc(&r.signed_at))]
            ),
        );
        if !r.strokes.is_empty() {
            let _ = write!(
                h,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 200\" role=\"img\" \
                 aria-label=\"{}\"><path d=\"{}\" fill=\"none\" stroke=\"#000\" \
                 stroke-width=\"3\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>",
                t(Msg::CopyDrawn, &[]),
                path_data(&r.strokes),
            );
        }
        if !r.consent_digest.is_empty() {
            let _ = write!(
                h,
                "<p><small>{}</small></p>",
                t(Msg::CopyDigest, &[("digest", &esc(&r.consent_digest))])
            );
        }
    }
    let _ = write!(
        h,
        "<h2>{}</h2><pre dir=\"auto\">{}</pre>",
        t(Msg::CopyAnswers, &[]),
        esc(&s.message)
    );
    h
}

/// Text as HTML text or attribute value: the five characters that could end either, escaped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::{Answers, Value};
    use crate::core::signature::Signature;

    /// The built-in questionnaire's consent signed and drawn, with `text` in every place a
    /// clinic or a visitor writes: titles, consent words, hints, the name, the times, the
    /// digest and the summary.
    fn copy_with(text: &str) -> String {
        let mut q = Questionnaire::builtin();
        for step in &mut q.steps {
            for question in &mut step.questions {
                let mut changed = (**question).clone();
                changed.hint = Some(text.to_owned());
                *question = changed.into();
            }
        }
        let mut a = Answers::default();
        a.set("risks_acknowledged", Value::Checked(true));
        let signed = Signature {
            name: text.into(),
            strokes: vec![vec![10, 20, 30, 40], vec![5, 5]],
        };
        a.set("signature", Value::Signed(signed));
        let mut s = Summary::build(&q, &a, text, "id".into(), text.into());
        s.questionnaire.title = text.into();
        s.questionnaire.version = text.into();
        s.reference = text.into();
        s.message = text.into();
        for c in &mut s.consents {
            (c.label, c.text, c.version) = (text.into(), text.into(), text.into());
        }
        let record = s.signature.as_mut().expect("signed");
        record.consent_digest = text.into();
        page(&q, &s, &Catalogue::ENGLISH)
    }

    #[test]
    fn holds_the_consent_words_the_signer_and_the_drawing() {
        let q = Questionnaire::builtin();
        let mut a = Answers::default();
        a.set("risks_acknowledged", Value::Checked(true));
        let signed = Signature {
            name: "Jane Doe".into(),
            strokes: vec![vec![10, 20, 30, 40]],
        };
        a.set("signature", Value::Signed(signed));
        let s = Summary::build(
            &q,
            &a,
            "Clinic",
            "abcd1234-x".into(),
            "2026-12-07T09:00:00Z".into(),
        )
        .with_consent_digest("ab12");
        let html = page(&q, &s, &Catalogue::ENGLISH);
        for c in q.questions().filter(|c| c.consent_version.is_some()) {
            assert!(
                html.contains(&esc(c.text.as_deref().unwrap_or(&c.label))),
                "{}",
                c.id
            );
            assert!(html.contains(&esc(c.consent_version.as_deref().unwrap())));
            if let Some(hint) = &c.hint {
                assert!(html.contains(&esc(hint)), "{}", c.id);
            }
        }
        assert!(html.contains("Signed by <b><bdi>Jane Doe</bdi></b> at 2026-12-07T09:00:00Z"));
        assert!(html.contains("<path d=\"M10 20L30 40\""));
        assert!(html.contains("Agreed</b>") && html.contains("Not agreed</b>"));
        assert!(html.contains("ab12") && html.contains("@media print"));
        assert!(html.contains(&esc(&s.message)));
    }

    #[test]
    fn hostile_text_never_becomes_markup() {
        // tests/corpus/hostile.json in every text place: the page has exactly the markup of a
        // page of plain words (every tag and attribute quote is the page's own), and each
        // text is there, escaped.
        let corpus: Vec<String> =
            serde_json::from_str(include_str!("../../tests/corpus/hostile.json")).unwrap();
        let plain = copy_with("plain words");
        let count = |html: &str, c: char| html.matches(c).count();
        for text in &corpus {
            let html = copy_with(text);
            for c in ['<', '>', '"', '\''] {
                assert_eq!(count(&html, c), count(&plain, c), "{c} from {text:?}");
            }
            assert!(html.contains(&esc(text)), "{text:?}");
        }
        assert_eq!(
            esc("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }
}
