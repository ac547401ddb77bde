//! Sends a submission to the clinic's endpoint with `fetch`: POST, JSON, an `Idempotency-Key`
//! equal to the submission id, no cookies, and a bounded wait. Classifying the answer is the
//! core's job (`core::delivery`).

use crate::core::delivery::{classify, Failure, Outcome, TIMEOUT_MS};
use wasm_bindgen::{closure::Closure, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};

pub async fn send(endpoint: &str, body: &str, submission_id: &str) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Failed(Failure::Network);
    };
    let Ok(controller) = AbortController::new() else {
        return Outcome::Failed(Failure::Network);
    };
    // The timer aborts the request (and reading its body) after TIMEOUT_MS.
    let abort = {
        let controller = controller.clone();
        Closure::once_into_js(move || controller.abort())
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), TIMEOUT_MS)
        .ok();
    let outcome = attempt(&window, &controller, endpoint, body, submission_id).await;
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    match outcome {
        Ok(outcome) => outcome,
        Err(()) if controller.signal().aborted() => Outcome::Failed(Failure::Timeout),
        Err(()) => Outcome::Failed(Failure::Network),
    }
}

async fn attempt(
    window: &web_sys::Window,
    controller: &AbortController,
    endpoint: &str,
    body: &str,
    submission_id: &str,
) -> Result<Outcome, ()> {
    let headers = Headers::new().map_err(|_| ())?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| ())?;
    headers.set("Accept", "application/json").map_err(|_| ())?;
    headers
        .set("Idempotency-Key", submission_id)
        .map_err(|_| ())?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body.into());
    init.set_mode(RequestMode::Cors);
    // Health answers travel alone: no cookies or credentials for the clinic's endpoint.
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&controller.signal()));
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(endpoint, &init))
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
    Ok(classify(response.status(), &text))
}
