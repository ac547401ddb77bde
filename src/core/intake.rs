//! The receiver's re-check of a submission, with the widget's own rules ("re-check on the
//! server", GOV.UK Service Manual): the document is read with the same serde types the widget
//! wrote it with, every answer is checked against the questionnaire it names, and the flags,
//! the displayed answers and the staff summary are rebuilt from the answers alone. What the
//! browser claimed (`flags`, `message`) is never trusted; where it differs, that is recorded.

use super::answers::{Answers, Value};
use super::catalogue::Catalogue;
use super::consent;
use super::delivery::{Refusal, RefusalError, MAX_PAYLOAD_BYTES};
use super::messages::message;
use super::questionnaire::{Kind, Questionnaire};
use super::signature::{self, Signature};
use super::spam;
use super::summary::{reference, Summary};
use super::validate::check;

/// A submission that passed every check, as the receiver rebuilt it.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The receiver's own: answers' display, flags, consents and the plain-text `message`
    /// computed from the answers and the questionnaire.
    pub submission: Summary,
    /// Which parts the browser sent differently ("flags", "message", ...), for the record.
    pub differed: Vec<&'static str>,
    /// The body exactly as the widget sent it, for storage and export.
    pub sent: String,
}

impl Checked {
    /// Refuses a submission naming photos, naming their question, where the images did not
    /// come with it (a JSON body alone).
    pub fn photos_without_images(&self) -> Result<(), Rejection> {
        match self.photos().next() {
            Some((question, _)) => Err(field_error(
                question,
                "Photos must be sent with their images, as multipart/form-data",
            )),
            None => Ok(()),
        }
    }

    /// The photos the submission names, with their question's id: each needs its image beside
    /// the JSON (issue 24).
    pub fn photos(&self) -> impl Iterator<Item = (&str, &super::photos::Photo)> {
        self.submission.photos()
    }
}

/// Why a body is not a valid submission: the status to answer with and a body in the
/// Formspree shape, which the widget shows on its fields (`core::delivery::classify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: u16,
    refusal: Refusal,
}

impl Rejection {
    /// A problem with the document as a whole: `code` names its kind for systems.
    fn form(status: u16, code: &str, message: impl Into<String>) -> Rejection {
        Rejection {
            status,
            refusal: Refusal {
                errors: vec![RefusalError {
                    field: None,
                    code: Some(code.to_owned()),
                    message: message.into(),
                }],
            },
        }
    }

    /// 400 for a body that is not a submission document at all; 413 for one too large;
    /// 422 for a well-formed submission whose answers break the questionnaire's rules.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The code of a form-level refusal (`invalid-json`, `unknown-question`, ...), or
    /// `None` when the problems are on fields.
    pub fn code(&self) -> Option<&str> {
        self.refusal.errors.iter().find_map(|e| e.code.as_deref())
    }

    pub fn refusal(&self) -> &Refusal {
        &self.refusal
    }

    pub fn body(&self) -> String {
        // Strings only: serde_json cannot fail on these.
        serde_json::to_string(&self.refusal).unwrap_or_default()
    }
}

/// Re-checks a submission body against the questionnaire it names, in the language it names
/// (`language`, compared without case), among those the receiver knows: `questionnaires` holds
/// each version once per language it accepts, translated (`core::translation::translate`), so
/// the answers' labels and the consent digest are those of the words the visitor read. A
/// version known but not in that language is refused with `unknown-language`. See
/// `recheck_against` for every other rule.
pub fn recheck(body: &str, questionnaires: &[Questionnaire]) -> Result<Checked, Rejection> {
    if body.len() > MAX_PAYLOAD_BYTES {
        return Err(Rejection::form(
            413,
            "too-large",
            format!("A submission is at most {} KB", MAX_PAYLOAD_BYTES / 1024),
        ));
    }
    let sent = Summary::from_json(body)
        .map_err(|e| Rejection::form(400, "invalid-document", format!("Not a submission: {e}")))?;
    let named = &sent.questionnaire;
    let mut versions = questionnaires
        .iter()
        .filter(|q| q.id == named.id && q.version == named.version)
        .peekable();
    if versions.peek().is_none() {
        return Err(Rejection::form(
            422,
            "unknown-questionnaire",
            "This questionnaire, or this version of it, is not one this clinic accepts",
        ));
    }
    let q = versions
        .find(|q| q.language().eq_ignore_ascii_case(&sent.language))
        .ok_or_else(|| {
            Rejection::form(
                422,
                "unknown-language",
                "This questionnaire is not published in the language the submission names",
            )
        })?;
    recheck_against(q, sent, body)
}

