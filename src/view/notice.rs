//! What the widget's box shows when there is no form to show: the settings are wrong (for the
//! site owner), or the widget stopped (for the visitor). A plain message, never a blank box.
//! Static text, so drawn with plain DOM calls rather than a yew component (each component adds
//! yew's machinery to the download), and safe to call after a panic.

use crate::core::catalogue::{Catalogue, Msg};
use web_sys::Element;

/// The settings on the page need fixing.
pub fn problem(root: &Element, problem: &str, words: &Catalogue) -> Option<()> {
    show(
        root,
        words,
        words.get(Msg::SetupTitle),
        &[
            &words.fill(Msg::SetupFix, &[("problem", problem)]),
            words.get(Msg::SetupVisitor),
        ],
    )
}

/// The widget stopped: the answers are kept, and how to reach the clinic.
pub fn crashed(root: &Element, clinic: &str, email: Option<&str>, words: &Catalogue) -> Option<()> {
    let contact = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => words.fill(
            Msg::CrashedContactEmail,
            &[("clinic", clinic), ("email", email)],
        ),
        None => words.fill(Msg::CrashedContact, &[("clinic", clinic)]),
    };
    show(
        root,
        words,
        words.get(Msg::CrashedTitle),
        &[
            words.get(Msg::CrashedSaved),
            words.get(Msg::CrashedReload),
            &contact,
        ],
    )
}

/// Replaces what `root` holds with a titled alert. Text goes in as text, never as markup.
fn show(root: &Element, words: &Catalogue, title: &str, lines: &[&str]) -> Option<()> {
    let document = root.owner_document()?;
    let make = |tag: &str, class: &str, text: Option<&str>| -> Option<Element> {
        let element = document.create_element(tag).ok()?;
        element.set_class_name(class);
        if let Some(t) = text {
            element.set_text_content(Some(t));
        }
        Some(element)
    };
    let section = make("section", "cw", None)?;
    section
        .set_attribute("aria-label", words.get(Msg::FormName))
        .ok()?;
    let alert = make("div", "cw-alert", None)?;
    alert.set_attribute("role", "alert").ok()?;
    let heading = make("h2", "cw-alert__title", Some(title))?;
    alert.append_child(&heading).ok()?;
    for line in lines {
        let paragraph = make("p", "cw-body", Some(line))?;
        alert.append_child(&paragraph).ok()?;
    }
    section.append_child(&alert).ok()?;
    root.set_inner_html("");
    root.append_child(&section).ok()?;
    Some(())
}
