//! What the visitor has answered, exactly as typed or chosen, and which questions those
//! answers make visible.

use super::photos::Photo;
use super::questionnaire::{Kind, Question, Questionnaire};
use super::signature::Signature;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One answer. Typed text is kept exactly as entered (never trimmed or rewritten in place), so
/// nothing the visitor typed is lost; validation works on a trimmed copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Typed text, or the value of the chosen option of a `choice` question.
    Text(String),
    /// The values of the ticked options of a `multi` question, in the questionnaire's order.
    Many(Vec<String>),
    /// Whether a `confirm` box is ticked.
    Checked(bool),
    /// A `signature` question's typed name and drawn strokes.
    Signed(Signature),
    /// A `photos` question's photos, by reference (`core::photos`); never empty (no photos is
    /// an empty `Many`, as JSON cannot tell two empty lists apart).
    Photos(Vec<Photo>),
}

impl Value {
    /// Nothing given: empty or whitespace-only text, no options, an unticked box.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Text(t) => t.trim().is_empty(),
            Value::Many(v) => v.is_empty(),
            Value::Checked(c) => !c,
            // Drawing alone is not signing: the typed name is the signature.
            Value::Signed(s) => s.name.trim().is_empty(),
            Value::Photos(p) => p.is_empty(),
        }
    }

    /// Typed text, or a signature's typed name.
    pub fn as_text(&self) -> &str {
        match self {
            Value::Text(t) => t,
            Value::Signed(s) => &s.name,
            _ => "",
        }
    }

    /// Whether a condition's value holds: equals for text, includes for many.
    pub fn matches(&self, wanted: &str) -> bool {
        match self {
            Value::Text(t) => t == wanted,
            Value::Many(v) => v.iter().any(|x| x == wanted),
            Value::Checked(c) => (if *c { "true" } else { "false" }) == wanted,
            Value::Signed(_) | Value::Photos(_) => false,
        }
    }
}

/// Text as a JSON string, a list as an array of strings, a tick box as true or false, a
/// signature as `{"name": …, "strokes": [[x, y, …], …]}`, photos as
/// `[{"photo": "<uuid>", "description": …}, …]`.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => serializer.serialize_str(t),
            Value::Many(v) => v.serialize(serializer),
            Value::Checked(c) => serializer.serialize_bool(*c),
            Value::Signed(s) => s.serialize(serializer),
            Value::Photos(p) => p.serialize(serializer),
        }
    }
}

