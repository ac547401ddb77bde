//! What runs beside the HTTP server: the outbox's sender (with the mail it sends) and the
//! retention run.

pub mod mail;
pub mod outbox;
pub mod retention;
