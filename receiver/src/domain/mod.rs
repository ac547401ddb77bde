//! What crosses the edges, parsed once: submission ids, staff email addresses, roles,
//! workflow statuses, retention periods, allowed origins, the receiver's public address, the
//! questionnaires it knows, times (one clock reading as stored; a stored time as staff
//! read it), and a visitor's photo re-encoded (`jpeg`).

pub mod days;
pub mod digest;
pub mod email;
pub mod jpeg;
pub mod moment;
pub mod origin;
pub mod public_url;
pub mod questionnaires;
pub mod role;
pub mod status;
pub mod submission_id;
pub mod time;
