//! `/settings/data` ("Download my data"), `/settings/delete` ("Delete my account") and an
//! administrator's `/admin/users/{id}/delete`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::accounts::sessions::{clear_cookie, hash_token};
use crate::accounts::types::TokenPurpose;
use crate::accounts::{mails, store as accounts_store, two_factor};
use crate::ids::UserId;
use crate::leaving::{erase, export, views};
use crate::shell::ctx::{Admin, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::shell::reauth::current_password_ok;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FieldErrors, NoFields, is_checked};
use crate::web::html;

/// `GET /settings/data`.
pub async fn data_page(member: CurrentUser) -> AppResult<HttpResponse> {
    Ok(html(StatusCode::OK, views::data_page(&member)))
}

/// `POST /settings/data`: mails a link that downloads the data once (three a day).
pub async fn request_data(
    member: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let settings = &member.state.settings;
    let mut conn = member.state.conn().await?;
    limits::take(&mut conn, settings, Some(user), Limit::DataExport(user.id)).await?;
    let account = accounts_store::own_account(&mut conn, user.id).await?;
    mails::send_data_export(&mut conn, settings, user.id, &user.username, &account.email).await?;
    Ok(member.redirect_with_flash(
        "/settings/data",
        &format!(
            "We sent a download link to {}. It works once, within 24 hours.",
            account.email
        ),
    ))
}

/// `GET /settings/data/{token}`: a button, so that a mail scanner opening the link does
/// not use it up.
pub async fn download_page(
    member: CurrentUser,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let hash = hash_token(&token);
    let holder = accounts_store::token_holder(&mut conn, &hash, TokenPurpose::Export).await?;
    if holder != Some(member.user().id) {
        return Ok(link_not_valid(&member));
    }
    Ok(html(StatusCode::OK, views::download_page(&member, &token)))
}

fn link_not_valid(member: &CurrentUser) -> HttpResponse {
    html(StatusCode::NOT_FOUND, views::link_not_valid(member))
}

/// `POST /settings/data/{token}`: uses the link up (only its owner can) and sends the data.
pub async fn download(
    member: CurrentUser,
    token: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let hash = hash_token(&token);
    let mut conn = member.state.conn().await?;
    let used = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            match accounts_store::use_token(conn, &hash, TokenPurpose::Export).await? {
                Some((owner, _)) if owner == user.id => Ok(()),
                // Someone else's link stays unused.
                _ => Err(diesel::result::Error::RollbackTransaction),
            }
        })
        .await;
    match used {
        Ok(()) => {}
        Err(diesel::result::Error::RollbackTransaction) => return Ok(link_not_valid(&member)),
        Err(e) => return Err(e.into()),
    }
    let data = export::export(&mut conn, member.site_name(), user.id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"parley-data-{}.json\"", user.id),
        ))
        .body(export::to_json(&data)))
}

/// `GET /settings/delete`.
pub async fn delete_page(member: CurrentUser) -> AppResult<HttpResponse> {
    let page = views::delete_page(&member, &FieldErrors::new(), false);
    Ok(html(StatusCode::OK, page))
}

/// The form that deletes one's own account.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    current_password: String,
    code: String,
    hide_posts: Option<String>,
}

/// `POST /settings/delete`: with the password (throttled) and, with a second factor, a
/// code, the account becomes "former member N" and this browser is logged out.
pub async fn delete_own(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let hide_posts = is_checked(&form.hide_posts);
    let mut errors = FieldErrors::new();
    let settings = &member.state.settings;
    current_password_ok(&member, &form.current_password, &mut errors).await?;
    let mut conn = member.state.conn().await?;
    if errors.is_empty()
        && user.two_factor
        && !two_factor::accept_code(&mut conn, user.id, &form.code).await?
    {
        errors.add("code", "That code is not right.");
    }
    if !errors.is_empty() {
        let page = views::delete_page(&member, &errors, hide_posts);
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    erase::delete_account(&mut conn, user.id, user.id, hide_posts).await?;
    tracing::info!(user = %user.id, hide_posts, "account deleted by its owner");
    let mut response = member.redirect_with_flash(
        "/",
        "Your account was deleted. Thank you for everything you wrote here.",
    );
    clear_cookie(&mut response, settings.secure_cookies);
    Ok(response)
}

/// `GET /admin/users/{id}/delete`: what deleting this member does, and the button.
pub async fn admin_delete_page(admin: Admin, id: web::Path<UserId>) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let Some(leaver) = crate::leaving::store::leaver(&mut conn, *id).await? else {
        return Err(AppError::NotFound);
    };
    Ok(html(
        StatusCode::OK,
        views::admin_delete_page(&admin, *id, &leaver.username),
    ))
}

/// An administrator's deletion form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdminDeleteForm {
    hide_posts: Option<String>,
}

/// `POST /admin/users/{id}/delete`.
pub async fn admin_delete(
    admin: Admin,
    id: web::Path<UserId>,
    CsrfForm(form): CsrfForm<AdminDeleteForm>,
) -> AppResult<HttpResponse> {
    if *id == admin.user().id {
        return Err(AppError::Unprocessable(
            "Delete your own account from your settings.".into(),
        ));
    }
    let mut conn = admin.state.conn().await?;
    let hide_posts = is_checked(&form.hide_posts);
    let name = erase::delete_account(&mut conn, admin.user().id, *id, hide_posts).await?;
    Ok(admin.redirect_with_flash(
        "/admin/users",
        &format!("The account was deleted; its posts now show {name}."),
    ))
}
