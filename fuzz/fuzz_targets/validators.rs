//! Fuzz target: any text through the email, phone and website validators, the email typo
//! suggestion, the submission reader and the receiver's re-check, the draft reader and the
//! settings: never a panic, a website is only ever http or https, and a suggested address is
//! valid and never questioned again.
#![no_main]

use consultation_widget::core::config::{Config, RawConfig};
use consultation_widget::core::draft::Draft;
use consultation_widget::core::intake;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::summary::Summary;
use consultation_widget::core::suggest;
use consultation_widget::core::validate::{email, phone, website};
use libfuzzer_sys::fuzz_target;

thread_local! {
    /// Loaded once: parsing it on every input would drown the target's own work.
    static BUILTIN: Questionnaire = Questionnaire::builtin();
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = email::is_valid(&email::sanitise(text));
    let _ = phone::is_valid(text);
    // A suggestion is itself a valid address, and is never questioned again.
    if let Some(better) = suggest::email(text) {
        assert!(email::is_valid(&better), "{better:?}");
        assert_eq!(suggest::email(&better), None);
    }
    if let Some(url) = website::normalise(text) {
        assert!(url.starts_with("https://") || url.starts_with("http://"));
        assert_eq!(website::normalise(&url).as_deref(), Some(url.as_str()));
    }
    // The serde readers: a submission as the receiver reads and re-checks it.
    let _ = Summary::from_json(text);
    BUILTIN.with(|q| {
        let _ = intake::recheck(text, std::slice::from_ref(q));
        let _ = Draft::read(text, q, 0, u64::MAX);
    });
    let raw = RawConfig {
        endpoint: Some(text.into()),
        theme_accent: Some(text.into()),
        theme_font: Some(text.into()),
        pass_params: Some(text.into()),
        ..RawConfig::default()
    };
    let _ = Config::from_raw(&raw);
});
