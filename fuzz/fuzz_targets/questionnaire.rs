//! Fuzz target: any bytes as a questionnaire file (what `data-questionnaire` loads) are read
//! or refused with a message, never a panic; whatever is accepted can be rendered into a
//! summary.
#![no_main]

use consultation_widget::core::answers::Answers;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::summary::Summary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Questionnaire::from_json(text) {
        Ok(q) => {
            let s = Summary::build(&q, &Answers::default(), "Clinic", "id".into(), "t".into());
            let _ = s.json();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
