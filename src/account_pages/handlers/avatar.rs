//! Avatars: uploading one (`POST /settings/avatar`, a multipart form), removing it, and
//! serving the pictures under addresses that change with them.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;

use super::settings::render_with_avatar_error;
use crate::accounts::avatars::{self, MAX_BYTES};
use crate::accounts::store;
use crate::ids::UserId;
use crate::shell::ctx::{Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::NoFields;

/// What the upload form sent: its CSRF token and the picture's bytes (at most one byte
/// past the limit, so that a larger file is refused without reading it all).
struct Upload {
    csrf: String,
    picture: Vec<u8>,
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let mut upload = Upload {
        csrf: String::new(),
        picture: Vec::new(),
    };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("The upload broke off.".into()))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("The upload broke off.".into()))?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                bytes.truncate(MAX_BYTES + 1);
                break;
            }
        }
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "avatar" => upload.picture = bytes,
            _ => {}
        }
        if upload.picture.len() > MAX_BYTES {
            break;
        }
    }
    Ok(upload)
}

/// Takes a picture, draws it again off the request threads, and makes it the avatar; a
/// picture that is refused comes back as a message on the settings page.
pub async fn upload(member: CurrentUser, form: Multipart) -> AppResult<HttpResponse> {
    let upload = read_upload(form).await?;
    if !member.csrf_matches(&upload.csrf) {
        return Err(AppError::Csrf);
    }
    if upload.picture.is_empty() {
        let message = "Please choose a picture to upload.";
        return render_with_avatar_error(&member, message).await;
    }
    let processed = web::block(move || avatars::process(&upload.picture))
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
