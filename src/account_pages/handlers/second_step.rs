//! `GET/POST /login/code`: the second step of logging in, for members with two-factor
//! authentication, and the trusted devices that may skip it.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;
use serde::Deserialize;

use super::login::finish_log_in;
use crate::account_pages::two_factor_views;
use crate::accounts::sessions::{hash_token, truncate};
use crate::accounts::store::{self, Challenge};
use crate::accounts::two_factor::{self, CHALLENGE_MINUTES, TRUST_DAYS};
use crate::ids::UserId;
use crate::shell::ctx::Ctx;
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::client;
use crate::web::cookies::{self, LOGIN_STEP, TRUSTED};
use crate::web::error::{AppError, AppResult};
use crate::web::form::is_checked;
use crate::web::{html, redirect};

/// Whether `user` must give a second factor on this browser.
pub(super) async fn needed(
    conn: &mut AsyncPgConnection,
    req: &HttpRequest,
    user: UserId,
) -> AppResult<bool> {
    if !store::has_second_factor(conn, user).await? {
        return Ok(false);
    }
    let Some(token) = cookies::value(req, TRUSTED) else {
        return Ok(true);
    };
    Ok(!store::device_trusted(conn, &hash_token(&token), user, Utc::now()).await?)
}

/// Keeps the log-in waiting for its second step and sends the browser to it.
pub(super) async fn begin(
    ctx: &Ctx,
    conn: &mut AsyncPgConnection,
    user: UserId,
    remember: bool,
    next: Option<&str>,
    draft: Option<String>,
) -> AppResult<HttpResponse> {
    let token = cookies::random_token();
    let challenge = Challenge {
        user_id: user,
        remember,
        next: next.map(str::to_string),
        draft,
    };
    let expires = Utc::now() + Duration::minutes(CHALLENGE_MINUTES);
    store::insert_challenge(conn, &hash_token(&token), &challenge, expires).await?;
    let mut response = redirect::see_other("/login/code");
    let mut cookie = cookies::build(LOGIN_STEP, token, ctx.state.settings.secure_cookies);
    cookie.set_max_age(CookieDuration::minutes(CHALLENGE_MINUTES));
    let _ = response.add_cookie(&cookie);
    Ok(response)
}

/// The pending log-in this browser started, with its token's hash.
async fn pending(
    req: &HttpRequest,
    conn: &mut AsyncPgConnection,
) -> AppResult<Option<(Vec<u8>, Challenge)>> {
    let Some(token) = cookies::value(req, LOGIN_STEP) else {
        return Ok(None);
    };
    let hash = hash_token(&token);
    Ok(store::challenge(conn, &hash, Utc::now())
        .await?
        .map(|challenge| (hash, challenge)))
}

fn start_again(ctx: &Ctx) -> HttpResponse {
    let mut response = ctx.redirect_with_flash(
        "/login",
        "Your log-in waited too long for its code. Please log in again.",
    );
    let _ = response.add_cookie(&cookies::removal(
        LOGIN_STEP,
        ctx.state.settings.secure_cookies,
    ));
    response
}

/// Shows the form asking for a code.
pub async fn show(req: HttpRequest, ctx: Ctx) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    if pending(&req, &mut conn).await?.is_none() {
        return Ok(start_again(&ctx));
    }
    Ok(html(
        StatusCode::OK,
        two_factor_views::second_step(&ctx, None, false),
    ))
}

/// The code form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    trust: Option<String>,
}

const WRONG_CODE: &str = "That code is not right. Type the six digits your app shows now, or one of your recovery codes.";

/// Checks the code (throttled per account) and finishes the log-in.
pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<HttpResponse> {
    let settings = &ctx.state.settings;
    let mut conn = ctx.state.conn().await?;
    let Some((hash, challenge)) = pending(&req, &mut conn).await? else {
        return Ok(start_again(&ctx));
    };
    let user = challenge.user_id;
    let trust = is_checked(&form.trust);
    let limit = Limit::SecondStep(user);
    if let Err(AppError::TooManyRequests { .. }) =
        limits::take(&mut conn, settings, None, limit).await
    {
        let problem = "Too many wrong codes. Wait a few minutes, then try again.";
        return Ok(html(
            StatusCode::TOO_MANY_REQUESTS,
            two_factor_views::second_step(&ctx, Some(problem), trust),
        ));
    }
    if !two_factor::accept_code(&mut conn, user, &form.code).await? {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            two_factor_views::second_step(&ctx, Some(WRONG_CODE), trust),
        ));
    }
    limits::clear(&mut conn, limit).await?;
    store::delete_challenge(&mut conn, &hash).await?;
    let (remember, next) = (challenge.remember, challenge.next.as_deref());
    let draft = challenge.draft.as_deref();
    let mut response = finish_log_in(&ctx, &mut conn, &req, user, remember, next, draft).await?;
    let secure = settings.secure_cookies;
    let _ = response.add_cookie(&cookies::removal(LOGIN_STEP, secure));
    if trust {
        let token = cookies::random_token();
        let agent = truncate(client::user_agent(&req));
        let expires = Utc::now() + Duration::days(TRUST_DAYS);
        store::trust_device(&mut conn, &hash_token(&token), user, agent, expires).await?;
        let mut cookie = cookies::build(TRUSTED, token, secure);
        cookie.set_max_age(CookieDuration::days(TRUST_DAYS));
        let _ = response.add_cookie(&cookie);
    }
    Ok(response)
}
