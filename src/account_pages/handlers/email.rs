//! Address confirmation (`/confirm/{token}`, resend) and password reset
//! (`/password/forgot`, `/password/reset/{token}`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::account_pages::views;
use crate::accounts::mails;
use crate::accounts::sessions::hash_token;
use crate::accounts::types::TokenPurpose;
use crate::accounts::{password, store};
use crate::shell::ctx::{Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::client;
use crate::web::error::{AppError, AppResult, violated_unique};
use crate::web::form::{FieldErrors, NoFields};
use crate::web::html;

/// A member may ask for a new confirmation mail this often.
const RESEND_SECONDS: i64 = 120;

/// `GET /confirm/{token}`: confirms the address the token was sent to (a new member's,
/// or a changed one, which only now replaces the old).
pub async fn confirm(
    req: HttpRequest,
    ctx: Ctx,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let hash = hash_token(&token);
    let outcome = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            let Some((user, email)) = store::use_token(conn, &hash, TokenPurpose::Confirm).await?
            else {
                return Ok(None);
            };
            store::void_tokens(conn, user, TokenPurpose::Confirm).await?;
            let new_account = store::awaits_first_confirmation(conn, user).await?;
            store::confirm_email(conn, user, &email, Utc::now()).await?;
            let applicant = store::is_applicant(conn, user).await?;
            Ok(Some((user, new_account, applicant)))
        })
        .await;
    match outcome {
        Ok(Some((_, _, true))) => Ok(ctx.redirect_with_flash(
            "/",
            "Your e-mail address is confirmed. An administrator will look at your registration; we will write to you.",
        )),
        Ok(Some((user, new_account, false))) => {
            let response =
                ctx.redirect_with_flash("/", "Your e-mail address is confirmed. Welcome!");
            // A new member's first link is how they log in: registering does not, so that
            // the register page answers alike whether the address has an account or not.
            if new_account && ctx.user().is_none() {
                super::login::with_session(&ctx, &mut conn, &req, user, false, response).await
            } else {
                Ok(response)
            }
        }
        Ok(None) => Ok(html(
            StatusCode::NOT_FOUND,
            views::message_page(
                &ctx,
                "Link not valid",
                "This confirmation link was already used or has expired. Log in and ask for a new one.",
            ),
        )),
        Err(e) if violated_unique(&e) == Some("users_email_key") => Err(AppError::Conflict(
            "Another account uses this address by now, so it cannot be confirmed for yours.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /confirm/resend`: a new confirmation mail, at most every two minutes.
pub async fn resend(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let user = member.user();
    if user.email_confirmed {
        return Ok(member.redirect_with_flash("/", "Your e-mail address is already confirmed."));
    }
    let mut conn = member.state.conn().await?;
    let account = store::own_account(&mut conn, user.id).await?;
    let settings = &member.state.settings;
    let sent = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            if !store::claim_confirmation_slot(conn, user.id, RESEND_SECONDS).await? {
                return Ok(false);
            }
            mails::send_confirmation(conn, settings, user.id, &account.username, &account.email)
                .await?;
            Ok(true)
        })
        .await?;
    if !sent {
        return Err(AppError::TooManyRequests {
            retry_after: std::time::Duration::from_secs(RESEND_SECONDS as u64),
            message: "A confirmation mail was sent a moment ago. Please check your inbox (and spam folder) and try again in two minutes.".into(),
        });
    }
    Ok(member.redirect_with_flash(
        "/",
        &format!("We sent a new confirmation link to {}.", account.email),
    ))
}

/// The forgot-password form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

const FORGOT_ANSWER: &str = "If an account uses this address, a mail with a link to choose a new password is on its way. The link works for one hour.";

/// `GET /password/forgot`.
pub async fn forgot_form(ctx: Ctx) -> AppResult<HttpResponse> {
    Ok(html(
        StatusCode::OK,
        views::forgot(&ctx, "", &FieldErrors::new()),
    ))
}

/// `POST /password/forgot`: always the same answer, whether or not the address exists.
pub async fn forgot(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> AppResult<HttpResponse> {
    let email = form.email.trim();
    if email.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("email", "Please enter the e-mail address of your account.");
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::forgot(&ctx, email, &errors),
        ));
    }
    let settings = &ctx.state.settings;
    let mut conn = ctx.state.conn().await?;
    let ip = client::ip(&req, settings);
    limits::take(&mut conn, settings, None, Limit::ResetFromAddress(&ip)).await?;
    let found = store::account_by_email(&mut conn, email).await?;
    if let Some((user, username, address)) = found {
        // Past the account's own limit nothing more is sent, and the answer stays the same.
        if !limits::allowed(&mut conn, settings, Limit::ResetOfAccount(user)).await? {
            return Ok(ctx.redirect_with_flash("/login", FORGOT_ANSWER));
        }
        mails::send_password_reset(&mut conn, &ctx.state.settings, user, &username, &address)
            .await?;
    }
    Ok(ctx.redirect_with_flash("/login", FORGOT_ANSWER))
}

/// The new-password form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    confirmation: String,
}

/// `GET /password/reset/{token}`.
pub async fn reset_form(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    if !store::token_valid(&mut conn, &hash_token(&token), TokenPurpose::Reset).await? {
        return Ok(invalid_reset(&ctx));
    }
    Ok(html(
        StatusCode::OK,
        views::reset(&ctx, &token, &FieldErrors::new()),
    ))
}

fn invalid_reset(ctx: &Ctx) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        views::message_page(
            ctx,
            "Link not valid",
            "This password-reset link was already used or has expired. You can ask for a new one on the log-in page.",
        ),
    )
}

/// `POST /password/reset/{token}`: sets the password and ends every session of the member.
pub async fn reset(
    ctx: Ctx,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> AppResult<HttpResponse> {
    let hash = hash_token(&token);
    let mut conn = ctx.state.conn().await?;
    if !store::token_valid(&mut conn, &hash, TokenPurpose::Reset).await? {
        return Ok(invalid_reset(&ctx));
    }
    let mut errors = FieldErrors::new();
    password::check(&form.password, &form.confirmation, "", &mut errors);
    if !errors.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::reset(&ctx, &token, &errors),
        ));
    }
    let new_hash = password::hash(form.password).await?;
    let done = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            let Some((user, _)) = store::use_token(conn, &hash, TokenPurpose::Reset).await? else {
                return Ok(false);
            };
            store::set_password_hash(conn, user, &new_hash).await?;
            // Every other reset link mailed before dies with this one.
            store::void_tokens(conn, user, TokenPurpose::Reset).await?;
            store::delete_all_sessions(conn, user).await?;
            Ok(true)
        })
        .await?;
    if !done {
        return Ok(invalid_reset(&ctx));
    }
    let mut response = ctx.redirect_with_flash("/login",
        "Your password was changed and you were logged out everywhere. Log in with the new password.",
    );
    crate::accounts::sessions::clear_cookie(&mut response, ctx.state.settings.secure_cookies);
    Ok(response)
}