/// The rules, in order:
/// 1. the submission id is a version 4 UUID (RFC 9562), its reference the one derived from
///    it, and `completed_at` a UTC time (schema/submission.schema.json);
/// 2. every answer names a question of this questionnaire, once, under that question's step;
/// 3. every answer has its question's shape (text, ticked options, a tick box) and only the
///    question's own options;
/// 4. hidden conditional questions are absent, and every visible one is present
///    (shared/questionnaire-brief.md: "hidden are not validated and not submitted");
/// 5. the widget's rules hold for each visible answer, with the widget's exact messages:
///    required answers, email, website, length limits;
/// 6. spam reasons and page parameters are of the kinds the widget writes.
pub fn recheck_against(q: &Questionnaire, sent: Summary, body: &str) -> Result<Checked, Rejection> {
    let invalid = |code: &str, message: &str| Rejection::form(422, code, message);
    if !is_uuid_v4(&sent.submission_id) {
        return Err(invalid(
            "invalid-submission-id",
            "The submission id must be a random (version 4) UUID",
        ));
    }
    if sent.reference != reference(&sent.submission_id) {
        return Err(invalid(
            "invalid-reference",
            "The reference must be the one made from the submission id",
        ));
    }
    if !is_utc_time(&sent.completed_at) {
        return Err(invalid(
            "invalid-time",
            "completed_at must be a UTC time such as 2026-11-21T10:00:00Z",
        ));
    }

    let mut answers = Answers::default();
    let mut seen: Vec<&str> = Vec::new();
    for item in &sent.answers {
        let Some(question) = q.question(&item.question_id) else {
            return Err(invalid(
                "unknown-question",
                "An answer names a question this questionnaire does not have",
            ));
        };
        let step = q.step_of(&question.id).map(|s| q.steps[s].id.as_str());
        if seen.contains(&question.id.as_str()) || step != Some(item.step_id.as_str()) {
            return Err(invalid(
                "misplaced-answer",
                "An answer is given twice, or under another step than its question's",
            ));
        }
        seen.push(&question.id);
        if let Some(value) = &item.value {
            if let (Kind::Photos, Value::Photos(photos)) = (question.kind, value) {
                if let Err(problem) = super::photos::check(photos, question.max_photos()) {
                    return Err(field_error(&question.id, problem));
                }
            }
            if !has_shape(question.kind, value, |v| question.option_label(v).is_some()) {
                return Err(field_error(
                    &question.id,
                    "This answer is not one of the choices",
                ));
            }
            answers.set(&question.id, signed(question.kind, value, &sent));
        }
    }
    if let Some(record) = &sent.signature {
        if let Err(problem) = signature::check(&record.strokes) {
            return Err(invalid("invalid-signature", problem));
        }
    }
    for question in q.questions() {
        let visible = answers.is_visible(q, question);
        let present = seen.contains(&question.id.as_str());
        if visible != present {
            return Err(invalid(
                "hidden-or-missing",
                "Every question shown to the visitor, and no hidden one, must be in the answers",
            ));
        }
    }

    let mut problems = Vec::new();
    for question in q.questions().filter(|x| answers.is_visible(q, x)) {
        if let Err(problem) = check(question, answers.get(&question.id)) {
            problems.push(RefusalError {
                field: Some(question.id.clone()),
                code: None,
                message: message(&problem, &Catalogue::ENGLISH),
            });
        }
    }
    if !problems.is_empty() {
        return Err(Rejection {
            status: 422,
            refusal: Refusal { errors: problems },
        });
    }

    if sent
        .spam
        .iter()
        .any(|r| r != spam::HIDDEN_FIELD && r != spam::TOO_FAST)
    {
        return Err(invalid("invalid-spam", "Unknown spam reason"));
    }
    let context_ok = sent.context.len() <= super::config::MAX_PARAMS
        && sent.context.iter().all(|(name, value)| {
            super::config::is_param_name(name)
                && !value.trim().is_empty()
                && value.chars().count() <= super::config::MAX_PARAM_VALUE
        });
    if !context_ok {
        return Err(invalid(
            "invalid-context",
            "Page parameters must be the kind the widget passes along",
        ));
    }

    let mut own = Summary::build(
        q,
        &answers,
        "",
        sent.submission_id.clone(),
        sent.completed_at.clone(),
    )
    .annotated(&sent.context, &sent.spam)
    .with_consent_digest(&consent::digest(q));
    signature_holds(&own, &sent)?;
    // The subject names the clinic, which only the widget's page knows; it is a form
    // backend's convenience and carries no answer, so it is kept as sent, on one line.
    own.subject = super::summary::one_line(&sent.subject);
    let mut differed = Vec::new();
    if own.flags != sent.flags {
        differed.push("flags");
    }
    if own.answers != sent.answers {
        differed.push("answers");
    }
    if own.consents != sent.consents {
        differed.push("consents");
    }
    if own.message != sent.message {
        differed.push("message");
    }
    if own.reply_to != sent.reply_to {
        differed.push("reply_to");
    }
    Ok(Checked {
        submission: own,
        differed,
        sent: body.to_owned(),
    })
}

