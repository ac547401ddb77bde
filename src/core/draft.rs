//! A saved draft: what survives a reload, and nothing more. The answers, where the visitor
//! was, and the id of a submission that was being sent or had failed (so a retry after a reload
//! is the same submission, and the clinic's server stores it once).

use super::answers::Answers;
use serde::{Deserialize, Serialize};

/// Bumped when the draft's shape changes, so an old draft is dropped rather than misread.
pub const DRAFT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub version: u32,
    /// `id@version` of the questionnaire the answers belong to.
    pub questionnaire: String,
    /// Milliseconds since the Unix epoch, from the browser's clock.
    pub saved_at: u64,
    /// When the visitor started, so the fill time (`core::spam`) survives a reload.
    #[serde(default)]
    pub started_at: u64,
    /// The step index, or `None` for the review.
    pub step: Option<usize>,
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

/// A submission prepared but not yet confirmed delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub id: String,
    pub completed_at: String,
    /// Why it looks automated (`core::spam`); empty for a person.
    #[serde(default)]
    pub spam: Vec<String>,
}

impl Draft {
    /// Reads a stored draft; anything unreadable, from another questionnaire or version, or
    /// older than `max_age_ms` is `None` (and the caller removes it).
    pub fn read(json: &str, questionnaire: &str, now: u64, max_age_ms: u64) -> Option<Draft> {
        let draft: Draft = super::reading::read(json).ok()?;
        // A draft from the future (a clock moved back) counts as expired.
        let fresh = now
            .checked_sub(draft.saved_at)
            .is_some_and(|age| age <= max_age_ms);
        (draft.version == DRAFT_VERSION && draft.questionnaire == questionnaire && fresh)
            .then_some(draft)
    }

    pub fn to_json(&self) -> String {
        // Only strings, numbers and lists of them: serde_json cannot fail on these.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::Value;

    #[test]
    fn drafts_expire_and_belong_to_one_questionnaire() {
        let mut answers = Answers::default();
        answers.set("full_name", Value::Text("Zoë 😀".into()));
        let draft = Draft {
            version: DRAFT_VERSION,
            questionnaire: "q@1".into(),
            saved_at: 1_000_000,
            started_at: 900_000,
            step: Some(2),
            answers,
            pending: Some(Pending {
                id: "abc".into(),
                completed_at: "t".into(),
                spam: vec!["completed-too-fast".into()],
            }),
        };
        let json = draft.to_json();
        let day = 24 * 3_600_000;
        let cases = [
            ("q@1", 1_000_000 + day, true, "exactly at expiry"),
            (
                "q@1",
                1_000_000 + day + 1,
                false,
                "one millisecond past expiry",
            ),
            ("q@1", 1_000_000, true, "just saved"),
            (
                "q@1",
                999_000,
                false,
                "saved in the future: a clock that moved back",
            ),
            ("q@2", 1_000_000, false, "another questionnaire version"),
        ];
        for (q, now, want, why) in cases {
            assert_eq!(Draft::read(&json, q, now, day).is_some(), want, "{why}");
        }
        assert_eq!(Draft::read(&json, "q@1", 1_000_000, day), Some(draft));
        assert_eq!(Draft::read("{not json", "q@1", 0, day), None);
        assert_eq!(
            Draft::read(
                &json.replace("\"version\":1", "\"version\":0"),
                "q@1",
                1_000_000,
                day
            ),
            None
        );
    }
}
