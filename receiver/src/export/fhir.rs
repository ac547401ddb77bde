//! One submission as a FHIR R4 QuestionnaireResponse (hl7.org/fhir/R4/questionnaireresponse.html),
//! built from the receiver's own re-checked summary: `status` completed, `questionnaire` a
//! canonical with `|version`, `authored` the completion time, and one item per visible
//! question (`linkId` the question id, `text` its label) whose answer is a `valueString`
//! (typed text), `valueBoolean` (a tick box) or `valueCoding` (an option: its value as the
//! code, its label as the display). A question not answered has no `answer` at all: FHIR
//! forbids empty answers (que-2's "answer.value" and the rule that elements have a value).
//!
//! `language` is the language the visitor answered in (BCP 47, as FHIR's `code` takes it);
//! `text` and `display` are the clinic's labels (`--language`).
//!
//! A signed consent (issue 23) rides on the resource as the `questionnaireresponse-signature`
//! extension: a `valueSignature` of type Consent Signature (ASTM E1762), `when` the browser's
//! time of signing, `who` the typed name, and the drawn strokes as an SVG the receiver writes
//! from their numbers (`data`, base64); typed only, no `data` at all.
//!
//! A photos answer (issue 24) is one `valueAttachment` per photo, in order: `contentType`
//! image/jpeg, `data` the stored JPEG (base64), `size` its bytes, `hash` the base64 SHA-1 of
//! the data (as R4's Attachment defines it) and `title` the visitor's description, if any.

use crate::domain::questionnaires::Reading;
use crate::store::photos::PhotoRow;
use consultation_widget::core::answers::Value;
use consultation_widget::core::questionnaire::Kind;
use consultation_widget::core::signature::{self, Stroke};
use consultation_widget::core::summary::SignatureRecord;
use serde_json::{json, Map};

/// The canonical URL base of this receiver's questionnaires. A URN, as the questionnaires are
/// not published at an address; FHIR's canonical type is any URI.
pub const CANONICAL_BASE: &str = "urn:consultation-widget:questionnaire:";

/// The extension carrying a signature on a QuestionnaireResponse (FHIR R4 core extensions).
pub const SIGNATURE_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";

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

/// The submission as a QuestionnaireResponse: item texts and option displays under the
/// clinic's labels (`Reading::shown`), typed text as typed, and `language` the language the
/// visitor answered in (issue 25), which their typed answers are in.
pub fn questionnaire_response(r: &Reading, photos: &[(PhotoRow, Vec<u8>)]) -> serde_json::Value {
    let (s, q) = (r.shown, r.q);
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
            Some(Value::Photos(_)) => photos
                .iter()
                .filter(|(p, _)| p.question_id == item.question_id)
                .map(|(p, jpeg)| json!({ "valueAttachment": attachment(p, jpeg) }))
                .collect(),
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
    let mut doc = json!({
        "resourceType": "QuestionnaireResponse",
        "id": s.submission_id,
        "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", s.submission_id) },
        "language": r.sent.language,
        "questionnaire": canonical,
        "status": "completed",
        "authored": s.completed_at,
        "item": items,
    });
    if let Some(record) = &s.signature {
        doc["extension"] =
            json!([{ "url": SIGNATURE_EXTENSION, "valueSignature": signature(record) }]);
    }
    doc
}

/// A stored photo as a FHIR R4 `Attachment`.
fn attachment(p: &PhotoRow, jpeg: &[u8]) -> serde_json::Value {
    use base64::Engine;
    use sha1::Digest;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut a = json!({
        "contentType": "image/jpeg",
        "data": b64(jpeg),
        "size": jpeg.len(),
        "hash": b64(&sha1::Sha1::digest(jpeg)),
    });
    if !p.description.trim().is_empty() {
        a["title"] = json!(p.description);
    }
    a
}

/// A FHIR `Signature` for the signed consent: ASTM E1762's Consent Signature, by the name the
/// visitor typed, with the drawing as SVG when there is one.
fn signature(record: &SignatureRecord) -> serde_json::Value {
    let mut sig = json!({
        "type": [{
            "system": "urn:iso-astm:E1762-95:2013",
            "code": "1.2.840.10065.1.12.1.7",
            "display": "Consent Signature",
        }],
        "when": record.signed_at,
        "who": { "display": record.signer },
    });
    if !record.strokes.is_empty() {
        use base64::Engine;
        let svg = signature_svg(&record.strokes);
        sig["sigFormat"] = json!("image/svg+xml");
        sig["data"] = json!(base64::engine::general_purpose::STANDARD.encode(svg));
    }
    sig
}

/// The drawn strokes as a standalone SVG document, written here from their numbers alone
/// (`core::signature::path_data`: digits, spaces, `M` and `L`).
pub fn signature_svg(strokes: &[Stroke]) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\"><path d=\"{d}\" fill=\"none\" stroke=\"#000\" stroke-width=\"3\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>",
        w = signature::WIDTH,
        h = signature::HEIGHT,
        d = signature::path_data(strokes),
    )
}
