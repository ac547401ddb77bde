//! The exact consent words of a questionnaire in one canonical form, and its SHA-256: what a
//! signature is tied to. The widget has the built-in questionnaire's digest as a constant and
//! hashes a questionnaire file's form with the browser's WebCrypto; the receiver
//! recomputes it from the questionnaire version it publishes and refuses any other digest.

use super::questionnaire::Questionnaire;

/// Names the canonical form, so a later form can be told apart.
pub const FORM: &str = "consent-texts/1";

/// `["consent-texts/1",[id,label,hint,text,version],…]`: every question with a consent version
/// (the signature's own statement among them), in questionnaire order, a missing hint or text
/// as "", written compactly by serde_json (no spaces; only `"`, `\` and control characters
/// escaped), so the same words always give the same bytes. Every consent question is covered,
/// whether or not a condition hides it: the digest names the words the clinic published.
pub fn canonical(q: &Questionnaire) -> String {
    // Written piece by piece with serde_json's own string writer rather than through a
    // `serde_json::Value`, whose printer brings number formatting into the widget's download
    // (1.5 KB gzip on a page that loads a questionnaire file; docs/size-notes.md, issue 23).
    let json = |words: &[&str]| serde_json::to_string(words).unwrap_or_default();
    let mut out = json(&[FORM]);
    out.pop();
    for question in q.questions() {
        let Some(version) = &question.consent_version else {
            continue;
        };
        out.push(',');
        out += &json(&[
            &question.id,
            &question.label,
            question.hint.as_deref().unwrap_or(""),
            question.text.as_deref().unwrap_or(""),
            version,
        ]);
    }
    out.push(']');
    out
}

/// The lowercase hex SHA-256 of `canonical(q)`, for the receiver and the tests. The widget asks
/// WebCrypto instead, which costs the visitor's download less than a SHA-256 of its own.
pub fn digest(q: &Questionnaire) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(canonical(q).as_bytes()))
}

/// A digest's bytes as the record writes them: lowercase hex, the widget's (WebCrypto) and the
/// receiver's (sha2) alike.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_words_in_order() {
        let q = Questionnaire::builtin();
        let text = canonical(&q);
        assert!(text.starts_with(r#"["consent-texts/1",["risks_acknowledged","Risks","#));
        let ids: Vec<&str> = [
            "risks_acknowledged",
            "aftercare_acknowledged",
            "data_consent",
            "signature",
        ]
        .into_iter()
        .collect();
        let at = |id: &str| text.find(&format!("[\"{id}\"")).unwrap();
        assert!(ids.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
        // One changed word anywhere in the consent texts is another digest.
        let mut changed = q.clone();
        let step = changed
            .steps
            .iter_mut()
            .find(|s| s.id == "consent")
            .unwrap();
        let mut first = (*step.questions[0]).clone();
        first.text = first.text.map(|t| t.replace("infection", "infections"));
        step.questions[0] = first.into();
        assert_ne!(digest(&q), digest(&changed));
        assert_eq!(digest(&q).len(), 64);
        assert_eq!(digest(&q), digest(&Questionnaire::builtin()));
    }

    #[test]
    fn the_canonical_form_and_its_digest_are_fixed() {
        // Pinned for other implementations (schema/submission.schema.json describes the form);
        // the digest computed independently: Python's hashlib.sha256 over json.dumps(...,
        // separators=(",", ":"), ensure_ascii=False) of the same list.
        let q = Questionnaire::from_json(
            r#"{"id":"q","version":"1","title":"T","steps":[{"id":"s","title":"S","questions":[
              {"id":"name","kind":"text","label":"Name"},
              {"id":"risks","kind":"confirm","label":"Risks","hint":"Zoë \"quoted\"","text":"I agree","consent_version":"v1"},
              {"id":"sign","kind":"signature","label":"Your signature","text":"By signing, I agree","consent_version":"s1"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            canonical(&q),
            r#"["consent-texts/1",["risks","Risks","Zoë \"quoted\"","I agree","v1"],["sign","Your signature","","By signing, I agree","s1"]]"#
        );
        assert_eq!(
            digest(&q),
            "24a0cb33dbf3c310cde96c729f94584cf1101a392dd418669956cbe906ee25bf"
        );
    }
}
