//! `GET/POST /register`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::account_pages::views;
use crate::accounts::mails;
use crate::accounts::registration::{NewAccount, RegisterError, register};
use crate::accounts::store;
use crate::accounts::types::Role;
use crate::shell::ctx::Ctx;
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::client;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
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

/// Creates the account and mails the link that confirms it; a rejected form comes back
/// filled in. An address that has an account gets the same answer.
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
            let id = register(conn, &input, Role::Member, false).await?;
            mails::send_confirmation(conn, settings, id, &input.username, &input.email).await?;
            Ok(id)
        })
        .await;
    match created {
        Ok(id) => tracing::info!(user = %id, "account registered"),
        // The page answers as for a new account, and the owner hears of it by mail.
        Err(RegisterError::AddressInUse) => tell_owner(&mut conn, settings, &input.email).await?,
        Err(RegisterError::Invalid(errors)) => {
            // A form refused for what it says is not a registration.
            limits::refund(&mut conn, settings, None, limit).await?;
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::register(&ctx, &input.without_passwords(), &errors),
            ));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(ctx.redirect_with_flash(
        "/",
        &format!(
            "Thank you, {}! We sent a link to {}: open it to confirm the address and log in.",
            input.username, input.email
        ),
    ))
}

/// Mails the owner of `email` that someone tried to register with it (at most once an
/// hour, and never to a banned account).
async fn tell_owner(
    conn: &mut diesel_async::AsyncPgConnection,
    settings: &crate::config::Settings,
    email: &str,
) -> AppResult<()> {
    let Some((owner, username, address)) = store::account_by_email(conn, email).await? else {
        return Ok(());
    };
    if limits::allowed(conn, settings, Limit::AddressInUse(owner)).await? {
        mails::send_address_in_use(conn, settings, &username, &address).await?;
    }
    Ok(())
}
