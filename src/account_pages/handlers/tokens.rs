//! `/settings/tokens`: a member's API tokens, making one (shown once) and revoking them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use serde::Deserialize;

use crate::account_pages::tokens_views::{self, Made, TokenForm};
use crate::accounts::api_tokens::{self, LIFETIMES, Scope, TokenRequest};
use crate::accounts::store;
use crate::accounts::types::Role;
use crate::markup::clean_text;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::web::error::AppResult;
use crate::web::form::{FieldErrors, NoFields, is_checked};
use crate::web::html;

/// The new-token form as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTokenForm {
    name: String,
    read: Option<String>,
    write: Option<String>,
    moderate: Option<String>,
    days: String,
}

/// `GET /settings/tokens`.
pub async fn list(member: CurrentUser) -> AppResult<HttpResponse> {
    render(&member, StatusCode::OK, &TokenForm::default(), None).await
}

async fn render(
    member: &CurrentUser,
    status: StatusCode,
    form: &TokenForm,
    made: Option<Made<'_>>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let tokens = api_tokens::list(&mut conn, member.user().id).await?;
    drop(conn);
    let moderator = member.user().role >= Role::Moderator;
    Ok(html(
        status,
        tokens_views::page(member, &tokens, form, moderator, made),
    ))
}

/// `POST /settings/tokens`: makes a token and shows it once.
pub async fn create(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let mut errors = FieldErrors::new();
    let name = clean_text(&form.name).trim().to_string();
    if name.is_empty() {
        errors.add("name", "Give the token a name, to tell it apart later.");
    } else if name.chars().count() > api_tokens::NAME_MAX {
        errors.add(
            "name",
            format!("A name has at most {} characters.", api_tokens::NAME_MAX),
        );
    }
    let wanted = [
        (Scope::Read, is_checked(&form.read)),
        (Scope::Write, is_checked(&form.write)),
        (Scope::Moderate, is_checked(&form.moderate)),
    ];
    let scopes: Vec<Scope> = wanted
        .iter()
        .filter(|(_, on)| *on)
        .map(|(s, _)| *s)
        .collect();
    if scopes.is_empty() {
        errors.add("scopes", "Choose at least one thing the token may do.");
    }
    if scopes.contains(&Scope::Moderate) && user.role < Role::Moderator {
        errors.add("scopes", "Only moderators may make tokens that moderate.");
    }
    let days = form
        .days
        .parse::<i64>()
        .ok()
        .filter(|d| LIFETIMES.contains(d));
    if days.is_none() {
        errors.add("days", "Choose how long the token lasts.");
    }
    let mut conn = member.state.conn().await?;
    if store::count_api_tokens(&mut conn, user.id).await? >= api_tokens::MAX_PER_MEMBER {
        errors.add(
            "name",
            format!(
                "You have {} tokens, the most one may hold; revoke one first.",
                api_tokens::MAX_PER_MEMBER
            ),
        );
    }
    let kept = TokenForm {
        name: form.name.clone(),
        scopes: scopes.clone(),
        days: days.unwrap_or(90),
        errors,
    };
    if !kept.errors.is_empty() {
        drop(conn);
        return render(&member, StatusCode::UNPROCESSABLE_ENTITY, &kept, None).await;
    }
    let expires_at = days
        .filter(|d| *d > 0)
        .map(|d| Utc::now() + Duration::days(d));
    let request = TokenRequest {
        name: &name,
        scopes: &scopes,
        expires_at,
    };
    let token = api_tokens::create(&mut conn, user.id, &request).await?;
    drop(conn);
    let made = Made {
        name: &name,
        token: &token,
    };
    render(&member, StatusCode::OK, &TokenForm::default(), Some(made)).await
}

/// `POST /settings/tokens/{id}/revoke`.
pub async fn revoke(
    member: CurrentUser,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let gone = store::delete_api_token(&mut conn, member.user().id, *id).await?;
    let message = match gone {
        true => "The token is revoked: it no longer works.",
        false => "That token was already revoked.",
    };
    Ok(member.redirect_with_flash("/settings/tokens", message))
}
