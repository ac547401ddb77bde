//! The form in the visitor's language, the summary in the clinic's (issue 25), against the real
//! process on SQLite and PostgreSQL: a Spanish submission (built with the core from the
//! built-in Spanish translation) is re-checked in Spanish and signed against the Spanish consent
//! words; staff read it under the English labels with "Answered in Spanish", typed text as
//! typed, on the page, the list, the CSV, the FHIR export (`language: "es"`) and the consent
//! PDF (the consent texts as the visitor read them); a digest of the English words, or a
//! language the questionnaire does not come in, is refused; `--language es` shows an English
//! submission under the Spanish labels; a clinic's questionnaire brings its translations from
//! the files beside it, and a missing or incomplete one stops the start naming it.

use crate::consent::{poppler, words};
use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::consent;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::summary::Summary;
use consultation_widget::core::translation::{builtin_json, translate, Translation};

/// What a Spanish visitor typed: kept exactly, never translated.
const TYPED: &str = "Piel más lisa antes de la boda; ¡gracias!";

/// The built-in questionnaire as a Spanish visitor reads it.
fn spanish() -> Questionnaire {
    let t = Translation::from_json(builtin_json("es").unwrap()).unwrap();
    translate(&Questionnaire::builtin(), &t).unwrap()
}

/// The happy path's answers, the goals typed in Spanish.
fn spanish_answers() -> Answers {
    let mut a = answers();
    a.set("goals", Value::Text(TYPED.into()));
    a
}

/// What the widget sends for `answers` shown `q`, signed against the consent words of
/// `signed_words`: its id and body.
fn sent(q: &Questionnaire, answers: &Answers, signed_words: &Questionnaire) -> (String, String) {
    let id = new_id();
    let s = Summary::build(
        q,
        answers,
        "Glow Clinic",
        id.clone(),
        "2026-12-02T09:30:00.000Z".into(),
    )
    .with_consent_digest(&consent::digest(signed_words));
    (id, s.json())
}

on_both_engines!(a_spanish_submission_reads_under_the_english_labels);

async fn a_spanish_submission_reads_under_the_english_labels(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let es = spanish();
    let (id, body) = sent(&es, &spanish_answers(), &es);
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 201, "{answer}");
    // Stored as the visitor wrote it: in Spanish, naming its language.
    let row = r.row(&id).await.unwrap();
    let stored: serde_json::Value = serde_json::from_str(&row.summary_json).unwrap();
    assert_eq!(stored["language"], "es");
    let flags = stored["flags"].as_array().unwrap();
    assert!(
        flags
            .iter()
            .any(|f| f["label"] == "¿Está embarazada o dando el pecho?"),
        "{flags:?}"
    );
    // The staff summary is the clinic's: English labels, and the language named.
    assert!(
        row.summary_text.contains("Answered in Spanish\n"),
        "{}",
        row.summary_text
    );
    assert!(row
        .summary_text
        .contains("- Are you pregnant or breastfeeding? Yes\n"));

    the_page_reads_in_english(&mut staff, &id).await;
    the_list_and_exports_name_the_language(&r, &mut staff, &id).await;
    the_pdf_keeps_the_spanish_consent_texts(&mut staff, &id).await;
}

async fn the_page_reads_in_english(staff: &mut Web, id: &str) {
    let page = staff.get(&format!("/inbox/submissions/{id}")).await.body;
    let english = Questionnaire::builtin();
    for shown in [
        "Answered in Spanish",
        "Are you pregnant or breastfeeding?",
        english.question("allergies").unwrap().label.as_str(),
        // Options under the English labels; typed text as typed.
        "Face, Neck",
        "Lidocaine",
        "¡gracias!",
        // The consent texts are the words the visitor read, marked as Spanish.
        "The consent texts below are the words the visitor read, in Spanish.",
        "<strong>Risks</strong> (Riesgos): Agreed",
        "lang=\"es\">He leído y entiendo los riesgos",
        "<dt>Language of the consent texts shown</dt><dd>Spanish</dd>",
    ] {
        assert!(page.contains(shown), "{shown:?} in {page}");
    }
    assert!(page.contains("Piel más lisa antes de la boda"), "{page}");
    for spanish_label in ["¿Está embarazada", "¿Tiene diabetes?", "Sobre usted"] {
        assert!(!page.contains(spanish_label), "{spanish_label:?} in {page}");
    }
}

