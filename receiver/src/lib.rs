//! `consultation-receiver` as a library: what the binary (`main.rs`), the tests and the
//! examples import. `serve` re-checks each submission with the widget's own core, stores it
//! durably (SQLite, or PostgreSQL shared by several receivers) with its staff notification in
//! an outbox, and answers; `export` prints what is stored; `staff` manages the inbox's
//! accounts; `migrate-to` moves a clinic from SQLite to PostgreSQL.

pub mod auth;
pub mod challenge;
pub mod cli;
pub mod client;
pub mod commands;
pub mod csv;
pub mod error;
pub mod export;
pub mod fhir;
pub mod home;
pub mod http;
pub mod idempotency;
pub mod inbox;
pub mod mail;
pub mod outbox;
pub mod panics;
pub mod questionnaires;
pub mod rate;
pub mod refused;
pub mod staff;
pub mod store;
pub mod time;
pub mod view;
pub mod workers;
