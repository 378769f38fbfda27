//! Deciding what an uploaded file is from its content, and making it ready to keep:
//! pictures drawn again (with a thumbnail), documents kept as sent once they prove to be
//! what they are accepted as.

use image::imageops::FilterType;

use crate::config::FileKind;
use crate::images::{self, PictureError};

/// Longest kept file name, in characters.
pub const NAME_MAX: usize = 120;
/// Pixels of the longer side of a thumbnail.
pub const THUMBNAIL: u32 = 320;

/// What the rules for attaching allow.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Largest file, in bytes.
    pub max_bytes: usize,
    /// Kinds besides pictures that are accepted.
    pub kinds: Vec<FileKind>,
}

/// Why a file was refused; each names the file and says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("“{0}” is larger than {1} MB; please attach a smaller file.")]
    TooLarge(String, usize),
    #[error("“{0}” is empty.")]
    Empty(String),
    #[error("“{0}” is a program or script; these cannot be attached.")]
    Program(String),
    #[error("“{0}” is a web page or SVG drawing; these cannot be attached.")]
    Markup(String),
    #[error("“{0}” is not the picture its name says it is.")]
    NotAPicture(String),
    #[error("“{0}” is not what its name says: its content is {1}.")]
    Mismatch(String, &'static str),
    #[error("“{0}” cannot be attached: accepted are {1}.")]
    NotAccepted(String, String),
    #[error("“{0}”: {1}")]
    Picture(String, PictureError),
}

/// A file ready to be stored.
#[derive(Debug)]
pub struct Prepared {
    /// The name shown and offered when saving (a picture's extension follows its new format).
    pub name: String,
    pub kind: FileKind,
    /// The bytes to serve.
    pub bytes: Vec<u8>,
    /// For pictures: a JPEG at most [`THUMBNAIL`] pixels a side, and the full size.
    pub thumbnail: Option<Vec<u8>>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Changes with the bytes: part of the file's address.
    pub hash: String,
}

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Picture,
    Pdf,
    Zip,
    Text,
    Markup,
    Program,
    Other,
}

impl Content {
    fn described(self) -> &'static str {
        match self {
            Content::Picture => "a picture",
            Content::Pdf => "a PDF document",
            Content::Zip => "a ZIP archive",
            Content::Text => "plain text",
            Content::Markup => "a web page",
            Content::Program => "a program",
            Content::Other => "of another kind",
        }
    }
}

fn sniff(bytes: &[u8]) -> Content {
    const PROGRAMS: &[&[u8]] = &[
        b"MZ",
        b"\x7fELF",
        b"#!",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\0asm",
    ];
    if images::format_of(bytes).is_some() {
        return Content::Picture;
    }
    if PROGRAMS.iter().any(|magic| bytes.starts_with(magic)) {
        return Content::Program;
    }
    if bytes.starts_with(b"%PDF-") {
        return Content::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Content::Zip;
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return Content::Other;
    }
    if looks_like_markup(head) {
        return Content::Markup;
    }
    // A cut in the middle of a multi-byte character at the end of the head is still text.
    match std::str::from_utf8(head) {
        Ok(_) => Content::Text,
        Err(e) if e.error_len().is_none() => Content::Text,
        Err(_) => Content::Other,
    }
}

/// Whether text starts the way an HTML page, an SVG drawing or other XML does, which a
/// browser could be talked into running.
fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    [
        "<!doctype",
        "<html",
        "<svg",
        "<?xml",
        "<script",
        "<head",
        "<body",
        "<iframe",
        "<!--",
    ]
    .iter()
    .any(|start| text.starts_with(start))
}

/// The kind a name's extension claims, if any.
fn claimed(name: &str) -> Option<FileKind> {
    let (_, extension) = name.rsplit_once('.')?;
    Some(match extension.to_ascii_lowercase().as_str() {
        "png" => FileKind::Png,
        "jpg" | "jpeg" => FileKind::Jpeg,
        "gif" => FileKind::Gif,
        "webp" => FileKind::Webp,
        "pdf" => FileKind::Pdf,
        "txt" => FileKind::Txt,
        "csv" => FileKind::Csv,
        "log" => FileKind::Log,
        "zip" => FileKind::Zip,
        _ => return None,
    })
}

/// A name safe to show and to offer for saving: no folders, no control characters, not
/// too long, never empty.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = crate::markup::clean_text(base)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        return "file".into();
    }
    if cleaned.chars().count() <= NAME_MAX {
        return cleaned;
    }
    // Keep the extension when shortening.
    let (stem, extension) = cleaned.rsplit_once('.').unwrap_or((&cleaned, ""));
    let keep = NAME_MAX.saturating_sub(extension.chars().count() + 1);
    let stem: String = stem.chars().take(keep).collect();
    if extension.is_empty() {
        stem
    } else {
        format!("{stem}.{extension}")
    }
}

/// `name` with its extension replaced by `extension`.
fn renamed(name: &str, extension: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{extension}")
}

