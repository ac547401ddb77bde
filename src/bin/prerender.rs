//! `cargo run --bin prerender`: prints, as JSON, the built-in questionnaire's first step as the
//! widget draws it (`view::prerender`), with what the embed script needs to decide when to
//! show it and where: the questionnaire's id, the drafts' storage key prefix and the widget
//! root's session-replay masks, taken from the code that uses them so the script cannot drift
//! from it. Run by the build (scripts/build-embed.mjs).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use consultation_widget::core::draft::KEY_PREFIX;
    use consultation_widget::core::questionnaire::Questionnaire;
    use consultation_widget::view::{host, prerender};
    use std::rc::Rc;

    let questionnaire = Rc::new(Questionnaire::builtin());
    let html = prerender::first_step(Rc::clone(&questionnaire)).unwrap_or_else(|problem| {
        eprintln!("prerender: {problem}");
        std::process::exit(1);
    });
    let out = serde_json::json!({
        "html": html,
        "questionnaire": questionnaire.id,
        "draftKey": KEY_PREFIX,
        "rootClass": host::MASKED_ROOT_CLASSES,
        "rootAttributes": host::MASK_ATTRIBUTES,
    });
    println!("{out}");
}

// The wasm build has no use for it (lints build every target for wasm too).
#[cfg(target_arch = "wasm32")]
fn main() {}
