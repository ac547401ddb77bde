//! The list as CSV (RFC 4180: CRLF line ends, every field quoted, quotes doubled). A cell a
//! spreadsheet would run as a formula (OWASP "CSV Injection": starting with `=`, `+`, `-`,
//! `@`, tab or carriage return) gets a leading apostrophe, which spreadsheets show as text.

use crate::domain::questionnaires::language_name;
use crate::store::submissions::ListRow;

pub const HEADER: [&str; 11] = [
    "reference",
    "received_at",
    "name",
    "email",
    "flags",
    "likely_spam",
    "status",
    "submission_id",
    // Last, so readers of the earlier columns by position are unaffected (issue 20).
    "screening_unanswered",
    // The language the visitor answered in by its English name ("Spanish"), or its tag
    // (issue 25); after the others, for the same reason.
    "answered_in",
    // How many photos came with it (issue 24); last, for the same reason.
    "photos",
];

pub fn cell(text: &str) -> String {
    let neutral = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

pub fn write(rows: &[ListRow]) -> String {
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(HEADER.iter().map(|h| cell(h)).collect(), &mut out);
    for r in rows {
        line(
            vec![
                cell(&r.reference),
                cell(&r.received_at),
                cell(&r.visitor_name),
                cell(&r.visitor_email),
                cell(&r.flags_count.to_string()),
                cell(if r.likely_spam { "yes" } else { "no" }),
                cell(r.status.label()),
                cell(&r.submission_id),
                cell(&r.screening_unanswered.to_string()),
                cell(&language_name(&r.language)),
                cell(&r.photos_count.to_string()),
            ],
            &mut out,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    /// OWASP's list of formula starts, each neutralised; quotes doubled (RFC 4180 §2.7).
    #[test]
    fn cells() {
        for (raw, out) in [
            ("=1+1", "\"'=1+1\""),
            ("+1", "\"'+1\""),
            ("-1", "\"'-1\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("a \"b\"", "\"a \"\"b\"\"\""),
            ("Jane", "\"Jane\""),
        ] {
            assert_eq!(cell(raw), out, "{raw:?}");
        }
    }
}
