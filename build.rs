//! Minifies the built-in questionnaire at compile time: the readable file stays in the source,
//! and every visitor downloads it without the indentation. It uses the core's own JSON
//! module, so a malformed built-in questionnaire fails the build with its line and column.

#[path = "src/core/json.rs"]
#[allow(dead_code)]
mod json;

use std::{env, fs, path::Path};

fn main() {
    let source = "src/core/default_questionnaire.json";
    println!("cargo::rerun-if-changed={source}");
    println!("cargo::rerun-if-changed=src/core/json.rs");
    let text = fs::read_to_string(source).expect("the built-in questionnaire is readable");
    let doc = json::Json::parse(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("default_questionnaire.json");
    fs::write(out, doc.write()).expect("OUT_DIR is writable");
}
