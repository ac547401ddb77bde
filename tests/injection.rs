//! Hostile text (tests/corpus/hostile.json: markup and script, event handlers, `javascript:`
//! links, Markdown, mail-header tricks, bidirectional overrides, zero-width characters) typed
//! into every free-text question (issue 5, "Injection"): kept exactly in the JSON, neutralised
//! in the plain-text summary and the `mailto:` link, and never a dangerous website link. The
//! end-to-end test (tests/e2e/injection.test.mjs) sends the same corpus through the browser.
#![cfg(not(target_arch = "wasm32"))]

use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::characters::reorders;
use consultation_widget::core::mailto;
use consultation_widget::core::questionnaire::{Kind, Questionnaire};
use consultation_widget::core::signature::Signature;
use consultation_widget::core::summary::Summary;
use consultation_widget::core::validate::website;

fn corpus() -> Vec<String> {
    serde_json::from_str(include_str!("corpus/hostile.json")).expect("the corpus is JSON")
}

/// The built-in questionnaire answered minimally, with `typed` in every free-text question.
fn summary_with(typed: &str) -> Summary {
    let q = Questionnaire::builtin();
    let mut answers = Answers::default();
    for question in q.questions() {
        let value = match question.kind {
            Kind::Text | Kind::LongText => Value::Text(typed.to_owned()),
            Kind::Email => Value::Text("name@example.com".into()),
            Kind::Phone => Value::Text("01632 960 001".into()),
            Kind::Website => Value::Text(typed.to_owned()),
            Kind::Choice => Value::Text(question.options[0].value.clone()),
            Kind::Multi => Value::Many(vec![question.options.last().unwrap().value.clone()]),
            Kind::Confirm => Value::Checked(true),
            // The signer's typed name is free text too (issue 23).
            Kind::Signature => Value::Signed(Signature {
                name: typed.to_owned(),
                strokes: vec![vec![0, 0, 600, 200]],
            }),
            // A photo's description is free text too (issue 24).
            Kind::Photos => Value::Photos(vec![consultation_widget::core::photos::Photo {
                photo: "1f3a9c1b-2d4e-4f60-9a1b-2c3d4e5f6a7b".into(),
                description: typed.to_owned(),
            }]),
        };
        answers.set(&question.id, value);
    }
    Summary::build(
        &q,
        &answers,
        "Glow Clinic",
        "0f3a9c1b-2d4e-4f60-8a7b-123456789abc".into(),
        "2026-11-21T10:00:00Z".into(),
    )
}

#[test]
fn hostile_text_is_kept_in_json_and_defused_in_text_and_mail() {
    for typed in corpus() {
        let s = summary_with(&typed);
        // JSON: the text exactly as typed, escaped by the writer (serde_json reads it back).
        let json: serde_json::Value = serde_json::from_str(&s.json()).expect("valid JSON");
        // Laid out as serde_json lays it out, for people who open the downloaded file.
        assert_eq!(
            s.json(),
            serde_json::to_string_pretty(&s).unwrap(),
            "{typed:?}"
        );
        let goals = json["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["question_id"] == "goals")
            .unwrap();
        assert_eq!(goals["value"].as_str(), Some(typed.as_str()), "{typed:?}");

        // Plain text: nothing typed starts a line of its own, so it cannot pose as a header,
        // a heading or another answer; nothing reorders or hides what staff read.
        let text = s.text();
        // Compared with the same summary holding plain words: every line that starts at the
        // margin is one the widget wrote.
        let plain = summary_with("plain words").text();
        let margin = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.starts_with(' '))
                .map(|l| l.split([':', '?']).next().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(margin(&text), margin(&plain), "{typed:?}");
        // Nor an indented line: every detail line is the widget's; what was typed after a
        // line break carries the continuation bar (issue 14).
        let details = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with("    ") && !l.starts_with("    | "))
                .map(|l| l.split([':', '?']).next().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(details(&text), details(&plain), "{typed:?}");
        assert!(!text.contains('\r'), "{typed:?}");
        assert!(!text.chars().any(reorders), "{typed:?}");
        assert!(
            !text.contains(['\u{200b}', '\u{2060}', '\u{feff}']),
            "{typed:?}"
        );
        let flag_headings = text
            .lines()
            .filter(|l| l.starts_with("NEEDS PRACTITIONER REVIEW"))
            .count();
        assert_eq!(flag_headings, s.flags.len().min(1), "{typed:?}");
        assert!(!s.subject.contains(['\r', '\n']), "{:?}", s.subject);

        // mailto: exactly two parameters, every line break encoded; decoded, the body is the
        // summary with CRLF line ends and no header of the visitor's making.
        let link = mailto::link("bookings@example.com", &s.subject, &text);
        let query = link.split_once('?').unwrap().1;
        let params: Vec<&str> = query.split('&').collect();
        assert_eq!(params.len(), 2, "{typed:?}: {link}");
        assert!(params[0].starts_with("subject=") && params[1].starts_with("body="));
        assert!(
            !link.contains(['\r', '\n', ' ', '<', '>', '"']),
            "{typed:?}"
        );
        let body = mailto::decode(params[1].strip_prefix("body=").unwrap()).expect("decodes");
        assert_eq!(body, text.replace('\n', "\r\n"));
        assert!(!mailto::decode(params[0]).unwrap().contains(['\r', '\n']));

        // The website answer: only ever an http or https address, or none.
        if let Some(url) = website::normalise(&typed) {
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{url}"
            );
        }
    }
}

#[test]
fn dangerous_schemes_never_become_websites() {
    // Schemes that run code or reach local files, in the spellings browsers accept.
    for raw in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "blob:https://example.com/uuid",
        "about:blank",
        "mailto:x@example.com",
        "//evil.example.com",
        "https://user:pass@evil.example.com",
    ] {
        let got = website::normalise(raw);
        assert!(
            got.as_deref()
                .is_none_or(|u| u.starts_with("https://") && !u.contains('@')),
            "{raw:?} gave {got:?}"
        );
        assert!(
            got.as_deref().is_none_or(|u| !u.contains("script:")),
            "{raw:?}"
        );
    }
}
