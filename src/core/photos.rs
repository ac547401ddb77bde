//! A `photos` question's answer (issue 24): the photos the visitor added, each named by a random
//! id and described in their own words if they like. Only these references are in the
//! submission's JSON; the images travel beside it (one part each), so a submission stays within
//! its 256 KB and a photo is never inlined into drafts, events or emails.

use super::intake::is_uuid_v4;
use serde::{Deserialize, Serialize};

/// How many photos a `photos` question takes when the questionnaire does not say.
pub const DEFAULT_MAX: usize = 4;
/// The most a questionnaire may allow: each is up to a few MB, and staff read them one by one.
pub const MOST: usize = 10;
/// The longest description ("Which area is this?"), in characters.
pub const MAX_DESCRIPTION: usize = 200;

/// Why the widget did not take a file the visitor chose (its words: `Msg::Photo*`). The
/// limits are the issue's: a file over 40 MB or 50 megapixels is not decoded into memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Neither an image type nor a file the browser's decoder takes as one.
    NotImage,
    /// Over `MAX_FILE_BYTES`, or over `MAX_PIXELS` once decoded.
    TooLarge,
    /// An image this browser cannot decode (HEIC outside Safari, say).
    Unreadable,
}

/// The largest file the widget reads, in bytes.
pub const MAX_FILE_BYTES: f64 = 40.0 * 1024.0 * 1024.0;
/// The most pixels a photo may have once decoded.
pub const MAX_PIXELS: u32 = 50_000_000;
/// The long side of a photo as sent, in pixels: enough for staff to see the skin.
pub const LONG_SIDE: u32 = 2048;

/// One photo as the submission names it: `{"photo": "<uuid>", "description": "Left cheek"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), serde(deny_unknown_fields))]
pub struct Photo {
    /// A random (version 4) UUID, made by the widget when the photo is added: the name of the
    /// image's part, and of the stored file, whatever the visitor's file was called.
    pub photo: String,
    /// What the visitor said it shows: the alt text staff's screen readers read.
    #[serde(default)]
    pub description: String,
}

/// Why a list of photos cannot be taken: one sentence, for the receiver's refusal.
pub fn check(photos: &[Photo], most: usize) -> Result<(), &'static str> {
    if photos.len() > most {
        return Err("More photos than this question takes");
    }
    if !photos.iter().all(|p| is_uuid_v4(&p.photo)) {
        return Err("Each photo must be named by a random (version 4) UUID");
    }
    if photos
        .iter()
        .enumerate()
        .any(|(i, p)| photos[..i].iter().any(|q| q.photo == p.photo))
    {
        return Err("A photo is named twice");
    }
    if photos
        .iter()
        .any(|p| p.description.chars().count() > MAX_DESCRIPTION)
    {
        return Err("A photo's description is too long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0f3a9c1b-2d4e-4f60-8a1b-2c3d4e5f6a7b";
    const B: &str = "1f3a9c1b-2d4e-4f60-9a1b-2c3d4e5f6a7b";

    fn photo(id: &str, description: &str) -> Photo {
        Photo {
            photo: id.into(),
            description: description.into(),
        }
    }

    #[test]
    fn what_a_question_takes() {
        // Issue 24: up to the question's number of photos, each named by a random UUID (RFC
        // 9562 §5.4) once, with an optional description of at most 200 characters.
        let long = "x".repeat(MAX_DESCRIPTION + 1);
        let cases: &[(&[Photo], usize, Result<(), &str>)] = &[
            (&[], 4, Ok(())),
            (&[photo(A, ""), photo(B, "Left cheek")], 2, Ok(())),
            (&[photo(A, &"é".repeat(MAX_DESCRIPTION))], 1, Ok(())),
            (
                &[photo(A, ""), photo(B, "")],
                1,
                Err("More photos than this question takes"),
            ),
            (
                &[photo("IMG_0001.jpg", "")],
                4,
                Err("Each photo must be named by a random (version 4) UUID"),
            ),
            (
                &[photo(&A.to_uppercase(), "")],
                4,
                Err("Each photo must be named by a random (version 4) UUID"),
            ),
            (
                &[photo(A, ""), photo(A, "")],
                4,
                Err("A photo is named twice"),
            ),
            (
                &[photo(A, &long)],
                4,
                Err("A photo's description is too long"),
            ),
        ];
        for (photos, most, want) in cases {
            assert_eq!(check(photos, *most), *want, "{photos:?}");
        }
    }

    #[test]
    fn a_photo_is_its_id_and_description_and_nothing_else() {
        let json = serde_json::to_string(&photo(A, "Left cheek")).unwrap();
        assert_eq!(
            json,
            format!(r#"{{"photo":"{A}","description":"Left cheek"}}"#)
        );
        let bytes = format!(r#"{{"photo":"{A}","data":"/9j/4AAQ"}}"#);
        assert!(
            serde_json::from_str::<Photo>(&bytes).is_err(),
            "no image inside the JSON"
        );
    }
}
