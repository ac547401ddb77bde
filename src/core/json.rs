//! A small JSON reader and writer (RFC 8259) for the widget's own documents: questionnaires,
//! drafts, submissions and an endpoint's replies.
//!
//! Why not serde_json: its generic machinery and float parsing were about a sixth of the wasm
//! every visitor downloads. None of our documents needs a fractional number, so numbers are
//! checked against the grammar and kept as text; callers read the whole numbers they expect.

use std::fmt::Write;

/// Nesting deeper than this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's text, valid by RFC 8259 §6.
    Number(String),
    Str(String),
    Array(Vec<Json>),
    /// Members in document order.
    Object(Vec<(String, Json)>),
}

/// Where and why a document is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub problem: &'static str,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.problem
        )
    }
}

impl Json {
    pub fn parse(text: &str) -> Result<Json, SyntaxError> {
        let mut p = Parser {
            text: text.as_bytes(),
            at: 0,
        };
        p.space();
        let value = p.value(0)?;
        p.space();
        if p.at < p.text.len() {
            return Err(p.error("unexpected text after the end of the document"));
        }
        Ok(value)
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A whole, non-negative number that fits in 64 bits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true or false",
            Json::Number(_) => "a number",
            Json::Str(_) => "text",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// Compact text.
    pub fn write(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out, None, 0);
        out
    }

