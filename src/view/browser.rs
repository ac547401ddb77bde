//! The thin edge around browser APIs the view needs: random ids, the clock, focus, the
//! clipboard and file downloads. Nothing here decides anything; the core does.

use gloo_timers::callback::Timeout;
use std::fmt::Write;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A random version 4 UUID from the browser's cryptographic generator (RFC 9562 §5.4), so
/// submission ids cannot be guessed or collide.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = gloo_utils::window()
        .crypto()
        .is_ok_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Every browser that runs wasm has crypto; this only guards odd embeddings.
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (js_sys::Math::random() * 256.0) as u8 ^ i as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut id = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        let _ = write!(id, "{b:02x}");
    }
    id
}

/// Now, in UTC, as ISO 8601.
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// The element inside `root` with this id (ids are checked to be plain when the
/// questionnaire loads, so the selector needs no escaping).
pub fn by_id(root: &Element, id: &str) -> Option<HtmlElement> {
    select(root, &format!("[id=\"{id}\"]"))
}

/// The first element inside `root` matching a CSS selector.
pub fn select(root: &Element, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// Moves focus and brings the element into view (the browser scrolls on focus, but not always
/// far enough for the label above an input to show).
pub fn focus(element: &HtmlElement) {
    let _ = element.focus();
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    element.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Copies text to the clipboard; `false` when the browser refused (no permission, insecure
/// context).
pub async fn copy(text: &str) -> bool {
    let promise = gloo_utils::window()
        .navigator()
        .clipboard()
        .write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Offers text to the visitor as a file download, made in the browser: nothing is uploaded.
pub fn download(file_name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = gloo_utils::document().create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(file_name);
            a.click();
        }
    }
    // Revoked a little later: some browsers read the blob only after the click returns.
    // Forgotten, so it still runs after this function returns (a dropped `Timeout` is cleared).
    Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}
