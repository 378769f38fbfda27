//! `/settings/sessions`: every device the member is logged in on, and logging them out.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;

use crate::account_pages::devices_views;
use crate::accounts::store;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::web::error::AppResult;
use crate::web::form::NoFields;
use crate::web::html;

/// Lists the member's live sessions.
pub async fn list(member: CurrentUser) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let devices = store::devices_of(&mut conn, member.user().id, Utc::now()).await?;
    Ok(html(
        StatusCode::OK,
        devices_views::devices(&member, &devices, &member.user().token_hash),
    ))
}

/// `POST /settings/sessions/{id}/logout`: ends one session (this one too, if chosen).
pub async fn log_out_one(
    member: CurrentUser,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let ended = store::end_device(&mut conn, member.user().id, *id).await?;
    let message = match ended {
        true => "That device is logged out.",
        false => "That device was already logged out.",
    };
    Ok(member.redirect_with_flash("/settings/sessions", message))
}

/// `POST /settings/sessions/others/logout`: ends every session but this one.
pub async fn log_out_others(
    member: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let mut conn = member.state.conn().await?;
    let ended = store::delete_other_sessions(&mut conn, user.id, &user.token_hash).await?;
    Ok(member.redirect_with_flash(
        "/settings/sessions",
        &format!(
            "Logged out {}.",
            crate::text::counted(ended as i64, "other device", "other devices")
        ),
    ))
}