/// The accepted kinds in words: "pictures (PNG, JPEG, WebP, GIF), PDF, TXT, …".
pub fn accepted_list(rules: &Rules) -> String {
    let mut names = vec!["pictures (PNG, JPEG, WebP, GIF)".to_string()];
    names.extend(
        rules
            .kinds
            .iter()
            .filter(|k| !k.is_picture())
            .map(|k| k.as_str().to_uppercase()),
    );
    names.join(", ")
}

/// Decides what `bytes` is, refuses what the rules do not accept or what pretends to be
/// something else, and makes the rest ready to store. Pictures are decoded and encoded
/// again, which costs tens of milliseconds: run this off the request threads.
pub fn prepare(name: &str, bytes: Vec<u8>, rules: &Rules) -> Result<Prepared, Refusal> {
    let name = clean_name(name);
    if bytes.is_empty() {
        return Err(Refusal::Empty(name));
    }
    if bytes.len() > rules.max_bytes {
        return Err(Refusal::TooLarge(name, rules.max_bytes / (1024 * 1024)));
    }
    let content = sniff(&bytes);
    let claim = claimed(&name);
    match content {
        Content::Program => return Err(Refusal::Program(name)),
        Content::Markup => return Err(Refusal::Markup(name)),
        Content::Picture => return picture(name, &bytes, rules),
        _ => {}
    }
    if claim.is_some_and(FileKind::is_picture) {
        return Err(Refusal::NotAPicture(name));
    }
    let kind = match (content, claim) {
        (Content::Pdf, None | Some(FileKind::Pdf)) => FileKind::Pdf,
        (Content::Zip, None | Some(FileKind::Zip)) => FileKind::Zip,
        (Content::Text, Some(kind @ (FileKind::Csv | FileKind::Log | FileKind::Txt))) => kind,
        (Content::Text, None) => FileKind::Txt,
        (Content::Other, _) => return Err(Refusal::NotAccepted(name, accepted_list(rules))),
        (content, Some(_)) => return Err(Refusal::Mismatch(name, content.described())),
        (_, None) => return Err(Refusal::NotAccepted(name, accepted_list(rules))),
    };
    if !rules.kinds.contains(&kind) {
        return Err(Refusal::NotAccepted(name, accepted_list(rules)));
    }
    // A file without the extension of its kind gets it, so that it opens with the right
    // program once saved.
    let name = if claim == Some(kind) {
        name
    } else {
        format!("{name}.{}", kind.as_str())
    };
    Ok(Prepared {
        name,
        kind,
        hash: images::content_hash(&bytes),
        bytes,
        thumbnail: None,
        width: None,
        height: None,
    })
}

/// A picture drawn again: screenshots and drawings stay lossless PNG, photographs JPEG
/// (as does anything whose PNG would be over the size limit); the thumbnail is JPEG.
fn picture(name: String, bytes: &[u8], rules: &Rules) -> Result<Prepared, Refusal> {
    let refused = |e: PictureError| Refusal::Picture(name.clone(), e);
    let was_jpeg = images::format_of(bytes) == Some(image::ImageFormat::Jpeg);
    let decoded = images::decode(bytes).map_err(refused)?;
    let (width, height) = (decoded.width(), decoded.height());
    let mut kind = if was_jpeg {
        FileKind::Jpeg
    } else {
        FileKind::Png
    };
    let mut out = if was_jpeg {
        images::jpeg(&images::on_white(&decoded), 90).map_err(refused)?
    } else {
        images::png(&decoded).map_err(refused)?
    };
    if out.len() > rules.max_bytes && kind == FileKind::Png {
        kind = FileKind::Jpeg;
        out = images::jpeg(&images::on_white(&decoded), 90).map_err(refused)?;
    }
    if out.len() > rules.max_bytes {
        return Err(Refusal::TooLarge(name, rules.max_bytes / (1024 * 1024)));
    }
    let small = if width > THUMBNAIL || height > THUMBNAIL {
        decoded.resize(THUMBNAIL, THUMBNAIL, FilterType::Triangle)
    } else {
        decoded
    };
    let thumbnail = images::jpeg(&images::on_white(&small), 82).map_err(refused)?;
    let extension = if kind == FileKind::Jpeg { "jpg" } else { "png" };
    let name = match claimed(&name) {
        Some(claim) if claim == kind => name,
        _ => renamed(&name, extension),
    };
    Ok(Prepared {
        name,
        kind,
        hash: images::content_hash(&out),
        bytes: out,
        thumbnail: Some(thumbnail),
        width: Some(width),
        height: Some(height),
    })
}

