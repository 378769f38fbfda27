//! `/settings`: e-mail address, password, time zone and "remember me".

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono_tz::Tz;
use diesel_async::AsyncConnection;
use serde::Deserialize;

use crate::account_pages::views::{self, SettingsForms};
use crate::accounts::mails;
use crate::accounts::registration::EMAIL_TAKEN;
use crate::accounts::types::TokenPurpose;
use crate::accounts::{password, sessions, store, validate};
use crate::notify::{store as notify_store, views as notify_views};
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::shell::reauth::current_password_ok;

use crate::web::error::AppResult;
use crate::web::form::{FieldErrors, is_checked};
use crate::web::html;

/// Shows the settings page.
pub async fn show(member: CurrentUser) -> AppResult<HttpResponse> {
    render(&member, StatusCode::OK, &SettingsForms::default()).await
}

async fn render(
    member: &CurrentUser,
    status: StatusCode,
    forms: &SettingsForms,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let user = member.user();
    let account = store::own_account(&mut conn, user.id).await?;
    let avatar = store::avatar_hash(&mut conn, user.id).await?;
    let (about, _) = store::about_of(&mut conn, user.id).await?;
    let subscriptions = notify_store::subscriptions_of(&mut conn, user.id).await?;
    let notifications = notify_views::settings_section(
        member,
        user.notify_default,
        user.notify_mode,
        &subscriptions,
    );
    Ok(html(
        status,
        views::settings(
            member,
            &account,
            avatar.as_deref(),
            &about,
            user.persistent,
            forms,
            notifications,
        ),
    ))
}

/// The settings page again, with a refused avatar's reason.
pub(super) async fn render_with_avatar_error(
    member: &CurrentUser,
    message: &str,
) -> AppResult<HttpResponse> {
    let forms = SettingsForms {
        avatar_error: Some(message.to_string()),
        ..SettingsForms::default()
    };
    render(member, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

/// The e-mail form.
#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

/// Changes the e-mail address (current password required).
pub async fn change_email(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> AppResult<HttpResponse> {
    let email = form.email.trim().to_string();
    let mut errors = FieldErrors::new();
    validate::email(&email, &mut errors);
    current_password_ok(&member, &form.current_password, &mut errors).await?;
    if errors.is_empty() {
        let mut conn = member.state.conn().await?;
        if store::email_taken(&mut conn, &email).await? {
            errors.add("email", EMAIL_TAKEN);
        } else {
            // The new address takes over only once its owner opens the link sent to it.
            mails::send_confirmation(
                &mut conn,
                &member.state.settings,
                member.user().id,
                &member.user().username,
                &email,
            )
            .await?;
            return Ok(member.redirect_with_flash(
                "/settings",
                &format!(
                    "We sent a confirmation link to {email}. Your address changes when you open it."
                ),
            ));
        }
    }
    let forms = SettingsForms {
        email: Some(email),
        email_errors: errors,
        ..SettingsForms::default()
    };
    render(&member, StatusCode::UNPROCESSABLE_ENTITY, &forms).await
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
    /// "Log out all other devices" (ticked unless the member unticks it).
    log_out_others: Option<String>,
}

/// Changes the password and, unless the member chose otherwise, ends their other sessions.
pub async fn change_password(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    current_password_ok(&member, &form.current_password, &mut errors).await?;
    password::check(
        &form.password,
        &form.confirmation,
        &member.user().username,
        &mut errors,
    );
    if !errors.is_empty() {
        let forms = SettingsForms {
            password_errors: errors,
            ..SettingsForms::default()
        };
        return render(&member, StatusCode::UNPROCESSABLE_ENTITY, &forms).await;
    }
    let log_out_others = is_checked(&form.log_out_others);
    let hash = password::hash(form.password).await?;
    let user = member.user();
    let mut conn = member.state.conn().await?;
    let revoked = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            store::set_password_hash(conn, user.id, &hash).await?;
            store::void_tokens(conn, user.id, TokenPurpose::Reset).await?;
            match log_out_others {
                true => store::delete_other_sessions(conn, user.id, &user.token_hash).await,
                false => Ok(0),
            }
        })
        .await?;
    tracing::info!(user = %user.id, revoked, "password changed");
    let message = match log_out_others {
        true => "Your password was changed. Every other device was logged out.",
        false => {
            "Your password was changed. Your other devices stay logged in: you can log them out under Signed-in devices."
        }
    };
    Ok(member.redirect_with_flash("/settings", message))
}

/// The preferences form.
#[derive(Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    time_zone: String,
    remember: Option<String>,
}

/// Saves the time zone and whether this session is remembered.
pub async fn change_preferences(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> AppResult<HttpResponse> {
    let Ok(tz) = form.time_zone.parse::<Tz>() else {
        let mut errors = FieldErrors::new();
        errors.add("time_zone", "Please choose a time zone from the list.");
        let forms = SettingsForms {
            preference_errors: errors,
            ..SettingsForms::default()
        };
        return render(&member, StatusCode::UNPROCESSABLE_ENTITY, &forms).await;
    };
    let remember = is_checked(&form.remember);
    let user = member.user();
    let mut conn = member.state.conn().await?;
    store::set_time_zone(&mut conn, user.id, tz.name()).await?;
    sessions::set_persistence(&mut conn, &user.token_hash, remember).await?;
    let mut response = member.redirect_with_flash("/settings", "Your preferences were saved.");
    if let Some(token) = member.session_token() {
        sessions::set_cookie(
            &mut response,
            token,
            remember,
            member.state.settings.secure_cookies,
        );
    }
    Ok(response)
}

/// The "About you" form.
#[derive(Deserialize)]
pub struct AboutForm {
    #[serde(default)]
    about: String,
}

/// The longest "About" a member may write.
pub const ABOUT_MAX: usize = 5000;

/// Saves "About you": CommonMark, rendered and sanitized as posts are (quotes of posts
/// are shown as plain quotes: a profile carries no post's words).
pub async fn change_about(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<AboutForm>,
) -> AppResult<HttpResponse> {
    let source = crate::markup::clean_text(form.about.trim());
    let mut errors = FieldErrors::new();
    if source.chars().count() > ABOUT_MAX {
        errors.add(
            "about",
            format!("Please keep this to {ABOUT_MAX} characters."),
        );
    }
    let rendered = match errors.is_empty() {
        true => {
            let context = crate::markup::Context::default();
            let nesting = crate::markup::render_pool::Nesting::Refuse;
            match crate::markup::render_pool::render(source.clone(), context, nesting).await {
                Ok((html, _)) => Some(html),
                Err(crate::markup::render_pool::RenderError::Refused(refused)) => {
                    if let Some((_, message)) = refused.iter().next() {
                        errors.add("about", message.to_string());
                    }
                    None
                }
                Err(other) => return Err(other.into()),
            }
        }
        false => None,
    };
    let Some(html) = rendered else {
        let forms = SettingsForms {
            about: Some(source),
            about_errors: errors,
            ..SettingsForms::default()
        };
        return render(&member, StatusCode::UNPROCESSABLE_ENTITY, &forms).await;
    };
    let mut conn = member.state.conn().await?;
    store::set_about(&mut conn, member.user().id, &source, &html).await?;
    Ok(member.redirect_with_flash("/settings", "Your profile's \"About\" was saved."))
}
