//! `consultation-receiver` as a library: what the binary (`main.rs`), the tests and the
//! examples import. `serve` re-checks each submission with the widget's own core, stores it
//! durably (SQLite, or PostgreSQL shared by several receivers) with its staff notification in
//! an outbox, and answers; `export` prints what is stored; `staff` manages the inbox's
//! accounts; `migrate-to` moves a clinic from SQLite to PostgreSQL.
//!
//! What each module owns: docs/development.md, "The receiver's modules".

pub mod cli;
pub mod commands;
pub mod domain;
pub mod export;
pub mod http;
pub mod inbox;
pub mod store;
pub mod workers;
