//! Sets one line of the consent PDF in type: a font for each character (Noto Sans, or Noto
//! Sans Arabic), the line in reading order (the Unicode bidi algorithm, `unicode-bidi`),
//! shaped (rustybuzz), and its glyphs drawn with each glyph's text, as PDF/A-2u requires.

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::ttf_parser::Tag;
use rustybuzz::{Direction, Feature, GlyphInfo, UnicodeBuffer};
use std::ops::Range;
use unicode_bidi::{bidi_class, BidiClass, Level, ParagraphBidiInfo};

/// Noto Sans Arabic 2.012, regular and bold (SIL OFL 1.1: receiver/assets/fonts/README.md).
const ARABIC_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
const ARABIC_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf");

/// Noto Sans is shaped without kerning and ligatures: a Latin, Greek or Cyrillic line keeps
/// exactly the glyphs and advances the PDFs already issued have (each character's own glyph at
/// its own advance), while the shaper still composes accents and places combining marks.
const SANS_OFF: [&[u8; 4]; 3] = [b"kern", b"liga", b"clig"];

/// The regular and the bold families.
pub(super) struct Fonts {
    regular: Family,
    bold: Family,
}

/// One weight: Noto Sans for Latin, Greek and Cyrillic, Noto Sans Arabic for Arabic.
pub(super) struct Family {
    sans: Face,
    arabic: Face,
}

/// A font as krilla embeds it and as rustybuzz shapes with it (and reads its character map).
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
    features: Vec<Feature>,
}

/// Which font of a family sets a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pick {
    Sans,
    Arabic,
}

/// A line set in type: its text as drawn (a character neither font has is `?`, so that what is
/// drawn is what a reader copies), and its glyph runs from left to right.
#[derive(Debug, Clone)]
pub(super) struct Set {
    pub(super) text: String,
    pub(super) runs: Vec<Run>,
}

/// Glyphs of one font, in the order they stand on the page; their text ranges point into the
/// line's text, so an Arabic run's ranges go down from left to right.
#[derive(Debug, Clone)]
pub(super) struct Run {
    pub(super) font: Pick,
    pub(super) glyphs: Vec<KrillaGlyph>,
}

impl Set {
    /// The line's width at `size` points.
    pub(super) fn width(&self, size: f32) -> f32 {
        self.runs.iter().map(|r| advance(&r.glyphs)).sum::<f32>() * size
    }
}

/// The advance of `glyphs`, in ems.
fn advance(glyphs: &[KrillaGlyph]) -> f32 {
    glyphs.iter().map(|g| g.x_advance).sum()
}

/// Whether a paragraph reads from right to left: its first strongly directional character
/// decides (the bidi algorithm's P2 and P3); one without any reads from left to right.
pub(super) fn rtl(paragraph: &str) -> bool {
    unicode_bidi::get_base_direction(paragraph) == unicode_bidi::Direction::Rtl
}

impl Fonts {
    /// None if a built-in font does not read (which the tests rule out).
    pub(super) fn new() -> Option<Fonts> {
        Some(Fonts {
            regular: Family {
                sans: Face::new(ttf_noto_sans::REGULAR, &SANS_OFF)?,
                arabic: Face::new(ARABIC_REGULAR, &[])?,
            },
            bold: Family {
                sans: Face::new(ttf_noto_sans::BOLD, &SANS_OFF)?,
                arabic: Face::new(ARABIC_BOLD, &[])?,
            },
        })
    }

