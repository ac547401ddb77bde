//! What crosses the edges, parsed once: submission ids, staff email addresses, roles,
//! workflow statuses, the questionnaires the receiver knows, and times (one clock reading
//! as stored; a stored time as staff read it).

pub mod email;
pub mod moment;
pub mod questionnaires;
pub mod role;
pub mod status;
pub mod submission_id;
pub mod time;
