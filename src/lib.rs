//! The consultation intake widget: a browser-free core (questionnaire, validation, flow,
//! summary) and, on the wasm target, the yew view that renders it.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod view;
