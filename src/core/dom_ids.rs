//! The element ids the view gives each question's parts. A question's own control (or its
//! first option) takes the question id, so an error summary link to `#{id}` lands on it
//! (GOV.UK Design System, "Error summary"); every other part adds a suffix after a `.`, which
//! question ids cannot contain (`questionnaire::is_safe_id`). So the part before the first `.`
//! always names one question, and no two questions' ids can meet: `pain-2` is a question of
//! its own, while the second option of `pain` is `pain.2`.

/// The hidden field only bots fill in (`core::spam`): its colon keeps it apart from every
/// question's ids.
pub const TRAP: &str = "cw:company";

/// The choice of language on the first step (`data-langs`): a colon too.
pub const LANGUAGE: &str = "cw:language";

/// The question's control, or the first option of a group.
pub fn field(question: &str) -> String {
    question.to_owned()
}

/// The n-th option of a group (0-based): the first is the question's own id.
pub fn option(question: &str, index: usize) -> String {
    if index == 0 {
        field(question)
    } else {
        format!("{question}.{}", index + 1)
    }
}

pub fn hint(question: &str) -> String {
    format!("{question}.hint")
}

pub fn error(question: &str) -> String {
    format!("{question}.error")
}

/// Where an email question's suggestion is announced (`core::suggest`).
pub fn suggestion(question: &str) -> String {
    format!("{question}.suggestion")
}

/// An option's own hint: numbered for every option, the first too, so it can never be the
/// question's hint.
pub fn option_hint(question: &str, index: usize) -> String {
    format!("{question}.{}.hint", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::questionnaire::Questionnaire;

    /// Every id the view could give any part of any question.
    fn all_ids(q: &Questionnaire) -> Vec<String> {
        let mut ids = Vec::new();
        for question in q.questions() {
            let id = &question.id;
            ids.extend([field(id), hint(id), error(id), suggestion(id)]);
            for i in 0..question.options.len() {
                // The first option is the field itself.
                if i > 0 {
                    ids.push(option(id, i));
                }
                ids.push(option_hint(id, i));
            }
        }
        ids
    }

    #[test]
    fn ids_never_collide() {
        // Issue 10: questions `pain` and `pain-2` broke labels, descriptions and focus, as the
        // second option of `pain` was `pain-2` too. Also a question named like another's hint.
        let choice = |id: &str| {
            format!(
                r#"{{"id":"{id}","kind":"choice","label":"L","hint":"H","options":[{{"value":"a","label":"A","hint":"h"}},{{"value":"b","label":"B","hint":"h"}},{{"value":"c","label":"C"}}]}}"#
            )
        };
        let ids = [
            "pain",
            "pain-2",
            "pain-3",
            "pain-hint",
            "pain-error",
            "pain-2-hint",
        ];
        let questions: Vec<String> = ids.iter().map(|id| choice(id)).collect();
        let doc = format!(
            r#"{{"id":"q","version":"1","title":"T","steps":[{{"id":"s","title":"S","questions":[{}]}}]}}"#,
            questions.join(",")
        );
        for q in [
            Questionnaire::from_json(&doc).unwrap(),
            Questionnaire::builtin(),
        ] {
            let mut all = all_ids(&q);
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "every generated id is unique");
        }
        assert_eq!(option("pain", 1), "pain.2");
        assert_eq!(option("pain", 0), "pain");
    }
}
