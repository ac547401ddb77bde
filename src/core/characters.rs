//! The one set of rules for characters a reader cannot see or that reorder what they read, and
//! the one percent-encoder. The summary staff read, the page parameters passed along, website
//! hosts and links, and the `mailto:` link all decide with these.

/// Reorders what is read (Unicode TR #9, "Explicit Directional Formatting Characters" and
/// "Implicit Directional Marks"): embeddings, overrides and isolates, and the left-to-right,
/// right-to-left and Arabic letter marks. Typed text can use them to make staff read something
/// other than what was stored.
pub fn reorders(c: char) -> bool {
    matches!(
        c,
        '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Has no glyph and is needed by no script, so dropping it changes nothing a person meant:
/// the zero-width space, the word joiner and the invisible operators, the byte order mark, the
/// soft hyphen, the tag characters (Unicode §23.9, which can smuggle hidden text), and the
/// Hangul fillers that render blank (UTS #39 lists them as confusable with nothing).
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{200b}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{e0000}'..='\u{e007f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{ffa0}'
    )
}

/// The zero-width non-joiner and joiner: invisible, but emoji sequences and several scripts
/// (Persian, the Indic scripts) need them, so text keeps them; a host name may not hold them.
pub fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Any character above: what a website's host may never contain and its path encodes.
pub fn is_invisible(c: char) -> bool {
    reorders(c) || is_hidden(c) || is_joiner(c)
}

/// The line and paragraph separators (U+2028, U+2029): line breaks to some readers and not to
/// others, so text that reaches staff treats them as the ordinary line break they look like.
pub fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Appends `c` percent-encoded as UTF-8 bytes (RFC 3986 §2.1, upper-case hex).
pub fn percent_encode(c: char, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf = [0; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push('%');
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        // Code points from Unicode TR #9 (§2), the Unicode Standard §23.2 and §23.9, and
        // UTS #39's list of default-ignorable fillers.
        let cases: &[(char, bool, bool, bool)] = &[
            // (char, reorders, hidden, joiner)
            ('\u{202e}', true, false, false), // RIGHT-TO-LEFT OVERRIDE
            ('\u{2066}', true, false, false), // LEFT-TO-RIGHT ISOLATE
            ('\u{200e}', true, false, false), // LEFT-TO-RIGHT MARK
            ('\u{061c}', true, false, false), // ARABIC LETTER MARK
            ('\u{200b}', false, true, false), // ZERO WIDTH SPACE
            ('\u{2060}', false, true, false), // WORD JOINER
            ('\u{feff}', false, true, false), // BYTE ORDER MARK
            ('\u{00ad}', false, true, false), // SOFT HYPHEN
            ('\u{e0041}', false, true, false), // TAG LATIN CAPITAL LETTER A
            ('\u{3164}', false, true, false), // HANGUL FILLER
            ('\u{200d}', false, false, true), // ZERO WIDTH JOINER
            ('a', false, false, false),
            ('م', false, false, false),
            ('😀', false, false, false),
        ];
        for &(c, r, h, j) in cases {
            assert_eq!(
                (reorders(c), is_hidden(c), is_joiner(c)),
                (r, h, j),
                "{c:?}"
            );
            assert_eq!(is_invisible(c), r || h || j, "{c:?}");
        }
        assert!(is_line_separator('\u{2028}') && !is_line_separator('\n'));
    }

    #[test]
    fn percent_encoding_is_utf8_upper_hex() {
        // RFC 3986 §2.1: "%" HEXDIG HEXDIG, upper-case, one triplet per UTF-8 byte.
        let cases = [
            (' ', "%20"),
            ('\n', "%0A"),
            ('é', "%C3%A9"),
            ('😀', "%F0%9F%98%80"),
        ];
        for (c, want) in cases {
            let mut out = String::new();
            percent_encode(c, &mut out);
            assert_eq!(out, want);
        }
    }
}
