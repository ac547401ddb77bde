//! The signed consent (issue 23) at the receiver, against the real process: a digest other than
//! the receiver's own and strokes over the bound are refused, hostile stroke data never reaches
//! a page, the submission page draws the signature from the numbers alone, the PDF is read back
//! by Debian's poppler-utils (`pdftotext`, `pdfinfo`) and holds the signer, the digest and every
//! consent text, needs a session and is audited, an Arabic visitor's consent words read back
//! from it in Arabic (shaped, right to left, mapped to Unicode), `export --format consent-pdf`
//! writes one file per signed submission, and the FHIR export carries the signature extension
//! (fhirbolt, strict).

use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::consent;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::signature::{self, Signature, Stroke, MAX_POINTS};
use consultation_widget::core::summary::Summary;
use consultation_widget::core::translation::{builtin_json, translate, Translation};
use std::process::Command;

/// A submission signed by `name` with `strokes` drawn: its id and body.
pub fn signed(name: &str, strokes: Vec<Stroke>) -> (String, String) {
    let mut a = answers();
    a.set(
        "signature",
        Value::Signed(Signature {
            name: name.into(),
            strokes,
        }),
    );
    body_with(&a)
}

/// A few strokes, one of them a dot.
fn drawing() -> Vec<Stroke> {
    vec![
        vec![12, 150, 60, 40, 110, 160, 170, 52, 230, 148],
        vec![300, 100],
        vec![330, 120, 420, 80, 590, 190],
    ]
}

/// `body` with its signed consent record's `member` set to `value`.
fn with_record(body: &str, member: &str, value: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(body).unwrap();
    doc["signature"][member] = value;
    doc.to_string()
}

/// A Debian poppler-utils tool run on `pdf`: what it printed. Fails saying how to install it.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consent.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(&path);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "\n\n{tool} could not run ({e}). The signed consent's PDF is read back with Debian's \
             poppler-utils: apt-get install -y poppler-utils (scripts/test-receiver.sh and \
             scripts/test.sh install it: ensure_pdf_tools in scripts/tools.sh)\n\n"
        )
    });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text with every run of white space as one space: a PDF's lines are wherever the layout broke.
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_digest_other_than_the_receivers_is_refused() {
    let r = Receiver::start(&[]).await;
    let (id, body) = signed("Jane Doe", drawing());
    for digest in ["0".repeat(64), String::new(), "A".repeat(64)] {
        let tampered = with_record(&body, "consent_digest", digest.clone().into());
        let (status, answer) = r.post(Some(&new_id()), &tampered).await;
        assert_eq!(status, 422, "{digest:?}: {answer}");
        assert_eq!(error_code(&answer), "consent-digest-mismatch", "{answer}");
    }
    // Words the clinic did not publish: the visitor's copy of a consent text changed, and the
    // digest made from it, as a widget shown other words would send.
    let mut q = Questionnaire::builtin();
    let step = q.steps.iter_mut().find(|s| s.id == "consent").unwrap();
    let mut first = (*step.questions[0]).clone();
    first.text = Some("I accept whatever happens.".into());
    step.questions[0] = first.into();
    let other = Summary::build(
        &q,
        &answers(),
        "Glow Clinic",
        new_id(),
        "2026-12-02T09:30:00.000Z".into(),
    )
    .with_consent_digest(&consent::digest(&q));
    let (status, answer) = r.post(Some(&other.submission_id), &other.json()).await;
    assert_eq!(status, 422, "{answer}");
    assert!(r.export().is_empty(), "nothing stored");
    // The true one is taken.
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
}