/// The list's mark, the CSV's column, FHIR's `language` with the English labels (the page's
/// download and the command line's), and the text export's line.
async fn the_list_and_exports_name_the_language(r: &Receiver, staff: &mut Web, id: &str) {
    let list = staff.get("/inbox").await.body;
    assert!(list.contains("Answered in Spanish"), "{list}");
    let csv = staff.get("/inbox/export.csv").await.body;
    let lines: Vec<&str> = csv.lines().collect();
    // The photos' count comes after it (issue 24).
    assert!(
        lines[0].ends_with(",\"answered_in\",\"photos\""),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with(",\"Spanish\",\"0\""), "{}", lines[1]);

    let fhir = staff
        .get(&format!("/inbox/submissions/{id}/export.fhir.json"))
        .await
        .body;
    use fhirbolt::model::r4::resources::QuestionnaireResponse;
    let qr: QuestionnaireResponse = fhirbolt::json::from_str(&fhir, None).expect("valid R4");
    assert_eq!(
        qr.language.as_ref().and_then(|l| l.value.as_deref()),
        Some("es")
    );
    let doc: serde_json::Value = serde_json::from_str(&fhir).unwrap();
    let item = |id: &str| {
        doc["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["linkId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        item("pregnant")["text"],
        "Are you pregnant or breastfeeding?"
    );
    assert_eq!(
        item("pregnant")["answer"][0]["valueCoding"]["display"],
        "Yes"
    );
    assert_eq!(item("goals")["answer"][0]["valueString"], TYPED);
    let cli = export(&r.db_url(), "fhir").join("\n");
    let cli: serde_json::Value = serde_json::from_str(&cli).unwrap();
    assert_eq!(cli["language"], "es");
    assert_eq!(cli["item"], doc["item"]);
    let text = export(&r.db_url(), "text").join("\n");
    assert!(text.contains("Answered in Spanish"), "{text}");
    assert!(
        text.contains("Are you pregnant or breastfeeding? Yes"),
        "{text}"
    );
}

async fn the_pdf_keeps_the_spanish_consent_texts(staff: &mut Web, id: &str) {
    let es = spanish();
    let (status, _, pdf) = staff
        .get_bytes(&format!("/inbox/submissions/{id}/consent.pdf"))
        .await;
    assert_eq!(status, 200);
    let text = words(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf));
    for shown in [
        "Answered in Spanish",
        "Consent texts as shown, in Spanish",
        "Riesgos (in English: Risks)",
        &words(
            es.question("risks_acknowledged")
                .unwrap()
                .text
                .as_deref()
                .unwrap(),
        ),
        &words(es.question("signature").unwrap().text.as_deref().unwrap()),
        &consent::digest(&es),
        "Are you pregnant or breastfeeding? — Yes",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
}

#[tokio::test]
async fn other_words_or_an_unknown_language_are_refused() {
    let r = Receiver::start(&[]).await;
    let (es, english) = (spanish(), Questionnaire::builtin());
    // Spanish words shown, the English ones' digest sent: not the words the visitor read.
    let (id, body) = sent(&es, &spanish_answers(), &english);
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(error_code(&answer), "consent-digest-mismatch", "{answer}");
    // A language the questionnaire does not come in.
    let (id, body) = sent(&es, &spanish_answers(), &es);
    let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    doc["language"] = "pt".into();
    let (status, answer) = r.post(Some(&id), &doc.to_string()).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(error_code(&answer), "unknown-language", "{answer}");
    assert!(r.export().is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_clinic_reading_spanish_sees_an_english_submission_under_spanish_labels() {
    let r = Receiver::start(&["--language", "es"]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let english = Questionnaire::builtin();
    let (id, body) = sent(&english, &answers(), &english);
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let page = staff.get(&format!("/inbox/submissions/{id}")).await.body;
    for shown in [
        "Answered in English",
        "¿Está embarazada o dando el pecho?",
        "Sobre usted",
        "Cara, Cuello",
        "Smoother skin before a wedding",
        // The consents under the clinic's labels, their words the English ones read.
        "<strong>Riesgos</strong> (Risks)",
        english
            .question("risks_acknowledged")
            .unwrap()
            .text
            .as_deref()
            .unwrap(),
    ] {
        assert!(page.contains(shown), "{shown:?} in {page}");
    }
    assert!(!page.contains("Are you pregnant"), "{page}");
    // A language the built-in questionnaire does not come in stops the start.
    let out = std::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--language", "pt"])
        .args(["--database", &r.db_url()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "--language pt: questionnaire microneedling-consultation version 1.2.0 does not come \
             in it; its languages are en-GB, es, fr, de, ar"
        ),
        "{err}"
    );
}

/// A clinic's questionnaire in English and Spanish.
const HAIR: &str = r#"{"id":"hair","version":"2","languages":["en-GB","es"],"title":"Hair removal",
  "steps":[{"id":"you","title":"About you","questions":[
    {"id":"full_name","kind":"text","label":"Full name","required":true,"autocomplete":"name"},
    {"id":"tan","kind":"choice","label":"Are you tanned?","flag_if":"yes","required":true,
     "options":[{"value":"yes","label":"Yes"},{"value":"no","label":"No"}]}]}]}"#;

const HAIR_ES: &str = r#"{"language":"es","questionnaire":"hair","version":"2",
  "title":"Depilación","steps":{"you":{"title":"Sobre usted"}},
  "questions":{"full_name":{"label":"Nombre completo"},
    "tan":{"label":"¿Está bronceada?","options":{"yes":{"label":"Sí"},"no":{"label":"No"}}}}}"#;

#[tokio::test]
async fn a_clinic_questionnaire_brings_its_translations_from_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hair.json");
    std::fs::write(&file, HAIR).unwrap();
    let beside = dir.path().join("hair.es.json");
    let start = |extra: &[&str]| {
        std::process::Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args([
                "--database",
                &format!("sqlite://{}/r.db", dir.path().display()),
            ])
            .args(["--questionnaire", file.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap()
    };
    // No file for a language it lists; then one lacking a text: each stops the start, naming
    // the file and what is wrong.
    let out = start(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "{}: the questionnaire {} lists the language \"es\", and its translation is read \
             from this file",
            beside.display(),
            file.display()
        )),
        "{err}"
    );
    let lacking = HAIR_ES.replace(r#""full_name":{"label":"Nombre completo"},"#, "");
    std::fs::write(&beside, lacking).unwrap();
    let out = start(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "{}: the Spanish translation lacks questions.full_name.label",
            beside.display()
        )),
        "{err}"
    );
    // French is not among its languages.
    std::fs::write(&beside, HAIR_ES).unwrap();
    let err = String::from_utf8_lossy(&start(&["--language", "fr"]).stderr).into_owned();
    assert!(err.contains("--language fr: questionnaire hair version 2 does not come in it; its languages are en-GB, es"), "{err}");

    // Complete: a Spanish visitor's answers are taken and read in English.
    let r = Receiver::start(&["--questionnaire", file.to_str().unwrap()]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let q = Questionnaire::from_json(HAIR).unwrap();
    let es = translate(&q, &Translation::from_json(HAIR_ES).unwrap()).unwrap();
    let mut a = Answers::default();
    a.set("full_name", Value::Text("Jane Doe".into()));
    a.set("tan", Value::Text("yes".into()));
    let (id, body) = sent(&es, &a, &es);
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 201, "{answer}");
    let page = staff.get(&format!("/inbox/submissions/{id}")).await.body;
    assert!(page.contains("Are you tanned?"), "{page}");
    assert!(page.contains("Answered in Spanish"), "{page}");
    assert!(!page.contains("¿Está bronceada?"), "{page}");
}
