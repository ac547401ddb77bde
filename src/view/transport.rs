//! The widget's two requests, both with `fetch`, no cookies and a bounded wait: the submission
//! to the clinic's endpoint (POST, JSON, or JSON and photos as a form's parts, an
//! `Idempotency-Key` equal to the submission id), and a
//! questionnaire file the clinic named. Classifying the answers is the core's job
//! (`core::delivery`, `core::questionnaire`).
//!
//! Over web-sys's `fetch` rather than gloo-net: gloo-net's request (its URL and query rewriting,
//! its error type that copies each JavaScript error's name, message and text, and its panics
//! that print a `JsValue`) measured 3,839 bytes gzip more for every visitor, 2,376 even when
//! handed a ready `web_sys::Request`, for the same three calls (docs/size-notes.md).

use crate::core::delivery::{classify, Failure, Outcome, TIMEOUT_MS};
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Blob, BlobPropertyBag, FormData, Headers, RequestCredentials, RequestInit,
    RequestMode, RequestRedirect, Response,
};

/// Sends a submission, with its proof of work where there is one (`super::proof`); a missing
/// or late answer is a failure the visitor can retry.
/// With photos (issue 24), the JSON and each photo go as parts of one `multipart/form-data`
/// body (`submission`, then `photo:<id>`): the submission and its photos are stored together
/// or not at all, and a retry sends the very same parts under the same key.
pub async fn send(
    endpoint: &str,
    body: &str,
    photos: &[(String, Blob)],
    submission_id: &str,
    altcha: Option<&str>,
) -> Outcome {
    let init = RequestInit::new();
    let headers = Headers::new().ok();
    if let Some(h) = &headers {
        // A form's type, boundary included, is the browser's to write.
        if photos.is_empty() {
            let _ = h.set("Content-Type", "application/json");
        }
        let _ = h.set("Accept", "application/json");
        let _ = h.set("Idempotency-Key", submission_id);
        if let Some(altcha) = altcha {
            let _ = h.set("Altcha", altcha);
        }
        init.set_headers(h);
    }
    init.set_method("POST");
    match multipart(body, photos) {
        Some(form) => init.set_body(&form),
        None => init.set_body(&body.into()),
    }
    match fetch(endpoint, &init).await {
        Ok((status, text)) => classify(status, &text),
        Err(failure) => Outcome::Failed(failure),
    }
}

/// The JSON and the photos as a form's parts, or `None` without photos.
fn multipart(body: &str, photos: &[(String, Blob)]) -> Option<JsValue> {
    if photos.is_empty() {
        return None;
    }
    let form = FormData::new().ok()?;
    let kind = BlobPropertyBag::new();
    kind.set_type("application/json");
    let parts = js_sys::Array::of1(&body.into());
    let json = Blob::new_with_str_sequence_and_options(&parts, &kind).ok()?;
    form.append_with_blob("submission", &json).ok()?;
    for (id, image) in photos {
        let name = format!("photo:{id}");
        form.append_with_blob_and_filename(&name, image, &format!("{id}.jpg"))
            .ok()?;
    }
    Some(form.into())
}

/// The endpoint's proof-of-work challenge (`{endpoint}/challenge`, as the clinic's receiver
/// serves it), or `None` where it offers none: a 404, no answer, or an endpoint with a query
/// (a form backend of another kind).
pub async fn challenge(endpoint: &str) -> Option<String> {
    if endpoint.contains('?') {
        return None;
    }
    match fetch(&format!("{endpoint}/challenge"), &RequestInit::new()).await {
        Ok((200, text)) => Some(text),
        _ => None,
    }
}

/// Reads a file such as a questionnaire: its text, or a sentence for the site owner saying
/// why not.
#[cfg(feature = "questionnaire-files")]
pub async fn get(url: &str) -> Result<String, String> {
    match fetch(url, &RequestInit::new()).await {
        Ok((200..=299, text)) => Ok(text),
        Ok((status, _)) => Err(format!("\"{url}\" could not be loaded (HTTP {status})")),
        Err(_) => Err(format!(
            "\"{url}\" could not be loaded: no answer, or its server does not allow this page \
             to read it (CORS)"
        )),
    }
}

/// One request: the status and body text, or why there was none. The timer aborts the request
/// (and reading its body) after `TIMEOUT_MS`.
async fn fetch(url: &str, init: &RequestInit) -> Result<(u16, String), Failure> {
    let controller = AbortController::new().map_err(|_| Failure::Network)?;
    let signal = controller.signal();
    init.set_mode(RequestMode::Cors);
    // A redirect could carry the body to another address than the one the clinic pinned
    // (Fetch Standard, "redirect mode"): refused, as a failure the visitor can retry.
    init.set_redirect(RequestRedirect::Error);
    // Health answers travel alone: no cookies or credentials, to the endpoint or anywhere.
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&signal));
    // Dropped when this function returns, which clears the timer: an answer in time is not
    // aborted afterwards.
    let _timer = Timeout::new(TIMEOUT_MS.unsigned_abs(), move || controller.abort());
    attempt(url, init)
        .await
        .map_err(|()| match signal.aborted() {
            true => Failure::Timeout,
            // Online, yet no answer: the server, or its CORS settings, not the visitor.
            false if gloo_utils::window().navigator().on_line() => Failure::Unreachable,
            false => Failure::Network,
        })
}

async fn attempt(url: &str, init: &RequestInit) -> Result<(u16, String), ()> {
    let promise = gloo_utils::window().fetch_with_str_and_init(url, init);
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| ())?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((response.status(), text))
}
