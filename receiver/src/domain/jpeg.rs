//! A visitor's photo made safe to store (issue 24): decoded with the `image` crate (JPEG only),
//! its size bounded from the header before any pixel is decoded, turned upright by its EXIF
//! orientation, and re-encoded from the pixels alone. What is stored is therefore a JPEG this
//! receiver wrote: no EXIF (GPS, camera), no ICC profile, no embedded thumbnail, nothing after
//! its end, whatever the browser sent. A small thumbnail is made at the same time, so the staff
//! page never sends a full photo to show a preview.

use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::{DynamicImage, ImageDecoder, Limits};
use std::io::Cursor;

/// The largest image part taken, in bytes: a phone's full-size JPEG fits; the widget sends
/// far less (at most 2,048 px on the long side).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// At most this many pixels (a 50-megapixel camera's full frame)...
pub const MAX_PIXELS: u64 = 50_000_000;
/// ...and at most this many on either side.
pub const MAX_SIDE: u32 = 8_192;
/// The decoder's own allocation bound: 50 MP as RGB is 150 MB; CMYK and its conversion take
/// more. Anything past this is refused rather than allocated.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// JPEG quality of the stored photo: indistinguishable from the widget's 0.85 to the eye.
pub const QUALITY: u8 = 85;
/// The thumbnail's longest side, in pixels (the staff page shows it at 160 CSS px, sharp on a
/// 2x screen).
pub const THUMBNAIL_SIDE: u32 = 320;

/// A photo as stored: the re-encoded JPEG, its thumbnail, and its upright size.
#[derive(Debug, Clone)]
pub struct Stored {
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why a part is not a photo this receiver takes: one sentence for the visitor, on the
/// question.
pub const NOT_JPEG: &str = "Each photo must be a JPEG image";
pub const TOO_LARGE: &str = "A photo is at most 50 megapixels and 8,192 pixels on a side";
pub const UNREADABLE: &str = "A photo could not be read as a JPEG image";

/// Decodes, checks and re-encodes one photo. CPU-bound (tens of milliseconds a megapixel):
/// call it on a blocking thread.
pub fn store(bytes: &[u8]) -> Result<Stored, &'static str> {
    // SOI then a marker: anything else is not even trying to be a JPEG.
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(NOT_JPEG);
    }
    let mut decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(|_| UNREADABLE)?;
    // The header's size, checked before the decoder allocates for its pixels.
    let (w, h) = decoder.dimensions();
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(TOO_LARGE);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    decoder.set_limits(limits).map_err(|_| TOO_LARGE)?;
    // A photo from a camera that stores it sideways with an orientation tag: upright here,
    // whether or not the browser turned it.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => TOO_LARGE,
        _ => UNREADABLE,
    })?;
    pixels.apply_orientation(orientation);
    // Greyscale stays greyscale; anything else (CMYK, 16-bit) becomes 8-bit RGB for the encoder.
    let pixels = match pixels {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => pixels,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    // Never larger than the photo: a small one is its own thumbnail.
    let thumbnail = if pixels.width().max(pixels.height()) > THUMBNAIL_SIDE {
        pixels.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        pixels.clone()
    };
    Ok(Stored {
        jpeg: encode(&pixels)?,
        thumbnail: encode(&thumbnail)?,
        width: pixels.width(),
        height: pixels.height(),
    })
}

/// The pixels as a baseline JPEG with nothing but the JFIF header.
fn encode(pixels: &DynamicImage) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(pixels)
        .map_err(|_| UNREADABLE)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        encode(&DynamicImage::ImageRgb8(img)).unwrap()
    }

    #[test]
    fn bounds_and_formats() {
        let stored = store(&jpeg(640, 480)).unwrap();
        assert_eq!((stored.width, stored.height), (640, 480));
        let thumb = image::load_from_memory(&stored.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
        assert_eq!(store(&jpeg(9_000, 10)).unwrap_err(), TOO_LARGE);
        assert_eq!(store(b"hello").unwrap_err(), NOT_JPEG);
        assert_eq!(
            store(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 2]).unwrap_err(),
            UNREADABLE
        );
    }
}
