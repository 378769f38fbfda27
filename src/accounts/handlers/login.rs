//! `GET/POST /login`, `POST /logout`, and the log-in throttle.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use crate::accounts::views::{self, LoginInput};
use crate::accounts::{password, sessions, store};
use crate::web::client;
use crate::web::ctx::{Ctx, CurrentUser};
use crate::web::error::{AppError, AppResult};
use crate::web::form::{CsrfForm, NoFields, is_checked};
use crate::web::{html, redirect};

/// Failed attempts allowed per account and per address within [`WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
/// Length of the throttle window.
pub const WINDOW_MINUTES: i64 = 15;

const WRONG: &str = "Wrong user name, e-mail address or password.";

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

/// Checks the credentials (throttled) and starts a session.
pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(input): CsrfForm<LoginInput>,
) -> AppResult<HttpResponse> {
    let identifier = input.identifier.trim().to_string();
    let ip = client::ip(&req, ctx.state.settings.trust_proxy);
    let mut conn = ctx.state.conn().await?;
    let candidate = store::login_candidate(&mut conn, &identifier).await?;
    // Failures count per account however it was named, and per unknown name otherwise.
    let account_key = match &candidate {
        Some(c) => format!("user:{}", c.id),
        None => format!("name:{}", identifier.to_lowercase()),
    };

    let now = Utc::now();
    let since = now - chrono::Duration::minutes(WINDOW_MINUTES);
    let (failures, oldest) = store::recent_failures(&mut conn, &account_key, &ip, since).await?;
    if failures >= MAX_FAILURES {
        let free_at = oldest.unwrap_or(now) + chrono::Duration::minutes(WINDOW_MINUTES);
        let wait = (free_at - now).num_seconds().max(1) as u64;
        let minutes = wait.div_ceil(60);
        return Err(AppError::TooManyRequests {
            retry_after: Duration::from_secs(wait),
            message: format!(
                "Too many failed log-in attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
        });
    }

    let verification = password::verify(
        candidate.as_ref().map(|c| c.password_hash.clone()),
        input.password.clone(),
    )
    .await?;
    let shown = LoginInput {
        identifier: identifier.clone(),
        password: String::new(),
        ..input.clone()
    };
    let Some(account) = candidate.filter(|_| verification.ok) else {
        store::record_failure(&mut conn, &account_key, &ip).await?;
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::login(&ctx, &shown, Some(WRONG)),
        ));
    };
    if account.banned_at.is_some() {
        return Ok(html(
            StatusCode::FORBIDDEN,
            views::login(&ctx, &shown, Some("This account has been banned.")),
        ));
    }

    store::clear_failures(&mut conn, &account_key).await?;
    if verification.needs_rehash {
        let fresh = password::hash(input.password).await?;
        store::set_password_hash(&mut conn, account.id, &fresh).await?;
    }
    if let (Some(next), Some(draft)) = (&input.next, &input.draft) {
        crate::forums::writing::keep_draft(&mut conn, account.id, next, draft).await?;
    }
    let remember = is_checked(&input.remember);
    let token = sessions::create(&mut conn, account.id, remember, client::user_agent(&req)).await?;
    tracing::info!(user = %account.id, "logged in");
    let mut response = redirect::see_other(redirect::safe_next(input.next.as_deref()));
    sessions::set_cookie(
        &mut response,
        &token,
        remember,
        ctx.state.settings.secure_cookies,
    );
    Ok(response)
}

/// Ends the current session.
pub async fn logout(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    store::delete_session(&mut conn, &member.user().token_hash).await?;
    let mut response = member.redirect_with_flash("/", "You are logged out.");
    sessions::clear_cookie(&mut response, member.state.settings.secure_cookies);
    Ok(response)
}
