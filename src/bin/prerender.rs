//! `cargo run --bin prerender`: prints, as JSON, the built-in questionnaire's first step as the
//! widget draws it (`view::prerender`), and every name the embed script shares with the widget
//! (`names`: attributes, the event it listens for, the drafts' storage keys), taken from the
//! code that uses them so the script cannot drift from it. Run by the build
//! (scripts/build-embed.mjs), which writes it into embed/consultation-form.js.

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
    use consultation_widget::core::config::{attr, DraftStorage};
    use consultation_widget::core::questionnaire::Questionnaire;
    use consultation_widget::core::{carried, draft, host_event};
    use consultation_widget::view::{host, prerender};
    use serde_json::{json, Value};
    use std::rc::Rc;

    /// What the build gives the embed script: `first`, the first step and the root it goes in;
    /// `names`, read by the script under these keys (its only copy of them).
    pub fn manifest() -> Result<Value, String> {
        let questionnaire = Rc::new(Questionnaire::builtin());
        let html = prerender::first_step(Rc::clone(&questionnaire))?;
        Ok(json!({
            "first": {
                "html": html,
                "rootClass": host::MASKED_ROOT_CLASSES,
                "rootAttributes": host::MASK_ATTRIBUTES,
            },
            "names": {
                "mount": attr::MOUNT,
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
                "shownAt": carried::SHOWN_AT,
                "continuePressed": carried::CONTINUE_PRESSED,
                "ready": host_event::READY,
            },
        }))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The embed script as written, its comments left out (they may name what they like).
        fn loader_code() -> String {
            include_str!("../../embed/consultation-form.js")
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
                "pinned": ["data-endpoints", "data-clinic-emails", "data-questionnaires"],
                "clinicName": "data-clinic-name",
                "clinicEmail": "data-clinic-email",
                "questionnaire": "data-questionnaire",
                "theme": ["data-theme-accent", "data-theme-font", "data-theme-radius"],
                "draftStorage": "data-draft-storage",
                "local": "local",
                "draftKey": "consultation-widget:draft:",
                "placeSlot": format!("{}-", questionnaire.id),
                "shownAt": "data-prerendered",
                "continuePressed": "data-continue-pressed",
                "ready": "consultation-form:ready",
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
            // The embed script's rule (embed/consultation-form.js, `draftWaits`):
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

        #[test]
        fn the_loader_writes_no_name_by_hand() {
            // Each name only from the manifest, so the two sides cannot drift: the script's
            // code (comments aside) spells none of them, and reads every one.
            let code = loader_code();
            let (mut spelled, mut unread) = (Vec::new(), Vec::new());
            for (key, value) in names() {
                let values = match value {
                    Value::Array(list) => list,
                    single => vec![single],
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
                if !code.contains(&format!("NAMES.{key}")) {
                    unread.push(key);
                }
            }
            // Nor a name of its own kind that the manifest lacks.
            for kind in ["data-", "consultation-form:", "consultation-widget:"] {
                if code.contains(kind) {
                    spelled.push(kind.to_owned());
                }
            }
            assert!(
                spelled.is_empty() && unread.is_empty(),
                "embed/consultation-form.js writes {spelled:?} by hand, and reads no NAMES.{unread:?}"
            );
        }
    }
}

// The wasm build has no use for it (lints build every target for wasm too).
#[cfg(target_arch = "wasm32")]
fn main() {}