#[tokio::test]
async fn strokes_over_the_bound_are_refused() {
    let r = Receiver::start(&[]).await;
    let at_bound = vec![vec![7u16; 2 * MAX_POINTS]];
    let (id, body) = signed("Jane Doe", at_bound);
    assert_eq!(r.post(Some(&id), &body).await.0, 201, "2,000 points");
    let over = vec![vec![7u16; 2 * MAX_POINTS - 2], vec![1, 1, 2, 2]];
    assert!(signature::check(&over).is_err(), "2,001 points");
    let (id, body) = signed("Jane Doe", over);
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(error_code(&answer), "invalid-signature", "{answer}");
    assert_eq!(r.export().len(), 1, "only the first stored");
}

/// Stroke data no widget sends: markup, nested objects, negative numbers, floats, numbers past
/// the box, an odd count: each refused, nothing stored, and no page shows any of it.
#[tokio::test]
async fn hostile_stroke_data_never_reaches_a_page() {
    let r = Receiver::start(&[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let (_, body) = signed("Jane Doe", drawing());
    let hostile = [
        (serde_json::json!([["<script>alert(1)</script>"]]), 400),
        (serde_json::json!([[10, "<script>alert(1)</script>"]]), 400),
        (serde_json::json!([[{"x": 1, "y": 2}]]), 400),
        (serde_json::json!([{"points": [1, 2]}]), 400),
        (serde_json::json!([[[1, 2], [3, 4]]]), 400),
        (serde_json::json!([[-5, 10]]), 400),
        (serde_json::json!([[1.5, 2.25]]), 400),
        (
            serde_json::json!("M0 0L10 10\"/><script>alert(1)</script>"),
            400,
        ),
        (serde_json::json!([[601, 10]]), 422),
        (serde_json::json!([[10, 201]]), 422),
        (serde_json::json!([[1, 2, 3]]), 422),
    ];
    for (strokes, status) in hostile {
        let id = new_id();
        let doc = with_record(&body, "strokes", strokes.clone());
        let (got, answer) = r.post(Some(&id), &doc).await;
        assert_eq!(got, status, "{strokes}: {answer}");
        assert!(
            ["invalid-document", "invalid-signature"].contains(&error_code(&answer).as_str()),
            "{strokes}: {answer}"
        );
        assert_eq!(
            staff.get(&format!("/inbox/submissions/{id}")).await.status,
            404
        );
    }
    assert!(r.export().is_empty(), "nothing stored");
    let list = staff.get("/inbox").await.body;
    assert!(!list.contains("<script"), "{list}");
}

/// The `d` of the page's signature path: the text between `<path d="` and its quote.
fn drawn_path(page: &str) -> &str {
    let svg = text_between(page, "<svg class=\"signature\"", "</svg>");
    text_between(svg, "<path d=\"", "\"")
}

#[tokio::test]
async fn the_page_draws_the_signature_from_the_numbers_alone() {
    let r = Receiver::start(&[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let strokes = drawing();
    let (id, body) = signed("Zoë <b>Doe</b> & Co", strokes.clone());
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let page = staff.get(&format!("/inbox/submissions/{id}")).await;
    assert_eq!(page.status, 200);
    let d = drawn_path(&page.body);
    assert_eq!(d, signature::path_data(&strokes));
    assert!(
        d.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | 'M' | 'L')),
        "numbers only: {d}"
    );
    // One path in one svg, of the receiver's own making, and nothing else drawn.
    let section = text_between(&page.body, "<h2 id=\"signed-h\">", "</section>");
    assert_eq!(section.matches("<svg").count(), 1, "{section}");
    assert_eq!(section.matches("<path").count(), 1, "{section}");
    assert!(section.contains("viewBox=\"0 0 600 200\""), "{section}");
    // The typed name is text, escaped; the digest and both times are there.
    assert!(
        section.contains("Zoë &#60;b&#62;Doe&#60;/b&#62; &#38; Co"),
        "{section}"
    );
    assert!(!section.contains("<b>"), "{section}");
    // The signature's own statement, in the consents, says who signed it.
    assert!(
        page.body.contains(
            "Signed by Zoë &#60;b&#62;Doe&#60;/b&#62; &#38; Co (text version signature-2026-12)"
        ),
        "{}",
        page.body
    );
    let digest = consent::digest(&Questionnaire::builtin());
    assert!(section.contains(&digest), "{section}");
    assert!(section.contains("Signed (the visitor's browser time)"));
    assert!(
        section.contains("datetime=\"2026-12-02T09:30:00Z\""),
        "{section}"
    );
    assert!(section.contains("Received (the receiver's time)"));
    assert!(section.contains(&format!(
        "<a href=\"/inbox/submissions/{id}/consent.pdf\">Download the signed consent (PDF)</a>"
    )));
    // Typed only: no drawing at all, and saying so.
    let (typed, body) = signed("Jane Doe", vec![]);
    assert_eq!(r.post(Some(&typed), &body).await.0, 201);
    let page = staff.get(&format!("/inbox/submissions/{typed}")).await.body;
    assert!(!page.contains("<svg"), "{page}");
    assert!(page.contains("Signed by typing the name; nothing was drawn."));
}

#[tokio::test]
async fn the_pdf_reads_back_with_the_signer_the_digest_and_every_consent_text() {
    let r = Receiver::start(&[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let (id, body) = signed("Zoë Łukasiewicz-Müller", drawing());
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let reference = reference(&body);
    let (status, headers, pdf) = staff
        .get_bytes(&format!("/inbox/submissions/{id}/consent.pdf"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"consent-{reference}.pdf\"").as_str()
    );
    assert!(pdf.starts_with(b"%PDF-1.7"), "a PDF 1.7 file");

    // -layout: each line as it stands on the page, the facts' two columns side by side.
    let text = words(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf));
    assert!(text.contains("Signer Zoë Łukasiewicz-Müller"), "{text}");
    let q = Questionnaire::builtin();
    assert!(text.contains(&consent::digest(&q)), "{text}");
    let mut texts = 0;
    for question in q.questions().filter(|x| x.consent_version.is_some()) {
        let version = question.consent_version.as_deref().unwrap();
        for words_shown in [
            Some(question.label.as_str()),
            question.hint.as_deref(),
            question.text.as_deref(),
            Some(version),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                text.contains(&words(words_shown)),
                "{words_shown:?} in {text}"
            );
        }
        texts += 1;
    }
    assert!(
        texts >= 5,
        "every consent question of the built-in questionnaire"
    );
    for shown in [
        &format!("{}, version {}", q.id, q.version),
        &reference,
        "Signed (browser) 2 Dec 2026, 09:30:00 UTC (2026-12-02T09:30:00.000Z)",
        "Received (receiver)",
        // The screening: its flags first, then each question with its answer.
        "Needs practitioner review (2)",
        &format!("{} — Yes", q.question("allergies").unwrap().label),
        &format!(
            "{} — Lidocaine",
            q.question("allergies_detail").unwrap().label
        ),
        "Do you have diabetes? No",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
    let at = |words: &str| text.find(words).unwrap();
    assert!(
        at("Needs practitioner review") < at("Do you have diabetes?"),
        "flags first"
    );

    let info = words(&poppler("pdfinfo", &[], &pdf));
    assert!(
        info.contains(&format!("Title: Signed consent {reference}")),
        "{info}"
    );
    assert!(info.contains("PDF version: 1.7"), "{info}");
    assert!(
        info.contains("Page size: 595.28 x 841.89 pts (A4)"),
        "{info}"
    );
    // The font is in the file (subset), so it renders the same everywhere.
    let fonts = pdf_a_2u_with_fonts(&pdf);
    assert!(fonts.contains("NotoSans"), "{fonts}");
}

/// The built-in questionnaire as an Arabic visitor reads it (its built-in translation).
fn arabic() -> Questionnaire {
    let t = Translation::from_json(builtin_json("ar").unwrap()).unwrap();
    translate(&Questionnaire::builtin(), &t).unwrap()
}

/// The letters and digits of `text` in the order they come, without what poppler moves about
/// in right-to-left text: white space, bidi controls, punctuation and Arabic's marks (vowel
/// signs, shadda, tanween), which it can put before the letter they sit on.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() && !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}'))
        .collect()
}

#[tokio::test]
async fn an_arabic_consent_reads_back_in_arabic_from_the_pdf() {
    let r = Receiver::start(&[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let ar = arabic();
    let signer = "ليلى حداد";
    let mut a = answers();
    a.set(
        "signature",
        Value::Signed(Signature {
            name: signer.into(),
            strokes: drawing(),
        }),
    );
    // Signed against the Arabic consent words, as the widget sends it for an Arabic visitor.
    let id = new_id();
    let body = Summary::build(
        &ar,
        &a,
        "Glow Clinic",
        id.clone(),
        "2026-12-02T09:30:00.000Z".into(),
    )
    .with_consent_digest(&consent::digest(&ar))
    .json();
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["language"], "ar");
    let (status, answer) = r.post(Some(&id), &body).await;
    assert_eq!(status, 201, "{answer}");
    let (status, _, pdf) = staff
        .get_bytes(&format!("/inbox/submissions/{id}/consent.pdf"))
        .await;
    assert_eq!(status, 200);

    // What poppler's pdftotext does with a right-to-left line: it gives it in logical order
    // between the marks U+202B and U+202C, but cuts it at each Arabic comma and gives the
    // pieces left to right, puts a space after each letter Noto Sans Arabic draws as two
    // glyphs (a dotless form and its dots: one cluster, written as ActualText), and can put a
    // mark before its letter. So each word's letters are looked for, in order, in the text
    // without spaces.
    let text = poppler("pdftotext", &["-enc", "UTF-8"], &pdf);
    let read = letters(&text);
    let section = text_between(
        &text,
        "Consent texts as shown, in Arabic",
        "Screening answers",
    );
    let mut texts = 0;
    for question in ar.questions().filter(|x| x.consent_version.is_some()) {
        for shown in [
            Some(&question.label),
            question.hint.as_ref(),
            question.text.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                shown
                    .chars()
                    .any(|c| ('\u{0621}'..='\u{064A}').contains(&c)),
                "{shown}"
            );
            for word in shown
                .split_whitespace()
                .map(letters)
                .filter(|w| !w.is_empty())
            {
                assert!(read.contains(&word), "{word:?} of {shown:?} in {text}");
            }
        }
        texts += 1;
    }
    assert!(
        texts >= 5,
        "every consent question of the built-in questionnaire"
    );
    // No Arabic letter became a `?` (the Arabic texts have none of their own).
    assert!(!section.contains('?'), "{section}");
    assert!(read.contains(&letters(signer)), "{text}");
    assert!(text.contains("Consent texts as shown, in Arabic"), "{text}");
    assert!(read.contains(&letters(&consent::digest(&ar))), "{text}");

    // Still PDF/A-2u, and the Arabic font is in the file (subset, mapped to Unicode).
    let fonts = pdf_a_2u_with_fonts(&pdf);
    assert!(fonts.contains("NotoSansArabic"), "{fonts}");
}

/// The PDF says it is PDF/A-2u (its XMP), and every font is embedded, subset and mapped to
/// Unicode; `pdffonts`' list, for more checks.
fn pdf_a_2u_with_fonts(pdf: &[u8]) -> String {
    let meta = poppler("pdfinfo", &["-meta"], pdf);
    assert!(
        meta.contains("<pdfaid:part>2</pdfaid:part>"),
        "PDF/A-2: {meta}"
    );
    assert!(
        meta.contains("<pdfaid:conformance>U</pdfaid:conformance>"),
        "{meta}"
    );
    let fonts = poppler("pdffonts", &[], pdf);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")),
        "embedded, subset, with Unicode: {fonts}"
    );
    fonts
}

#[tokio::test]
async fn the_pdf_needs_a_session_is_audited_and_only_exists_when_signed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unsigned.json");
    std::fs::write(&file, UNSIGNED).unwrap();
    let r = Receiver::start(&["--questionnaire", file.to_str().unwrap()]).await;
    let mut admin = signed_in(&r, "admin@glow.example", "admin").await;
    let (id, body) = signed("Jane Doe", drawing());
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    let path = format!("/inbox/submissions/{id}/consent.pdf");

    // No session: the sign-in page, and no PDF.
    let mut stranger = Web::new(&r);
    let (status, headers, bytes) = stranger.get_bytes(&path).await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/inbox/sign-in");
    assert!(!bytes.starts_with(b"%PDF"));

    for _ in 0..2 {
        assert_eq!(admin.get_bytes(&path).await.0, 200);
    }
    let audited = r
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'downloaded the signed consent (PDF)' \
             AND actor = 'admin@glow.example'",
        )
        .await;
    assert_eq!(audited, 2, "each download");
    let audit = admin.get("/inbox/audit").await.body;
    assert!(
        audit.contains("downloaded the signed consent (PDF)"),
        "{audit}"
    );
    assert!(audit.contains(&reference(&body)), "{audit}");

    // A submission without a signature has no signed consent to download.
    let (unsigned, body) = unsigned_submission();
    assert_eq!(r.post(Some(&unsigned), &body).await.0, 201);
    let (status, _, _) = admin
        .get_bytes(&format!("/inbox/submissions/{unsigned}/consent.pdf"))
        .await;
    assert_eq!(status, 404);
    let page = admin
        .get(&format!("/inbox/submissions/{unsigned}"))
        .await
        .body;
    assert!(!page.contains("consent.pdf"), "{page}");
    assert_eq!(
        admin
            .get_bytes("/inbox/submissions/not-an-id/consent.pdf")
            .await
            .0,
        404
    );
}

