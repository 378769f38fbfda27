//! Account mail: address confirmation, password reset and log-in links, each with a single-use link whose
//! token is stored only as a hash.

use chrono::{Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::sessions::hash_token;
use crate::accounts::store;
use crate::config::Settings;
use crate::ids::UserId;
use crate::mail::compose::{self, Site};
use crate::mail::store::enqueue;
use crate::web::cookies::random_token;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;
/// How long a one-time log-in link works.
pub const LOGIN_LINK_MINUTES: i64 = 15;

fn site(settings: &Settings) -> Site {
    Site {
        name: settings.site_name.clone(),
        base_url: settings.base_url(),
    }
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    Confirm,
    Reset,
    LogIn,
}

/// Stores a fresh token and queues the mail carrying its link.
async fn send_link(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    purpose: Purpose,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let token = random_token();
    let (name, valid, path) = match purpose {
        Purpose::Confirm => ("confirm", Duration::hours(CONFIRM_HOURS), "/confirm/"),
        Purpose::Reset => ("reset", Duration::hours(RESET_HOURS), "/password/reset/"),
        Purpose::LogIn => (
            "login",
            Duration::minutes(LOGIN_LINK_MINUTES),
            "/login/link/",
        ),
    };
    let expires = Utc::now() + valid;
    // Only the newest link of a kind works: an older confirmation link would otherwise
    // switch a changed address back.
    store::void_tokens(conn, user, name).await?;
    store::insert_token(conn, &hash_token(&token), user, name, email, expires).await?;
    let site = site(settings);
    let link = site.link(&format!("{path}{token}"));
    let mail = match purpose {
        Purpose::Confirm => compose::confirm_address(&site, email, username, &link),
        Purpose::Reset => compose::password_reset(&site, email, username, &link),
        Purpose::LogIn => compose::login_link(&site, email, username, &link),
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
    send_link(conn, settings, Purpose::Confirm, user, username, email).await
}

/// Queues the mail with a password-reset link.
pub async fn send_password_reset(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    send_link(conn, settings, Purpose::Reset, user, username, email).await
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
    send_link(conn, settings, Purpose::LogIn, user, username, email).await
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
