//! `GET/POST /setup/{token}`: the first administrator, through the one-time link.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncConnection;

use crate::account_pages::views;
use crate::accounts::registration::{NewAccount, RegisterError, create_account};
use crate::accounts::setup::SetupGate;
use crate::accounts::store;
use crate::accounts::types::Role;
use crate::shell::ctx::Ctx;
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
use crate::web::html;

/// Refuses unless the link is the valid one and no admin exists yet.
async fn check_gate(ctx: &Ctx, gate: &SetupGate, token: &str) -> AppResult<()> {
    if !gate.admits(token) {
        return Err(AppError::NotFound);
    }
    let mut conn = ctx.state.conn().await?;
    if store::admin_exists(&mut conn).await? {
        gate.close();
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Shows the form.
pub async fn show(
    ctx: Ctx,
    gate: web::Data<SetupGate>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    check_gate(&ctx, &gate, &token).await?;
    Ok(html(
        StatusCode::OK,
        views::setup(&ctx, &token, &NewAccount::default(), &FieldErrors::new()),
    ))
}

/// Creates the administrator, closes the link for good and logs them in.
pub async fn submit(
    req: HttpRequest,
    ctx: Ctx,
    gate: web::Data<SetupGate>,
    token: web::Path<String>,
    CsrfForm(input): CsrfForm<NewAccount>,
) -> AppResult<HttpResponse> {
    check_gate(&ctx, &gate, &token).await?;
    let input = input.normalized();
    let mut conn = ctx.state.conn().await?;
    let created = conn
        .transaction::<_, RegisterError, _>(async |conn| {
            // Two tabs submitting at once still make only one first admin.
            store::lock_admin_creation(conn).await?;
            if store::admin_exists(conn).await? {
                return Ok(None);
            }
            create_account(conn, &input, Role::Admin, true)
                .await
                .map(Some)
        })
        .await;
    let user_id = match created {
        Ok(Some(id)) => id,
        // Another tab was first: the link is spent.
        Ok(None) => return Err(AppError::NotFound),
        Err(RegisterError::Invalid(errors)) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::setup(&ctx, &token, &input.without_passwords(), &errors),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    gate.close();
    tracing::info!(user = %user_id, "first administrator created");
    let response = ctx.redirect_with_flash("/", "Your administrator account is ready.");
    super::login::with_session(&ctx, &mut conn, &req, user_id, false, response).await
}
