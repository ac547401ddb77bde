//! Reading a JSON document into a core type with serde, and one sentence saying where it went
//! wrong: the line and column of broken JSON, or the path (`steps[2].questions[4].id`) to a
//! wrong shape or value. The questionnaire loader, the receiver and the tests all read this way.

use super::strict::Strict;
use serde::de::DeserializeOwned;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not JSON at all (RFC 8259): where, and why.
    Syntax {
        line: usize,
        column: usize,
        problem: String,
    },
    /// JSON, but not of the expected shape: the path to the problem (empty at the top level)
    /// and what it is.
    Shape { at: String, problem: String },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Syntax {
                line,
                column,
                problem,
            } => write!(f, "line {line}, column {column}: {problem}"),
            ReadError::Shape { at, problem } if at.is_empty() => {
                write!(f, "top level: {problem}")
            }
            ReadError::Shape { at, problem } => write!(f, "{at}: {problem}"),
        }
    }
}

/// Reads one whole document: trailing text after it is a syntax error too.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    whole(text).map_err(|e| describe(text, e))
}

/// Reads one whole document as `read` does, when nobody is told why it failed (a draft, the
/// receiver's refusal): the sentence `describe` writes, and serde_json's own messages behind
/// it, then stay out of a wasm that reads nothing else (about 1 KB gzip less on every English
/// page: docs/size-notes.md, "Issue 25, fourth slice").
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    whole(text).ok()
}

/// The one reading both share: strict (unknown members refused where the type asks), and
/// nothing but whitespace after the document.
fn whole<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Strict(&mut de))?;
    de.end()?;
    Ok(value)
}

fn describe(text: &str, e: serde_json::Error) -> ReadError {
    // serde_json's message ends with " at line L column C"; the position is kept apart.
    let full = e.to_string();
    let problem = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    // Backticks are Markdown's, not plain English: quote names the way the rest of the
    // widget's messages do.
    let problem = problem.replace('`', "\"");
    if e.is_eof() {
        // serde_json says "EOF while parsing a list": the same, in the site owner's words.
        return ReadError::Syntax {
            line: e.line(),
            column: e.column(),
            problem: "the document ends too early".to_owned(),
        };
    }
    if e.is_data() {
        // serde_json counts the column in bytes from the line's start: the text read so far.
        let line_start: usize = text
            .split('\n')
            .take(e.line() - 1)
            .map(|l| l.len() + 1)
            .sum();
        // A duplicate field is found on reading its name: the problem is the object's.
        let whole_object = problem.starts_with("duplicate field");
        let at = path_at(
            &text[..(line_start + e.column()).min(text.len())],
            whole_object,
        );
        ReadError::Shape { at, problem }
    } else {
        ReadError::Syntax {
            line: e.line(),
            column: e.column(),
            problem,
        }
    }
}

