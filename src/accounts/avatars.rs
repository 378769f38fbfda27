//! Avatars: an uploaded picture is decoded and drawn again by Parley (so nothing of the
//! original file, such as GPS metadata, survives), turned upright, cut square from its
//! middle and stored in the two sizes pages show; without one, the member's initials on a
//! colour chosen from their name.

use image::imageops::FilterType;
use sha2::{Digest, Sha256};

use crate::images::{self, PictureError};

/// The largest upload taken.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Pixels a side of the large size (profiles; drawn at half for sharp high-density screens).
pub const LARGE: u32 = 320;
/// Pixels a side of the small size (beside posts and in lists).
pub const SMALL: u32 = 96;

/// Why an upload was refused; each says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AvatarError {
    #[error("The picture is larger than 2 MB; please choose a smaller one.")]
    TooLarge,
    #[error(transparent)]
    Picture(#[from] PictureError),
}

/// A picture made ready: JPEG in both sizes, and a hash of them for its address.
#[derive(Debug)]
pub struct Avatar {
    /// Hex of the first 16 bytes of the large image's SHA-256.
    pub hash: String,
    pub large: Vec<u8>,
    pub small: Vec<u8>,
}

/// Decodes `bytes` (PNG, JPEG, WebP or GIF, its first frame) and draws the avatar anew.
/// Costs tens of milliseconds: run it off the threads that answer requests.
pub fn process(bytes: &[u8]) -> Result<Avatar, AvatarError> {
    if bytes.len() > MAX_BYTES {
        return Err(AvatarError::TooLarge);
    }
    let picture = images::decode(bytes)?;
    let large = picture.resize_to_fill(LARGE, LARGE, FilterType::Lanczos3);
    let small = large.resize_exact(SMALL, SMALL, FilterType::Lanczos3);
    let large = images::jpeg(&images::on_white(&large), 85)?;
    let small = images::jpeg(&images::on_white(&small), 85)?;
    let hash = images::content_hash(&large);
    Ok(Avatar { hash, large, small })
}

/// One or two letters for a member without a picture: the first of each part of the name
/// (split at `.`, `_` and `-`), in capitals.
pub fn initials(name: &str) -> String {
    let mut parts = name
        .split(['.', '_', '-', ' '])
        .filter_map(|part| part.chars().find(|c| c.is_alphanumeric()));
    let first = parts.next();
    let second = parts.next();
    first
        .into_iter()
        .chain(second)
        .flat_map(char::to_uppercase)
        .collect()
}

/// How many colours initials avatars are drawn on (classes `avatar-c0` … in the stylesheet).
pub const COLOURS: u32 = 12;

/// The colour of a name's initials avatar: always the same for the same name.
pub fn colour(name: &str) -> u32 {
    let digest = Sha256::digest(name.to_lowercase().as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % COLOURS
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat};
    use std::io::Cursor;

    fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, _| {
            image::Rgba([(x % 256) as u8, 40, 200, 255])
        }));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    #[test]
    fn pictures_of_each_format_come_out_square_in_both_sizes() {
        for format in [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Gif,
            ImageFormat::WebP,
        ] {
            let avatar = process(&encoded(format, 640, 200)).expect("processed");
            for (bytes, side) in [(&avatar.large, LARGE), (&avatar.small, SMALL)] {
                let back = image::load_from_memory(bytes).expect("a JPEG");
                assert_eq!((back.width(), back.height()), (side, side), "{format:?}");
            }
            assert_eq!(avatar.hash.len(), 32);
        }
    }

    #[test]
    fn what_is_not_a_picture_is_refused_with_a_reason() {
        assert_eq!(
            process(b"%PDF-1.7 not a picture").unwrap_err(),
            AvatarError::Picture(PictureError::NotAPicture)
        );
        let mut cut = encoded(ImageFormat::Png, 64, 64);
        cut.truncate(cut.len() / 2);
        assert_eq!(
            process(&cut).unwrap_err(),
            AvatarError::Picture(PictureError::Undecodable)
        );
        assert_eq!(
            process(&vec![0u8; MAX_BYTES + 1]).unwrap_err(),
            AvatarError::TooLarge
        );
    }

    #[test]
    fn initials_and_colours_come_from_the_name() {
        assert_eq!(initials("karen"), "K");
        assert_eq!(initials("john.doe"), "JD");
        assert_eq!(initials("former member 12"), "FM");
        assert_eq!(colour("Karen"), colour("karen"));
        assert!(colour("anyone") < COLOURS);
    }
}
