//! A saved draft: what survives a reload, and nothing more. The answers, where the visitor
//! was, and the id of a submission that was being sent or had failed (so a retry after a reload
//! is the same submission, and the clinic's server stores it once).

use super::answers::Answers;
use super::intake::is_uuid_v4;
use super::questionnaire::Questionnaire;
use serde::{Deserialize, Serialize};

/// Bumped when the draft's shape changes, so an old draft is dropped rather than misread.
/// Version 2 counts a draft's life from its first save (`first_saved`).
pub const DRAFT_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub version: u32,
    /// `id@version` of the questionnaire the answers belong to.
    pub questionnaire: String,
    /// Milliseconds since the Unix epoch, from the browser's clock.
    pub saved_at: u64,
    /// When this draft was first saved: its life counts from here, however often the visitor
    /// comes back, so health answers never linger past `data-draft-hours`.
    pub first_saved: u64,
    /// When the visitor started, so the fill time (`core::spam`) survives a reload.
    #[serde(default)]
    pub started_at: u64,
    /// The step index, or `None` for the review.
    pub step: Option<usize>,
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The language the visitor chose among the widget's (`data-langs`, issue 25), so a reload
    /// brings the form back in it: the embed script reads it before the wasm starts, as only
    /// the first step offers the choice. Not in the English-only wasm, which offers none (and,
    /// reading a draft, leaves a member it does not know alone).
    #[cfg(languages)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
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
    /// Reads a stored draft; anything unreadable, from another questionnaire or version,
    /// first saved more than `max_age_ms` ago, or not of this questionnaire's shape (an answer
    /// to a question it does not have, a pending submission whose id is not a random UUID:
    /// storage that something else wrote) is `None`, and the caller removes it.
    pub fn read(json: &str, q: &Questionnaire, now: u64, max_age_ms: u64) -> Option<Draft> {
        let draft: Draft = super::reading::parse(json)?;
        // A draft from the future (a clock moved back) counts as expired.
        let fresh = expires(draft.first_saved, max_age_ms).is_some_and(|end| now <= end)
            && now >= draft.first_saved;
        let ours = draft.version == DRAFT_VERSION && draft.questionnaire == key(q);
        let known = draft.answers.ids().all(|id| q.question(id).is_some());
        let pending_ok = draft.pending.as_ref().is_none_or(|p| is_uuid_v4(&p.id));
        (fresh && ours && known && pending_ok).then_some(draft)
    }

    /// When the draft expires: `max_age_ms` after its first save.
    pub fn expires(&self, max_age_ms: u64) -> Option<u64> {
        expires(self.first_saved, max_age_ms)
    }

    pub fn to_json(&self) -> String {
        // Only strings, numbers and lists of them: serde_json cannot fail on these.
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn expires(first_saved: u64, max_age_ms: u64) -> Option<u64> {
    first_saved.checked_add(max_age_ms)
}

/// The member of a draft's JSON naming the language the visitor chose (`Draft::lang`): the
/// embed script reads it to start the form in that language (src/bin/prerender.rs).
pub const LANG: &str = "lang";

/// What every draft's storage key starts with; the widget's slot follows (`storage_key`).
/// Drafts already stored are found by it, so it never changes. Named here only: the embed
/// script gets it from the build (src/bin/prerender.rs) to tell whether a draft waits.
pub const KEY_PREFIX: &str = "consultation-widget:draft:";

/// Which widget on the page a draft belongs to, so several widgets keep apart: the host
/// element's id, or without one, `place_slot` and the widget's place among the page's widgets.
pub fn slot(host_id: &str, questionnaire_id: &str, place: u32) -> String {
    match host_id {
        // `place_slot` spelled out: one format, not two, keeps the wasm as small as before
        // (measured); the tests hold the two equal.
        "" => format!("{questionnaire_id}-{place}"),
        id => id.to_owned(),
    }
}

/// The slot of a widget without an id, up to its place: the embed script gets the built-in
/// questionnaire's from the build and adds the place, as `slot` does.
pub fn place_slot(questionnaire_id: &str) -> String {
    format!("{questionnaire_id}-")
}

/// The storage key of the draft in `slot`.
pub fn storage_key(slot: &str) -> String {
    format!("{KEY_PREFIX}{slot}")
}

/// Names the questionnaire a draft belongs to, so a new version never reads old answers.
pub fn key(q: &Questionnaire) -> String {
    format!("{}@{}", q.id, q.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::Value;

    const ID: &str = "0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b";

    fn draft(q: &Questionnaire) -> Draft {
        let mut answers = Answers::default();
        answers.set("full_name", Value::Text("Zoë 😀".into()));
        Draft {
            version: DRAFT_VERSION,
            questionnaire: key(q),
            saved_at: 5_000_000,
            first_saved: 1_000_000,
            started_at: 900_000,
            step: Some(2),
            answers,
            pending: Some(Pending {
                id: ID.into(),
                completed_at: "t".into(),
                spam: vec!["completed-too-fast".into()],
            }),
            #[cfg(languages)]
            lang: None,
        }
    }

    #[test]
    fn storage_keys_are_those_already_stored() {
        // Drafts in visitors' browsers are found by these keys: they never change.
        let cases = [
            (
                "",
                "consultation",
                0,
                "consultation-widget:draft:consultation-0",
            ),
            ("", "peel", 12, "consultation-widget:draft:peel-12"),
            ("w", "consultation", 3, "consultation-widget:draft:w"),
        ];
        for (host_id, questionnaire, place, key) in cases {
            assert_eq!(storage_key(&slot(host_id, questionnaire, place)), key);
        }
        // What the embed script is given (`place_slot`), then the place, is the same slot.
        for place in [0, 1, 42, u32::MAX] {
            let given = format!("{}{place}", place_slot("consultation"));
            assert_eq!(given, slot("", "consultation", place));
        }
    }

    #[test]
    fn drafts_expire_from_their_first_save() {
        // Issue 14: the life counts from the first save, not the last visit.
        let q = Questionnaire::builtin();
        let json = draft(&q).to_json();
        let day = 24 * 3_600_000;
        let cases = [
            (1_000_000 + day, true, "exactly at expiry"),
            (
                1_000_000 + day + 1,
                false,
                "one millisecond past: saved since, still expired",
            ),
            (5_000_000, true, "just saved again"),
            (
                999_000,
                false,
                "first saved in the future: a clock that moved back",
            ),
        ];
        for (now, want, why) in cases {
            assert_eq!(Draft::read(&json, &q, now, day).is_some(), want, "{why}");
        }
        assert_eq!(Draft::read(&json, &q, 5_000_000, day), Some(draft(&q)));
        assert_eq!(draft(&q).expires(day), Some(1_000_000 + day));
    }

    #[test]
    fn the_chosen_language_is_kept_under_the_name_the_embed_script_reads() {
        // Issue 25: a language chosen with data-langs survives a reload; the embed script
        // reads it as `draft[LANG]` before the wasm starts, and a draft without it has none.
        let q = Questionnaire::builtin();
        let mut chosen = draft(&q);
        chosen.lang = Some("es".into());
        let json: serde_json::Value = serde_json::from_str(&chosen.to_json()).unwrap();
        assert_eq!(json[LANG], "es");
        assert_eq!(
            Draft::read(&chosen.to_json(), &q, 5_000_000, 86_400_000),
            Some(chosen)
        );
        let none: serde_json::Value = serde_json::from_str(&draft(&q).to_json()).unwrap();
        assert!(none.get(LANG).is_none());
    }

    #[test]
    fn only_a_draft_of_this_questionnaire_is_used() {
        // Issue 14: a draft read back is checked before use; storage is outside input.
        let q = Questionnaire::builtin();
        let day = 24 * 3_600_000;
        let good = draft(&q).to_json();
        let mut other_version = q.clone();
        other_version.version = "9".into();
        let mut unknown = draft(&q);
        unknown
            .answers
            .set("favourite_colour", Value::Text("x".into()));
        let mut guessable = draft(&q);
        if let Some(p) = guessable.pending.as_mut() {
            p.id = "1".into();
        }
        let cases = [
            (good.clone(), &q, true, "as saved"),
            (
                good.clone(),
                &other_version,
                false,
                "another questionnaire version",
            ),
            (
                unknown.to_json(),
                &q,
                false,
                "an answer to a question it does not have",
            ),
            (
                guessable.to_json(),
                &q,
                false,
                "a pending id that is not a random UUID",
            ),
            (
                good.replace("\"version\":2", "\"version\":1"),
                &q,
                false,
                "an older draft shape",
            ),
            (
                good.replace("\"first_saved\":1000000,", ""),
                &q,
                false,
                "no first save: not a draft of this shape",
            ),
            ("{not json".into(), &q, false, "not JSON"),
        ];
        for (json, questionnaire, want, why) in cases {
            let read = Draft::read(&json, questionnaire, 1_000_000, day);
            assert_eq!(read.is_some(), want, "{why}");
        }
    }
}
