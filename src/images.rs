//! Pictures members upload (avatars, attachments): decoded within bounds, turned upright and
//! encoded again by Parley, so that nothing of the original file (metadata such as GPS,
//! trailing bytes, a payload hiding behind a valid header) is ever served.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};

/// A decoded picture may be at most this many pixels a side: bounds a decompression bomb.
pub const MAX_SIDE: u32 = 8000;

/// Why a picture could not be taken; each says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PictureError {
    #[error("Please choose a PNG, JPEG, WebP or GIF picture.")]
    NotAPicture,
    #[error("The picture could not be read; it may be damaged. Please choose another.")]
    Undecodable,
    #[error("The picture is too large to handle (more than 8000 pixels a side).")]
    TooManyPixels,
}

/// The format of a picture Parley takes, read from its first bytes (never from a name).
pub fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(bytes) {
        Ok(
            format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif),
        ) => Some(format),
        _ => None,
    }
}

/// Decodes a PNG, JPEG, WebP or GIF (its first frame) within the size bounds, turned as its
/// orientation tag says. Costs tens of milliseconds: run it off the request threads.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PictureError> {
    let Some(format) = format_of(bytes) else {
        return Err(PictureError::NotAPicture);
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let orientation = decoder.orientation().map_err(refusal)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

fn refusal(error: image::ImageError) -> PictureError {
    match error {
        image::ImageError::Limits(_) => PictureError::TooManyPixels,
        image::ImageError::Unsupported(_) => PictureError::NotAPicture,
        _ => PictureError::Undecodable,
    }
}

/// The picture with any transparency laid on white, as JPEG has none.
pub fn on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (x, y, pixel) in rgba.enumerate_pixels() {
        let [r, g, b, a] = pixel.0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        out.put_pixel(x, y, Rgb([blend(r), blend(g), blend(b)]));
    }
    out
}

/// JPEG at `quality` (1–100).
pub fn jpeg(picture: &RgbImage, quality: u8) -> Result<Vec<u8>, PictureError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(picture)
        .map_err(|_| PictureError::Undecodable)?;
    Ok(out)
}

/// PNG, lossless: what screenshots keep their sharp text in.
pub fn png(picture: &DynamicImage) -> Result<Vec<u8>, PictureError> {
    let mut out = Cursor::new(Vec::new());
    picture
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|_| PictureError::Undecodable)?;
    Ok(out.into_inner())
}

/// Hex of the first 16 bytes of the SHA-256 of `bytes`: the part of an address that
/// changes with the content.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
