//! The subcommands `main` dispatches to: `serve`, `staff`, `migrate-to` (`export` is in
//! `export`).

pub mod migrate_to;
pub mod serve;
pub mod staff;
