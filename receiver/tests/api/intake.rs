//! Intake against the real process: every re-check rule once at least, tampered flags and
//! message replaced by the receiver's own, bad input refused with nothing stored, the hostile
//! corpus, CORS, and no typed text in the logs.

use crate::helpers::*;

on_both_engines!(what_the_widget_sends_is_stored_exactly_and_tampering_is_recorded,);
use consultation_widget::core::intake::recheck;
use consultation_widget::core::questionnaire::Questionnaire;
use serde_json::{json, Value as J};

type Edit = Box<dyn Fn(&mut J)>;

fn answer<'a>(doc: &'a mut J, id: &str) -> &'a mut J {
    doc["answers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["question_id"] == id)
        .unwrap_or_else(|| panic!("no answer {id}"))
}

fn set(id: &'static str, value: J) -> Edit {
    Box::new(move |d| answer(d, id)["value"] = value.clone())
}

fn field(status: u16, id: &'static str, message: &'static str) -> (u16, J) {
    (
        status,
        json!({ "errors": [{ "field": id, "message": message }] }),
    )
}

fn form(status: u16, code: &'static str) -> (u16, J) {
    (status, json!(code))
}

/// What came back matches what was expected: the field errors exactly, or the form-level code.
fn matches(want: &J, got: &J) -> bool {
    match want {
        J::String(code) => got["errors"][0]["code"] == *code,
        _ => got == want,
    }
}