    pub(super) fn family(&self, bold: bool) -> &Family {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

impl Face {
    fn new(data: &'static [u8], off: &[&[u8; 4]]) -> Option<Face> {
        let features = off
            .iter()
            .map(|tag| Feature::new(Tag::from_bytes(tag), 0, ..))
            .collect();
        Some(Face {
            font: Font::new(data.into(), 0)?,
            shaper: rustybuzz::Face::from_slice(data, 0)?,
            features,
        })
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }

    /// `text[range]` shaped in one direction: its glyphs left to right, each with the range of
    /// `text` its cluster stands for (a cluster's glyphs share it, and krilla then writes the
    /// cluster's text once, as ActualText).
    fn shape(&self, text: &str, range: Range<usize>, rtl: bool) -> Vec<KrillaGlyph> {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&text[range.clone()]);
        // The characters around it, so that a letter joins (or not) as it would across a
        // change of font.
        buffer.set_pre_context(&text[..range.start]);
        buffer.set_post_context(&text[range.end..]);
        buffer.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &self.features, buffer);
        let em = self.shaper.units_per_em() as f32;
        let starts = cluster_starts(shaped.glyph_infos());
        shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, at)| {
                let start = info.cluster as usize;
                // A cluster ends where the next one in the text begins, whichever side of it
                // its glyphs stand on.
                let end = starts
                    .get(starts.partition_point(|&s| s <= start))
                    .copied()
                    .unwrap_or(range.len());
                KrillaGlyph {
                    glyph_id: GlyphId::new(info.glyph_id),
                    text_range: range.start + start..range.start + end,
                    x_advance: at.x_advance as f32 / em,
                    x_offset: at.x_offset as f32 / em,
                    // Both up from the baseline, in rustybuzz and in krilla.
                    y_offset: at.y_offset as f32 / em,
                    y_advance: at.y_advance as f32 / em,
                    location: None,
                }
            })
            .collect()
    }
}

/// Where each cluster begins in the shaped text, in text order.
fn cluster_starts(infos: &[GlyphInfo]) -> Vec<usize> {
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    starts
}

impl Family {
    fn face(&self, pick: Pick) -> &Face {
        match pick {
            Pick::Sans => &self.sans,
            Pick::Arabic => &self.arabic,
        }
    }

    /// One line (no line breaks) in a paragraph that reads right to left if `rtl`, set in type.
    pub(super) fn set(&self, text: &str, rtl: bool) -> Set {
        let text = self.drawable(text);
        let mut runs = Vec::new();
        for (run, run_rtl) in visual_runs(&text, rtl) {
            let mut pieces = self.pieces(&text, run, run_rtl);
            // A right-to-left run's later text stands further left.
            if run_rtl {
                pieces.reverse();
            }
            for (range, font) in pieces {
                let glyphs = self.face(font).shape(&text, range, run_rtl);
                runs.push(Run { font, glyphs });
            }
        }
        Set { text, runs }
    }

    /// The width of one line of a paragraph that reads right to left if `rtl`, at `size`.
    pub(super) fn width(&self, text: &str, rtl: bool, size: f32) -> f32 {
        self.set(text, rtl).width(size)
    }

