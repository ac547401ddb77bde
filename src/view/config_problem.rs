//! What the widget's box shows when the host page's settings are wrong: a plain sentence for
//! the site owner, never a blank box. Static text, so drawn with plain DOM calls rather than a
//! yew component (each component adds yew's machinery to the download).

use web_sys::{Document, Element};

/// Replaces what `host` holds with the message. Text goes in as text, never as markup.
pub fn show(host: &Element, problem: &str) -> Option<()> {
    let document: Document = host.owner_document()?;
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
        .set_attribute("aria-label", "Consultation form")
        .ok()?;
    let alert = make("div", "cw-alert", None)?;
    alert.set_attribute("role", "alert").ok()?;
    let lines = [
        make(
            "h2",
            "cw-alert__title",
            Some("This form is not set up correctly"),
        )?,
        make(
            "p",
            "cw-body",
            Some(&format!("A setting on this page needs fixing: {problem}.")),
        )?,
        make(
            "p",
            "cw-body",
            Some("If you are a visitor, please contact the clinic directly."),
        )?,
    ];
    for line in &lines {
        alert.append_child(line).ok()?;
    }
    section.append_child(&alert).ok()?;
    host.set_inner_html("");
    host.append_child(&section).ok()?;
    Some(())
}