/// A signature question's answer as the flow keeps it: the typed name sent as the answer, with
/// the strokes from the signed consent record.
fn signed(kind: Kind, value: &Value, sent: &Summary) -> Value {
    match (kind, value) {
        (Kind::Signature, Value::Text(name)) => Value::Signed(Signature {
            name: name.clone(),
            strokes: sent
                .signature
                .as_ref()
                .map(|r| r.strokes.clone())
                .unwrap_or_default(),
        }),
        _ => value.clone(),
    }
}

/// The signed consent record must be the receiver's own: the same signer, time and strokes, and
/// the digest of the consent words this questionnaire version publishes. Another digest means
/// the visitor was shown words the clinic did not publish (issue 23).
fn signature_holds(own: &Summary, sent: &Summary) -> Result<(), Rejection> {
    if let (Some(mine), Some(theirs)) = (&own.signature, &sent.signature) {
        if mine.consent_digest != theirs.consent_digest {
            return Err(Rejection::form(
                422,
                "consent-digest-mismatch",
                "The consent texts signed are not the ones this clinic publishes for this questionnaire version",
            ));
        }
    }
    if own.signature != sent.signature {
        return Err(Rejection::form(
            422,
            "invalid-signature",
            "The signed consent record must name the signature answer's signer, the completion time and the drawn strokes",
        ));
    }
    Ok(())
}

fn field_error(question: &str, text: &str) -> Rejection {
    Rejection {
        status: 422,
        refusal: Refusal {
            errors: vec![RefusalError {
                field: Some(question.to_owned()),
                code: None,
                message: text.to_owned(),
            }],
        },
    }
}

/// Whether a value has its question's shape, with only the question's own options.
fn has_shape(kind: Kind, value: &Value, is_option: impl Fn(&str) -> bool) -> bool {
    match (kind, value) {
        (Kind::Choice, Value::Text(v)) => v.is_empty() || is_option(v),
        (Kind::Multi, Value::Many(vs)) => {
            vs.iter().all(|v| is_option(v))
                && vs.iter().enumerate().all(|(i, v)| !vs[..i].contains(v))
        }
        (Kind::Confirm, Value::Checked(_)) => true,
        // The typed name; the strokes travel in the signed consent record.
        (Kind::Signature, Value::Text(_)) => true,
        // Checked on their own (`photos::check`); none is an empty list.
        (Kind::Photos, Value::Photos(_)) => true,
        (Kind::Photos, Value::Many(none)) => none.is_empty(),
        (kind, Value::Text(_)) => kind.is_typed(),
        _ => false,
    }
}

