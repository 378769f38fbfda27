//! Account mail: address confirmation, password reset, log-in and data-download links, each with a single-use link whose
//! token is stored only as a hash.

use chrono::{Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::sessions::hash_token;
use crate::accounts::store;
use crate::accounts::types::TokenPurpose;
use crate::config::Settings;
use crate::ids::UserId;
use crate::mail::compose::{self, Site};
use crate::mail::store::enqueue;
use crate::web::cookies::random_token;
use crate::web::urls;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;
/// How long a one-time log-in link works.
pub const LOGIN_LINK_MINUTES: i64 = 15;
/// How long a "Download my data" link works.
pub const EXPORT_HOURS: i64 = 24;

fn site(settings: &Settings) -> Site {
    Site {
        name: settings.site_name.clone(),
        base_url: settings.base_url(),
    }
}

/// Stores a fresh token and queues the mail carrying its link.
async fn send_link(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    purpose: TokenPurpose,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let token = random_token();
    let valid = match purpose {
        TokenPurpose::Confirm => Duration::hours(CONFIRM_HOURS),
        TokenPurpose::Reset => Duration::hours(RESET_HOURS),
        TokenPurpose::LogIn => Duration::minutes(LOGIN_LINK_MINUTES),
        TokenPurpose::Export => Duration::hours(EXPORT_HOURS),
    };
    let expires = Utc::now() + valid;
    // Only the newest link of a kind works: an older confirmation link would otherwise
    // switch a changed address back.
    store::void_tokens(conn, user, purpose).await?;
    store::insert_token(conn, &hash_token(&token), user, purpose, email, expires).await?;
    let site = site(settings);
    let path = match purpose {
        TokenPurpose::Confirm => urls::confirm(&token),
        TokenPurpose::Reset => urls::password_reset(&token),
        TokenPurpose::LogIn => urls::login_link(&token),
        TokenPurpose::Export => urls::data_export(&token),
    };
    let link = site.link(&path.to_string());
    let mail = match purpose {
        TokenPurpose::Confirm => compose::confirm_address(&site, email, username, &link),
        TokenPurpose::Reset => compose::password_reset(&site, email, username, &link),
        TokenPurpose::LogIn => compose::login_link(&site, email, username, &link),
        TokenPurpose::Export => compose::data_export(&site, email, username, &link),
    };
    enqueue(conn, &mail).await
}

/// Queues the mail that confirms `email` (a new member's, or a changed address).
pub async fn send_confirmation(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    send_link(conn, settings, TokenPurpose::Confirm, user, username, email).await
}

/// Queues the mail with a password-reset link.
pub async fn send_password_reset(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    send_link(conn, settings, TokenPurpose::Reset, user, username, email).await
}

/// Queues the mail with a one-time log-in link (the way in when failed log-ins of others
/// hold the account's password back).
pub async fn send_login_link(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    send_link(conn, settings, TokenPurpose::LogIn, user, username, email).await
}

/// Queues the mail with the link that downloads the member's data, once.
pub async fn send_data_export(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    send_link(conn, settings, TokenPurpose::Export, user, username, email).await
}

/// Queues the mail telling an applicant they were let in.
pub async fn send_registration_approved(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let site = site(settings);
    let mail = compose::registration_approved(&site, email, username, &site.link("/login"));
    enqueue(conn, &mail).await
}

/// Queues the mail telling an applicant they were refused, and why.
pub async fn send_registration_refused(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    username: &str,
    email: &str,
    reason: &str,
) -> QueryResult<()> {
    let site = site(settings);
    enqueue(
        conn,
        &compose::registration_refused(&site, email, username, reason),
    )
    .await
}

/// Queues the mail telling the owner of `email` that someone tried to register a new
/// account with it; the register page itself does not say so.
pub async fn send_address_in_use(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let site = site(settings);
    let mail = compose::address_in_use(
        &site,
        email,
        username,
        &site.link("/login"),
        &site.link("/password/forgot"),
    );
    enqueue(conn, &mail).await
}
