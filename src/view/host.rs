//! The widget's place on the clinic's page: a shadow root on the clinic's element, so the
//! page's CSS cannot reach the widget and the widget's cannot reach the page; the theme the
//! clinic chose; and the DOM events the page can listen to.

use crate::core::config::Theme;
use crate::core::host_event::HostEvent;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The class of the element inside the shadow root that the widget draws into. The embed
/// script (`embed/consultation-form.js`) makes it, styled, with the first step or a loading
/// message, before the wasm arrives; without that script (the browser tests) it is made here. Beside
/// it, the session-replay masks (`mount_point`).
pub const MASKED_ROOT_CLASSES: &str = "cw-root fs-exclude rr-block ph-no-capture";
/// The attribute masks beside those classes (see `mount_point`). The embed script sets both on
/// the root it makes (the build gives it these: src/bin/prerender.rs), since the first step it
/// draws takes typing before the wasm arrives.
pub const MASK_ATTRIBUTES: [(&str, &str); 3] = [
    ("data-hj-suppress", ""),
    ("data-clarity-mask", "true"),
    ("data-private", ""),
];
const ROOT_SELECTOR: &str = ".cw-root";

/// The element inside `host`'s shadow root to draw into.
pub fn mount_point(host: &Element) -> Option<HtmlElement> {
    let shadow = match host.shadow_root() {
        Some(shadow) => shadow,
        // Open, so assistive technology, browser extensions and tests see the form as usual.
        None => host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .ok()?,
    };
    let root = match shadow.query_selector(ROOT_SELECTOR).ok().flatten() {
        Some(root) => root,
        None => {
            let root = host.owner_document()?.create_element("div").ok()?;
            shadow.append_child(&root).ok()?;
            root
        }
    };
    // The class the selector above finds (the embed script writes the same), and the marks
    // that common session-replay tools honour, so a tag manager's recorder on the clinic's
    // page leaves out what the visitor types: FullStory (`fs-exclude`), rrweb and the tools
    // built on it (`rr-block`), PostHog (`ph-no-capture`), Hotjar (`data-hj-suppress`),
    // Microsoft Clarity (`data-clarity-mask`) and LogRocket (`data-private`). A promise of
    // those tools, not of the widget: the README recommends the iframe embed on its own
    // origin for pages with such scripts.
    root.set_class_name(MASKED_ROOT_CLASSES);
    for (name, value) in MASK_ATTRIBUTES {
        let _ = root.set_attribute(name, value);
    }
    root.dyn_into().ok()
}

/// Sets the clinic's colours, font and corners as custom properties on the widget's root, by
/// the CSS object model (which a strict Content Security Policy allows, unlike a `style`
/// attribute).
pub fn apply_theme(root: &HtmlElement, theme: &Theme) {
    let style = root.style();
    for (property, value) in theme.properties() {
        let _ = style.set_property(property, value);
    }
}

/// Tells the host page what happened, as a `CustomEvent` that bubbles from its element.
pub fn emit(host: &Element, event: &HostEvent) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    if let Ok(detail) = js_sys::JSON::parse(&event.detail()) {
        init.set_detail(&detail);
    }
    if let Ok(e) = CustomEvent::new_with_event_init_dict(&event.name(), &init) {
        let _ = host.dispatch_event(&e);
    }
}
