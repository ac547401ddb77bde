//! Minifies the built-in questionnaire at compile time: the readable file stays in the source,
//! and every visitor downloads it without the indentation. A malformed built-in questionnaire
//! fails the build with its line and column (serde_json's own message).

use std::{env, fs, path::Path};

fn main() {
    let source = "src/core/default_questionnaire.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("the built-in questionnaire is readable");
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("default_questionnaire.json");
    fs::write(out, doc.to_string()).expect("OUT_DIR is writable");
}