    /// Indented text, for files people open.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out, Some(2), 0);
        out
    }

    fn write_into(&self, out: &mut String, indent: Option<usize>, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if let Some(width) = indent {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', width * depth));
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::Str(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write_into(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(out, key);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    value.write_into(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7); the rest,
/// emoji and every script included, written as it is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Builds values for the writer.
pub fn text(s: &str) -> Json {
    Json::Str(s.to_owned())
}

pub fn opt_text(s: Option<&str>) -> Json {
    s.map_or(Json::Null, text)
}

pub fn number(n: u64) -> Json {
    Json::Number(n.to_string())
}

pub fn object(members: Vec<(&str, Json)>) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, problem: &'static str) -> SyntaxError {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Columns count characters, not bytes, so they match what an editor shows.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        SyntaxError {
            line,
            column,
            problem,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect_word(&mut self, word: &[u8], value: Json) -> Result<Json, SyntaxError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.expect_word(b"true", Json::Bool(true)),
            Some(b'f') => self.expect_word(b"false", Json::Bool(false)),
            Some(b'n') => self.expect_word(b"null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => Err(self.error("the document ends too early")),
            _ => Err(self.error("expected a value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        self.at += 1;
        let mut members = Vec::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a name in quotes"));
            }
            let key = self.string()?;
            self.space();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after a name"));
            }
            self.at += 1;
            self.space();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.space();
            items.push(self.value(depth + 1)?);
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<Json, SyntaxError> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.at += 1;
            }
            p.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
        Ok(Json::Number(text))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("expected four hex digits"))?;
        let mut n = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("expected four hex digits"))?;
            n = n * 16 + v;
        }
        self.at += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("text in quotes is not closed"));
            };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let escape = self
                        .peek()
                        .ok_or_else(|| self.error("text in quotes is not closed"))?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&first) {
                                // A surrogate pair: \uD83D\uDE00 is one character.
                                if !self.text[self.at..].starts_with(b"\\u") {
                                    return Err(self.error("a lone surrogate is not a character"));
                                }
                                self.at += 2;
                                let second = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&second) {
                                    return Err(self.error("a lone surrogate is not a character"));
                                }
                                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                            } else {
                                first
                            };
                            char::from_u32(code)
                                .ok_or_else(|| self.error("a lone surrogate is not a character"))?
                        }
                        _ => return Err(self.error("unknown escape after '\\'")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => {
                    self.at -= 1;
                    return Err(self.error("control characters must be escaped in text"));
                }
                _ => out.push(b),
            }
        }
        // The input was a &str, and escapes add only whole characters: always UTF-8.
        String::from_utf8(out).map_err(|_| self.error("text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_rfc_8259_allows() {
        // RFC 8259 §13's examples, and the edges of §6 (numbers) and §7 (strings).
        let image = r#"{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor",
            "Thumbnail":{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},
            "Animated":false,"IDs":[116,943,234,38793]}}"#;
        let parsed = Json::parse(image).unwrap();
        assert_eq!(
            parsed
                .get("Image")
                .and_then(|i| i.get("Width"))
                .and_then(Json::as_u64),
            Some(800)
        );
        let cases: &[(&str, Json)] = &[
            ("\"Hello world!\"", text("Hello world!")),
            ("42", Json::Number("42".into())),
            ("-0", Json::Number("-0".into())),
            ("37.7668", Json::Number("37.7668".into())),
            ("1E400", Json::Number("1E400".into())),
            ("-1.5e-3", Json::Number("-1.5e-3".into())),
            ("true", Json::Bool(true)),
            (" null ", Json::Null),
            ("[]", Json::Array(vec![])),
            ("{}", Json::Object(vec![])),
            (r#""\"\\\/\b\f\n\r\t""#, text("\"\\/\u{8}\u{c}\n\r\t")),
            (r#""\u00e9\u0000""#, text("é\u{0}")),
            (r#""\ud83d\ude00 😀 مرحبا""#, text("😀 😀 مرحبا")),
            (
                r#"{"a":1,"a":2}"#,
                Json::Object(vec![("a".into(), number(1)), ("a".into(), number(2))]),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(&Json::parse(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_allow_with_a_place() {
        let cases: &[(&str, usize, usize)] = &[
            ("", 1, 1),
            ("{", 1, 2),
            ("{\"a\" 1}", 1, 6),
            ("{\"a\":1,}", 1, 8),
            ("[1,]", 1, 4),
            ("[1 2]", 1, 4),
            ("{'a':1}", 1, 2),
            ("\"open", 1, 6),
            ("\"tab\there\"", 1, 5),
            ("01", 1, 2),
            ("1.", 1, 3),
            ("-", 1, 2),
            ("1e", 1, 3),
            ("+1", 1, 1),
            ("tru", 1, 1),
            ("NaN", 1, 1),
            ("\"\\x\"", 1, 4),
            ("\"\\ud83d\"", 1, 8),
            ("\"\\ude00\"", 1, 8),
            ("\"\\u12\"", 1, 4),
            ("{}\n{}", 2, 1),
            ("{\n  \"é\": [1,\n  2,,]}", 3, 5),
        ];
        for (input, line, column) in cases {
            let e = Json::parse(input).expect_err(input);
            assert_eq!((e.line, e.column), (*line, *column), "{input:?}: {e}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert_eq!(Json::parse(&deep).unwrap_err().problem, "nested too deeply");
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&fine).is_ok());
    }

    #[test]
    fn writes_what_other_parsers_read_back_exactly() {
        // serde_json (a test-only dependency) is the independent reader.
        let tricky =
            "quote \" backslash \\ newline \n nul \u{0} bell \u{7} del \u{7f} 😀 \u{202e} \u{2028}";
        let doc = object(vec![
            ("text", text(tricky)),
            (
                "list",
                Json::Array(vec![text("a"), Json::Bool(false), Json::Null, number(7)]),
            ),
            ("empty", object(vec![])),
            ("nothing", Json::Array(vec![])),
        ]);
        for written in [doc.write(), doc.pretty()] {
            let back: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(back["text"], tricky);
            assert_eq!(back["list"], serde_json::json!(["a", false, null, 7]));
            assert_eq!(Json::parse(&written).unwrap(), doc, "round trip");
        }
        assert_eq!(doc.write().lines().count(), 1);
        assert!(doc.pretty().contains("\n  \"list\": [\n    \"a\","));
    }
}
