//! The events the host page hears from its widget (DOM `CustomEvent`s on the clinic's element):
//! ready, a new screen, submitted, failed. Their details name places and ids, never answers:
//! answers are health data and a host page may forward events to analytics.

use super::delivery::Failure;
use serde::Serialize;

/// An event's name: the prefix below, written once, then what happened.
macro_rules! event_name {
    ($what:literal) => {
        concat!("consultation-form:", $what)
    };
}

/// Every event name starts with this, so a host page can tell the widget's events apart.
pub const PREFIX: &str = event_name!("");
/// The names host pages listen for: a public contract, never changed. Named here only: the
/// embed script gets the ones it listens for from the build (src/bin/prerender.rs).
pub const READY: &str = event_name!("ready");
pub const STEP: &str = event_name!("step");
pub const SUBMITTED: &str = event_name!("submitted");
pub const FAILED: &str = event_name!("failed");
/// Every event, in the order a visit meets them: what the iframe embed passes on.
pub const ALL: [&str; 4] = [READY, STEP, SUBMITTED, FAILED];

/// Serialized as the event's `detail`: untagged, as the event's name already says which it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum HostEvent {
    /// The widget is drawn and usable (also after restoring a draft).
    Ready {
        questionnaire: String,
        version: String,
        #[serde(flatten)]
        screen: Place,
    },
    /// The visitor moved to another screen.
    Step(Place),
    /// The clinic's endpoint accepted the submission. No submission id: a host page may pass
    /// events to analytics, and an id would join a page view to a health record. The short
    /// reference only when the clinic opts in (`data-event-reference="include"`).
    Submitted {
        #[serde(skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// Sending failed (`reason`, and the reference when the clinic opted in), or the widget
    /// could not start (`reason`, with a message for the site owner).
    Failed {
        reason: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

/// Where the visitor is: a question step (1-based, of how many), the review or the end.
/// In an event's detail: `{"screen":"step","step":2,"steps":5,"stepId":"your-skin"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "screen", rename_all = "lowercase")]
pub enum Place {
    Step {
        #[serde(rename = "step")]
        number: usize,
        #[serde(rename = "steps")]
        of: usize,
        #[serde(rename = "stepId")]
        id: String,
    },
    Review {
        #[serde(rename = "steps")]
        of: usize,
    },
    Done {
        #[serde(rename = "steps")]
        of: usize,
        sent: bool,
    },
}

/// The `reason` a host page receives for a failed send.
pub fn reason(failure: Failure) -> &'static str {
    match failure {
        Failure::Network => "network",
        Failure::Unreachable => "unreachable",
        Failure::Timeout => "timeout",
        Failure::Server(_) => "server",
        Failure::Refused(_) => "refused",
        Failure::NotSent => "not-sent",
        Failure::Busy => "busy",
        Failure::TooLarge => "too-large",
    }
}

impl HostEvent {
    /// The DOM event name, such as `consultation-form:step`.
    pub fn name(&self) -> String {
        let name = match self {
            HostEvent::Ready { .. } => READY,
            HostEvent::Step(_) => STEP,
            HostEvent::Submitted { .. } => SUBMITTED,
            HostEvent::Failed { .. } => FAILED,
        };
        name.to_owned()
    }

    /// The event's `detail`, as JSON the view parses into a plain object.
    pub fn detail(&self) -> String {
        // Strings, numbers and booleans only: serde_json cannot fail on these.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_details() {
        // Issue 4, "Host events": ready, changes step, submits (with the submission id), fails.
        let cases = [
            (
                HostEvent::Ready {
                    questionnaire: "q".into(),
                    version: "1".into(),
                    screen: Place::Review { of: 5 },
                },
                "consultation-form:ready",
                r#"{"questionnaire":"q","version":"1","screen":"review","steps":5}"#,
            ),
            (
                HostEvent::Step(Place::Step {
                    number: 2,
                    of: 5,
                    id: "your-skin".into(),
                }),
                "consultation-form:step",
                r#"{"screen":"step","step":2,"steps":5,"stepId":"your-skin"}"#,
            ),
            (
                HostEvent::Step(Place::Done { of: 5, sent: true }),
                "consultation-form:step",
                r#"{"screen":"done","steps":5,"sent":true}"#,
            ),
            (
                HostEvent::Submitted { reference: None },
                "consultation-form:submitted",
                r#"{}"#,
            ),
            (
                HostEvent::Submitted {
                    reference: Some("0F3A-9C1B".into()),
                },
                "consultation-form:submitted",
                r#"{"reference":"0F3A-9C1B"}"#,
            ),
            (
                HostEvent::Failed {
                    reference: None,
                    reason: reason(Failure::Server(503)),
                    message: None,
                },
                "consultation-form:failed",
                r#"{"reason":"server"}"#,
            ),
            (
                HostEvent::Failed {
                    reference: Some("0F3A-9C1B".into()),
                    reason: reason(Failure::Timeout),
                    message: None,
                },
                "consultation-form:failed",
                r#"{"reason":"timeout","reference":"0F3A-9C1B"}"#,
            ),
            (
                HostEvent::Failed {
                    reference: None,
                    reason: "settings",
                    message: Some("data-endpoint: \"x\" must start with https://".into()),
                },
                "consultation-form:failed",
                r#"{"reason":"settings","message":"data-endpoint: \"x\" must start with https://"}"#,
            ),
        ];
        for (event, name, detail) in cases {
            assert_eq!(event.name(), name);
            assert!(name.starts_with(PREFIX), "{name}");
            assert_eq!(event.detail(), detail);
        }
    }
}
