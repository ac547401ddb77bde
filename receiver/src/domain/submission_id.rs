//! A submission's id, parsed at the edge (the Idempotency-Key, the body, an inbox URL) so
//! inner code never holds a bad one.

use consultation_widget::core::intake::is_uuid_v4;
use std::fmt;

/// A submission id as the widget makes it: a lowercase random (version 4) UUID, as in
/// schema/submission.schema.json.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubmissionId(String);

impl SubmissionId {
    /// The core's own test (`core::intake::is_uuid_v4`), so the key, the body's id and the
    /// inbox's links are held to one rule.
    pub fn parse(text: &str) -> Option<SubmissionId> {
        is_uuid_v4(text).then(|| SubmissionId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::SubmissionId;

    #[test]
    fn only_lowercase_version_4_uuids() {
        // The pattern of schema/submission.schema.json: lowercase, version 4, variant 8-b.
        assert!(SubmissionId::parse("0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b").is_some());
        for bad in [
            "",
            "0F3A9C1B-2D4E-4F60-8A7B-9C0D1E2F3A4B",
            "0f3a9c1b-2d4e-1f60-8a7b-9c0d1e2f3a4b",
            "0f3a9c1b-2d4e-4f60-7a7b-9c0d1e2f3a4b",
            "0f3a9c1b2d4e4f608a7b9c0d1e2f3a4b",
            " 0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4b",
            "0f3a9c1b-2d4e-4f60-8a7b-9c0d1e2f3a4g",
            "../../../../etc/passwd",
        ] {
            assert!(SubmissionId::parse(bad).is_none(), "{bad}");
        }
    }
}
