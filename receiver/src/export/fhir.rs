//! One submission as a FHIR R4 QuestionnaireResponse (hl7.org/fhir/R4/questionnaireresponse.html),
//! built from the receiver's own re-checked summary: `status` completed, `questionnaire` a
//! canonical with `|version`, `authored` the completion time, and one item per visible
//! question (`linkId` the question id, `text` its label) whose answer is a `valueString`
//! (typed text), `valueBoolean` (a tick box) or `valueCoding` (an option: its value as the
//! code, its label as the display). A question not answered has no `answer` at all: FHIR
//! forbids empty answers (que-2's "answer.value" and the rule that elements have a value).

use consultation_widget::core::answers::Value;
use consultation_widget::core::questionnaire::{Kind, Questionnaire};
use consultation_widget::core::summary::Summary;
use serde_json::{json, Map};

/// The canonical URL base of this receiver's questionnaires. A URN, as the questionnaires are
/// not published at an address; FHIR's canonical type is any URI.
pub const CANONICAL_BASE: &str = "urn:consultation-widget:questionnaire:";

/// Keeps letters, digits, `-`, `.` and `_`; percent-encodes the rest, so an id is a URN part.
fn urn_part(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn questionnaire_response(s: &Summary, q: Option<&Questionnaire>) -> serde_json::Value {
    let canonical = format!(
        "{CANONICAL_BASE}{}|{}",
        urn_part(&s.questionnaire.id),
        s.questionnaire.version
    );
    let mut items = Vec::new();
    for item in &s.answers {
        let question = q.and_then(|q| q.question(&item.question_id));
        let system = format!(
            "{CANONICAL_BASE}{}:{}",
            urn_part(&s.questionnaire.id),
            urn_part(&item.question_id)
        );
        let coding = |value: &str| {
            let display = question
                .and_then(|q| q.option_label(value))
                .unwrap_or(value);
            json!({ "valueCoding": { "system": system, "code": value, "display": display } })
        };
        let answers: Vec<serde_json::Value> = match &item.value {
            None => vec![],
            Some(Value::Checked(b)) => vec![json!({ "valueBoolean": b })],
            Some(Value::Many(values)) => values.iter().map(|v| coding(v)).collect(),
            Some(Value::Text(t)) if t.trim().is_empty() => vec![],
            // A summary's answers carry a signature as its typed name (text); never this shape.
            Some(Value::Signed(s)) => vec![json!({ "valueString": s.name })],
            Some(Value::Text(t)) => match question.map(|q| q.kind) {
                Some(Kind::Choice) => vec![coding(t)],
                _ => vec![json!({ "valueString": t })],
            },
        };
        let mut entry = Map::new();
        entry.insert("linkId".into(), json!(item.question_id));
        entry.insert("text".into(), json!(item.label));
        if !answers.is_empty() {
            entry.insert("answer".into(), json!(answers));
        }
        items.push(serde_json::Value::Object(entry));
    }
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": s.submission_id,
        "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", s.submission_id) },
        "questionnaire": canonical,
        "status": "completed",
        "authored": s.completed_at,
        "item": items,
    })
}
