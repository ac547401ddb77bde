//! A submission's workflow status, as staff move it along and the exports print it.

/// Where staff are with a submission. Stored as its word (`new`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    Reviewed,
    Contacted,
    Archived,
}

impl Status {
    /// Every status, in the order the inbox offers them.
    pub const ALL: [Status; 4] = [
        Status::New,
        Status::Reviewed,
        Status::Contacted,
        Status::Archived,
    ];

    /// The stored word, also the form's value and the list filter's.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Reviewed => "reviewed",
            Status::Contacted => "contacted",
            Status::Archived => "archived",
        }
    }

    /// What staff read.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Reviewed => "Reviewed",
            Status::Contacted => "Contacted",
            Status::Archived => "Archived",
        }
    }

    pub fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// A stored word as staff read it; a word this version does not know reads as New, as a
    /// row written before its status was set would.
    pub fn label_of(word: &str) -> &'static str {
        Status::parse(word).unwrap_or(Status::New).label()
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn each_word_parses_back_and_unknown_words_read_as_new() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("New"), None);
        assert_eq!(Status::label_of("deleted"), "New");
        assert_eq!(Status::label_of("contacted"), "Contacted");
    }
}