/// A clinic's questionnaire with no signature question.
const UNSIGNED: &str = r#"{"id":"no-signature","version":"1","title":"Call back",
  "steps":[{"id":"you","title":"About you","questions":[
    {"id":"full_name","kind":"text","label":"Full name","required":true,"autocomplete":"name"}]}]}"#;

fn unsigned_submission() -> (String, String) {
    let q = Questionnaire::from_json(UNSIGNED).unwrap();
    let mut a = Answers::default();
    a.set("full_name", Value::Text("Jane Doe".into()));
    let id = new_id();
    let s = Summary::build(
        &q,
        &a,
        "Glow Clinic",
        id.clone(),
        "2026-12-02T09:30:00.000Z".into(),
    );
    (id, s.json())
}

#[tokio::test]
async fn export_writes_one_pdf_per_signed_submission() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unsigned.json");
    std::fs::write(&file, UNSIGNED).unwrap();
    let q = ["--questionnaire", file.to_str().unwrap()];
    let r = Receiver::start(&q).await;
    let (a, body_a) = signed("Jane Doe", drawing());
    let (b, body_b) = signed("Zoë Doe", vec![]);
    let (c, body_c) = unsigned_submission();
    for (id, body) in [(&a, &body_a), (&b, &body_b), (&c, &body_c)] {
        assert_eq!(r.post(Some(id), body).await.0, 201);
    }
    let out = dir.path().join("consents");
    let run = |args: &[&str]| r.cli(&[&["export"], &q[..], args].concat(), "");

    let done = run(&["--format", "consent-pdf", "--out", out.to_str().unwrap()]);
    let printed = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(printed.contains("2 signed consent(s) written"), "{printed}");
    assert!(
        printed.contains("1 submission(s) without a signature"),
        "{printed}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want = vec![
        format!("consent-{}.pdf", reference(&body_a)),
        format!("consent-{}.pdf", reference(&body_b)),
    ];
    want.sort();
    assert_eq!(names, want);
    use std::os::unix::fs::PermissionsExt;
    let file_a = out.join(format!("consent-{}.pdf", reference(&body_a)));
    let mode = std::fs::metadata(&file_a).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "health data: the owner's only");
    let pdf_a = std::fs::read(&file_a).unwrap();
    let text = words(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf_a));
    assert!(text.contains("Signer Jane Doe"), "{text}");
    let exported = r
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'exported the signed consents as PDF'",
        )
        .await;
    assert_eq!(exported, 1);

    // The folder is not optional, and the other formats print rather than write files.
    let without = run(&["--format", "consent-pdf"]);
    let said = String::from_utf8_lossy(&without.stderr);
    assert!(
        !without.status.success() && said.contains("--out FOLDER"),
        "{said}"
    );
    let stray = run(&["--format", "json", "--out", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&stray.stderr);
    assert!(!stray.status.success(), "{said}");
    assert!(
        said.contains("--out is only for --format consent-pdf"),
        "{said}"
    );
}

