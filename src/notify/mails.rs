//! Account mail: address confirmation and password reset, each with a single-use link whose
//! token is stored only as a hash.

use chrono::{Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::sessions::hash_token;
use crate::config::Settings;
use crate::ids::UserId;
use crate::notify::compose::{self, Site};
use crate::notify::store;
use crate::web::cookies::random_token;

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;

fn site(settings: &Settings) -> Site {
    Site {
        name: settings.site_name.clone(),
        base_url: settings.base_url(),
    }
}

/// Queues the mail that confirms `email` (a new member's, or a changed address).
pub async fn send_confirmation(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let token = random_token();
    let expires = Utc::now() + Duration::hours(CONFIRM_HOURS);
    store::insert_token(conn, &hash_token(&token), user, "confirm", email, expires).await?;
    let site = site(settings);
    let link = site.link(&format!("/confirm/{token}"));
    store::enqueue(
        conn,
        &compose::confirm_address(&site, email, username, &link),
    )
    .await
}

/// Queues the mail with a password-reset link.
pub async fn send_password_reset(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: UserId,
    username: &str,
    email: &str,
) -> QueryResult<()> {
    let token = random_token();
    let expires = Utc::now() + Duration::hours(RESET_HOURS);
    store::insert_token(conn, &hash_token(&token), user, "reset", email, expires).await?;
    let site = site(settings);
    let link = site.link(&format!("/password/reset/{token}"));
    store::enqueue(
        conn,
        &compose::password_reset(&site, email, username, &link),
    )
    .await
}