#[tokio::test]
async fn each_recheck_rule_refuses_with_nothing_stored() {
    let r = Receiver::start(&[]).await;
    // (rule and its source, edit of what the widget sends, status and answer expected)
    let cases: Vec<(&str, Edit, (u16, J))> = vec![
        // Issue 11, "What it checks: the id and version are known".
        (
            "unknown questionnaire (issue 11: the id is known)",
            Box::new(|d| d["questionnaire"]["id"] = "botox-consultation".into()),
            form(422, "unknown-questionnaire"),
        ),
        (
            "unknown version (issue 11: the version is known)",
            Box::new(|d| d["questionnaire"]["version"] = "9.9.9".into()),
            form(422, "unknown-questionnaire"),
        ),
        // Issue 11: "every question and option exists".
        (
            "a question the questionnaire lacks (issue 11: every question exists)",
            Box::new(|d| answer(d, "goals")["question_id"] = "favourite_colour".into()),
            form(422, "unknown-question"),
        ),
        (
            "a choice that is not an option (issue 11: every option exists)",
            set("skin_type", json!("purple")),
            field(422, "skin_type", "This answer is not one of the choices"),
        ),
        (
            "a multi option that is not an option (issue 11: every option exists)",
            set("areas", json!(["face", "elbows"])),
            field(422, "areas", "This answer is not one of the choices"),
        ),
        (
            "text for a tick box (schema: confirm values are true or false)",
            set("age_confirmed", json!("yes")),
            field(
                422,
                "age_confirmed",
                "This answer is not one of the choices",
            ),
        ),
        (
            "an answer twice (core::intake rule 2)",
            Box::new(|d| {
                let copy = answer(d, "goals").clone();
                d["answers"].as_array_mut().unwrap().push(copy);
            }),
            form(422, "misplaced-answer"),
        ),
        (
            "an answer under another step (core::intake rule 2)",
            Box::new(|d| answer(d, "goals")["step_id"] = "health".into()),
            form(422, "misplaced-answer"),
        ),
        // Issue 11: "hidden conditional questions are absent" (questionnaire brief: hidden
        // questions are not validated and not submitted).
        (
            "a hidden conditional question present (issue 11)",
            Box::new(|d| {
                let mut extra = answer(d, "goals").clone();
                extra["question_id"] = "previous_treatment".into();
                extra["step_id"] = "preferences".into();
                d["answers"].as_array_mut().unwrap().push(extra);
            }),
            form(422, "hidden-or-missing"),
        ),
        (
            "a visible question left out (core::intake rule 4)",
            Box::new(|d| {
                d["answers"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|a| a["question_id"] != "phone")
            }),
            form(422, "hidden-or-missing"),
        ),
        // README "Validation": the three rules and the limits, with the same messages.
        (
            "a required answer only whitespace (README: Required field missing)",
            set("full_name", json!("   ")),
            field(422, "full_name", "Required field missing"),
        ),
        (
            "a required consent unticked (README: Required field missing)",
            set("data_consent", json!(false)),
            field(422, "data_consent", "Required field missing"),
        ),
        (
            "an invalid email (README, WHATWG HTML valid email address)",
            set("email", json!("jane@")),
            field(422, "email", "Email address invalid"),
        ),
        (
            "a website that is not http(s) (README, the URL Standard)",
            set("website", json!("javascript:alert(1)")),
            field(422, "website", "Website address invalid"),
        ),
        (
            "a website on a private address (README: an address staff could reach)",
            set("website", json!("http://192.168.1.1/")),
            field(422, "website", "Website address invalid"),
        ),
        (
            "a text over its limit (README: Must be N characters or fewer)",
            set("full_name", json!("J".repeat(121))),
            field(422, "full_name", "Must be 120 characters or fewer"),
        ),
        // schema/submission.schema.json: id, reference and time patterns.
        (
            "a submission id that is not a v4 UUID (schema pattern)",
            Box::new(|d| d["submission_id"] = "0f3a9c1b-2d4e-1f60-8a1b-2c3d4e5f6a7b".into()),
            form(422, "invalid-submission-id"),
        ),
        (
            "a reference not made from the id (schema: its first eight characters)",
            Box::new(|d| d["reference"] = "AAAA-BBBB".into()),
            form(422, "invalid-reference"),
        ),
        (
            "a local time (schema: completed_at is UTC)",
            Box::new(|d| d["completed_at"] = "2026-12-02T10:30:00+01:00".into()),
            form(422, "invalid-time"),
        ),
        // README "Likely spam" and data-pass-params: only the kinds the widget writes.
        (
            "an unknown spam reason (README: Likely spam)",
            Box::new(|d| d["spam"] = json!({ "likely": true, "reasons": ["vibes"] })),
            form(422, "invalid-spam"),
        ),
        (
            "a page parameter the widget would not pass (README: data-pass-params)",
            Box::new(|d| d["context"] = json!({ "bad name!": "x" })),
            form(4, "any"),
        ),
    ];
    let mut failures = Vec::new();
    for (why, edit, (status, want)) in cases {
        let (id, body) = submission();
        let mut doc: J = serde_json::from_str(&body).unwrap();
        edit(&mut doc);
        let (got_status, got) = r.post(Some(&id), &doc.to_string()).await;
        let got: J = serde_json::from_str(&got).unwrap_or(J::Null);
        let ok = if status == 4 {
            (400..500).contains(&got_status)
        } else {
            got_status == status && matches(&want, &got)
        };
        if !ok {
            failures.push(format!(
                "{why}: wanted {status} {want}, got {got_status} {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(r.export(), Vec::<String>::new(), "nothing stored");
}

async fn what_the_widget_sends_is_stored_exactly_and_tampering_is_recorded(engine: Engine) {
    let r = Receiver::start_on(engine, &[]).await;
    let (id, body) = submission();
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 201, "{answer}");
    let answer: J = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["submission_id"], id.as_str());
    let row = r.row(&id).await.expect("stored");
    assert!(!row.flags_differed);
    assert!(!row.message_differed);
    assert_eq!(row.flags_count, 2);

    // Tampered: no flags, and a message saying so. Stored as sent, beside the receiver's own.
    let (id2, body2) = submission();
    let mut doc: J = serde_json::from_str(&body2).unwrap();
    doc["flags"] = json!([]);
    doc["message"] = json!("No screening flags. Nothing to see here.");
    let tampered = serde_json::to_string_pretty(&doc).unwrap();
    let (status, _) = r.post(Some(&id2), &tampered).await;
    assert_eq!(status, 201);
    let row = r.row(&id2).await.expect("stored");
    assert!(row.flags_differed);
    assert!(row.message_differed);
    assert_eq!(row.differed, "flags,message");
    assert_eq!(row.flags_count, 2);
    let own_text = row.summary_text.clone();
    assert!(
        own_text.contains("NEEDS PRACTITIONER REVIEW (2)"),
        "{own_text}"
    );
    let own_json: J = serde_json::from_str(&row.summary_json).unwrap();
    let flagged: Vec<&str> = own_json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["question_id"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["pregnant", "allergies"]);

    // Export: each body exactly as sent, one line each, oldest first.
    assert_eq!(r.export(), [one_line(&body), one_line(&tampered)]);
    let text = export(&r.db_url(), "text").join("\n");
    assert!(text.contains("NEEDS PRACTITIONER REVIEW (2)"));
    assert!(
        !text.contains("Nothing to see here"),
        "the receiver's own text"
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_nothing_is_stored() {
    let r = Receiver::start(&[]).await;
    let (id, good) = submission();
    let doc: J = serde_json::from_str(&good).unwrap();
    let with = |f: &dyn Fn(&mut J)| {
        let mut d = doc.clone();
        f(&mut d);
        d.to_string()
    };
    let huge = with(&|d| answer(d, "goals")["value"] = json!("a".repeat(300 * 1024)));
    let other_id = new_id();
    // (what, content type, key, body, status)
    let cases: Vec<(&str, &str, Option<&str>, String, u16)> = vec![
        (
            "broken JSON",
            "application/json",
            Some(&id),
            good[..good.len() / 2].into(),
            400,
        ),
        (
            "not JSON at all",
            "application/json",
            Some(&id),
            "hello".into(),
            400,
        ),
        (
            "empty body",
            "application/json",
            Some(&id),
            String::new(),
            400,
        ),
        (
            "a JSON array",
            "application/json",
            Some(&id),
            "[]".into(),
            400,
        ),
        (
            "flags of the wrong type",
            "application/json",
            Some(&id),
            with(&|d| d["flags"] = json!("none")),
            400,
        ),
        (
            "an answer value of the wrong type",
            "application/json",
            Some(&id),
            with(&|d| answer(d, "goals")["value"] = json!(42)),
            400,
        ),
        (
            "an unknown top-level field",
            "application/json",
            Some(&id),
            with(&|d| d["admin"] = json!(true)),
            400,
        ),
        (
            "an unknown field in an answer",
            "application/json",
            Some(&id),
            with(&|d| answer(d, "goals")["html"] = json!("<b>")),
            400,
        ),
        (
            "a missing field",
            "application/json",
            Some(&id),
            with(&|d| {
                d.as_object_mut().unwrap().remove("answers");
            }),
            400,
        ),
        ("over 256 KB", "application/json", Some(&id), huge, 413),
        ("text/plain", "text/plain", Some(&id), good.clone(), 415),
        (
            "a form post",
            "application/x-www-form-urlencoded",
            Some(&id),
            good.clone(),
            415,
        ),
        (
            "no Idempotency-Key",
            "application/json",
            None,
            good.clone(),
            400,
        ),
        (
            "a key that is not an id",
            "application/json",
            Some("abc"),
            good.clone(),
            400,
        ),
        (
            "a key of another submission",
            "application/json",
            Some(&other_id),
            good.clone(),
            400,
        ),
    ];
    let mut failures = Vec::new();
    for (what, content_type, key, body, status) in cases {
        let (got, answer) = r.post_as(content_type, key, &body).await;
        let errors = serde_json::from_str::<J>(&answer)
            .ok()
            .and_then(|a| a["errors"][0]["message"].as_str().map(str::to_owned));
        if got != status || (got != 413 && errors.is_none()) {
            failures.push(format!("{what}: wanted {status}, got {got} {answer}"));
        }
    }
    // Not UTF-8.
    let res = client()
        .post(format!("{}/submissions", r.url))
        .header("content-type", "application/json")
        .header("idempotency-key", &id)
        .body(vec![b'{', 0xff, 0xfe, b'}'])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(r.export(), Vec::<String>::new(), "nothing stored");
    // And the good one still goes in afterwards.
    assert_eq!(r.post(Some(&id), &good).await.0, 201);
}

#[tokio::test]
async fn the_hostile_corpus_as_typed_text_follows_the_core_and_never_reaches_the_logs() {
    let r = Receiver::start(&[]).await;
    let corpus: Vec<String> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/corpus/hostile.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let q = [Questionnaire::builtin()];
    let mut stored = Vec::new();
    for entry in &corpus {
        // Through every free-text field at once (long text whole, short text cut to fit).
        let mut a = answers();
        use consultation_widget::core::answers::Value;
        let short: String = entry.chars().take(100).collect();
        a.set("goals", Value::Text(entry.clone()));
        a.set("medications", Value::Text(entry.clone()));
        a.set("concerns_other", Value::Text(short.clone()));
        a.set("allergies_detail", Value::Text(short));
        let (id, body) = body_with(&a);
        // The oracle is the core itself: the receiver must do what the core decides.
        let want = recheck(&body, &q);
        let (status, answer) = r.post(Some(&id), &body).await;
        match want {
            Ok(_) => {
                assert_eq!(status, 201, "{entry:?}: {answer}");
                stored.push(one_line(&body));
            }
            Err(rejection) => {
                assert_eq!(status, rejection.status(), "{entry:?}");
                assert_eq!(answer, rejection.body(), "{entry:?}");
            }
        }
        // As an id or an option value it is never a valid submission.
        let (id, body) = submission();
        let mut doc: J = serde_json::from_str(&body).unwrap();
        answer_value(&mut doc, "skin_type", entry);
        let (status, _) = r.post(Some(&id), &doc.to_string()).await;
        assert_eq!(status, 422, "{entry:?} as an option");
        if reqwest::header::HeaderValue::from_str(entry).is_ok() {
            let (_, body) = submission();
            let (status, _) = r.post(Some(entry), &body).await;
            assert_eq!(status, 400, "{entry:?} as the key");
        }
    }
    assert!(
        stored.len() >= corpus.len() / 2,
        "most typed text is accepted, as the widget does"
    );
    assert_eq!(
        r.export(),
        stored,
        "stored exactly as sent, nothing refused stored"
    );

    // Nothing typed in any log line: not the corpus, not the visitor's name or email.
    let logs = r.log_text();
    assert!(logs.contains("submission stored"));
    for typed in [
        "Jane Example",
        "jane@example.com",
        "Lidocaine",
        "Redness after sport",
        "wedding",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(corpus.iter().filter(|e| e.len() > 8).cloned())
    {
        let escaped = serde_json::to_string(&typed).unwrap();
        let escaped = &escaped[1..escaped.len() - 1];
        assert!(
            !logs.contains(&typed) && !logs.contains(escaped),
            "log holds {typed:?}"
        );
    }
}

fn answer_value(doc: &mut J, id: &str, value: &str) {
    answer(doc, id)["value"] = json!(value);
}

#[tokio::test]
async fn cors_allows_the_configured_origins_only_without_credentials() {
    let r = Receiver::start(&[]).await;
    let preflight = |origin: &'static str| {
        client()
            .request(reqwest::Method::OPTIONS, format!("{}/submissions", r.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,idempotency-key,accept",
            )
            .send()
    };
    let ok = preflight(ORIGIN).await.unwrap();
    let h = ok.headers();
    assert_eq!(h["access-control-allow-origin"], ORIGIN);
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in ["content-type", "accept", "idempotency-key"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert!(h.get("access-control-allow-credentials").is_none());
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    // The answer to a real POST names the origin too, so the browser lets the widget read it.
    let (id, body) = submission();
    let res = submission_post(&client(), &format!("{}/submissions", r.url), &id, &body)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    // Unknown paths and methods: clear answers, not a crash.
    assert_eq!(r.get("/submissions").await.status(), 405);
    assert_eq!(r.get("/nothing").await.status(), 404);
}
