//! What crosses the edges, parsed once: staff email addresses, the
//! questionnaires the receiver knows, and times.

pub mod email;
pub mod questionnaires;
pub mod time;
