//! `/settings/two-factor`: setting up, recovery codes, trusted devices and turning it off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use crate::account_pages::two_factor_views::{self as views, Enabled, Setup};
use crate::accounts::store;
use crate::accounts::two_factor;
use crate::shell::ctx::CurrentUser;
use crate::shell::form::CsrfForm;
use crate::shell::reauth::current_password_ok;
use crate::web::cookies::{self, TRUSTED};
use crate::web::error::AppResult;
use crate::web::form::{FieldErrors, NoFields};
use crate::web::{html, redirect};

/// `?next=` (and `?required`) when staff are sent here before a staff page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupQuery {
    next: Option<String>,
    required: Option<String>,
}

impl SetupQuery {
    fn next(&self) -> Option<&str> {
        self.next.as_deref().filter(|n| redirect::is_local_path(n))
    }
}

/// Shows the set-up page (with a new secret kept as pending), or the page of a member
/// whose second factor is on.
pub async fn show(member: CurrentUser, query: web::Query<SetupQuery>) -> AppResult<HttpResponse> {
    let errors = FieldErrors::new();
    render(&member, StatusCode::OK, &query, &errors, &errors, &errors).await
}

async fn render(
    member: &CurrentUser,
    status: StatusCode,
    query: &SetupQuery,
    setup_errors: &FieldErrors,
    recovery_errors: &FieldErrors,
    off_errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let mut conn = member.state.conn().await?;
    let state = store::second_factor(&mut conn, user.id).await?;
    if let Some(since) = state.enabled_at {
        let enabled = Enabled {
            since,
            recovery_left: store::recovery_codes_left(&mut conn, user.id).await?,
            trusted_devices: store::trusted_device_count(&mut conn, user.id, Utc::now()).await?,
        };
        let page = views::enabled(member, &enabled, recovery_errors, off_errors);
        return Ok(html(status, page));
    }
    let secret = match state.pending {
        Some(secret) => secret,
        None => {
            let secret = two_factor::new_secret();
            store::set_pending_secret(&mut conn, user.id, &secret).await?;
            secret
        }
    };
    let url = two_factor::setup_url(&secret, member.site_name(), &user.username);
    let qr_svg = two_factor::qr_svg(&url);
    let secret_text = two_factor::secret_text(&secret);
    let setup = Setup {
        qr_svg: &qr_svg,
        secret_text: &secret_text,
        next: query.next(),
        required: query.required.is_some(),
    };
    Ok(html(status, views::setup(member, &setup, setup_errors)))
}

/// The form that turns it on.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnableForm {
    code: String,
    next: Option<String>,
}

/// Turns the second factor on once a code of the pending secret is right, and shows the
/// recovery codes, once.
pub async fn enable(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<EnableForm>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let query = SetupQuery {
        next: form.next.clone(),
        required: None,
    };
    let mut conn = member.state.conn().await?;
    let state = store::second_factor(&mut conn, user.id).await?;
    if state.enabled_at.is_some() {
        return Ok(member.redirect_with_flash(
            "/settings/two-factor",
            "Two-factor authentication is already on.",
        ));
    }
    let now = Utc::now().timestamp().max(0) as u64;
    let step = state
        .pending
        .as_ref()
        .and_then(|secret| two_factor::matching_step(secret, &form.code, now).map(|s| (secret, s)));
    let Some((secret, step)) = step else {
        let mut errors = FieldErrors::new();
        errors.add(
            "code",
            "That code is not right. Type the six digits the app shows for Parley now.",
        );
        drop(conn);
        let none = FieldErrors::new();
        return render(
            &member,
            StatusCode::UNPROCESSABLE_ENTITY,
            &query,
            &errors,
            &none,
            &none,
        )
        .await;
    };
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<_> = codes
        .iter()
        .map(|c| two_factor::hash_recovery_code(c))
        .collect();
    if !store::enable_second_factor(&mut conn, user.id, secret, step, &hashes).await? {
        return Ok(member.redirect_with_flash(
            "/settings/two-factor",
            "The key changed in another window; please scan the new one.",
        ));
    }
    tracing::info!(user = %user.id, "two-factor authentication on");
    Ok(html(
        StatusCode::OK,
        views::recovery_codes(&member, &codes, query.next()),
    ))
}

/// A form that asks for the current password (and, to turn it off, a code).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordAndCode {
    current_password: String,
    code: String,
}

/// Makes new recovery codes (the old ones stop working) and shows them, once.
pub async fn new_recovery_codes(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordAndCode>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    current_password_ok(&member, &form.current_password, &mut errors).await?;
    if !errors.is_empty() {
        let none = FieldErrors::new();
        let query = SetupQuery::default();
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&member, status, &query, &none, &errors, &none).await;
    }
    let user = member.user();
    let mut conn = member.state.conn().await?;
    if !store::has_second_factor(&mut conn, user.id).await? {
        return Ok(redirect::see_other("/settings/two-factor"));
    }
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<_> = codes
        .iter()
        .map(|c| two_factor::hash_recovery_code(c))
        .collect();
    store::replace_recovery_codes(&mut conn, user.id, &hashes).await?;
    Ok(html(
        StatusCode::OK,
        views::recovery_codes(&member, &codes, None),
    ))
}

/// Turns the second factor off, with the password and a code.
pub async fn turn_off(
    member: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordAndCode>,
) -> AppResult<HttpResponse> {
    let user = member.user();
    let mut errors = FieldErrors::new();
    current_password_ok(&member, &form.current_password, &mut errors).await?;
    let mut conn = member.state.conn().await?;
    // The code is tested (and used up) only with the right password, so that a stolen
    // session cannot learn anything from it.
    if errors.is_empty() && !two_factor::accept_code(&mut conn, user.id, &form.code).await? {
        errors.add("code", "That code is not right.");
    }
    if !errors.is_empty() {
        drop(conn);
        let none = FieldErrors::new();
        let query = SetupQuery::default();
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&member, status, &query, &none, &none, &errors).await;
    }
    store::remove_second_factor(&mut conn, user.id).await?;
    tracing::info!(user = %user.id, "two-factor authentication off");
    Ok(member.redirect_with_flash("/settings", "Two-factor authentication is off."))
}

/// Forgets every browser trusted to skip the code, this one too.
pub async fn forget_devices(
    req: HttpRequest,
    member: CurrentUser,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = member.state.conn().await?;
    let forgotten = store::forget_trusted_devices(&mut conn, member.user().id).await?;
    let mut response = member.redirect_with_flash(
        "/settings/two-factor",
        &format!(
            "Forgot {}: each asks for a code at the next log-in.",
            crate::text::counted(forgotten as i64, "trusted device", "trusted devices")
        ),
    );
    if cookies::value(&req, TRUSTED).is_some() {
        let secure = member.state.settings.secure_cookies;
        let _ = response.add_cookie(&cookies::removal(TRUSTED, secure));
    }
    Ok(response)
}
