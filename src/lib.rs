//! The consultation intake widget: a browser-free core (questionnaire, validation, flow,
//! summary) and, on the wasm target, the yew view that renders it.

pub mod core;

// The view: on wasm it draws the widget; natively (the same code) it renders the built-in first
// step at build time (`view::prerender`).
#[cfg(feature = "view")]
pub mod view;
