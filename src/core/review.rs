//! The "Check your answers" rows: every visible question, grouped by step, as a person reads it.

use super::answers::{Answers, Value};
use super::catalogue::{Catalogue, Msg};
use super::questionnaire::{Kind, Questionnaire};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewGroup {
    pub step: usize,
    pub title: String,
    pub rows: Vec<ReviewRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub question: String,
    pub label: String,
    /// `None` for a skipped optional question: the view shows "Not provided".
    pub value: Option<String>,
}

pub fn groups(
    questionnaire: &Questionnaire,
    answers: &Answers,
    words: &Catalogue,
) -> Vec<ReviewGroup> {
    questionnaire
        .steps
        .iter()
        .enumerate()
        .map(|(step, s)| ReviewGroup {
            step,
            title: s.title.clone(),
            rows: s
                .questions
                .iter()
                .filter(|q| answers.is_visible(questionnaire, q))
                .map(|q| ReviewRow {
                    question: q.id.clone(),
                    label: q.label.clone(),
                    // A signature reads as the summary names it, "Signed by Jane Doe"; an
                    // unticked consent is "Not agreed", as staff read it, not "Not provided".
                    value: match answers.display(q) {
                        Some(name) if q.kind == Kind::Signature => {
                            Some(words.fill(Msg::SignedBy, &[("name", &name)]))
                        }
                        // In the visitor's words, with what the photos are for (issue 24).
                        Some(_) if q.kind == Kind::Photos => answers.get(&q.id).map(|v| {
                            let n = match v {
                                Value::Photos(p) => p.len(),
                                _ => 0,
                            };
                            words.count(Msg::PhotosCount, n as u64, &[("count", &n.to_string())])
                        }),
                        Some(shown) => Some(shown),
                        None => q
                            .consent_version
                            .as_ref()
                            .map(|_| words.get(Msg::NotAgreed).to_owned()),
                    },
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answers::Value;

    #[test]
    fn photos_read_as_a_count_and_what_they_are_for_in_the_visitor_s_words() {
        // Issue 24, item 8: photos sent with a request are for that request only.
        let q = Questionnaire::builtin();
        let photo = |n: u8| crate::core::photos::Photo {
            photo: format!("0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a{n:02}"),
            description: String::new(),
        };
        let shown = |photos: Vec<_>, words: &Catalogue| {
            let mut a = Answers::default();
            if !photos.is_empty() {
                a.set("skin_photos", Value::Photos(photos));
            }
            let g = groups(&q, &a, words);
            let row = g[1].rows.iter().find(|r| r.question == "skin_photos");
            row.and_then(|r| r.value.clone())
        };
        let en = Catalogue::ENGLISH;
        assert_eq!(shown(vec![], &en), None, "Not provided");
        let one = Some("1 photo, for this consultation request only".to_owned());
        assert_eq!(shown(vec![photo(1)], &en), one);
        let two = Some("2 photos, for this consultation request only".to_owned());
        assert_eq!(shown(vec![photo(1), photo(2)], &en), two);
        #[cfg(languages)]
        {
            let es = crate::core::catalogue::builtin_json("es").expect("Spanish");
            let es = crate::core::catalogue::from_json("es", es).expect("read");
            let two = Some("2 fotos, solo para esta solicitud de consulta".to_owned());
            assert_eq!(shown(vec![photo(1), photo(2)], &es), two);
        }
    }

    #[test]
    fn every_visible_question_once_hidden_ones_never() {
        // shared/questionnaire-brief.md, step 6: every answer grouped by step, "Not provided"
        // for skipped optional ones; hidden conditional questions are not shown.
        let q = Questionnaire::builtin();
        let mut a = Answers::default();
        a.set("full_name", Value::Text("Jane Example".into()));
        a.set("had_before", Value::Text("no".into()));
        a.set(
            "previous_treatment",
            Value::Text("stale answer from before".into()),
        );
        let g = groups(&q, &a, &Catalogue::ENGLISH);
        assert_eq!(g.len(), 5);
        assert_eq!(g[0].rows[0].value.as_deref(), Some("Jane Example"));
        assert_eq!(g[0].rows[2].question, "phone");
        assert_eq!(g[0].rows[2].value, None);
        let all: Vec<&str> = g
            .iter()
            .flat_map(|g| g.rows.iter().map(|r| r.question.as_str()))
            .collect();
        assert!(!all.contains(&"previous_treatment"));
        assert!(!all.contains(&"concerns_other"));
        assert!(!all.contains(&"allergies_detail"));
        let visible = q.questions().count() - 3;
        assert_eq!(all.len(), visible);
        // Issue 20: an optional consent left unticked has the name staff read for it.
        let photos = g[4].rows.iter().find(|r| r.question == "photo_consent");
        assert_eq!(photos.unwrap().value.as_deref(), Some("Not agreed"));
        a.set("photo_consent", Value::Checked(false));
        let g = groups(&q, &a, &Catalogue::ENGLISH);
        let photos = g[4].rows.iter().find(|r| r.question == "photo_consent");
        assert_eq!(photos.unwrap().value.as_deref(), Some("Not agreed"));
        // Issue 23: a signature reads as the summary names it; unsigned, "Not agreed".
        let signature = |g: &[ReviewGroup]| {
            let row = g[4].rows.iter().find(|r| r.question == "signature");
            row.unwrap().value.clone()
        };
        assert_eq!(signature(&g).as_deref(), Some("Not agreed"));
        a.set(
            "signature",
            Value::Signed(crate::core::signature::Signature {
                name: "Jane Example".into(),
                strokes: vec![],
            }),
        );
        assert_eq!(
            signature(&groups(&q, &a, &Catalogue::ENGLISH)).as_deref(),
            Some("Signed by Jane Example")
        );
    }
}