/// The `Content-Type` a kind is served with.
pub fn content_type(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Png => "image/png",
        FileKind::Jpeg => "image/jpeg",
        FileKind::Gif => "image/gif",
        FileKind::Webp => "image/webp",
        FileKind::Pdf => "application/pdf",
        FileKind::Txt | FileKind::Log => "text/plain; charset=utf-8",
        FileKind::Csv => "text/csv; charset=utf-8",
        FileKind::Zip => "application/zip",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat};
    use std::io::Cursor;

    fn rules() -> Rules {
        Rules {
            max_bytes: 1024 * 1024,
            kinds: vec![
                FileKind::Pdf,
                FileKind::Txt,
                FileKind::Csv,
                FileKind::Log,
                FileKind::Zip,
            ],
        }
    }

    fn picture_bytes(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
        }));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    #[test]
    fn pictures_are_drawn_again_with_a_thumbnail() {
        for format in [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Gif,
            ImageFormat::WebP,
        ] {
            let file = prepare("shot.img", picture_bytes(format, 800, 400), &rules())
                .unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert!(file.kind == FileKind::Png || file.kind == FileKind::Jpeg);
            assert_eq!((file.width, file.height), (Some(800), Some(400)));
            let thumb = image::load_from_memory(file.thumbnail.as_ref().unwrap()).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (320, 160));
            assert!(
                file.name.ends_with(".png") || file.name.ends_with(".jpg"),
                "{}",
                file.name
            );
        }
        let jpeg = prepare(
            "photo.jpeg",
            picture_bytes(ImageFormat::Jpeg, 50, 50),
            &rules(),
        )
        .unwrap();
        assert_eq!(
            (jpeg.kind, jpeg.name.as_str()),
            (FileKind::Jpeg, "photo.jpeg")
        );
    }

    #[test]
    fn the_content_decides_not_the_name() {
        let r = rules();
        let html = b"<!DOCTYPE html><script>alert(1)</script>".to_vec();
        assert!(matches!(
            prepare("cat.png", html.clone(), &r),
            Err(Refusal::Markup(_))
        ));
        assert!(matches!(
            prepare("notes.txt", html, &r),
            Err(Refusal::Markup(_))
        ));
        let svg = b"  <svg xmlns='http://www.w3.org/2000/svg'><script/></svg>".to_vec();
        assert!(matches!(
            prepare("logo.gif", svg, &r),
            Err(Refusal::Markup(_))
        ));
        let exe = b"MZ\x90\0\x03\0\0\0".to_vec();
        assert!(matches!(
            prepare("invoice.pdf", exe, &r),
            Err(Refusal::Program(_))
        ));
        let elf = b"\x7fELF\x02\x01\x01".to_vec();
        assert!(matches!(
            prepare("a.jpg", elf, &r),
            Err(Refusal::Program(_))
        ));
        let text = b"just words".to_vec();
        assert!(matches!(
            prepare("a.jpg", text.clone(), &r),
            Err(Refusal::NotAPicture(_))
        ));
        assert!(matches!(
            prepare("a.pdf", text, &r),
            Err(Refusal::Mismatch(_, "plain text"))
        ));
        let pdf = prepare("report", b"%PDF-1.7\n...".to_vec(), &r).unwrap();
        assert_eq!((pdf.kind, pdf.name.as_str()), (FileKind::Pdf, "report.pdf"));
        let csv = prepare("export.CSV", b"a,b\n1,2\n".to_vec(), &r).unwrap();
        assert_eq!(csv.kind, FileKind::Csv);
        let zip = prepare("logs.zip", b"PK\x03\x04rest".to_vec(), &r).unwrap();
        assert_eq!(zip.kind, FileKind::Zip);
        let binary = vec![0u8, 1, 2, 3];
        assert!(matches!(
            prepare("x.bin", binary, &r),
            Err(Refusal::NotAccepted(..))
        ));
        let mut damaged = picture_bytes(ImageFormat::Png, 64, 64);
        damaged.truncate(damaged.len() / 2);
        assert!(matches!(
            prepare("x.png", damaged, &r),
            Err(Refusal::Picture(..))
        ));
    }

    #[test]
    fn settings_and_limits_are_kept() {
        let only_pdf = Rules {
            max_bytes: 100,
            kinds: vec![FileKind::Pdf],
        };
        assert!(matches!(
            prepare("a.zip", b"PK\x03\x04".to_vec(), &only_pdf),
            Err(Refusal::NotAccepted(..))
        ));
        assert!(matches!(
            prepare("a.pdf", vec![b'%'; 101], &only_pdf),
            Err(Refusal::TooLarge(..))
        ));
        assert!(matches!(
            prepare("a.txt", Vec::new(), &only_pdf),
            Err(Refusal::Empty(_))
        ));
    }

    #[test]
    fn names_lose_folders_and_tricks() {
        assert_eq!(clean_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("..."), "file");
        assert_eq!(clean_name("a\u{202e}gpj.exe"), "agpj.exe");
        assert_eq!(clean_name("\"quoted\".txt"), "quoted.txt");
        let long = format!("{}.log", "x".repeat(300));
        let short = clean_name(&long);
        assert_eq!(short.chars().count(), NAME_MAX);
        assert!(short.ends_with(".log"));
    }
}