#[tokio::test]
async fn fhir_carries_the_signature_extension() {
    let r = Receiver::start(&[]).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let strokes = drawing();
    let (id, body) = signed("Zoë Doe", strokes.clone());
    let (typed, typed_body) = signed("Jane Doe", vec![]);
    assert_eq!(r.post(Some(&id), &body).await.0, 201);
    assert_eq!(r.post(Some(&typed), &typed_body).await.0, 201);
    let page = staff
        .get(&format!("/inbox/submissions/{id}/export.fhir.json"))
        .await;
    use fhirbolt::model::r4::resources::QuestionnaireResponse;
    use fhirbolt::model::r4::types::ExtensionValue;
    // Strict mode: any member R4 does not define is an error.
    let qr: QuestionnaireResponse = fhirbolt::json::from_str(&page.body, None).expect("valid R4");
    assert_eq!(qr.extension.len(), 1);
    let ext = &qr.extension[0];
    assert_eq!(
        ext.url,
        "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature"
    );
    let Some(ExtensionValue::Signature(sig)) = &ext.value else {
        panic!("valueSignature: {:?}", ext.value)
    };
    let coding = &sig.r#type[0];
    assert_eq!(
        coding.system.as_ref().and_then(|s| s.value.as_deref()),
        Some("urn:iso-astm:E1762-95:2013")
    );
    assert_eq!(
        coding.code.as_ref().and_then(|s| s.value.as_deref()),
        Some("1.2.840.10065.1.12.1.7")
    );
    assert_eq!(
        coding.display.as_ref().and_then(|s| s.value.as_deref()),
        Some("Consent Signature")
    );
    assert_eq!(sig.when.value.as_deref(), Some("2026-12-02T09:30:00.000Z"));
    assert_eq!(
        sig.who.display.as_ref().and_then(|s| s.value.as_deref()),
        Some("Zoë Doe")
    );
    assert_eq!(
        sig.sig_format.as_ref().and_then(|s| s.value.as_deref()),
        Some("image/svg+xml")
    );
    use base64::Engine;
    let data = sig.data.as_ref().and_then(|d| d.value.clone()).unwrap();
    let svg = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        svg,
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 200\" width=\"600\" \
             height=\"200\"><path d=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"3\" \
             stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>",
            signature::path_data(&strokes)
        )
    );
    // Typed only: the signature without a drawing.
    let page = staff
        .get(&format!("/inbox/submissions/{typed}/export.fhir.json"))
        .await;
    let qr: QuestionnaireResponse = fhirbolt::json::from_str(&page.body, None).expect("valid R4");
    let Some(ExtensionValue::Signature(sig)) = &qr.extension[0].value else {
        panic!("valueSignature")
    };
    assert!(sig.data.is_none() && sig.sig_format.is_none());
    // The command line's FHIR is the same resource.
    let lines = export(&r.db_url(), "fhir");
    assert_eq!(lines.len(), 2);
    for line in lines {
        let qr: QuestionnaireResponse = fhirbolt::json::from_str(&line, None).expect("valid R4");
        assert_eq!(qr.extension.len(), 1);
    }
}
