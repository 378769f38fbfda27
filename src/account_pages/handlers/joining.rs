//! Joining: `/admin/accounts` (the registration mode and whether staff need a second
//! factor), `/admin/applicants` (approve or refuse, with a mail either way) and
//! `/invitations` (links that work once).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::account_pages::joining_views as views;
use crate::accounts::admission::{self, INVITATION_DAYS, Mode, Rules};
use crate::accounts::sessions::hash_token;
use crate::accounts::two_factor::{self, STAFF_SETTING};
use crate::accounts::{mails, store};
use crate::ids::UserId;
use crate::shell::ctx::{Admin, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::shell::limits::{self, Limit};
use crate::web::cookies::random_token;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FieldErrors, NoFields, choice, is_checked};
use crate::web::{html, urls};

/// `GET /admin/accounts`.
pub async fn admin_show(admin: Admin) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let rules = admission::rules(&mut conn).await?;
    let required = two_factor::required_of_staff(&mut conn).await?;
    let domains = rules.domains.join("\n");
    let page = views::admin_accounts(&admin, &rules, &domains, required, &FieldErrors::new());
    Ok(html(StatusCode::OK, page))
}

/// The account rules form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountRules {
    mode: String,
    domains: String,
    staff_two_factor: Option<String>,
}

/// `POST /admin/accounts`. An administrator may require a second factor of staff only
/// with one of their own, so that the rule cannot lock them out of this page; domains are
/// needed when only they join at once.
pub async fn admin_save(
    admin: Admin,
    CsrfForm(form): CsrfForm<AccountRules>,
) -> AppResult<HttpResponse> {
    let required = is_checked(&form.staff_two_factor);
    let mode: Mode = choice(&form.mode, "registration mode")?;
    let rules = Rules {
        mode,
        domains: admission::parse_domains(&form.domains),
    };
    let user = admin.user();
    let mut errors = FieldErrors::new();
    if required && !user.two_factor {
        errors.add(
            "staff_two_factor",
            "Turn on two-factor authentication for your own account first.",
        );
    }
    if mode == Mode::Domains && rules.domains.is_empty() {
        errors.add("domains", "Name at least one domain, such as example.com.");
    }
    if !errors.is_empty() {
        let page = views::admin_accounts(&admin, &rules, &form.domains, required, &errors);
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let mut conn = admin.state.conn().await?;
    let value = if required { "required" } else { "optional" };
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        store::set_site_setting(conn, STAFF_SETTING, value, user.id).await?;
        admission::save_rules(conn, &rules, user.id).await
    })
    .await?;
    Ok(admin.redirect_with_flash("/admin/accounts", "Account rules saved."))
}

/// `GET /admin/applicants`.
pub async fn applicants(admin: Admin) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let waiting = store::applicants(&mut conn).await?;
    Ok(html(StatusCode::OK, views::applicants(&admin, &waiting)))
}

/// An administrator's decision.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Decision {
    action: String,
    reason: String,
}

/// `POST /admin/applicants/{id}`: approve (they may log in) or refuse (the account is
/// removed); the applicant is told by mail either way, in the same transaction.
pub async fn decide(
    admin: Admin,
    id: web::Path<UserId>,
    CsrfForm(form): CsrfForm<Decision>,
) -> AppResult<HttpResponse> {
    let settings = &admin.state.settings;
    let actor = admin.user().id;
    let reason = form.reason.trim();
    let mut conn = admin.state.conn().await?;
    let message = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(applicant) = store::applicant(conn, *id).await? else {
                return Err(AppError::Conflict(
                    "This registration was already decided.".into(),
                ));
            };
            let target = format!("applicant {}", applicant.username);
            let (name, email) = (&applicant.username, &applicant.email);
            match form.action.as_str() {
                "approve" => {
                    store::approve_applicant(conn, *id).await?;
                    mails::send_registration_approved(conn, settings, name, email).await?;
                    crate::moderation::store::log(conn, actor, "approve", Some(*id), &target, "")
                        .await?;
                    Ok(format!("{name} was approved and told so."))
                }
                "refuse" => {
                    mails::send_registration_refused(conn, settings, name, email, reason).await?;
                    store::remove_applicant(conn, *id).await?;
                    crate::moderation::store::log(conn, actor, "refuse", None, &target, reason)
                        .await?;
                    Ok(format!("{name} was refused and told so."))
                }
                _ => Err(AppError::BadRequest("Unknown action.".into())),
            }
        })
        .await?;
    Ok(admin.redirect_with_flash("/admin/applicants", &message))
}

/// `GET /invitations`.
pub async fn invitations(member: CurrentUser) -> AppResult<HttpResponse> {
    render_invitations(&member, None).await
}

async fn render_invitations(
    member: &CurrentUser,
    new_link: Option<&str>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let mine = store::invitations_of(&mut conn, member.user().id).await?;
    let by_invitation = admission::rules(&mut conn).await?.mode == Mode::Invitation;
    let page = views::invitations(member, &mine, new_link, by_invitation);
    Ok(html(StatusCode::OK, page))
}

/// `POST /invitations`: makes a link that works once (twenty a day per member); it is
/// shown this once, as only its hash is kept.
pub async fn invite(member: CurrentUser, _form: CsrfForm<NoFields>) -> AppResult<HttpResponse> {
    let user = member.user();
    if !user.email_confirmed {
        return Err(AppError::Forbidden(
            "Confirm your e-mail address before you invite others.".into(),
        ));
    }
    let settings = &member.state.settings;
    let mut conn = member.state.conn().await?;
    limits::take(&mut conn, settings, Some(user), Limit::Invite(user.id)).await?;
    let token = random_token();
    let expires = Utc::now() + Duration::days(INVITATION_DAYS);
    store::insert_invitation(&mut conn, &hash_token(&token), user.id, expires).await?;
    drop(conn);
    let link = format!("{}{}", settings.base_url(), urls::invitation(&token));
    render_invitations(&member, Some(&link)).await
}
