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
    ip: &str,
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
            ip,
        },
    )
    .await?;
    Ok(token)
}

/// A `User-Agent` cut to what is worth keeping.
pub fn truncate(user_agent: &str) -> &str {
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
    ip: &str,
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
            ip,
        )
        .await?;
    }
    Ok(Some(SessionUser::of(
        row.user_id,
        row.member,
        row.persistent,
        hash,
    )))
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

/// A browser and system as people name them ("Firefox on Linux"), read from a
/// `User-Agent`.
pub fn describe_agent(user_agent: &str) -> String {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    match parsed {
        Some(r) if known(r.name) && known(r.os) => format!("{} on {}", r.name, r.os),
        Some(r) if known(r.name) => r.name.to_string(),
        _ if user_agent.is_empty() => "Unknown browser".into(),
        _ => "Other browser".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_agent;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(describe_agent(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(describe_agent(chrome), "Chrome on Windows 10");
        assert_eq!(describe_agent(""), "Unknown browser");
        assert_eq!(describe_agent("curl/8.5.0"), "HTTP Library");
        assert_eq!(describe_agent("NotABrowser"), "Other browser");
    }
}
