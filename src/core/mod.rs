//! The browser-free core: everything the widget decides, in plain Rust with no browser imports,
//! tested natively with `cargo test`.

pub mod answers;
pub mod flow;
pub mod messages;
pub mod questionnaire;
pub mod review;
pub mod summary;
pub mod validate;