/// The path (`steps[2].questions[4].id`) to where `read`, valid JSON so far, stopped: the
/// names and indexes of the objects and lists still open, and the member or item being read
/// in each. Only called on a wrong shape, so the document is scanned once more, not tracked
/// as it is read (serde_path_to_error's way, about 4 KB more of every visitor's download).
fn path_at(read: &str, whole_object: bool) -> String {
    enum Open<'a> {
        /// An object, and the name of the member being read (until the next comma), as
        /// written: escapes and all.
        Object(Option<&'a str>),
        /// A list, and the index of the item being read.
        List(usize),
    }
    let mut open: Vec<Open> = Vec::new();
    let mut rest = read;
    while let Some(i) = rest.find(['{', '[', '}', ']', ',', '"']) {
        let c = rest.as_bytes()[i];
        rest = &rest[i + 1..];
        match (c, open.last_mut()) {
            (b'{', _) => open.push(Open::Object(None)),
            (b'[', _) => open.push(Open::List(0)),
            (b'}' | b']', _) => {
                open.pop();
            }
            (b',', Some(Open::Object(name))) => *name = None,
            (b',', Some(Open::List(n))) => *n += 1,
            (b'"', top) => {
                // To the closing quote, past escaped characters.
                let mut end = rest.len();
                let mut escaped = false;
                for (j, b) in rest.bytes().enumerate() {
                    match b {
                        _ if escaped => escaped = false,
                        b'\\' => escaped = true,
                        b'"' => {
                            end = j;
                            break;
                        }
                        _ => {}
                    }
                }
                if let Some(Open::Object(name @ None)) = top {
                    *name = Some(&rest[..end]);
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
            _ => {}
        }
    }
    if whole_object {
        if let Some(Open::Object(name)) = open.last_mut() {
            *name = None;
        }
    }
    let mut at = String::new();
    for part in &open {
        match part {
            Open::Object(Some(name)) => {
                if !at.is_empty() {
                    at.push('.');
                }
                match name.contains('\\') {
                    // Valid JSON so far, so the name reads as a string.
                    true => {
                        at += &serde_json::from_str::<String>(&format!("\"{name}\""))
                            .unwrap_or_default()
                    }
                    false => at.push_str(name),
                }
            }
            Open::Object(None) => {}
            Open::List(n) => {
                at.push('[');
                at.push_str(&n.to_string());
                at.push(']');
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
    }

    #[test]
    fn says_where() {
        // Cases: RFC 8259's grammar (broken, trailing text) and the shapes serde reports.
        let cases = [
            ("{", "line 1, column 1: the document ends too early"),
            (
                "{\"items\":\n  [",
                "line 2, column 3: the document ends too early",
            ),
            (
                "{\"items\":[{\"id\":\"a\"},]}",
                "line 1, column 22: trailing comma",
            ),
            ("{\"items\":[]} x", "line 1, column 14: trailing characters"),
            (
                "{\"items\":[{\"id\":\"a\"},\n{\"id\":7}]}",
                "items[1].id: invalid type: integer \"7\", expected a string",
            ),
            (
                "\"x\"",
                "top level: invalid type: string \"x\", expected struct Doc",
            ),
            (
                "{\"items\":[{\"id\":\"a\",\"ib\":1}]}",
                "items[0].ib: unknown field \"ib\", expected \"id\"",
            ),
            // The path is found by scanning the text read so far: lists, nesting, escaped
            // names, and the object itself for a missing or duplicate field.
            (
                "{\"items\":[{\"id\":\"a\"},\n \"b\"]}",
                "items[1]: invalid type: string \"b\", expected struct Item",
            ),
            (
                "{\"items\":[{\"id\":\"[,{\"}, {}]}",
                "items[1]: missing field \"id\"",
            ),
            (
                "{\"items\":[{\"id\":\"a\", \"id\":\"b\"}]}",
                "items[0]: duplicate field \"id\"",
            ),
            (
                "{\"items\":[{\"i\\\"d\":\"a\"}]}",
                "items[0].i\"d: unknown field \"i\"d\", expected \"id\"",
            ),
            (
                "{\"items\":{}}",
                "items: invalid type: map, expected a sequence",
            ),
            // A struct is an object, never serde_json's list of its fields (core::strict).
            (
                "{\"items\":[[\"a\"]]}",
                "items[0]: invalid type: sequence, expected struct Item",
            ),
            (
                "[[]]",
                "top level: invalid type: sequence, expected struct Doc",
            ),
        ];
        for (text, want) in cases {
            let got = read::<Doc>(text).expect_err(text).to_string();
            assert_eq!(got, want, "{text}");
            // `parse` refuses exactly what `read` does, strictness included.
            assert!(parse::<Doc>(text).is_none(), "{text}");
        }
        assert!(read::<Doc>("{\"items\":[{\"id\":\"a\"}]}").is_ok());
        assert!(parse::<Doc>("{\"items\":[{\"id\":\"a\"}]} ").is_some());
    }
}
