//! A skipped health screening never reads "No screening flags" (issue 20), against the real
//! process on SQLite and PostgreSQL: the built-in questionnaire refuses an unanswered screening
//! question, as the widget does; a clinic's questionnaire that lets one go unanswered gets a
//! "Screening incomplete" flag on the inbox list, the submission page, the plain-text summary
//! and the exports.

use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::summary::Summary;

/// A clinic's own short questionnaire whose two screening questions are optional.
const OPTIONAL_SCREENING: &str = r#"{"id":"short-intake","version":"1","title":"Short intake",
  "steps":[
    {"id":"you","title":"About you","questions":[
      {"id":"full_name","kind":"text","label":"Full name","required":true,"autocomplete":"name"},
      {"id":"email","kind":"email","label":"Email address","required":true,"autocomplete":"email"}]},
    {"id":"health","title":"Health screening","questions":[
      {"id":"diabetes","kind":"choice","label":"Do you have diabetes?","flag_if":"yes",
       "options":[{"value":"yes","label":"Yes"},{"value":"no","label":"No"}]},
      {"id":"pregnant","kind":"choice","label":"Are you pregnant or breastfeeding?","flag_if":"yes",
       "options":[{"value":"yes","label":"Yes"},{"value":"no","label":"No"}]}]}]}"#;

async fn built_in_refuses_a_skipped_screening_question(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let mut a = answers();
    a.set("diabetes", Value::Text(String::new()));
    let (id, body) = body_with(&a);
    let (status, reply) = r.post(Some(&id), &body).await;
    assert_eq!(status, 422, "{reply}");
    let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply["errors"][0]["field"], "diabetes", "{reply}");
    assert_eq!(reply["errors"][0]["message"], "Required field missing");
    assert!(r.export().is_empty(), "nothing stored");
}

async fn optional_screening_left_unanswered_is_flagged_everywhere(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("short-intake.json");
    std::fs::write(&file, OPTIONAL_SCREENING).unwrap();
    let r = Receiver::start_on(engine, &["--questionnaire", file.to_str().unwrap()]).await;
    let mut staff = signed_in(&r, "admin@glow.example", "staff").await;

    // Two visitors: one answers "yes" to one question and skips the other; one skips both.
    let q = Questionnaire::from_json(OPTIONAL_SCREENING).unwrap();
    let post = |answers: Answers| {
        let id = new_id();
        let body = Summary::build(
            &q,
            &answers,
            "Glow Clinic",
            id.clone(),
            "2026-12-02T09:30:00.000Z".into(),
        )
        .json();
        (id, body)
    };
    let mut a = Answers::default();
    a.set("full_name", Value::Text("Jane Example".into()));
    a.set("email", Value::Text("jane@example.com".into()));
    let skipped_all = post(a.clone());
    a.set("pregnant", Value::Text("yes".into()));
    let one_skipped = post(a);
    for (id, body) in [&skipped_all, &one_skipped] {
        assert_eq!(r.post(Some(id), body).await.0, 201);
    }

    let list = staff.get("/inbox").await.body;
    assert!(
        list.contains("Screening incomplete: 2 questions not answered"),
        "{list}"
    );
    assert!(
        list.contains("Screening incomplete: 1 question not answered"),
        "{list}"
    );
    assert!(!list.contains("No flags"), "{list}");

    let page = staff
        .get(&format!("/inbox/submissions/{}", one_skipped.0))
        .await
        .body;
    assert!(!page.contains("No screening flags"), "{page}");
    assert!(page.contains("Needs practitioner review (2)"), "{page}");
    let incomplete = page
        .find("Screening incomplete: 1 question not answered")
        .expect("named");
    let question = page[incomplete..]
        .find("<li>Do you have diabetes?</li>")
        .expect("the question named");
    let pregnant = page[incomplete..]
        .find("Are you pregnant or breastfeeding?")
        .unwrap();
    assert!(
        question < pregnant,
        "the unanswered question under its flag, then the Yes"
    );

    // The exports: the plain text, the CSV's own column, and the JSON document.
    let text = export(&r.db_url(), "text").join("\n");
    // What staff read, for the record (run with --nocapture).
    println!("{text}");
    assert!(
        text.contains("NEEDS PRACTITIONER REVIEW (1)\n- Screening incomplete: 2 questions not answered\n    Do you have diabetes?\n    Are you pregnant or breastfeeding?\n"),
        "{text}"
    );
    assert!(!text.contains("No screening flags"), "{text}");
    let csv = export(&r.db_url(), "csv");
    assert!(
        csv[0].ends_with(",\"screening_unanswered\",\"answered_in\",\"photos\""),
        "{}",
        csv[0]
    );
    let mut counts: Vec<&str> = csv[1..]
        .iter()
        .map(|l| l.rsplit(',').nth(2).unwrap())
        .collect();
    counts.sort();
    assert_eq!(counts, ["\"1\"", "\"2\""]);
    let json: Vec<serde_json::Value> = r
        .export()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for doc in json {
        assert!(doc["flags"][0]["label"]
            .as_str()
            .unwrap()
            .starts_with("Screening incomplete: "));
        assert_eq!(doc["flags"][0]["details"][0]["question_id"], "diabetes");
    }
}

on_both_engines!(
    built_in_refuses_a_skipped_screening_question,
    optional_screening_left_unanswered_is_flagged_everywhere,
);
