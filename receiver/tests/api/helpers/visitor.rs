//! What a visitor sends, made with the widget's own core: a fresh submission id, a typical
//! visitor's answers and the body the widget would post for them. One definition for the API
//! tests (as `helpers::visitor`) and the load generator (`examples/load.rs` includes this file
//! by path: an example cannot import from a test crate, and the library has no such fixture).
//! So it uses nothing of the test harness.

use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::consent;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::signature::Signature;
use consultation_widget::core::summary::Summary;
use std::sync::atomic::{AtomicU64, Ordering};

/// A random-looking version 4 UUID, different on every call (and across test processes).
pub fn new_id() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ u64::from(std::process::id()).rotate_left(32);
    let a = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(n);
    let b = n.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ seed;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        a & 0xfff,
        8 + (b & 3),
        (b >> 4) & 0xfff,
        (b >> 16) & 0xffff_ffff_ffff
    )
}

/// A typical visitor: every required answer, every screening question answered "no" but the
/// allergy (one flag, with its detail), some typed text.
pub fn typical_answers() -> Answers {
    let mut a = Answers::default();
    let text = |s: &str| Value::Text(s.into());
    a.set("full_name", text("Jane Example"));
    a.set("email", text("jane@example.com"));
    a.set("age_confirmed", Value::Checked(true));
    a.set("areas", Value::Many(vec!["face".into()]));
    a.set("concerns", Value::Many(vec!["acne_scars".into()]));
    a.set(
        "goals",
        text("Smoother skin; fewer marks from old acne on both cheeks."),
    );
    // Every screening question needs an answer (issue 20): "no", but for the allergy.
    let q = Questionnaire::builtin();
    for question in q.questions().filter(|q| q.flag_if.is_some()) {
        a.set(&question.id, text("no"));
    }
    a.set("allergies", text("yes"));
    a.set("allergies_detail", text("Lidocaine"));
    for c in [
        "risks_acknowledged",
        "aftercare_acknowledged",
        "information_accurate",
        "data_consent",
    ] {
        a.set(c, Value::Checked(true));
    }
    // Issue 23: signed by typing, with a short drawn stroke as well.
    a.set(
        "signature",
        Value::Signed(Signature {
            name: "Jane Example".into(),
            strokes: vec![vec![10, 150, 80, 60, 160, 140]],
        }),
    );
    a
}

/// What the widget sends for `answers`, with a fresh id: the core's own `Summary::json()`.
pub fn body_with(answers: &Answers) -> (String, String) {
    let id = new_id();
    let q = Questionnaire::builtin();
    let s = Summary::build(
        &q,
        answers,
        "Glow Clinic",
        id.clone(),
        "2026-12-02T09:30:00.000Z".into(),
    )
    .with_consent_digest(&consent::digest(&q));
    (id, s.json())
}
