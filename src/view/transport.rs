//! The widget's two requests, both with `fetch`, no cookies and a bounded wait: the submission
//! to the clinic's endpoint (POST, JSON, an `Idempotency-Key` equal to the submission id), and a
//! questionnaire file the clinic named. Classifying the answers is the core's job
//! (`core::delivery`, `core::questionnaire`).

use crate::core::delivery::{classify, Failure, Outcome, TIMEOUT_MS};
use wasm_bindgen::{closure::Closure, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};

/// Sends a submission; a missing or late answer is a failure the visitor can retry.
pub async fn send(endpoint: &str, body: &str, submission_id: &str) -> Outcome {
    let init = RequestInit::new();
    let headers = Headers::new().ok();
    if let Some(h) = &headers {
        let _ = h.set("Content-Type", "application/json");
        let _ = h.set("Accept", "application/json");
        let _ = h.set("Idempotency-Key", submission_id);
        init.set_headers(h);
    }
    init.set_method("POST");
    init.set_body(&body.into());
    match fetch(endpoint, &init).await {
        Ok((status, text)) => classify(status, &text),
        Err(failure) => Outcome::Failed(failure),
    }
}

/// Reads a file such as a questionnaire: its text, or a sentence for the site owner saying
/// why not.
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
    let window = web_sys::window().ok_or(Failure::Network)?;
    let controller = AbortController::new().map_err(|_| Failure::Network)?;
    let abort = {
        let controller = controller.clone();
        Closure::once_into_js(move || controller.abort())
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), TIMEOUT_MS)
        .ok();
    init.set_mode(RequestMode::Cors);
    // Health answers travel alone: no cookies or credentials, to the endpoint or anywhere.
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&controller.signal()));
    let result = attempt(&window, url, init).await;
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    result.map_err(|()| match controller.signal().aborted() {
        true => Failure::Timeout,
        false => Failure::Network,
    })
}

async fn attempt(
    window: &web_sys::Window,
    url: &str,
    init: &RequestInit,
) -> Result<(u16, String), ()> {
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
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
