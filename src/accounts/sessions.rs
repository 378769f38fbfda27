//! Sessions: a random 256-bit token in an `HttpOnly` cookie, only its SHA-256 in the database.

use actix_web::HttpResponse;
use actix_web::cookie::time::Duration as CookieDuration;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};

use crate::accounts::store::{self, NewSession};
use crate::accounts::types::SessionUser;
use crate::ids::UserId;
use crate::web::cookies;

/// A "remember me" session lasts this long after the last visit.
pub const PERSISTENT_DAYS: i64 = 30;
/// A browser session ends after this long without a visit, even if the browser stays open.
pub const BROWSER_SESSION_HOURS: i64 = 12;
/// Activity is written back at most this often per session, not on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// SHA-256 of a token as it is stored.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn lifetime(persistent: bool) -> Duration {
    if persistent {
        Duration::days(PERSISTENT_DAYS)
    } else {
        Duration::hours(BROWSER_SESSION_HOURS)
    }
}

/// Starts a session for `user_id` and returns its token.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    persistent: bool,
    user_agent: &str,
) -> QueryResult<String> {
    let token = cookies::random_token();
    let hash = hash_token(&token);
    store::insert_session(
        conn,
        &NewSession {
            token_hash: &hash,
            user_id,
            persistent,
            expires_at: Utc::now() + lifetime(persistent),
            user_agent: truncate(user_agent),
        },
    )
    .await?;
    Ok(token)
}

fn truncate(user_agent: &str) -> &str {
    match user_agent.char_indices().nth(300) {
        Some((i, _)) => &user_agent[..i],
        None => user_agent,
    }
}

/// The member a session token belongs to, if the session is live; refreshes its activity.
pub async fn lookup(
    conn: &mut AsyncPgConnection,
    token: &str,
    user_agent: &str,
) -> QueryResult<Option<SessionUser>> {
    // Real tokens are 43 characters; anything else cannot match and costs no query.
    if URL_SAFE_NO_PAD.decode(token).map(|b| b.len()) != Ok(32) {
        return Ok(None);
    }
    let hash = hash_token(token);
    let now = Utc::now();
    let Some(row) = store::live_session(conn, &hash, now).await? else {
        return Ok(None);
    };
    if (now - row.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        let expires_at = now + lifetime(row.persistent);
        store::touch_session(
            conn,
            &hash,
            row.user_id,
            now,
            expires_at,
            truncate(user_agent),
        )
        .await?;
    }
    Ok(Some(SessionUser {
        id: row.user_id,
        username: row.username,
        role: row.role,
        time_zone: row.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC),
        persistent: row.persistent,
        token_hash: hash,
        email_confirmed: row.email_confirmed_at.is_some(),
        notify_default: row.notify_default,
        notify_mode: row.notify_mode,
        post_count: row.post_count,
        suspended_until: row.suspended_until,
        suspension_reason: row.suspension_reason,
        staff: row.in_staff_group || row.role >= crate::accounts::types::Role::Moderator,
        unread_notices: row.unread_notices,
    }))
}

/// Makes the current session persistent or not, and re-issues its cookie to match.
pub async fn set_persistence(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    persistent: bool,
) -> QueryResult<()> {
    store::set_session_persistence(
        conn,
        token_hash,
        persistent,
        Utc::now() + lifetime(persistent),
    )
    .await
}

/// Puts the session cookie on a response: a browser-session cookie, or one that lasts
/// as long as a persistent session.
pub fn set_cookie(response: &mut HttpResponse, token: &str, persistent: bool, secure: bool) {
    let mut cookie = cookies::build(cookies::SESSION, token.to_string(), secure);
    if persistent {
        cookie.set_max_age(CookieDuration::days(PERSISTENT_DAYS));
    }
    let _ = response.add_cookie(&cookie);
}

/// Tells the browser to drop the session cookie.
pub fn clear_cookie(response: &mut HttpResponse, secure: bool) {
    let _ = response.add_cookie(&cookies::removal(cookies::SESSION, secure));
}
