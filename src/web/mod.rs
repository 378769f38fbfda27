//! Cross-cutting HTTP: layout, errors, request context, forms, cookies, assets and headers.

pub mod assets;
pub mod chart;
pub mod client;
pub mod cookies;
pub mod error;
pub mod form;
pub mod middleware;
pub mod pagination;
pub mod redirect;
pub mod time;
pub mod urls;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::Markup;

/// An HTML page with a given status (e.g. a rejected form with 422).
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // Kept only by the browser itself, and checked with the server (ETag) before reuse.
        .insert_header(("Cache-Control", "private, no-cache"))
        .body(markup.into_string())
}
