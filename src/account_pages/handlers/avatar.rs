//! Avatars: uploading one (`POST /settings/avatar`, a multipart form), removing it, and
//! serving the pictures under addresses that change with them.

use actix_web::{HttpResponse, web};

use super::settings::render_with_avatar_error;
use crate::accounts::avatars;
use crate::accounts::store;
use crate::ids::UserId;
use crate::shell::ctx::{Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::shell::upload::UploadForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::NoFields;

/// Takes a picture (field `avatar`), draws it again off the request threads, and makes it
/// the avatar; a picture that is refused comes back as a message on the settings page.
pub async fn upload(form: UploadForm<NoFields>) -> AppResult<HttpResponse> {
    let member = form.member;
    let picture = form
        .files
        .into_iter()
        .find(|f| f.field == "avatar")
        .map(|f| f.bytes)
        .unwrap_or_default();
    if picture.is_empty() {
        let message = "Please choose a picture to upload.";
        return render_with_avatar_error(&member, message).await;
    }
    let processed = web::block(move || avatars::process(&picture))
        .await
        .map_err(AppError::caused_by)?;
    let avatar = match processed {
        Ok(avatar) => avatar,
        Err(refused) => return render_with_avatar_error(&member, &refused.to_string()).await,
    };
    let mut conn = member.state.conn().await?;
    let user = member.user().id;
    store::set_avatar(&mut conn, user, &avatar.hash, &avatar.large, &avatar.small).await?;
    Ok(member.redirect_with_flash("/settings", "Your new avatar is in place."))
}

/// `POST /settings/avatar/remove`: back to initials.
pub async fn remove(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    store::remove_avatar(&mut conn, member.user().id).await?;
    Ok(member.redirect_with_flash(
        "/settings",
        "Your avatar was removed; your initials show instead.",
    ))
}

/// `GET /avatars/{member}/{hash}/{size}.jpg`: the picture, cached for a year (a new
/// picture has a new address).
pub async fn picture(
    ctx: Ctx,
    path: web::Path<(UserId, String, String)>,
) -> AppResult<HttpResponse> {
    let (member, hash, file) = path.into_inner();
    let large = match file.as_str() {
        "large.jpg" => true,
        "small.jpg" => false,
        _ => return Err(AppError::NotFound),
    };
    let mut conn = ctx.state.conn().await?;
    let bytes = store::avatar_image(&mut conn, member, &hash, large)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(bytes))
}
