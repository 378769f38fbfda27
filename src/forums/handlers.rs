//! HTTP handlers of the forums feature.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::forums::views;
use crate::web::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::html;

/// `GET /`: the forum start page.
pub async fn start(ctx: Ctx) -> AppResult<HttpResponse> {
    Ok(html(StatusCode::OK, views::start(&ctx)))
}
