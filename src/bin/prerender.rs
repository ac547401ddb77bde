//! `cargo run --bin prerender`: prints, as JSON, the built-in questionnaire's first step as the
//! widget draws it (`view::prerender`), and every name the embed scripts share with the widget
//! (`names`: attributes, the events, the drafts' storage keys, the iframe embed's messages),
//! taken from the code that uses them so the scripts cannot drift from it. Run by the build
//! (scripts/build-embed.mjs), which writes them into the scripts in embed/.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let out = native::manifest().unwrap_or_else(|problem| {
        eprintln!("prerender: {problem}");
        std::process::exit(1);
    });
    println!("{out}");
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use consultation_widget::core::catalogue::{self, Catalogue, Msg};
    use consultation_widget::core::config::{self, attr, DraftStorage};
    use consultation_widget::core::questionnaire::Questionnaire;
    use consultation_widget::core::translation::{self, Translation};
    use consultation_widget::core::{carried, consent, draft, frame, host_event};
    use consultation_widget::view::{host, prerender};
    use serde_json::{json, Value};
    use std::rc::Rc;

    /// What the build gives the embed scripts: `first`, the first step and the root it goes in,
    /// with the loader's own English words; `languages`, the other built-in languages (see
    /// `language`); `names`, read by the scripts under these keys (their only copy of them).
    pub fn manifest() -> Result<Value, String> {
        let questionnaire = Rc::new(Questionnaire::builtin());
        let html = prerender::first_step(Rc::clone(&questionnaire))?;
        let languages = questionnaire.languages[1..]
            .iter()
            .map(|tag| Ok((tag.clone(), language(&questionnaire, tag)?)))
            .collect::<Result<serde_json::Map<_, _>, String>>()?;
        Ok(json!({
            "first": {
                "html": html,
                "rootClass": host::MASKED_ROOT_CLASSES,
                "rootAttributes": host::MASK_ATTRIBUTES,
                "lang": questionnaire.language(),
                "words": loader_words(&Catalogue::ENGLISH),
            },
            "languages": languages,
            "names": {
                "mount": attr::MOUNT,
                "lang": attr::LANG,
                "langs": attr::LANGS,
                // In the order the wasm's `mount` takes them (`view::mount_all`).
                "pinned": [attr::ENDPOINTS, attr::CLINIC_EMAILS, attr::QUESTIONNAIRES],
                "clinicName": attr::CLINIC_NAME,
                "clinicEmail": attr::CLINIC_EMAIL,
                "questionnaire": attr::QUESTIONNAIRE,
                "theme": attr::THEME,
                "draftStorage": attr::DRAFT_STORAGE,
                "local": DraftStorage::LOCAL,
                // A draft's key, as `draft::storage_key(&draft::slot(…))`: `draftKey`, then the
                // host's id, or without one `placeSlot` (the built-in questionnaire's) and the
                // widget's place. Only the built-in questionnaire's drafts matter to the
                // script: it draws no step for another.
                "draftKey": draft::KEY_PREFIX,
                "placeSlot": draft::place_slot(&questionnaire.id),
                // The language the visitor chose (data-langs), kept in their draft.
                "draftLang": draft::LANG,
                "shownAt": carried::SHOWN_AT,
                "continuePressed": carried::CONTINUE_PRESSED,
                "ready": host_event::READY,
                "global": config::GLOBAL,
                // The iframe embed (embed/frame.js, embed/consultation-frame.js).
                "frame": frame::FRAME,
                "frameReady": frame::FRAME_READY,
                "hostOrigins": frame::HOST_ORIGINS,
                "message": frame::MARKER,
                "hello": frame::HELLO,
                "height": frame::HEIGHT,
                "event": frame::EVENT,
                "eventPrefix": host_event::PREFIX,
                "events": host_event::ALL.map(|name| &name[host_event::PREFIX.len()..]),
            },
        }))
    }

    /// The words the embed script shows before the wasm runs, in its order: loading, getting
    /// ready, could not load (without and with the clinic's email), and "the clinic".
    fn loader_words(words: &Catalogue) -> Value {
        json!([
            words.get(Msg::Loading),
            words.get(Msg::Readying),
            words.get(Msg::LoadFailed),
            words.get(Msg::LoadFailedEmail),
            words.get(Msg::TheClinic),
        ])
    }

    /// A built-in language other than English: its direction, which travels in the embed
    /// script, and `data`, the file the embed script fetches only for a widget in that
    /// language: its own words in it, and `wasm`, what it hands the wasm (`view::language`):
    /// the tag, the consent digest of the translated words, the widget's catalogue and the
    /// built-in questionnaire's texts, in the order the wasm takes them (`Catalogue::new`,
    /// `translation::with_texts`), split by U+001F.
    fn language(q: &Questionnaire, tag: &str) -> Result<Value, String> {
        let json = catalogue::builtin_json(tag).ok_or(format!("no catalogue for \"{tag}\""))?;
        let words = catalogue::from_json(tag, json)?;
        let file = translation::builtin_json(tag).ok_or(format!("no translation for \"{tag}\""))?;
        let translated = Translation::from_json(file)
            .and_then(|t| translation::translate(q, &t))
            .map_err(|e| e.to_string())?;
        let digest = consent::digest(&translated);
        let texts = translation::texts(&translated);
        let fields: Vec<&str> = [tag, digest.as_str()]
            .into_iter()
            .chain(words.texts())
            .chain(texts.iter().map(String::as_str))
            .collect();
        if let Some(text) = fields.iter().find(|t| t.contains(['\u{1e}', '\u{1f}'])) {
            return Err(format!("{tag}: a text holds U+001E or U+001F: {text:?}"));
        }
        Ok(json!({
            "dir": words.dir(),
            "data": {
                "words": loader_words(&words),
                "wasm": fields.join("\u{1f}"),
            },
        }))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The embed scripts, each as written, its comments left out (they may name what
        /// they like).
        const SCRIPTS: [(&str, &str); 3] = [
            (
                "consultation-form.js",
                include_str!("../../embed/consultation-form.js"),
            ),
            ("frame.js", include_str!("../../embed/frame.js")),
            (
                "consultation-frame.js",
                include_str!("../../embed/consultation-frame.js"),
            ),
        ];

        fn loader_code() -> String {
            code(SCRIPTS[0].1)
        }

        fn code(script: &str) -> String {
            script
                .lines()
                .map(|line| match line.find("// ") {
                    Some(at) if line[..at].trim().is_empty() || line[..at].ends_with(' ') => {
                        &line[..at]
                    }
                    _ => line,
                })
                .collect::<Vec<_>>()
                .join("\n")
        }

        fn names() -> serde_json::Map<String, Value> {
            let manifest = manifest().expect("the first step renders");
            manifest["names"].as_object().expect("names").clone()
        }

        #[test]
        fn the_manifest_names_what_the_widget_uses() {
            // Issue 21: the embed script's names come from here; these are the widget's.
            let names = Value::Object(names());
            let questionnaire = Questionnaire::builtin();
            let expected = json!({
                "mount": "data-consultation-form",
                "lang": "data-lang",
                "langs": "data-langs",
                "pinned": ["data-endpoints", "data-clinic-emails", "data-questionnaires"],
                "clinicName": "data-clinic-name",
                "clinicEmail": "data-clinic-email",
                "questionnaire": "data-questionnaire",
                "theme": ["data-theme-accent", "data-theme-font", "data-theme-radius"],
                "draftStorage": "data-draft-storage",
                "local": "local",
                "draftKey": "consultation-widget:draft:",
                "placeSlot": format!("{}-", questionnaire.id),
                "draftLang": "lang",
                "shownAt": "data-prerendered",
                "continuePressed": "data-continue-pressed",
                "ready": "consultation-form:ready",
                "global": "consultationForm",
                "frame": "data-consultation-frame",
                "frameReady": "data-consultation-frame-ready",
                "hostOrigins": "data-host-origins",
                "message": "consultationForm",
                "hello": "hello",
                "height": "height",
                "event": "event",
                "eventPrefix": "consultation-form:",
                "events": ["ready", "step", "submitted", "failed"],
            });
            // Public names (clinics' pages, drafts in visitors' browsers): spelled out here,
            // so a change to one fails until it is meant.
            assert_eq!(names, expected);
            // The Rust side's own copies are these, not look-alikes.
            assert_eq!(names["mount"], attr::MOUNT);
            assert_eq!(names["ready"], host_event::READY);
            assert_eq!(names["shownAt"], carried::SHOWN_AT);
            assert_eq!(names["continuePressed"], carried::CONTINUE_PRESSED);
            assert_eq!(names["draftStorage"], attr::DRAFT_STORAGE);
            assert_eq!(names["local"], DraftStorage::LOCAL);
        }

        #[test]
        fn the_loaders_draft_key_is_the_widgets() {
            // The embed script's rule (embed/consultation-form.js, `draftText`):
            // draftKey + (host.id || placeSlot + place). The widget's: `draft::slot`.
            let names = names();
            let text = |key: &str| names[key].as_str().expect(key).to_owned();
            let loader = |host_id: &str, place: u32| {
                let slot = match host_id {
                    "" => format!("{}{place}", text("placeSlot")),
                    id => id.to_owned(),
                };
                format!("{}{slot}", text("draftKey"))
            };
            let id = Questionnaire::builtin().id;
            for (host_id, place) in [("", 0), ("", 7), ("intake", 0), ("w", 3)] {
                let widget = draft::storage_key(&draft::slot(host_id, &id, place));
                assert_eq!(loader(host_id, place), widget, "{host_id:?} at {place}");
            }
            assert!(
                loader_code().contains("NAMES.draftKey + (host.id || NAMES.placeSlot + place)"),
                "the embed script applies the rule above"
            );
        }

        /// The names `code` spells by hand: values of `names`, or any name of their kinds.
        fn spelled_by_hand(code: &str, names: &serde_json::Map<String, Value>) -> Vec<String> {
            let mut spelled = Vec::new();
            for value in names.values() {
                let values = match value {
                    Value::Array(list) => list.clone(),
                    single => vec![single.clone()],
                };
                for value in values {
                    let value = value.as_str().expect("a name").to_owned();
                    // Short values are checked quoted: `local` is an ordinary word.
                    let written = if value.len() < 8 {
                        [format!("'{value}'"), format!("\"{value}\"")]
                            .iter()
                            .any(|quoted| code.contains(quoted.as_str()))
                    } else {
                        code.contains(value.as_str())
                    };
                    if written {
                        spelled.push(value);
                    }
                }
            }
            // Nor a name of its own kind that the manifest lacks.
            for kind in [
                "data-",
                "consultation-form:",
                "consultation-widget:",
                "dataset",
            ] {
                if code.contains(kind) {
                    spelled.push(kind.to_owned());
                }
            }
            spelled
        }

        /// `NAMES.key` stands in `code` as a whole name (`NAMES.frame` is not `NAMES.frameReady`).
        fn reads(code: &str, key: &str) -> bool {
            let read = format!("NAMES.{key}");
            code.match_indices(&read).any(|(at, _)| {
                let next = code[at + read.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        }

        #[test]
        fn the_scripts_write_no_name_by_hand() {
            // Each name only from the manifest, so the sides cannot drift: no script's code
            // (comments aside) spells one, and each is read by some script.
            let names = names();
            let codes: Vec<(&str, String)> = SCRIPTS
                .iter()
                .map(|(file, text)| (*file, code(text)))
                .collect();
            for (file, code) in &codes {
                let spelled = spelled_by_hand(code, &names);
                assert!(
                    spelled.is_empty(),
                    "embed/{file} writes {spelled:?} by hand"
                );
            }
            let unread: Vec<&String> = names
                .keys()
                .filter(|key| !codes.iter().any(|(_, code)| reads(code, key)))
                .collect();
            assert!(unread.is_empty(), "no embed script reads NAMES.{unread:?}");
        }
    }
}

// The wasm build has no use for it (lints build every target for wasm too).
#[cfg(target_arch = "wasm32")]
fn main() {}
