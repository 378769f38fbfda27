//! `GET/POST /register`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::account_pages::views::{self, APPLICATION_MAX, Joining};
use crate::accounts::admission::{self, Admission, Mode, Rules};
use crate::accounts::mails;
use crate::accounts::registration::{NewAccount, RegisterError, register};
use crate::accounts::sessions::hash_token;
use crate::accounts::store;
use crate::accounts::types::Role;
use crate::shell::ctx::Ctx;
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::client;
use crate::web::error::{AppError, AppResult};
use crate::web::form::FieldErrors;
use crate::web::{html, redirect};
use maud::Markup;

/// The register form as posted.
#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(flatten)]
    account: NewAccount,
    /// The honeypot: people never see it, bots fill it in.
    #[serde(default)]
    website: String,
    /// The invitation's token, by invitation.
    #[serde(default)]
    invite: String,
    /// "About you", from applicants.
    #[serde(default)]
    application: String,
}

/// `?invite=` on the register page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteQuery {
    invite: String,
}

const CLOSED: &str = "Registration is closed for now.";
const BY_INVITATION: &str =
    "This forum takes new members by invitation: ask a member for an invitation link.";
const INVITATION_USED: &str = "This invitation was already used or has expired: ask for a new one.";

/// The form as the rules in force show it, or why there is none.
fn form_page(
    ctx: &Ctx,
    rules: &Rules,
    invite: &str,
    input: &NewAccount,
    errors: &FieldErrors,
    application: &str,
) -> Markup {
    let joining = Joining {
        invite: (rules.mode == Mode::Invitation).then_some(invite),
        domains: (rules.mode == Mode::Domains).then_some(&rules.domains[..]),
        application,
    };
    views::register(ctx, input, errors, &joining)
}

/// Shows the empty form (by invitation, only with a link that still works).
pub async fn show(ctx: Ctx, query: web::Query<InviteQuery>) -> AppResult<HttpResponse> {
    if ctx.user().is_some() {
        return Ok(redirect::see_other("/"));
    }
    let mut conn = ctx.state.conn().await?;
    let rules = admission::rules(&mut conn).await?;
    let closed = match rules.mode {
        Mode::Closed => Some(CLOSED),
        Mode::Invitation if query.invite.is_empty() => Some(BY_INVITATION),
        Mode::Invitation
            if !store::invitation_open(&mut conn, &hash_token(&query.invite)).await? =>
        {
            Some(INVITATION_USED)
        }
        _ => None,
    };
    if let Some(message) = closed {
        return Ok(html(
            StatusCode::OK,
            views::registration_closed(&ctx, message),
        ));
    }
    let empty = NewAccount::default();
    let page = form_page(&ctx, &rules, &query.invite, &empty, &FieldErrors::new(), "");
    Ok(html(StatusCode::OK, page))
}

/// Creates the account and mails the link that confirms it; a rejected form comes back
/// filled in. An address that has an account gets the same answer. Outside the domains let
/// in, the account waits for approval; by invitation, the invitation is used up with it.
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
    let application = form.application.trim().to_string();
    let mut conn = ctx.state.conn().await?;
    let settings = &ctx.state.settings;
    let rules = admission::rules(&mut conn).await?;
    let admitted = rules.admit(&input.email);
    let invite = hash_token(&form.invite);
    match admitted {
        Admission::Refused => return Err(AppError::Forbidden(CLOSED.into())),
        Admission::NeedsInvitation if !store::invitation_open(&mut conn, &invite).await? => {
            return Ok(html(
                StatusCode::FORBIDDEN,
                views::registration_closed(&ctx, INVITATION_USED),
            ));
        }
        _ => {}
    }
    let refused = |errors: &FieldErrors| {
        let kept = input.without_passwords();
        let page = form_page(&ctx, &rules, &form.invite, &kept, errors, &application);
        Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
    };
    if application.chars().count() > APPLICATION_MAX {
        let mut errors = FieldErrors::new();
        errors.add(
            "application",
            format!("Please keep this to {APPLICATION_MAX} characters."),
        );
        return refused(&errors);
    }
    let ip = client::ip(&req, settings);
    let limit = Limit::Register { ip: &ip };
    limits::take(&mut conn, settings, None, limit).await?;
    // The account, its admission and its confirmation mail are one write: none exists
    // without the others.
    let created = conn
        .transaction::<_, RegisterError, _>(async |conn| {
            let id = register(conn, &input, Role::Member, false).await?;
            match admitted {
                Admission::NeedsInvitation if !store::use_invitation(conn, &invite, id).await? => {
                    let mut errors = FieldErrors::new();
                    errors.add("invite", INVITATION_USED);
                    return Err(RegisterError::Invalid(errors));
                }
                Admission::Applicant => store::mark_applicant(conn, id, &application).await?,
                _ => {}
            }
            mails::send_confirmation(conn, settings, id, &input.username, &input.email).await?;
            Ok(id)
        })
        .await;
    match created {
        Ok(id) => tracing::info!(user = %id, ?admitted, "account registered"),
        // The page answers as for a new account, and the owner hears of it by mail.
        Err(RegisterError::AddressInUse) => tell_owner(&mut conn, settings, &input.email).await?,
        Err(RegisterError::Invalid(errors)) => {
            // A form refused for what it says is not a registration.
            limits::refund(&mut conn, settings, None, limit).await?;
            return refused(&errors);
        }
        Err(other) => return Err(other.into()),
    }
    let message = match admitted {
        Admission::Applicant => format!(
            "Thank you, {}! We sent a link to {}: open it to confirm the address. An administrator will then look at your registration, and we will write to you.",
            input.username, input.email
        ),
        _ => format!(
            "Thank you, {}! We sent a link to {}: open it to confirm the address and log in.",
            input.username, input.email
        ),
    };
    Ok(ctx.redirect_with_flash("/", &message))
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
