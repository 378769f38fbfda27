//! `GET/POST /login`, `POST /logout`, and the log-in throttle.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::second_step;
use crate::account_pages::views;
use crate::accounts::mails;
use crate::accounts::types::TokenPurpose;
use crate::accounts::{password, sessions, store};
use crate::ids::UserId;
use crate::shell::ctx::{Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::shell::login_form::LoginInput;
use crate::web::client;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{NoFields, is_checked};
use crate::web::{html, redirect};

const WRONG: &str = "Wrong user name, e-mail address or password.";
const WAITING: &str = "Your registration waits for an administrator's approval; we will write to you once they have decided.";

/// `?next=` on the log-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Shows the form.
pub async fn show(ctx: Ctx, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = query.into_inner().next;
    if ctx.user().is_some() {
        return Ok(redirect::see_other(redirect::safe_next(next.as_deref())));
    }
    let input = LoginInput {
        next: next.filter(|n| redirect::is_local_path(n)),
        ..LoginInput::default()
    };
    Ok(html(StatusCode::OK, views::login(&ctx, &input, None)))
}

/// The throttles a log-in attempt counts against: per account from this address (the one
/// an attacker at one address meets), per address whatever the account, and account-wide
/// (slower; past it the owner logs in with a mailed link). Each attempt is counted before
/// its password is checked, so parallel attempts cannot pass a throttle together; a
/// log-in that succeeds forgets them.
struct Throttles<'a> {
    pair: Limit<'a>,
    address: Limit<'a>,
    account: Limit<'a>,
}

impl<'a> Throttles<'a> {
    fn new(account_key: &'a str, ip: &'a str) -> Throttles<'a> {
        Throttles {
            pair: Limit::LogIn {
                account: account_key,
                ip,
            },
            address: Limit::LogInFrom(ip),
            account: Limit::LogInAnywhere(account_key),
        }
    }

    /// Counts the attempt; `Ok(Some(wait))` when the account-wide throttle refused it
    /// for `wait` (the mailed link is the way in meanwhile).
    async fn take(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        settings: &crate::config::Settings,
    ) -> AppResult<Option<std::time::Duration>> {
        for limit in [self.pair, self.address] {
            limits::take(conn, settings, None, limit).await?;
        }
        match limits::take(conn, settings, None, self.account).await {
            Err(AppError::TooManyRequests { retry_after, .. }) => {
                // This attempt tested no password, so it does not count elsewhere either.
                self.refund(conn, settings).await?;
                Ok(Some(retry_after))
            }
            other => other.map(|()| None),
        }
    }

    /// Gives the attempt back (it was not a password test after all).
    async fn refund(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        settings: &crate::config::Settings,
    ) -> AppResult<()> {
        for limit in [self.pair, self.address] {
            limits::refund(conn, settings, None, limit).await?;
        }
        Ok(())
    }

    /// Forgets the failures this account had, after the right password.
    async fn succeeded(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
        settings: &crate::config::Settings,
    ) -> AppResult<()> {
        limits::clear(conn, self.pair).await?;
        limits::clear(conn, self.account).await?;
        limits::refund(conn, settings, None, self.address).await
    }
}

/// The key an account's log-in failures count under, whichever name was typed.
fn account_key(user: UserId) -> String {
    format!("user:{user}")
}

/// Checks the credentials (throttled) and starts a session. No database connection is
/// held while the password hash is computed.
pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(input): CsrfForm<LoginInput>,
) -> AppResult<HttpResponse> {
    let identifier = input.identifier.trim().to_string();
    let settings = &ctx.state.settings;
    let ip = client::ip(&req, settings);
    let mut conn = ctx.state.conn().await?;
    let candidate = store::login_candidate(&mut conn, &identifier).await?;
    // Failures count per account however it was named, and per unknown name otherwise.
    let account_key = match &candidate {
        Some(c) => account_key(c.id),
        None => format!("name:{}", identifier.to_lowercase()),
    };
    let shown = LoginInput {
        identifier: identifier.clone(),
        password: String::new(),
        ..input.clone()
    };
    let throttles = Throttles::new(&account_key, &ip);
    if let Some(wait) = throttles.take(&mut conn, settings).await? {
        let mut locked = html(
            StatusCode::TOO_MANY_REQUESTS,
            views::login_locked(&ctx, &shown),
        );
        if let Ok(value) = wait.as_secs().max(1).to_string().parse() {
            locked
                .headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, value);
        }
        return Ok(locked);
    }
    // A banned account's password is never tested, so a ban does not tell whether a
    // guess was right.
    if candidate.as_ref().is_some_and(|c| c.banned_at.is_some()) {
        throttles.refund(&mut conn, settings).await?;
        return Ok(html(
            StatusCode::FORBIDDEN,
            views::login(&ctx, &shown, Some("This account has been banned.")),
        ));
    }
    drop(conn);
    let verification = match password::verify(
        &ctx.state.hashing,
        candidate.as_ref().map(|c| c.password_hash.clone()),
        input.password.clone(),
    )
    .await
    {
        Ok(verification) => verification,
        Err(e) => {
            let mut conn = ctx.state.conn().await?;
            throttles.refund(&mut conn, settings).await?;
            return Err(e.into());
        }
    };
    let mut conn = ctx.state.conn().await?;
    let Some(account) = candidate.filter(|_| verification.ok) else {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::login(&ctx, &shown, Some(WRONG)),
        ));
    };
    throttles.succeeded(&mut conn, settings).await?;
    if store::is_applicant(&mut conn, account.id).await? {
        return Ok(html(
            StatusCode::FORBIDDEN,
            views::login(&ctx, &shown, Some(WAITING)),
        ));
    }
    if verification.needs_rehash {
        drop(conn);
        let fresh = password::hash(input.password).await?;
        conn = ctx.state.conn().await?;
        store::set_password_hash(&mut conn, account.id, &fresh).await?;
    }
    let remember = is_checked(&input.remember);
    let next = input.next.as_deref();
    start_session(
        &ctx,
        &mut conn,
        &req,
        account.id,
        remember,
        next,
        input.draft,
    )
    .await
}

