//! Likely spam: a hidden field that only bots fill in, and a questionnaire completed faster
//! than a person could read it. A submission that trips either is marked, never dropped: a
//! false alarm must not lose a real visitor's request, so staff decide.

/// Five steps of questions cannot be read and answered by a person in under this.
pub const MIN_FILL_MS: u64 = 5_000;

/// Why a submission looks automated, as the JSON names it (`spam.reasons`).
pub const HIDDEN_FIELD: &str = "hidden-field-filled";
pub const TOO_FAST: &str = "completed-too-fast";

/// The reasons a submission looks automated: the hidden field was filled in, or the time from
/// the widget's start (kept across reloads by the draft) to Submit was under `MIN_FILL_MS`.
pub fn reasons(hidden_field_filled: bool, started_ms: u64, submitted_ms: u64) -> Vec<String> {
    let mut reasons = Vec::new();
    if hidden_field_filled {
        reasons.push(HIDDEN_FIELD.to_owned());
    }
    // A clock that moved back gives no fill time: not evidence of anything.
    if submitted_ms
        .checked_sub(started_ms)
        .is_some_and(|took| took < MIN_FILL_MS)
    {
        reasons.push(TOO_FAST.to_owned());
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_for_suspicion() {
        let cases: &[(bool, u64, u64, &[&str])] = &[
            (false, 1_000, 61_000, &[]),
            (false, 1_000, 1_000 + MIN_FILL_MS, &[]),
            (false, 1_000, MIN_FILL_MS, &[TOO_FAST]),
            (true, 1_000, 61_000, &[HIDDEN_FIELD]),
            (true, 1_000, 1_500, &[HIDDEN_FIELD, TOO_FAST]),
            (false, 61_000, 1_000, &[]),
        ];
        for &(filled, started, submitted, want) in cases {
            assert_eq!(
                reasons(filled, started, submitted),
                want,
                "{filled} {started} {submitted}"
            );
        }
    }
}
