//! The receiver's API tests as one test binary (`cargo test --test api`): one module per
//! area, the shared harness in `helpers`. One binary links once, instead of once per area, and
//! a helper no area uses is a warning rather than something hidden behind `allow(dead_code)`.
//!
//! Pick an area with a name filter: `bash scripts/test-receiver.sh --test api -- instances::`.

// `macro_use`: `on_both_engines!` is written in helpers and used by the areas after it.
#[macro_use]
mod helpers;

mod abuse;
mod account;
mod consent;
mod crash;
mod erasure;
mod hardening;
mod idempotency;
mod inbox;
mod instances;
mod intake;
mod language;
mod layout;
mod logs;
mod notify;
mod pages;
mod panic;
mod photo_exports;
mod photos;
mod screening;
mod sign_in_attacks;