/// Read by its JSON type rather than `#[serde(untagged)]`, which buffers every value and tries
/// each variant in turn: the same result, in less download.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, a list of texts or photos, true or false, or a signature")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Checked(v))
            }
            /// In the widget, a list of texts alone: a draft keeps no photos
            /// (`Answers::without_photos`), so the widget never reads any, and every visitor
            /// is spared the reading of them.
            #[cfg(target_arch = "wasm32")]
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Value::Many)
            }
            #[cfg(not(target_arch = "wasm32"))]
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                // A list of texts, or of photos: its first item says which.
                let mut values = Vec::new();
                let mut photos = Vec::new();
                while let Some(item) = seq.next_element::<Item>()? {
                    match item {
                        Item::Text(t) if photos.is_empty() => values.push(t),
                        Item::Photo(p) if values.is_empty() => photos.push(p),
                        _ => return Err(de::Error::custom("a list mixes texts and photos")),
                    }
                }
                Ok(if photos.is_empty() {
                    Value::Many(values)
                } else {
                    Value::Photos(photos)
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
                Signature::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Value::Signed)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// One item of a list answer: an option's value, or a photo.
#[cfg(not(target_arch = "wasm32"))]
enum Item {
    Text(String),
    Photo(Photo),
}

#[cfg(not(target_arch = "wasm32"))]
impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Item, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a photo")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
                Ok(Item::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Item, E> {
                Ok(Item::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
                Photo::deserialize(de::value::MapAccessDeserializer::new(map)).map(Item::Photo)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// Answers by question id, in the order first answered. A list, not a map: a questionnaire
/// has tens of questions, and map code costs every visitor download time. Stored in drafts as
/// a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(#[serde(with = "super::pairs")] Vec<(String, Value)>);

impl Answers {
    /// The question ids answered, in the order first answered.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(id, _)| id.as_str())
    }

    /// The answers a draft keeps: all but photos, whose images live in the page alone
    /// (issue 24), so a reload never restores a photo it cannot send.
    pub fn without_photos(&self) -> Answers {
        let kept = self
            .0
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Photos(_)));
        Answers(kept.cloned().collect())
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    pub fn set(&mut self, id: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == id) {
            Some((_, v)) => *v = value,
            None => self.0.push((id.to_owned(), value)),
        }
    }

    /// A question is shown when it has no condition, or when the question its condition names
    /// is itself shown and answered as the condition wants. Conditions only point backwards
    /// (checked when the questionnaire loads), so this recursion ends.
    pub fn is_visible(&self, questionnaire: &Questionnaire, question: &Question) -> bool {
        let Some(cond) = &question.show_if else {
            return true;
        };
        let Some(parent) = questionnaire.question(&cond.question) else {
            return false;
        };
        self.is_visible(questionnaire, parent)
            && self.get(&parent.id).is_some_and(|v| v.matches(&cond.is))
    }

    /// The answer as a person reads it: option labels rather than values, "Yes" for a ticked
    /// box, `None` when nothing was given.
    pub fn display(&self, question: &Question) -> Option<String> {
        let value = self.get(&question.id).filter(|v| !v.is_blank())?;
        Some(match (question.kind, value) {
            (Kind::Choice, Value::Text(v)) => question.option_label(v).unwrap_or(v).to_owned(),
            (Kind::Multi, Value::Many(vs)) => question
                .options
                .iter()
                .filter(|o| vs.contains(&o.value))
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            (Kind::Confirm, Value::Checked(true)) => {
                question.text.clone().unwrap_or_else(|| "Yes".to_owned())
            }
            (Kind::Website, Value::Text(t)) => {
                super::validate::website::normalise(t.trim()).unwrap_or_else(|| t.trim().to_owned())
            }
            (_, Value::Text(t)) => t.trim().to_owned(),
            (Kind::Signature, Value::Signed(s)) => s.name.trim().to_owned(),
            (Kind::Photos, Value::Photos(p)) => super::messages::photos(p.len()),
            // A value of the wrong shape for its question (a stale draft) shows as not given.
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_questions_follow_their_conditions() {
        // shared/questionnaire-brief.md: "other" reveals a text box, "yes" reveals details,
        // and a hidden question's own dependants are hidden too.
        let q = Questionnaire::builtin();
        let mut a = Answers::default();
        let shown = |a: &Answers, id: &str| a.is_visible(&q, q.question(id).unwrap());
        let cases: &[(&str, Value, &str, bool)] = &[
            (
                "concerns",
                Value::Many(vec!["acne_scars".into()]),
                "concerns_other",
                false,
            ),
            (
                "concerns",
                Value::Many(vec!["acne_scars".into(), "other".into()]),
                "concerns_other",
                true,
            ),
            (
                "had_before",
                Value::Text("no".into()),
                "previous_treatment",
                false,
            ),
            (
                "had_before",
                Value::Text("yes".into()),
                "previous_treatment",
                true,
            ),
            (
                "allergies",
                Value::Text("yes".into()),
                "allergies_detail",
                true,
            ),
            (
                "allergies",
                Value::Text("no".into()),
                "allergies_detail",
                false,
            ),
        ];
        for (set, value, check, want) in cases {
            a.set(set, value.clone());
            assert_eq!(shown(&a, check), *want, "{set}={value:?} → {check}");
        }
        assert!(shown(&a, "full_name"));
    }

    #[test]
    fn answers_read_back_as_written() {
        let mut a = Answers::default();
        a.set("goals", Value::Text("Zoë 😀 \"quoted\"".into()));
        a.set("areas", Value::Many(vec!["face".into(), "neck".into()]));
        a.set("age_confirmed", Value::Checked(true));
        a.set("goals", Value::Text("changed".into()));
        a.set(
            "signature",
            Value::Signed(Signature {
                name: "Jane Doe".into(),
                strokes: vec![vec![1, 2, 3, 4]],
            }),
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"goals":"changed","areas":["face","neck"],"age_confirmed":true,"signature":{"name":"Jane Doe","strokes":[[1,2,3,4]]}}"#
        );
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
        let bad = [
            r#"{"a":1}"#,
            r#"{"a":[1]}"#,
            r#"{"a":null}"#,
            r#"["a"]"#,
            r#"{"a":{"b":"c"}}"#,
            r#"{"a":{"name":"x","strokes":[["<b>"]]}}"#,
            r#"{"a":"b","a":"c"}"#,
        ];
        for bad in bad {
            assert!(serde_json::from_str::<Answers>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_uses_labels_and_keeps_text_exactly() {
        let q = Questionnaire::builtin();
        let mut a = Answers::default();
        a.set("areas", Value::Many(vec!["neck".into(), "face".into()]));
        a.set("skin_type", Value::Text("not_sure".into()));
        a.set(
            "full_name",
            Value::Text("  Zoë <script>alert(1)</script> مرحبا 😀 ".into()),
        );
        a.set("website", Value::Text("Myclinic.com".into()));
        a.set("phone", Value::Text("   ".into()));
        let d = |id: &str| a.display(q.question(id).unwrap());
        // Options read in the questionnaire's order, whatever order they were ticked in.
        assert_eq!(d("areas").as_deref(), Some("Face, Neck"));
        assert_eq!(d("skin_type").as_deref(), Some("Not sure"));
        assert_eq!(
            d("full_name").as_deref(),
            Some("Zoë <script>alert(1)</script> مرحبا 😀")
        );
        assert_eq!(d("website").as_deref(), Some("https://myclinic.com"));
        assert_eq!(d("phone"), None);
        assert_eq!(d("email"), None);
    }
}