/// Logs `user` in, whose password or mailed link was right: with a second factor, and
/// on a browser they have not trusted, the second step comes first.
async fn start_session(
    ctx: &Ctx,
    conn: &mut diesel_async::AsyncPgConnection,
    req: &HttpRequest,
    user: UserId,
    remember: bool,
    next: Option<&str>,
    draft: Option<String>,
) -> AppResult<HttpResponse> {
    if second_step::needed(conn, req, user).await? {
        return second_step::begin(ctx, conn, user, remember, next, draft).await;
    }
    finish_log_in(ctx, conn, req, user, remember, next, draft.as_deref()).await
}

/// Starts a session for `user`, keeps a reply typed before logging in, and sends the
/// browser on to `next`.
pub(super) async fn finish_log_in(
    ctx: &Ctx,
    conn: &mut diesel_async::AsyncPgConnection,
    req: &HttpRequest,
    user: UserId,
    remember: bool,
    next: Option<&str>,
    draft: Option<&str>,
) -> AppResult<HttpResponse> {
    if let (Some(next), Some(draft)) = (next, draft) {
        crate::forums::writing::keep_draft(conn, user, next, draft).await?;
    }
    let response = redirect::see_other(redirect::safe_next(next));
    with_session(ctx, conn, req, user, remember, response).await
}

/// `response`, with the cookie of a new session for `user`.
pub(super) async fn with_session(
    ctx: &Ctx,
    conn: &mut diesel_async::AsyncPgConnection,
    req: &HttpRequest,
    user: UserId,
    remember: bool,
    mut response: HttpResponse,
) -> AppResult<HttpResponse> {
    let ip = client::ip(req, &ctx.state.settings);
    let token = sessions::create(conn, user, remember, client::user_agent(req), &ip).await?;
    tracing::info!(user = %user, "logged in");
    sessions::set_cookie(
        &mut response,
        &token,
        remember,
        ctx.state.settings.secure_cookies,
    );
    Ok(response)
}

/// The form asking for a log-in link.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkRequest {
    identifier: String,
}

const LINK_ANSWER: &str = "If that account exists and its address is confirmed, we sent a one-time log-in link to it. It works for 15 minutes.";

/// `POST /login/link`: mails a one-time log-in link to the account's owner; the same
/// answer whether or not the account exists.
pub async fn request_link(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<LinkRequest>,
) -> AppResult<HttpResponse> {
    let settings = &ctx.state.settings;
    let ip = client::ip(&req, settings);
    let mut conn = ctx.state.conn().await?;
    limits::take(&mut conn, settings, None, Limit::ResetFromAddress(&ip)).await?;
    let found = store::login_candidate(&mut conn, form.identifier.trim()).await?;
    if let Some(candidate) = found.filter(|c| c.banned_at.is_none()) {
        let limit = Limit::ResetOfAccount(candidate.id);
        let allowed = match limits::take(&mut conn, settings, None, limit).await {
            Err(AppError::TooManyRequests { .. }) => false,
            other => other.map(|()| true)?,
        };
        let address = match allowed {
            true => store::confirmed_address(&mut conn, candidate.id).await?,
            false => None,
        };
        if let Some((username, email)) = address {
            mails::send_login_link(&mut conn, settings, candidate.id, &username, &email).await?;
        }
    }
    Ok(ctx.redirect_with_flash("/login", LINK_ANSWER))
}

/// `GET /login/link/{token}`: a button that logs in (mail scanners that open links must
/// not use the token up).
pub async fn link_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    if !store::token_valid(
        &mut conn,
        &sessions::hash_token(&token),
        TokenPurpose::LogIn,
    )
    .await?
    {
        return Ok(invalid_link(&ctx));
    }
    Ok(html(StatusCode::OK, views::login_link(&ctx, &token)))
}

/// `POST /login/link/{token}`: uses the link up and starts a session.
pub async fn use_link(
    req: HttpRequest,
    ctx: Ctx,
    token: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let Some((user, _)) = store::use_token(
        &mut conn,
        &sessions::hash_token(&token),
        TokenPurpose::LogIn,
    )
    .await?
    else {
        return Ok(invalid_link(&ctx));
    };
    if store::is_banned(&mut conn, user).await? || store::is_applicant(&mut conn, user).await? {
        return Ok(invalid_link(&ctx));
    }
    // The owner is in: the failures of others no longer stand in their way.
    limits::clear(&mut conn, Limit::LogInAnywhere(&account_key(user))).await?;
    start_session(&ctx, &mut conn, &req, user, false, None, None).await
}

fn invalid_link(ctx: &Ctx) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        views::message_page(
            ctx,
            "Link not valid",
            "This log-in link was already used or has expired. You can ask for a new one on the log-in page.",
        ),
    )
}

/// Ends the current session.
pub async fn logout(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    store::delete_session(&mut conn, &member.user().token_hash).await?;
    let mut response = member.redirect_with_flash("/", "You are logged out.");
    sessions::clear_cookie(&mut response, member.state.settings.secure_cookies);
    Ok(response)
}
