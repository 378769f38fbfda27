//! `GET/POST /register`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::accounts::registration::{NewAccount, RegisterError, create_account};
use crate::accounts::types::Role;
use crate::accounts::{sessions, views};
use crate::moderation::limits::{self, Limit};
use crate::notify::mails;
use crate::web::client;
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{CsrfForm, FieldErrors};
use crate::web::{html, redirect};

/// The register form as posted.
#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(flatten)]
    account: NewAccount,
    /// The honeypot: people never see it, bots fill it in.
    #[serde(default)]
    website: String,
}

/// Shows the empty form.
pub async fn show(ctx: Ctx) -> AppResult<HttpResponse> {
    if ctx.user().is_some() {
        return Ok(redirect::see_other("/"));
    }
    Ok(html(
        StatusCode::OK,
        views::register(&ctx, &NewAccount::default(), &FieldErrors::new()),
    ))
}

/// Creates the account and logs the new member in; a rejected form comes back filled in.
pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> AppResult<HttpResponse> {
    if !form.website.is_empty() {
        tracing::info!("registration refused by the honeypot");
        return Err(AppError::Unprocessable(
            "Registration was refused because the form looked automated.".into(),
        ));
    }
    let input = form.account.normalized();
    let mut conn = ctx.state.conn().await?;
    let settings = &ctx.state.settings;
    let ip = client::ip(&req, settings);
    let limit = Limit::Register { ip: &ip };
    limits::take(&mut conn, settings, None, limit).await?;
    // The account and its confirmation mail are one write: neither exists without the other.
    let created = conn
        .transaction::<_, RegisterError, _>(async |conn| {
            let id = create_account(conn, &input, Role::Member, false).await?;
            mails::send_confirmation(conn, settings, id, &input.username, &input.email).await?;
            Ok(id)
        })
        .await;
    let user_id = match created {
        Ok(id) => id,
        Err(RegisterError::Invalid(errors)) => {
            // A form refused for what it says is not a registration.
            limits::refund(&mut conn, settings, None, limit).await?;
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::register(&ctx, &input.without_passwords(), &errors),
            ));
        }
        Err(RegisterError::Failed(e)) => return Err(e),
    };
    tracing::info!(user = %user_id, "account registered");
    ctx.state.mail_wake.notify_one();
    let token = sessions::create(&mut conn, user_id, false, client::user_agent(&req)).await?;
    let mut response = ctx.redirect_with_flash(
        "/",
        &format!(
            "Welcome, {}! We sent a confirmation link to {}: open it to start posting.",
            input.username, input.email
        ),
    );
    sessions::set_cookie(
        &mut response,
        &token,
        false,
        ctx.state.settings.secure_cookies,
    );
    Ok(response)
}
