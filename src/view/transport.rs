//! The widget's two requests, both with `fetch` (through gloo-net), no cookies and a bounded
//! wait: the submission to the clinic's endpoint (POST, JSON, an `Idempotency-Key` equal to the
//! submission id), and a questionnaire file the clinic named. Classifying the answers is the
//! core's job (`core::delivery`, `core::questionnaire`).

use crate::core::delivery::{classify, Failure, Outcome, TIMEOUT_MS};
use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use web_sys::{AbortController, RequestCredentials, RequestMode};

/// Sends a submission; a missing or late answer is a failure the visitor can retry.
pub async fn send(endpoint: &str, body: &str, submission_id: &str) -> Outcome {
    let request = Request::post(endpoint)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Idempotency-Key", submission_id);
    match fetch(request, Some(body)).await {
        Ok((status, text)) => classify(status, &text),
        Err(failure) => Outcome::Failed(failure),
    }
}

/// Reads a file such as a questionnaire: its text, or a sentence for the site owner saying
/// why not.
pub async fn get(url: &str) -> Result<String, String> {
    match fetch(Request::get(url), None).await {
        Ok((200..=299, text)) => Ok(text),
        Ok((status, _)) => Err(format!("\"{url}\" could not be loaded (HTTP {status})")),
        Err(_) => Err(format!(
            "\"{url}\" could not be loaded: no answer, or its server does not allow this page \
             to read it (CORS)"
        )),
    }
}

/// One request: the status and body text, or why there was none. The timer aborts the request
/// (and reading its body) after `TIMEOUT_MS`; whether the signal fired is what tells a timeout
/// from a network failure, as both reach us as the same kind of rejected promise.
async fn fetch(request: RequestBuilder, body: Option<&str>) -> Result<(u16, String), Failure> {
    let controller = AbortController::new().map_err(|_| Failure::Network)?;
    let signal = controller.signal();
    let request = request
        .mode(RequestMode::Cors)
        // Health answers travel alone: no cookies or credentials, to the endpoint or anywhere.
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&signal));
    let request = match body {
        Some(body) => request.body(body),
        None => request.build(),
    }
    // Building fails only for an address fetch would refuse too (such as one with a password).
    .map_err(|_| Failure::Network)?;
    // Dropped when this function returns, which clears the timer: an answer in time is not
    // aborted afterwards.
    let _timer = Timeout::new(TIMEOUT_MS.unsigned_abs(), move || controller.abort());
    let answer = async {
        let response = request.send().await?;
        let text = response.text().await?;
        Ok::<_, gloo_net::Error>((response.status(), text))
    };
    answer.await.map_err(|_| match signal.aborted() {
        true => Failure::Timeout,
        false => Failure::Network,
    })
}
