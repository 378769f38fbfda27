//! "Notices": what the site has told a member (a question assigned to them, …).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::account_pages::views;
use crate::accounts::store;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::NoFields;
use crate::web::{html, redirect, urls};

/// Notices the page lists.
const SHOWN: i64 = 100;

/// `GET /notices`: the newest notices, the unread ones marked.
pub async fn list(member: CurrentUser) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let notices = store::notices_of(&mut conn, member.user().id, SHOWN).await?;
    Ok(html(StatusCode::OK, views::notices(&member, &notices)))
}

/// `GET /notices/{id}`: marks the notice read and goes where it leads.
pub async fn open(member: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let url = store::open_notice(&mut conn, member.user().id, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only paths of this site are kept, but a stored value is never trusted as a target.
    let url = if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        "/".into()
    };
    Ok(redirect::see_other(&url))
}

/// `POST /notices/read`: marks every notice read.
pub async fn read_all(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    store::read_notices(&mut conn, member.user().id).await?;
    Ok(member.redirect_with_flash(&urls::notices().to_string(), "All notices marked as read."))
}
