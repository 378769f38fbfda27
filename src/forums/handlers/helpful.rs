//! `POST /p/{id}/helpful`: "Helpful" on someone else's post, or taking it back. It sends
//! no mail.

use actix_web::HttpResponse;
use actix_web::web;
use serde::Deserialize;

use crate::forums::store;
use crate::forums::visibility::Reader;
use crate::ids::PostId;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::{redirect, urls};

/// `add` or `remove`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HelpfulForm {
    action: String,
}

/// Marks the post helpful for the member (or takes the mark back) and goes back to it.
/// Only a post the member may read, not hidden and not their own, takes a mark.
pub async fn mark(
    member: CurrentUser,
    id: web::Path<PostId>,
    CsrfForm(form): CsrfForm<HelpfulForm>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let mut conn = member.state.conn().await?;
    let place = store::post_location(&mut conn, *id)
        .await?
        .filter(|p| !p.facts.post_hidden && Reader::of(&member).sees_post(p.facts.facts()))
        .ok_or(AppError::NotFound)?;
    if place.facts.post_author_id == user.id {
        return Err(AppError::Unprocessable(
            "Your own posts cannot be marked helpful by you.".into(),
        ));
    }
    if user.suspended().is_some() {
        return Err(AppError::Forbidden(
            "Your account is suspended: you cannot mark posts until the suspension ends.".into(),
        ));
    }
    match form.action.as_str() {
        "add" => store::mark_helpful(&mut conn, *id, user.id).await?,
        "remove" => store::unmark_helpful(&mut conn, *id, user.id).await?,
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    Ok(redirect::see_other(&urls::post(*id).to_string()))
}
