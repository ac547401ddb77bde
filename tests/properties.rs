//! Property tests (proptest) for everything that reads what a visitor, a clinic's page or a
//! questionnaire file supplies: arbitrary Unicode, control characters, very long strings and
//! broken JSON never panic, and every result is one of the defined outcomes (issue 5,
//! "Validators and parsers never panic"). Case counts are set per property below.
#![cfg(not(target_arch = "wasm32"))]

use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::config::{Config, RawConfig};
use consultation_widget::core::draft::Draft;
use consultation_widget::core::intake;
use consultation_widget::core::mailto;
use consultation_widget::core::questionnaire::{Kind, Questionnaire};
use consultation_widget::core::signature::Signature;
use consultation_widget::core::summary::Summary;
use consultation_widget::core::validate::{check, email, website, Problem};
use proptest::prelude::*;

/// Any text a visitor could paste: any Unicode scalar, control and bidi characters included,
/// weighted towards the characters that matter to the parsers.
fn text(max: usize) -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '@', '.', ':', '/', '\\', '[', ']', '"', '\'', '<', '>', '&', '%', '#', '?', '\n', '\r',
        '\t', '\0', ' ', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}', 'é', '😀', 'م',
    ]);
    let ch = prop_oneof![3 => any::<char>(), 3 => special, 4 => prop::char::range('a', 'z')];
    prop::collection::vec(ch, 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// No control character but the line breaks a summary is made of.
fn no_stray_controls(s: &str) -> bool {
    s.chars().all(|c| c == '\n' || !c.is_control())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn email_never_panics_and_valid_means_the_whatwg_shape(raw in text(120)) {
        let clean = email::sanitise(&raw);
        // WHATWG HTML, type=email value sanitisation: line breaks removed.
        prop_assert!(!clean.contains(['\n', '\r']));
        if email::is_valid(&clean) {
            let (local, domain) = clean.split_once('@').unwrap();
            prop_assert!(!local.is_empty() && !domain.is_empty() && !domain.contains('@'));
            prop_assert!(clean.is_ascii() && !clean.contains(' '));
        }
    }

    /// Every address the WHATWG HTML pattern for type=email describes is accepted.
    #[test]
    fn every_whatwg_shaped_email_is_valid(
        raw in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,20}@[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?){0,3}"
    ) {
        prop_assert!(email::is_valid(&raw), "{raw}");
    }

    #[test]
    fn websites_are_http_or_https_and_normalising_is_stable(raw in text(120)) {
        if let Some(url) = website::normalise(&raw) {
            prop_assert!(url.starts_with("https://") || url.starts_with("http://"), "{url}");
            prop_assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control() || consultation_widget::core::characters::reorders(c)), "{url:?}");
            prop_assert_eq!(website::normalise(&url), Some(url.clone()));
        }
    }

    /// The serde readers of outside documents: a submission (as the receiver reads it), a
    /// questionnaire, a draft.
    #[test]
    fn serde_readers_never_panic(raw in text(200)) {
        let _ = Summary::from_json(&raw);
        let _ = intake::recheck(&raw, &[Questionnaire::builtin()]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow(depth in 0usize..5000, open in "[\\[{]") {
        let doc = if open == "[" { "[".repeat(depth) } else { "{\"a\":".repeat(depth) };
        prop_assert!(Questionnaire::from_json(&doc).is_err());
        prop_assert!(Summary::from_json(&doc).is_err());
        prop_assert!(Draft::read(&doc, &Questionnaire::builtin(), 0, u64::MAX).is_none());
    }

    #[test]
    fn settings_never_panic(
        values in prop::collection::vec(prop::option::of(text(80)), 15)
    ) {
        let mut v = values.into_iter();
        let raw = RawConfig {
            endpoint: v.next().flatten(),
            clinic_name: v.next().flatten(),
            clinic_email: v.next().flatten(),
            draft_storage: v.next().flatten(),
            draft_hours: v.next().flatten(),
            questionnaire: v.next().flatten(),
            theme_accent: v.next().flatten(),
            theme_font: v.next().flatten(),
            theme_radius: v.next().flatten(),
            pass_params: v.next().flatten(),
            event_reference: v.next().flatten(),
            allowed_endpoints: v.next().flatten(),
            allowed_clinic_emails: v.next().flatten(),
            allowed_questionnaires: v.next().flatten(),
            page_origin: v.next().flatten(),
        };
        match Config::from_raw(&raw) {
            Ok(config) => {
                // What reaches CSS can never close a declaration or open a block.
                for (_, value) in config.theme.properties() {
                    prop_assert!(!value.contains([';', '{', '}', '(', ')', '\\', '<']), "{value}");
                }
            }
            Err(e) => prop_assert!(e.attribute.starts_with("data-") && !e.problem.is_empty()),
        }
    }

    #[test]
    fn drafts_from_storage_never_panic(raw in text(300), now in any::<u64>(), age in any::<u64>()) {
        let _ = Draft::read(&raw, &Questionnaire::builtin(), now, age);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Any text in any question: one defined outcome, and over the limit is always too long.
    #[test]
    fn every_answer_gets_a_defined_outcome(raw in text(600), pick in any::<prop::sample::Index>()) {
        let q = Questionnaire::builtin();
        let questions: Vec<_> = q.questions().collect();
        let question = pick.get(&questions);
        let value = Value::Text(raw.clone());
        match check(question, Some(&value)) {
            Ok(()) | Err(Problem::Missing | Problem::Email | Problem::Website | Problem::Phone) => {}
            Err(Problem::TooLong { max }) => prop_assert!(raw.chars().count() > max),
            Err(Problem::Rejected(_)) => prop_assert!(false, "only a server rejects"),
            // Text is never photos: these come from the photos the visitor chose.
            Err(Problem::Photo(..) | Problem::TooManyPhotos { .. }) => {
                prop_assert!(false, "text is never photos")
            }
        }
        if question.kind.is_typed() && raw.chars().count() > question.max_length() {
            prop_assert_eq!(check(question, Some(&value)), Err(Problem::TooLong { max: question.max_length() }));
        }
    }

    /// A broken copy of the built-in questionnaire (bytes cut, swapped or added) is read or
    /// refused with a reason, never a panic; anything accepted keeps the loader's promises.
    #[test]
    fn damaged_questionnaires_are_read_or_refused(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..8)
    ) {
        let mut doc: Vec<char> = include_str!("../src/core/default_questionnaire.json").chars().collect();
        for (at, op, c) in edits {
            let i = at.index(doc.len());
            match op {
                0 => { doc.remove(i); }
                1 => doc.insert(i, c),
                _ => doc[i] = c,
            }
        }
        let doc: String = doc.into_iter().collect();
        match Questionnaire::from_json(&doc) {
            Ok(q) => {
                let mut ids: Vec<&str> = q.questions().map(|x| x.id.as_str()).collect();
                let n = ids.len();
                ids.sort_unstable();
                ids.dedup();
                prop_assert_eq!(ids.len(), n, "ids stay unique");
                prop_assert!(q.steps.iter().all(|s| !s.questions.is_empty()));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn arbitrary_text_is_never_a_questionnaire_by_accident(raw in text(400)) {
        prop_assert!(Questionnaire::from_json(&raw).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever is typed into every free-text question, the summary is built; its JSON keeps
    /// the text exactly; its plain text has no stray control or bidi characters and starts no
    /// line of its own with what was typed; its subject is one line; its mailto link carries
    /// no raw line break.
    #[test]
    fn summaries_keep_text_exact_in_json_and_defused_in_text(typed in text(300)) {
        let q = Questionnaire::builtin();
        let mut answers = Answers::default();
        for question in q.questions() {
            match question.kind {
                Kind::Text | Kind::LongText | Kind::Phone => answers.set(&question.id, Value::Text(typed.clone())),
                Kind::Email => answers.set(&question.id, Value::Text("name@example.com".into())),
                Kind::Choice => answers.set(&question.id, Value::Text(question.options[0].value.clone())),
                Kind::Multi => answers.set(&question.id, Value::Many(vec![question.options[0].value.clone()])),
                Kind::Confirm => answers.set(&question.id, Value::Checked(true)),
                Kind::Website => answers.set(&question.id, Value::Text(typed.clone())),
                Kind::Signature => answers.set(&question.id, Value::Signed(Signature { name: typed.clone(), strokes: vec![vec![1, 2, 3, 4]] })),
                Kind::Photos => answers.set(&question.id, Value::Photos(vec![consultation_widget::core::photos::Photo { photo: "1f3a9c1b-2d4e-4f60-9a1b-2c3d4e5f6a7b".into(), description: typed.clone() }])),
            }
        }
        let s = Summary::build(&q, &answers, "Glow Clinic", "0f3a9c1b-2d4e-4f60-8a7b-123456789abc".into(), "2026-11-21T10:00:00Z".into());
        let json: serde_json::Value = serde_json::from_str(&s.json()).expect("valid JSON");
        // What the widget writes, the receiver's serde types read back field for field.
        let back = Summary::from_json(&s.json()).expect("reads back");
        prop_assert_eq!(back.json(), s.json());
        let name = json["answers"].as_array().unwrap().iter().find(|a| a["question_id"] == "full_name").unwrap();
        if !typed.trim().is_empty() {
            prop_assert_eq!(name["value"].as_str(), Some(typed.as_str()));
        }
        let text = s.text();
        prop_assert!(no_stray_controls(&text), "{text:?}");
        let reorders = text.chars().any(consultation_widget::core::characters::reorders);
        prop_assert!(!reorders, "no bidirectional control reaches staff");
        // A typed line break never starts a line of its own: it is indented under its answer.
        for line in typed.split('\n').skip(1).filter(|l| !l.trim().is_empty()) {
            let first_word = line.split_whitespace().next().unwrap_or_default();
            prop_assert!(!text.lines().any(|l| l.starts_with(first_word) && !first_word.is_empty() && first_word.ends_with(':')),
                "a typed line posing as a field: {line:?}");
        }
        prop_assert!(!s.subject.contains(['\n', '\r']));
        let link = mailto::link("bookings@example.com", &s.subject, &text);
        prop_assert!(link.starts_with("mailto:") && !link.contains(['\n', '\r', ' ']));
        // The website answer is a link staff may click: only ever http or https.
        let site = json["answers"].as_array().unwrap().iter().find(|a| a["question_id"] == "website").unwrap();
        if let Some(shown) = site["display"].as_str() {
            prop_assert!(shown.starts_with("https://") || shown.starts_with("http://") || website::normalise(&typed).is_none());
        }
    }
}