    /// `text` with each character neither font has as `?`: PDF/A forbids the empty glyph, and
    /// the `?` drawn must read as `?`.
    fn drawable(&self, text: &str) -> String {
        text.chars()
            .map(|c| {
                if self.sans.has(c) || self.arabic.has(c) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// A run of one direction cut where the font changes: each piece's range and font.
    fn pieces(&self, text: &str, run: Range<usize>, rtl: bool) -> Vec<(Range<usize>, Pick)> {
        let mut pieces: Vec<(Range<usize>, Pick)> = Vec::new();
        for (at, c) in text[run.clone()].char_indices() {
            let at = run.start + at;
            let font = self.pick(c, rtl, pieces.last().map(|p| p.1));
            match pieces.last_mut() {
                Some((range, last)) if *last == font => range.end = at + c.len_utf8(),
                _ => pieces.push((at..at + c.len_utf8(), font)),
            }
        }
        pieces
    }

    /// The font for `c` in a run of one direction, after text set in `before`. Arabic letters
    /// (bidi class AL) and digits (AN) are the Arabic font's; so is everything else in a
    /// right-to-left run (spaces, punctuation: a run is right to left only around Arabic here,
    /// as a Hebrew letter is already `?`); the rest is Noto Sans's. Either way, a character the
    /// font lacks goes to the other one.
    fn pick(&self, c: char, rtl: bool, before: Option<Pick>) -> Pick {
        let wanted = match bidi_class(c) {
            // A combining mark stays with its letter, so that the shaper places it on it.
            BidiClass::NSM => before.unwrap_or(if rtl { Pick::Arabic } else { Pick::Sans }),
            BidiClass::AL | BidiClass::AN => Pick::Arabic,
            _ if rtl => Pick::Arabic,
            _ => Pick::Sans,
        };
        match (self.face(wanted).has(c), wanted) {
            (true, _) => wanted,
            (false, Pick::Sans) => Pick::Arabic,
            (false, Pick::Arabic) => Pick::Sans,
        }
    }

    /// Draws a set line with its left end at `at` (on the baseline).
    pub(super) fn draw(&self, surface: &mut Surface, set: &Set, at: Point, size: f32) {
        let mut x = at.x;
        for run in &set.runs {
            let font = self.face(run.font).font.clone();
            let start = Point::from_xy(x, at.y);
            surface.draw_glyphs(start, &run.glyphs, font, &set.text, size, false);
            x += advance(&run.glyphs) * size;
        }
    }
}

/// The line's runs of one direction, left to right, each with whether it reads right to left.
fn visual_runs(text: &str, rtl: bool) -> Vec<(Range<usize>, bool)> {
    if text.is_empty() {
        return Vec::new();
    }
    let level = if rtl { Level::rtl() } else { Level::ltr() };
    let bidi = ParagraphBidiInfo::new(text, Some(level));
    let (levels, runs) = bidi.visual_runs(0..text.len());
    runs.into_iter()
        .map(|run| {
            let rtl = levels[run.start].is_rtl();
            (run, rtl)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use consultation_widget::core::questionnaire::Questionnaire;
    use consultation_widget::core::translation::{builtin_json, translate, Translation};

    /// The built-in questionnaire's risks consent text as an Arabic visitor reads it.
    fn arabic_risks() -> String {
        let t = Translation::from_json(builtin_json("ar").unwrap()).unwrap();
        let q = translate(&Questionnaire::builtin(), &t).unwrap();
        q.question("risks_acknowledged")
            .unwrap()
            .text
            .clone()
            .unwrap()
    }

    fn glyphs(set: &Set) -> Vec<(Pick, &KrillaGlyph)> {
        set.runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(move |g| (r.font, g)))
            .collect()
    }

    /// The glyph `c` has in a font's character map (its isolated, unshaped form).
    fn mapped(face: &Face, c: char) -> u32 {
        face.shaper.glyph_index(c).map(|g| u32::from(g.0)).unwrap()
    }

    #[test]
    fn an_arabic_consent_sentence_is_shaped_right_to_left_with_no_question_marks() {
        let fonts = Fonts::new().unwrap();
        let text = arabic_risks();
        assert!(text.contains("المخاطر"), "{text}");
        assert!(rtl(&text));
        for bold in [false, true] {
            let family = fonts.family(bold);
            let set = family.set(&text, true);
            assert_eq!(set.text, text, "nothing replaced by ?");
            let all = glyphs(&set);
            for (font, g) in &all {
                let question = mapped(family.face(*font), '?');
                assert_ne!(g.glyph_id.to_u32(), question, "a ? glyph: {g:?}");
                assert_ne!(g.glyph_id.to_u32(), 0, "an empty glyph: {g:?}");
                assert!(g.text_range.start < g.text_range.end, "{g:?}");
            }
            assert!(all.iter().all(|(font, _)| *font == Pick::Arabic));
            // Every byte of the text is some glyph's: each glyph maps to Unicode.
            let mut covered = vec![false; text.len()];
            for (_, g) in &all {
                covered[g.text_range.clone()].fill(true);
            }
            assert!(covered.iter().all(|c| *c));
            // Right to left: the leftmost glyph is the text's last letter, the rightmost its
            // first.
            assert_eq!(all.first().unwrap().1.text_range.end, text.len());
            assert_eq!(all.last().unwrap().1.text_range.start, 0);
            // Joined: the meem of "المخاطر" inside the word is not its isolated form.
            let meem = text.find("مخاطر").unwrap();
            let (_, g) = all
                .iter()
                .find(|(_, g)| g.text_range.start == meem)
                .unwrap();
            assert_ne!(g.glyph_id.to_u32(), mapped(&family.arabic, 'م'));
            assert!(set.width(10.0) > 0.0);
        }
    }

    #[test]
    fn a_latin_line_sets_each_characters_own_glyph_at_its_own_advance() {
        // What the PDF drew before it had a shaper, character by character from Noto Sans's
        // character map and advances: kerning pairs (AV, To) and ligatures (fi, ffl) included.
        let line = "Zoë Łukasiewicz-Müller — AVATAR To fix the ffle, Ελληνικά, Кириллица?";
        let fonts = Fonts::new().unwrap();
        for bold in [false, true] {
            let family = fonts.family(bold);
            let set = family.set(line, false);
            assert_eq!(set.runs.len(), 1);
            assert_eq!(set.runs[0].font, Pick::Sans);
            let face = &family.sans.shaper;
            let em = face.units_per_em() as f32;
            let before: Vec<(u32, f32, Range<usize>)> = line
                .char_indices()
                .map(|(at, c)| {
                    let id = face.glyph_index(c).unwrap();
                    let advance = face.glyph_hor_advance(id).unwrap() as f32 / em;
                    (u32::from(id.0), advance, at..at + c.len_utf8())
                })
                .collect();
            let now: Vec<(u32, f32, Range<usize>)> = set.runs[0]
                .glyphs
                .iter()
                .map(|g| (g.glyph_id.to_u32(), g.x_advance, g.text_range.clone()))
                .collect();
            assert_eq!(now, before);
        }
    }

    #[test]
    fn an_arabic_word_in_a_latin_line_keeps_its_place() {
        let fonts = Fonts::new().unwrap();
        let line = "Signed by محمد علي (text version 2)";
        assert!(!rtl(line));
        let set = fonts.family(false).set(line, false);
        let fonts_used: Vec<Pick> = set.runs.iter().map(|r| r.font).collect();
        assert_eq!(fonts_used, [Pick::Sans, Pick::Arabic, Pick::Sans]);
        let arabic = &set.runs[1].glyphs;
        // The name's two words right to left: "علي" on the left, "محمد" on the right.
        let ali = line.find("علي").unwrap();
        assert_eq!(arabic.first().unwrap().text_range.end, ali + "علي".len());
        assert_eq!(
            arabic.last().unwrap().text_range.start,
            line.find("محمد").unwrap()
        );
    }

    #[test]
    fn a_right_to_left_paragraph_mirrors_brackets_and_keeps_latin_words_left_to_right() {
        let fonts = Fonts::new().unwrap();
        let line = "المخاطر (in English: Risks)";
        assert!(rtl(line));
        let set = fonts.family(true).set(line, true);
        // Left to right on the page: ")", "in English: Risks", " (" and the Arabic word; the
        // brackets are shaped mirrored, so they read "(in English: Risks) المخاطر".
        let first = set.runs.first().unwrap();
        assert_eq!(first.font, Pick::Arabic);
        assert_eq!(&set.text[first.glyphs[0].text_range.clone()], ")");
        let latin = &set.runs[1];
        assert_eq!(latin.font, Pick::Sans);
        let words = latin.glyphs.first().unwrap().text_range.start
            ..latin.glyphs.last().unwrap().text_range.end;
        assert_eq!(&set.text[words], "in English: Risks");
        let last = set.runs.last().unwrap();
        assert_eq!(last.glyphs.last().unwrap().text_range.start, 0);
    }

    #[test]
    fn what_neither_font_has_is_a_question_mark() {
        let fonts = Fonts::new().unwrap();
        let set = fonts.family(false).set("Jane \u{1F600} 李 שלום", false);
        assert_eq!(set.text, "Jane ? ? ????");
        let covered: usize = glyphs(&set).iter().map(|(_, g)| g.text_range.len()).sum();
        assert_eq!(covered, set.text.len());
    }
}
