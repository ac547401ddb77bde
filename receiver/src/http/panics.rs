//! What a panic costs: the one request it happened in. The handler's panic is caught and
//! answered 500 (tower-http's catch-panic layer, in http/mod.rs), and neither the answer nor the log
//! carries the panic's words, which could quote what the request held.

use axum::response::{IntoResponse, Response};

// The layer can only catch what unwinds. The root Cargo.toml's release profile is the
// receiver's and unwinds; the widget's size-first profile (panic = "abort") is wasm-release.
// Built with abort, a panic would end every request in flight: refuse to build like that.
#[cfg(panic = "abort")]
compile_error!(
    "consultation-receiver must be built with panic = \"unwind\": see [profile.release] in the \
     root Cargo.toml (the widget's wasm has its own profile, wasm-release)"
);

/// Replaces the default hook, which prints the panic's message (it can hold request content,
/// such as a value that failed an `unwrap`) to stderr: one log line with where it happened.
pub fn quiet_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(location = %at, "panic (its message is not logged)");
    }));
}

/// The answer to a request whose handler panicked: intake's own 500 (the widget keeps the
/// draft and tries again with the same key). The payload is dropped unread.
pub fn answer(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    crate::http::error::ApiError::Panicked.into_response()
}

/// The test's way to panic on demand (feature `panic-test` only): the body goes into the
/// panic's message, so the test can check it is logged nowhere.
#[cfg(feature = "panic-test")]
pub async fn on_demand(body: String) -> Response {
    panic!("panic-test asked for a panic: {body}");
}
