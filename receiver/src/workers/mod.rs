//! What runs beside the HTTP server: the retention run (and, later, the outbox).

pub mod retention;
