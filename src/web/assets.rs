//! Static assets compiled into the binary and served under content-hashed names, so
//! browsers may cache them for a year and still see every change at once.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::web::error::AppError;

struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        stem: "style",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/style.css"),
    },
    Asset {
        stem: "similar",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/similar.js"),
    },
    Asset {
        stem: "canned",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/canned.js"),
    },
    Asset {
        stem: "composer",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/composer.js"),
    },
    Asset {
        stem: "icon",
        ext: "svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../assets/icon.svg"),
    },
];

fn hashed_names() -> &'static Vec<String> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                let digest = Sha256::digest(a.body);
                let short: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
                format!("{}.{short}.{}", a.stem, a.ext)
            })
            .collect()
    })
}

/// The URL of the asset named `stem` (e.g. `style`), with its content hash.
pub fn url(stem: &str) -> String {
    ASSETS
        .iter()
        .zip(hashed_names())
        .find(|(a, _)| a.stem == stem)
        .map(|(_, name)| format!("/assets/{name}"))
        .unwrap_or_default()
}

/// `GET /assets/{name}`.
pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (asset, _) = ASSETS
        .iter()
        .zip(hashed_names())
        .find(|(_, hashed)| **hashed == *name)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.body))
}
