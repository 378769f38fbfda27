//! `POST /attachments`: a file dropped or pasted into a composer (its script sends it at
//! once), stored to wait for its post; answered in JSON for the script to list it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::shell::upload::UploadForm;
use crate::web::error::AppResult;
use crate::web::form::NoFields;
use crate::web::urls;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/attachments", web::post().to(upload));
}

/// What the script is told of a stored upload.
#[derive(Serialize)]
struct Stored {
    id: i64,
    name: String,
    size: String,
    url: String,
    thumbnail: Option<String>,
}

/// A refusal the script shows as it is (not dressed as an error page).
fn refused(status: StatusCode, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status).json(serde_json::json!({ "error": message }));
    response
        .extensions_mut()
        .insert(crate::web::middleware::RawResponse);
    response
}

/// Takes the one file of the form (field `file`), already counted toward `already` files
/// the composer holds.
async fn upload(form: UploadForm<NoFields>) -> AppResult<HttpResponse> {
    let member = &form.member;
    let settings = &member.state.settings;
    let user = member.user();
    if let Err(message) = user.may_write() {
        return Ok(refused(StatusCode::FORBIDDEN, &message));
    }
    let already = form
        .values("already")
        .next()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let sent: Vec<_> = form.files.into_iter().take(1).collect();
    if sent.is_empty() {
        return Ok(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "No file came with the upload.",
        ));
    }
    let mut conn = member.state.conn().await?;
    let checked = super::check(&mut conn, user, settings, sent, already).await?;
    if let Some(message) = checked.refused.first() {
        return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, message));
    }
    let ids = super::keep_waiting(&mut conn, user.id, &checked.ready).await?;
    let stored = super::store::waiting(&mut conn, user.id, &ids).await?;
    let Some(file) = stored.into_iter().next() else {
        return Ok(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "No file came with the upload.",
        ));
    };
    Ok(HttpResponse::Ok().json(Stored {
        id: file.id.0,
        url: urls::attachment(file.id, &file.hash, &file.name).to_string(),
        thumbnail: file
            .is_picture()
            .then(|| urls::attachment_thumbnail(file.id, &file.hash).to_string()),
        size: super::size_label(i64::from(file.size)),
        name: file.name,
    }))
}
