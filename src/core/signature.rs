//! A signature: the name the visitor types (always there, the accessible way to sign) and, if
//! they also drew, the strokes as whole numbers in a fixed box. Never an image or markup from
//! the browser: whoever draws it (the receiver's SVG, its PDF) draws it from these numbers.

use serde::{Deserialize, Serialize};

/// The drawing box, in its own units: x runs 0..=WIDTH, y 0..=HEIGHT (3:1, a signature line).
pub const WIDTH: u16 = 600;
pub const HEIGHT: u16 = 200;
/// The most points over all strokes: a long signature is a few hundred; this bounds what a
/// receiver stores and draws for one submission.
pub const MAX_POINTS: usize = 2000;
pub const MAX_STROKES: usize = 200;

/// One stroke, pen down to pen up: x0, y0, x1, y1, ... in the box.
pub type Stroke = Vec<u16>;

/// The answer to a `signature` question. Strict natively (the receiver and the tests refuse an
/// unknown member); in the wasm, which reads it only from its own drafts, an unknown member is
/// dropped instead: serde's "expected one of" message then stays out of the visitor's download
/// (278 bytes gzip on a built-in page; docs/size-notes.md, "Issue 23").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), serde(deny_unknown_fields))]
pub struct Signature {
    /// The visitor's full name, exactly as typed.
    pub name: String,
    #[serde(default)]
    pub strokes: Vec<Stroke>,
}

/// Why strokes cannot be kept: one sentence, for the receiver's refusal.
pub fn check(strokes: &[Stroke]) -> Result<(), &'static str> {
    let points: usize = strokes.iter().map(|s| s.len() / 2).sum();
    if strokes.len() > MAX_STROKES || points > MAX_POINTS {
        return Err("The drawn signature has too many points");
    }
    let in_box = |s: &Stroke| {
        s.len() >= 2 && s.len() % 2 == 0 && s.chunks(2).all(|p| p[0] <= WIDTH && p[1] <= HEIGHT)
    };
    if !strokes.iter().all(in_box) {
        return Err("The drawn signature has points outside its box");
    }
    Ok(())
}

/// The strokes as an SVG path's `d` (`M10 20L30 40M…`): digits, spaces and two letters only,
/// whatever the strokes hold, so it can sit in any markup unescaped. A one-point stroke (a dot)
/// is drawn as a line of length zero, which round line caps show as a dot.
pub fn path_data(strokes: &[Stroke]) -> String {
    let mut d = String::new();
    for stroke in strokes {
        for (i, p) in stroke.chunks_exact(2).enumerate() {
            let op = if i == 0 { 'M' } else { 'L' };
            d.push_str(&format!("{op}{} {}", p[0], p[1]));
        }
        if stroke.len() == 2 {
            d.push_str(&format!("L{} {}", stroke[0], stroke[1]));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        // Issue 23: "at most 2,000 points", in the box, each stroke a list of x, y pairs.
        let many = |n: usize| vec![vec![1u16; 2 * n]];
        let cases: Vec<(Vec<Stroke>, bool)> = vec![
            (vec![], true),
            (vec![vec![0, 0]], true),
            (vec![vec![WIDTH, HEIGHT, 0, 0]], true),
            (many(MAX_POINTS), true),
            (many(MAX_POINTS + 1), false),
            (vec![vec![1, 1]; MAX_STROKES + 1], false),
            (vec![vec![WIDTH + 1, 0]], false),
            (vec![vec![0, HEIGHT + 1]], false),
            (vec![vec![1, 2, 3]], false),
            (vec![vec![]], false),
        ];
        for (strokes, ok) in cases {
            assert_eq!(check(&strokes).is_ok(), ok, "{strokes:?}");
        }
    }

    #[test]
    fn path_is_numbers_only() {
        assert_eq!(
            path_data(&[vec![1, 2, 3, 4, 5, 6], vec![7, 8]]),
            "M1 2L3 4L5 6M7 8L7 8"
        );
        assert_eq!(path_data(&[]), "");
    }

    #[test]
    fn reads_only_whole_numbers_in_range() {
        // Hostile strokes never become a Signature: strings, floats, negatives, objects.
        let ok = r#"{"name":"Jane Doe","strokes":[[1,2,3,4]]}"#;
        assert!(serde_json::from_str::<Signature>(ok).is_ok());
        for bad in [
            r#"{"name":"x","strokes":[["<script>"]]}"#,
            r#"{"name":"x","strokes":[[1.5,2]]}"#,
            r#"{"name":"x","strokes":[[-1,2]]}"#,
            r#"{"name":"x","strokes":[[70000,2]]}"#,
            r#"{"name":"x","strokes":[{"x":1}]}"#,
            r#"{"name":"x","svg":"<svg/>"}"#,
        ] {
            assert!(serde_json::from_str::<Signature>(bad).is_err(), "{bad}");
        }
    }
}
