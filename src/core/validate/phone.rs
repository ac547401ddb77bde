//! Whether a phone answer looks like a phone number: digits with the separators people type
//! (spaces, brackets, dots, dashes), an optional leading `+`, and from 7 to 15 digits. 15 is
//! the most an international number can have (ITU-T E.164 §6.1); 7 is the shortest local
//! number still in use that a clinic could call back. The widget and the receiver both use it.

/// The fewest and most digits a callable number has.
pub const DIGITS: std::ops::RangeInclusive<usize> = 7..=15;

/// True when `text` (trimmed) is a phone number a clinic could dial.
pub fn is_valid(text: &str) -> bool {
    let text = text.trim();
    let rest = text.strip_prefix('+').unwrap_or(text);
    let mut digits = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '(' | ')' | '.' | '-' => {}
            _ => return false,
        }
    }
    DIGITS.contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn numbers_people_type() {
        // Formats from Ofcom's numbering guidance (UK drama numbers 01632 960xxx), ITU-T
        // E.123 (international `+` form, spaces), the North American (NNN) NNN-NNNN and
        // dotted forms, and the cases issue 20 names.
        let cases = [
            ("01632 960 001", true),
            ("+44 1632 960001", true),
            ("+1 (555) 010-0199", true),
            ("555.010.0199", true),
            ("  07700 900123  ", true),
            ("1234567", true),            // 7 digits: the fewest
            ("123456", false),            // 6
            ("+123456789012345", true),   // 15: the most E.164 allows
            ("+1234567890123456", false), // 16
            ("call me maybe!!", false),
            ("07700 900123 ext 4", false), // letters
            ("0770+0900123", false),       // `+` only at the start
            ("++447700900123", false),
            ("07700/900123", false),
            ("０７７００ ９００１２３", false), // full-width digits: not dialable as typed
            ("", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_valid(text), want, "{text:?}");
        }
    }
}
