//! HTTP handlers of notifications: watch buttons, one-click unsubscribe, notification
//! settings and the failed-mail list.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::types::NotifyMode;
use crate::forums::pages::visible_thread;
use crate::forums::store as forums_store;
use crate::ids::{MailId, SubscriptionId, ThreadId};
use crate::mail::signing::{self, Target};
use crate::notify::{store, views};
use crate::shell::ctx::{Admin, Ctx, CurrentUser};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{NoFields, choice, is_checked};
use crate::web::html;
use crate::web::urls;

/// A Watch / Stop watching button.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WatchForm {
    action: String,
}

/// `POST /t/{id}/watch`.
pub async fn watch_thread(
    member: CurrentUser,
    id: web::Path<ThreadId>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let thread = visible_thread(&mut conn, *id).await?;
    let user = member.user().id;
    if form.action == "unwatch" {
        store::unsubscribe(&mut conn, user, Some(thread.id), None).await?;
        return Ok(member.redirect_with_flash(&thread.path(), "You no longer watch this thread."));
    }
    let (_, mode) = store::notify_defaults(&mut conn, user).await?;
    store::subscribe(&mut conn, user, Some(thread.id), None, mode.for_watching()).await?;
    Ok(member.redirect_with_flash(
        &thread.path(),
        "You watch this thread: new replies come by e-mail.",
    ))
}

/// `POST /f/{slug}/watch`.
pub async fn watch_forum(
    member: CurrentUser,
    slug: web::Path<String>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let forum = forums_store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = member.user().id;
    let path = urls::forum(&forum.slug).to_string();
    if form.action == "unwatch" {
        store::unsubscribe(&mut conn, user, None, Some(forum.id)).await?;
        return Ok(member.redirect_with_flash(&path, "You no longer watch this forum."));
    }
    let (_, mode) = store::notify_defaults(&mut conn, user).await?;
    store::subscribe(&mut conn, user, None, Some(forum.id), mode.for_watching()).await?;
    Ok(member.redirect_with_flash(&path, "You watch this forum: new threads come by e-mail."))
}

async fn target(ctx: &Ctx, token: &str) -> AppResult<Target> {
    let mut conn = ctx.state.conn().await?;
    let key = store::signing_key(&mut conn).await?;
    signing::verify(&key, token).map_err(|refused| match refused {
        signing::Refused::Invalid => AppError::NotFound,
        signing::Refused::Expired => AppError::Gone(format!(
            "This unsubscribe link is older than {} days and no longer works. Log in and choose what you get by mail under Settings, or use the link in a newer mail.",
            signing::MEMBER_TOKEN_DAYS
        )),
    })
}

fn describe(target: Target) -> &'static str {
    match target {
        Target::Subscription(_) => "this thread or forum",
        Target::Member(_) => "anything on this forum (quotes, mentions and digests included)",
    }
}

/// `GET /unsubscribe/{token}`: a page with one button (GET never changes anything).
pub async fn unsubscribe_page(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let target = target(&ctx, &token).await?;
    Ok(html(
        StatusCode::OK,
        views::unsubscribe(&ctx, &token, describe(target), false),
    ))
}

/// `POST /unsubscribe/{token}`: the button, and RFC 8058 one-click POSTs from mail clients.
/// The signed token is the authority here, so there is no CSRF token and no log-in.
pub async fn unsubscribe(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let target = target(&ctx, &token).await?;
    let mut conn = ctx.state.conn().await?;
    match target {
        Target::Subscription(id) => {
            store::delete_subscription(&mut conn, id).await?;
        }
        Target::Member(user) => {
            store::silence_member(&mut conn, user).await?;
        }
    }
    tracing::info!(?target, "unsubscribed by link");
    Ok(html(
        StatusCode::OK,
        views::unsubscribe(&ctx, &token, describe(target), true),
    ))
}

/// The global notification settings form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NotifySettingsForm {
    notify_default: Option<String>,
    mode: String,
}

fn valid_mode(mode: &str) -> AppResult<NotifyMode> {
    choice(mode, "notification mode")
}

/// `POST /settings/notifications`.
pub async fn save_settings(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<NotifySettingsForm>,
) -> AppResult<HttpResponse> {
    let mode = valid_mode(&form.mode)?;
    let mut conn = member.state.conn().await?;
    store::set_notify_defaults(
        &mut conn,
        member.user().id,
        is_checked(&form.notify_default),
        mode,
    )
    .await?;
    Ok(member.redirect_with_flash("/settings", "Your notification settings were saved."))
}

/// One subscription's form on the settings page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubscriptionForm {
    mode: String,
    action: String,
}

/// `POST /settings/subscriptions/{id}`: change the mode, or stop watching.
pub async fn change_subscription(
    member: CurrentUser,
    id: web::Path<SubscriptionId>,
    CsrfForm(form): CsrfForm<SubscriptionForm>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let user = member.user().id;
    let changed = if form.action == "stop" {
        store::delete_own_subscription(&mut conn, user, *id).await?
    } else {
        store::set_subscription_mode(&mut conn, user, *id, valid_mode(&form.mode)?).await?
    };
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    let message = if form.action == "stop" {
        "You stopped watching."
    } else {
        "Saved."
    };
    Ok(member.redirect_with_flash("/settings", message))
}

/// `GET /admin/mail`.
pub async fn failed_mail(admin: Admin) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    let pending = store::pending_count(&mut conn).await?;
    let mails = store::failed_mails(&mut conn, 200).await?;
    Ok(html(
        StatusCode::OK,
        views::failed_mail(&admin, pending, &mails),
    ))
}

/// `POST /admin/mail/{id}/retry`.
pub async fn retry(
    admin: Admin,
    id: web::Path<MailId>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = admin.state.conn().await?;
    if store::retry_mail(&mut conn, *id).await? == 0 {
        return Err(AppError::NotFound);
    }
    Ok(admin.redirect_with_flash("/admin/mail", "The mail is queued again."))
}
