//! A saved draft: what survives a reload, and nothing more. The answers, where the visitor
//! was, and the id of a submission that was being sent or had failed (so a retry after a reload
//! is the same submission, and the clinic's server stores it once).

use super::answers::Answers;
use super::json::{self, Json};

/// Bumped when the draft's shape changes, so an old draft is dropped rather than misread.
pub const DRAFT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub version: u32,
    /// `id@version` of the questionnaire the answers belong to.
    pub questionnaire: String,
    /// Milliseconds since the Unix epoch, from the browser's clock.
    pub saved_at: u64,
    /// When the visitor started, so the fill time (`core::spam`) survives a reload.
    pub started_at: u64,
    /// The step index, or `None` for the review.
    pub step: Option<usize>,
    pub answers: Answers,
    pub pending: Option<Pending>,
}

/// A submission prepared but not yet confirmed delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: String,
    pub completed_at: String,
    /// Why it looks automated (`core::spam`); empty for a person.
    pub spam: Vec<String>,
}

impl Draft {
    /// Reads a stored draft; anything unreadable, from another questionnaire or version, or
    /// older than `max_age_ms` is `None` (and the caller removes it).
    pub fn read(json: &str, questionnaire: &str, now: u64, max_age_ms: u64) -> Option<Draft> {
        let draft = Draft::from_json(&Json::parse(json).ok()?)?;
        // A draft from the future (a clock moved back) counts as expired.
        let fresh = now
            .checked_sub(draft.saved_at)
            .is_some_and(|age| age <= max_age_ms);
        (draft.version == DRAFT_VERSION && draft.questionnaire == questionnaire && fresh)
            .then_some(draft)
    }

    fn from_json(doc: &Json) -> Option<Draft> {
        let pending = match doc.get("pending") {
            None | Some(Json::Null) => None,
            Some(p) => Some(Pending {
                id: p.get("id")?.as_str()?.to_owned(),
                completed_at: p.get("completed_at")?.as_str()?.to_owned(),
                spam: match p.get("spam").and_then(Json::as_array) {
                    Some(reasons) => reasons
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_owned)
                        .collect(),
                    None => Vec::new(),
                },
            }),
        };
        Some(Draft {
            version: u32::try_from(doc.get("version")?.as_u64()?).ok()?,
            questionnaire: doc.get("questionnaire")?.as_str()?.to_owned(),
            saved_at: doc.get("saved_at")?.as_u64()?,
            started_at: doc.get("started_at").and_then(Json::as_u64).unwrap_or(0),
            step: match doc.get("step")? {
                Json::Null => None,
                n => Some(usize::try_from(n.as_u64()?).ok()?),
            },
            answers: Answers::from_json(doc.get("answers")?)?,
            pending,
        })
    }

    pub fn to_json(&self) -> String {
        let mut members = vec![
            ("version", json::number(u64::from(self.version))),
            ("questionnaire", json::text(&self.questionnaire)),
            ("saved_at", json::number(self.saved_at)),
            ("started_at", json::number(self.started_at)),
            (
                "step",
                self.step.map_or(Json::Null, |s| json::number(s as u64)),
            ),
            ("answers", self.answers.to_json()),
        ];
        if let Some(p) = &self.pending {
            let pending = json::object(vec![
                ("id", json::text(&p.id)),
                ("completed_at", json::text(&p.completed_at)),
                (
                    "spam",
                    Json::Array(p.spam.iter().map(|r| json::text(r)).collect()),
                ),
            ]);
            members.push(("pending", pending));
        }
        json::object(members).write()
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
