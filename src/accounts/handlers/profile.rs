//! `GET /u/{username}`: the public profile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::accounts::{store, views};
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::html;

/// Shows a member's public facts; never their e-mail address.
pub async fn show(ctx: Ctx, name: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let member = store::profile(&mut conn, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let moderation = crate::moderation::handlers::member_panel(&ctx, member.id).await?;
    Ok(html(
        StatusCode::OK,
        views::profile(&ctx, &member, moderation),
    ))
}
