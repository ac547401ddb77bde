//! Reading a JSON document into a core type with serde, and one sentence saying where it went
//! wrong: the line and column of broken JSON, or the path (`steps[2].questions[4].id`) to a
//! wrong shape or value. The questionnaire loader, the receiver and the tests all read this way.

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
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        describe(at, e.into_inner())
    })?;
    de.end().map_err(|e| describe(String::new(), e))?;
    Ok(value)
}

fn describe(at: String, e: serde_json::Error) -> ReadError {
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
        // serde_path_to_error writes the top level as ".".
        let at = if at == "." { String::new() } else { at };
        ReadError::Shape { at, problem }
    } else {
        ReadError::Syntax {
            line: e.line(),
            column: e.column(),
            problem,
        }
    }
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
        ];
        for (text, want) in cases {
            let got = read::<Doc>(text).expect_err(text).to_string();
            assert_eq!(got, want, "{text}");
        }
        assert!(read::<Doc>("{\"items\":[{\"id\":\"a\"}]}").is_ok());
    }
}
