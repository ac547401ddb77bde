//! What crosses the edges, parsed once: the questionnaires the receiver knows, and times.

pub mod questionnaires;
pub mod time;