/// `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx` in lower-case hex (RFC 9562 §5.4), as the
/// widget makes them.
pub fn is_uuid_v4(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            14 => c == b'4',
            19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
            _ => matches!(c, b'0'..=b'9' | b'a'..=b'f'),
        })
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, as the browser's `toISOString` writes it (RFC 3339 §5.6,
/// UTC only), with the fields in range.
fn is_utc_time(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let num = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(99);
    if b.len() < 20 || !t.is_ascii() || !t.ends_with('Z') {
        return false;
    }
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let fraction = &t[19..t.len() - 1];
    let fraction_ok = fraction.is_empty()
        || (fraction.len() > 1
            && fraction.starts_with('.')
            && fraction[1..].bytes().all(|c| c.is_ascii_digit()));
    shape
        && fraction_ok
        && (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) < 24
        && num(14..16) < 60
        && num(17..19) < 61
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::flow::{tests::minimal_answers, Action, Flow};
    use std::rc::Rc;

    const ID: &str = "0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b";

    /// What the widget sends after the fewest answers the built-in questionnaire accepts.
    fn sent(extra: Vec<(&str, Value)>) -> String {
        let q = Questionnaire::builtin();
        let mut flow = Flow::new(Rc::new(q.clone()), Rc::new(Config::default()));
        for actions in minimal_answers() {
            for a in actions {
                flow.apply(a);
            }
        }
        for (id, value) in extra {
            flow.apply(Action::Answer {
                question: id.into(),
                value,
            });
        }
        Summary::build(
            &q,
            &flow.answers,
            "Glow Clinic",
            ID.into(),
            "2026-11-21T10:00:00.123Z".into(),
        )
        .with_consent_digest(&consent::digest(&q))
        .json()
    }

    /// Sets one answer's raw value in a submission document.
    fn set_value(doc: &mut serde_json::Value, question: &str, value: serde_json::Value) {
        let answers = doc["answers"].as_array_mut().unwrap();
        let answer = answers.iter_mut().find(|a| a["question_id"] == question);
        answer.unwrap()["value"] = value;
    }

    fn recheck_builtin(body: &str) -> Result<Checked, Rejection> {
        recheck(body, &[Questionnaire::builtin()])
    }

    #[test]
    fn accepts_what_the_widget_sends_and_rebuilds_the_same() {
        let body = sent(vec![("pregnant", Value::Text("yes".into()))]);
        let checked = recheck_builtin(&body).expect("accepted");
        assert!(checked.differed.is_empty(), "{:?}", checked.differed);
        assert_eq!(checked.sent, body);
        assert_eq!(checked.submission.flags.len(), 1);
        let record = checked.submission.signature.as_ref().expect("signed");
        assert_eq!(record.signer, "Jane Example");
        assert_eq!(
            record.consent_digest,
            consent::digest(&Questionnaire::builtin())
        );
        // Field for field: the document read back natively is what the widget wrote.
        assert_eq!(checked.submission.json(), body);
    }

    /// A questionnaire with a photos question taking two (issue 24).
    fn with_photos() -> Questionnaire {
        Questionnaire::from_json(
            r#"{"id": "skin", "version": "1", "title": "Skin", "steps": [{"id": "you",
                "title": "You", "questions": [
                {"id": "name", "kind": "text", "label": "Name", "required": true},
                {"id": "areas", "kind": "photos", "label": "Photos of the areas to treat",
                 "max_photos": 2}]}]}"#,
        )
        .unwrap()
    }

    fn photo(id: &str, description: &str) -> crate::core::photos::Photo {
        crate::core::photos::Photo {
            photo: id.into(),
            description: description.into(),
        }
    }

    #[test]
    fn photos_are_named_in_the_json_and_checked() {
        // Issue 24: a photos answer is its photos' ids and descriptions; the summary says what
        // they are for; the receiver gets the list to match against the images sent beside it.
        let q = with_photos();
        let qs = std::slice::from_ref(&q);
        let other = "1f3a9c1b-2d4e-4f60-9a1b-2c3d4e5f6a7b";
        let body = |areas: Value| {
            let mut answers = Answers::default();
            answers.set("name", Value::Text("Jane Example".into()));
            answers.set("areas", areas);
            Summary::build(&q, &answers, "", ID.into(), "2026-11-21T10:00:00Z".into()).json()
        };
        let two = Value::Photos(vec![photo(ID, "Left cheek"), photo(other, "")]);
        let checked = recheck(&body(two.clone()), qs).expect("accepted");
        let named: Vec<(&str, &str)> = checked
            .photos()
            .map(|(question, p)| (question, p.photo.as_str()))
            .collect();
        assert_eq!(named, [("areas", ID), ("areas", other)]);
        assert!(checked.submission.text().contains(
            "Photos of the areas to treat: 2 photos, for this consultation request only"
        ));
        let doc: serde_json::Value = serde_json::from_str(&checked.submission.json()).unwrap();
        assert_eq!(
            doc["answers"][1]["value"],
            serde_json::json!([{"photo": ID, "description": "Left cheek"}, {"photo": other, "description": ""}])
        );
        // None at all is an empty list, and fine: the question is optional.
        assert!(recheck(&body(Value::Many(vec![])), qs).is_ok());

        let refused = |value: serde_json::Value| {
            let mut doc: serde_json::Value = serde_json::from_str(&body(two.clone())).unwrap();
            set_value(&mut doc, "areas", value);
            let e = recheck(&doc.to_string(), qs).expect_err("refused");
            let first = &e.refusal().errors[0];
            (e.status(), first.field.clone(), first.message.clone())
        };
        let third = "2f3a9c1b-2d4e-4f60-aa1b-2c3d4e5f6a7b";
        let cases = [
            (
                serde_json::json!([{"photo": ID}, {"photo": other}, {"photo": third}]),
                "More photos than this question takes",
            ),
            (
                serde_json::json!([{"photo": "IMG_0001.jpg"}]),
                "Each photo must be named by a random (version 4) UUID",
            ),
            (
                serde_json::json!([{"photo": ID}, {"photo": ID}]),
                "A photo is named twice",
            ),
            (
                serde_json::json!("a photo"),
                "This answer is not one of the choices",
            ),
            (
                serde_json::json!(["left_cheek"]),
                "This answer is not one of the choices",
            ),
        ];
        for (value, message) in cases {
            assert_eq!(
                refused(value.clone()),
                (422, Some("areas".to_owned()), message.to_owned()),
                "{value}"
            );
        }
        // An image inside the JSON, or a list mixing texts and photos, is not a submission.
        for value in [
            serde_json::json!([{"photo": ID, "data": "/9j/4AAQ"}]),
            serde_json::json!([{"photo": ID}, "left_cheek"]),
        ] {
            let mut doc: serde_json::Value = serde_json::from_str(&body(two.clone())).unwrap();
            set_value(&mut doc, "areas", value.clone());
            let e = recheck(&doc.to_string(), qs).expect_err("refused");
            assert_eq!(e.status(), 400, "{value}");
        }
    }

    /// The built-in questionnaire in Spanish, as the receiver keeps it beside the English one.
    fn spanish() -> Questionnaire {
        let json = crate::core::translation::builtin_json("es").unwrap();
        let t = crate::core::translation::Translation::from_json(json).unwrap();
        crate::core::translation::translate(&Questionnaire::builtin(), &t).unwrap()
    }

    /// What the widget sends after the fewest answers, shown `q` (a translation, perhaps),
    /// with the consent digest of `digest_of`.
    fn sent_in(q: &Questionnaire, digest_of: &Questionnaire) -> String {
        let english = sent(vec![]);
        let read = Summary::from_json(&english).unwrap();
        Summary::build(
            q,
            &read.held_answers(),
            "Glow Clinic",
            ID.into(),
            read.completed_at.clone(),
        )
        .with_consent_digest(&consent::digest(digest_of))
        .json()
    }

    #[test]
    fn a_submission_is_rechecked_in_the_language_it_names() {
        // Issue 25: the receiver finds the translation the visitor read, rebuilds the summary in
        // it and recomputes the digest from its words.
        let (english, spanish) = (Questionnaire::builtin(), spanish());
        let both = [english.clone(), spanish.clone()];
        let body = sent_in(&spanish, &spanish);
        let checked = recheck(&body, &both).expect("accepted in Spanish");
        assert!(checked.differed.is_empty(), "{:?}", checked.differed);
        assert_eq!(checked.submission.language, "es");
        assert_eq!(checked.submission.json(), body);
        let keloid = checked
            .submission
            .answers
            .iter()
            .find(|a| a.question_id == "keloid");
        assert_eq!(keloid.unwrap().display.as_deref(), Some("No"));
        assert!(
            checked.submission.consents[0]
                .text
                .starts_with("He leído y entiendo"),
            "{}",
            checked.submission.consents[0].text
        );
        // Signed against the English words while claiming Spanish: not what was published.
        let english_digest = sent_in(&spanish, &english);
        let refused = recheck(&english_digest, &both).unwrap_err();
        assert_eq!(refused.code(), Some("consent-digest-mismatch"));
        // A language the receiver does not hold this version in.
        assert_eq!(
            recheck(&body, std::slice::from_ref(&english))
                .unwrap_err()
                .code(),
            Some("unknown-language")
        );
        let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        doc["language"] = "pt".into();
        let refused = recheck(&doc.to_string(), &both).unwrap_err();
        assert_eq!(
            (refused.status(), refused.code()),
            (422, Some("unknown-language"))
        );
        // Tags are compared without case.
        doc["language"] = "ES".into();
        assert!(recheck(&doc.to_string(), &both).is_ok());
        // A document from before the member: English.
        let mut old: serde_json::Value = serde_json::from_str(&sent(vec![])).unwrap();
        old.as_object_mut().unwrap().remove("language");
        let checked = recheck(&old.to_string(), &both).expect("read as en-GB");
        assert_eq!(checked.submission.language, "en-GB");
    }

    #[test]
    fn an_optional_screening_question_left_unanswered_is_flagged_whatever_the_browser_says() {
        // Issue 20: a clinic's questionnaire may let a screening question go unanswered; the
        // receiver's own summary then flags it, even when the browser claims no flags.
        let q = Questionnaire::from_json(
            r#"{"id":"short","version":"1","title":"Short","steps":[{"id":"s","title":"S","questions":[
                {"id":"name","kind":"text","label":"Name","required":true,"autocomplete":"name"},
                {"id":"diabetes","kind":"choice","label":"Do you have diabetes?","flag_if":"yes",
                 "options":[{"value":"yes","label":"Yes"},{"value":"no","label":"No"}]}]}]}"#,
        )
        .unwrap();
        let mut answers = crate::core::answers::Answers::default();
        answers.set("name", Value::Text("Jane Example".into()));
        let body = Summary::build(
            &q,
            &answers,
            "Glow Clinic",
            ID.into(),
            "2026-11-21T10:00:00Z".into(),
        )
        .json();
        let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        doc["flags"] = serde_json::json!([]);
        doc["message"] = serde_json::json!("No screening flags");
        let checked = recheck_against(
            &q,
            serde_json::from_value(doc.clone()).unwrap(),
            &doc.to_string(),
        )
        .expect("accepted: the question is optional");
        assert_eq!(checked.differed, ["flags", "message"]);
        let flag = &checked.submission.flags[0];
        assert_eq!(flag.label, "Screening incomplete: 1 question not answered");
        assert!(checked.submission.message.contains("NEEDS PRACTITIONER REVIEW (1)\n- Screening incomplete: 1 question not answered\n    Do you have diabetes?\n"));
        assert!(!checked.submission.message.contains("No screening flags"));
    }

    #[test]
    fn tampered_flags_and_message_are_replaced() {
        let body = sent(vec![("pregnant", Value::Text("yes".into()))]);
        let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        doc["flags"] = serde_json::json!([]);
        doc["message"] = serde_json::json!("No screening flags");
        let checked = recheck_builtin(&doc.to_string()).expect("accepted");
        assert_eq!(checked.differed, ["flags", "message"]);
        assert_eq!(checked.submission.flags[0].question_id, "pregnant");
        assert!(checked
            .submission
            .message
            .contains("NEEDS PRACTITIONER REVIEW (1)"));
    }

    /// Each rule of `recheck_against`, broken once, from what the widget sends.
    #[test]
    fn each_rule_refuses() {
        type Edit = fn(&mut serde_json::Value);
        /// Why, the edit, then the status, form-level code and field errors expected.
        type Case = (
            &'static str,
            Edit,
            u16,
            Option<&'static str>,
            &'static [(&'static str, &'static str)],
        );
        let cases: Vec<Case> = vec![
            (
                "not a UUID",
                |d| d["submission_id"] = "abc".into(),
                422,
                Some("invalid-submission-id"),
                &[],
            ),
            (
                "upper-case UUID",
                |d| d["submission_id"] = ID.to_uppercase().into(),
                422,
                Some("invalid-submission-id"),
                &[],
            ),
            (
                "reference of another id",
                |d| d["reference"] = "AAAA-BBBB".into(),
                422,
                Some("invalid-reference"),
                &[],
            ),
            (
                "local time",
                |d| d["completed_at"] = "2026-11-21T10:00:00+01:00".into(),
                422,
                Some("invalid-time"),
                &[],
            ),
            (
                "month 13",
                |d| d["completed_at"] = "2026-13-21T10:00:00Z".into(),
                422,
                Some("invalid-time"),
                &[],
            ),
            (
                "unknown questionnaire version",
                |d| d["questionnaire"]["version"] = "0".into(),
                422,
                Some("unknown-questionnaire"),
                &[],
            ),
            (
                "unknown question",
                |d| d["answers"][0]["question_id"] = "favourite_colour".into(),
                422,
                Some("unknown-question"),
                &[],
            ),
            (
                "answer twice",
                |d| {
                    let first = d["answers"][0].clone();
                    d["answers"].as_array_mut().unwrap().push(first);
                },
                422,
                Some("misplaced-answer"),
                &[],
            ),
            (
                "answer under another step",
                |d| d["answers"][0]["step_id"] = "your_skin".into(),
                422,
                Some("misplaced-answer"),
                &[],
            ),
            (
                "hidden question present",
                |d| {
                    let mut extra = d["answers"][0].clone();
                    extra["question_id"] = "concerns_other".into();
                    extra["step_id"] = "your_skin".into();
                    extra["value"] = "x".into();
                    let list = d["answers"].as_array_mut().unwrap();
                    let at = list
                        .iter()
                        .position(|a| a["question_id"] == "skin_type")
                        .unwrap();
                    list.insert(at, extra);
                },
                422,
                Some("hidden-or-missing"),
                &[],
            ),
            (
                "visible question absent",
                |d| {
                    d["answers"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|a| a["question_id"] != "phone");
                },
                422,
                Some("hidden-or-missing"),
                &[],
            ),
            (
                "not an option",
                |d| set_value(d, "contact_method", "pigeon".into()),
                422,
                None,
                &[("contact_method", "This answer is not one of the choices")],
            ),
            (
                "wrong shape",
                |d| set_value(d, "areas", "face".into()),
                422,
                None,
                &[("areas", "This answer is not one of the choices")],
            ),
            (
                "required missing",
                |d| set_value(d, "full_name", "   ".into()),
                422,
                None,
                &[("full_name", "Required field missing")],
            ),
            (
                "email invalid",
                |d| set_value(d, "email", "name@".into()),
                422,
                None,
                &[("email", "Email address invalid")],
            ),
            (
                "website invalid",
                |d| set_value(d, "website", "javascript:alert(1)".into()),
                422,
                None,
                &[("website", "Website address invalid")],
            ),
            (
                // Issue 20: the receiver applies the widget's phone rule.
                "phone invalid",
                |d| set_value(d, "phone", "call me maybe!!".into()),
                422,
                None,
                &[("phone", "Phone number invalid")],
            ),
            (
                // Issue 20: a screening question of the built-in questionnaire left
                // unanswered is refused, as the widget refuses it.
                "screening skipped",
                |d| set_value(d, "diabetes", serde_json::Value::Null),
                422,
                None,
                &[("diabetes", "Required field missing")],
            ),
            (
                "too long",
                |d| set_value(d, "full_name", "x".repeat(121).into()),
                422,
                None,
                &[("full_name", "Must be 120 characters or fewer")],
            ),
            // Issue 23: the signed consent record is the receiver's own, or refused.
            (
                "a consent text other than the published one",
                |d| d["signature"]["consent_digest"] = "0".repeat(64).into(),
                422,
                Some("consent-digest-mismatch"),
                &[],
            ),
            (
                "no digest at all",
                |d| d["signature"]["consent_digest"] = "".into(),
                422,
                Some("consent-digest-mismatch"),
                &[],
            ),
            (
                "strokes over the bound",
                |d| d["signature"]["strokes"] = serde_json::json!([vec![1; 4002]]),
                422,
                Some("invalid-signature"),
                &[],
            ),
            (
                "a point outside the box",
                |d| d["signature"]["strokes"] = serde_json::json!([[601, 0]]),
                422,
                Some("invalid-signature"),
                &[],
            ),
            (
                "markup in the strokes",
                |d| d["signature"]["strokes"] = serde_json::json!([["<svg onload=alert(1)>"]]),
                400,
                Some("invalid-document"),
                &[],
            ),
            (
                "an image instead of strokes",
                |d| d["signature"]["image"] = "data:image/svg+xml,<svg/>".into(),
                400,
                Some("invalid-document"),
                &[],
            ),
            (
                "another signer than the answer",
                |d| d["signature"]["signer"] = "Someone Else".into(),
                422,
                Some("invalid-signature"),
                &[],
            ),
            (
                "another signing time",
                |d| d["signature"]["signed_at"] = "2020-01-01T00:00:00Z".into(),
                422,
                Some("invalid-signature"),
                &[],
            ),
            (
                "the record left out",
                |d| {
                    d.as_object_mut().unwrap().remove("signature");
                },
                422,
                Some("invalid-signature"),
                &[],
            ),
            (
                "unsigned",
                |d| set_value(d, "signature", serde_json::Value::Null),
                422,
                None,
                &[("signature", "Required field missing")],
            ),
            (
                "unknown spam reason",
                |d| d["spam"] = serde_json::json!({"likely": true, "reasons": ["odd"]}),
                422,
                Some("invalid-spam"),
                &[],
            ),
            (
                "bad page parameter",
                |d| d["context"] = serde_json::json!({"a b": "x"}),
                422,
                Some("invalid-context"),
                &[],
            ),
            (
                "unknown member",
                |d| d["extra"] = 1.into(),
                400,
                Some("invalid-document"),
                &[],
            ),
            (
                "wrong type",
                |d| d["flags"] = "none".into(),
                400,
                Some("invalid-document"),
                &[],
            ),
            (
                "other format",
                |d| d["format"] = "consultation-summary/2".into(),
                400,
                Some("invalid-document"),
                &[],
            ),
        ];
        let body = sent(vec![(
            "signature",
            Value::Signed(Signature {
                name: "Jane Example".into(),
                strokes: vec![vec![10, 20, 30, 40]],
            }),
        )]);
        for (why, edit, status, code, fields) in cases {
            let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
            edit(&mut doc);
            let err = recheck_builtin(&doc.to_string()).expect_err(why);
            assert_eq!(err.status(), status, "{why}: {}", err.body());
            assert_eq!(err.code(), code, "{why}: {}", err.body());
            let got: Vec<(String, String)> = err
                .refusal()
                .errors
                .iter()
                .filter_map(|e| Some((e.field.clone()?, e.message.clone())))
                .collect();
            let want: Vec<(String, String)> = fields
                .iter()
                .map(|(f, m)| (f.to_string(), m.to_string()))
                .collect();
            assert_eq!(got, want, "{why}");
        }
        let broken = recheck_builtin("{\"format\":").expect_err("broken JSON");
        assert_eq!(
            (broken.status(), broken.code()),
            (400, Some("invalid-document"))
        );
        let huge = recheck_builtin(&" ".repeat(MAX_PAYLOAD_BYTES + 1)).expect_err("too large");
        assert_eq!(huge.status(), 413);
    }

    #[test]
    fn field_errors_reach_the_widget_as_it_reads_them() {
        use crate::core::delivery::{classify, Outcome};
        let body = sent(vec![]).replace("name@example.com", "name@");
        let err = recheck_builtin(&body).expect_err("bad email");
        assert_eq!(
            classify(err.status(), &err.body()),
            Outcome::Rejected(422, vec![("email".into(), "Email address invalid".into())])
        );
    }

    #[test]
    fn uuids_and_times() {
        // RFC 9562 §5.4 (version nibble 4, variant 10xx); RFC 3339 §5.6 in UTC.
        for (id, ok) in [
            (ID, true),
            ("0f3a9c1b-2d4e-5f60-8a1b-2c3d4e5f6a7b", false),
            ("0f3a9c1b-2d4e-4f60-ca1b-2c3d4e5f6a7b", false),
            ("0f3a9c1b2d4e4f608a1b2c3d4e5f6a7b", false),
        ] {
            assert_eq!(is_uuid_v4(id), ok, "{id}");
        }
        for (t, ok) in [
            ("2026-11-21T10:00:00Z", true),
            ("2026-11-21T10:00:00.123Z", true),
            ("2026-11-21T10:00:00.Z", false),
            ("2026-11-21 10:00:00Z", false),
            ("2026-11-21T24:00:00Z", false),
            ("2026-11-21T10:00:00", false),
            ("２026-11-21T10:00:00Z", false),
        ] {
            assert_eq!(is_utc_time(t), ok, "{t}");
        }
    }
}
