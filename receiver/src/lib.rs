//! `consultation-receiver` as a library: what the binary (`main.rs`), the tests and the
//! examples import. `serve` re-checks each submission with the widget's own core, stores it
//! durably (SQLite, or PostgreSQL shared by several receivers) with its staff notification in
//! an outbox, and answers; `export` prints what is stored; `staff` manages the inbox's
//! accounts; `migrate-to` moves a clinic from SQLite to PostgreSQL.
//!
//! | module | owns |
//! |---|---|
//! | `cli` | the command line, parsed once into typed settings |
//! | `commands` | `serve`, `staff`, `migrate-to`: what `main` dispatches to |
//! | `domain` | what crosses the edges: questionnaires, times |
//! | `http` | the router, intake and idempotency, the JSON API's errors, the client address, rate limit, proof of work |
//! | `inbox` | the staff pages: the session gate, the pages and their handlers |
//! | `store` | the database: SQLite or PostgreSQL, migrations |
//! | `workers` | the outbox's sender (and its mail) and the retention run |
//! | `export` | `export`'s json, text, csv and fhir |

pub mod cli;
pub mod commands;
pub mod domain;
pub mod export;
pub mod http;
pub mod inbox;
pub mod store;
pub mod workers;
