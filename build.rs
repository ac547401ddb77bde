//! Minifies the built-in questionnaire at compile time: the readable file stays in the source,
//! and every visitor downloads it without the indentation. A malformed built-in questionnaire
//! fails the build with its line and column (serde_json's own message). It also writes the
//! same questionnaire as Rust data (`core::builtin`), so the widget can build it without
//! reading JSON: the built-in-only wasm has no questionnaire reader at all.

use serde_json::{Map, Value};
use std::fmt::Write;
use std::{env, fs, path::Path};

fn main() {
    // `cfg(languages)`: the widget's languages other than English (Cargo.toml's `languages`
    // feature), which native programs (the receiver, the build's own) always have.
    println!("cargo::rustc-check-cfg=cfg(languages)");
    let wasm = env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if env::var_os("CARGO_FEATURE_LANGUAGES").is_some() || !wasm {
        println!("cargo::rustc-cfg=languages");
    }
    let source = "src/core/default_questionnaire.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).expect("the built-in questionnaire is readable");
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir);
    fs::write(out.join("default_questionnaire.json"), doc.to_string())
        .expect("OUT_DIR is writable");
    fs::write(out.join("default_questionnaire.rs"), as_rust(&doc)).expect("OUT_DIR is writable");
}

/// `core::builtin::STATIC`'s value: every member written out, so one the generator does not
/// know fails the build (core::builtin's test holds it equal to the JSON read by serde).
fn as_rust(doc: &Value) -> String {
    let top = object(doc, &["id", "version", "languages", "title", "steps"]);
    // Absent, the questionnaire is in British English only (`Questionnaire::languages`).
    let languages = match top.get("languages") {
        Some(tags) => list(tags).iter().map(|t| string(t) + ",").collect(),
        None => "\"en-GB\",".to_owned(),
    };
    let mut rs = format!(
        "Static {{ id: {}, version: {}, languages: &[{languages}], title: {}, steps: &[",
        string(&top["id"]),
        string(&top["version"]),
        string(&top["title"])
    );
    for step in list(&top["steps"]) {
        let step = object(step, &["id", "title", "intro", "questions"]);
        write!(
            rs,
            "StaticStep {{ id: {}, title: {}, intro: {}, questions: &[",
            string(&step["id"]),
            string(&step["title"]),
            optional(step.get("intro"))
        )
        .unwrap();
        for q in list(&step["questions"]) {
            rs += &question(q);
        }
        rs += "] },";
    }
    rs += "] }";
    rs
}

fn question(q: &Value) -> String {
    let q = object(
        q,
        &[
            "id",
            "kind",
            "label",
            "hint",
            "required",
            "options",
            "text",
            "show_if",
            "flag_if",
            "consent_version",
            "max_length",
            "autocomplete",
        ],
    );
    let kind: String = q["kind"]
        .as_str()
        .expect("a kind is a string")
        .split('_')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect();
    let mut options = String::new();
    for o in q.get("options").map(list).into_iter().flatten() {
        let o = object(o, &["value", "label", "hint"]);
        write!(
            options,
            "({}, {}, {}),",
            string(&o["value"]),
            string(&o["label"]),
            optional(o.get("hint"))
        )
        .unwrap();
    }
    let show_if = match q.get("show_if") {
        Some(c) => {
            let c = object(c, &["question", "is"]);
            format!("Some(({}, {}))", string(&c["question"]), string(&c["is"]))
        }
        None => "None".to_owned(),
    };
    let max_length = match q.get("max_length") {
        Some(n) => format!(
            "Some({})",
            n.as_u64().expect("max_length is a whole number")
        ),
        None => "None".to_owned(),
    };
    format!(
        "StaticQuestion {{ id: {}, kind: Kind::{kind}, label: {}, hint: {}, required: {}, \
         options: &[{options}], text: {}, show_if: {show_if}, flag_if: {}, \
         consent_version: {}, max_length: {max_length}, autocomplete: {} }},",
        string(&q["id"]),
        string(&q["label"]),
        optional(q.get("hint")),
        q.get("required")
            .map(|r| r.as_bool().expect("required is true or false"))
            .unwrap_or(false),
        optional(q.get("text")),
        optional(q.get("flag_if")),
        optional(q.get("consent_version")),
        optional(q.get("autocomplete")),
    )
}

fn object<'a>(v: &'a Value, known: &[&str]) -> &'a Map<String, Value> {
    let map = v
        .as_object()
        .expect("the built-in questionnaire: an object");
    if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
        panic!("the built-in questionnaire: build.rs does not know the member \"{unknown}\"");
    }
    map
}

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().expect("the built-in questionnaire: a list")
}

/// A Rust string literal (`str`'s Debug form is one).
fn string(v: &Value) -> String {
    format!(
        "{:?}",
        v.as_str().expect("the built-in questionnaire: a string")
    )
}

fn optional(v: Option<&Value>) -> String {
    match v {
        Some(v) => format!("Some({})", string(v)),
        None => "None".to_owned(),
    }
}
