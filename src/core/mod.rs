//! The browser-free core: everything the widget decides, in plain Rust with no browser imports,
//! tested natively with `cargo test`.

pub mod answers;
pub mod builtin;
pub mod carried;
pub mod catalogue;
pub mod characters;
pub mod config;
pub mod consent;
pub mod copy;
pub mod delivery;
pub mod dom_ids;
pub mod draft;
pub mod flow;
pub mod frame;
pub mod host_event;
pub mod intake;
pub mod mailto;
pub mod messages;
pub mod pairs;
pub mod photos;
pub mod proof;
pub mod questionnaire;
pub mod reading;
pub mod review;
pub mod signature;
pub mod spam;
pub mod strict;
pub mod suggest;
pub mod summary;
pub mod translation;
pub mod validate;
