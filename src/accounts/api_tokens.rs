//! Personal API tokens: `parley_` and 43 random characters, shown once; only their SHA-256
//! is stored. Each carries scopes that bound what the API lets it do, on top of what its
//! member may do anyway.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::sessions::hash_token;
use crate::accounts::store::{self, ApiTokenRow, NewApiToken};
use crate::accounts::types::SessionUser;
use crate::ids::UserId;
use crate::kinds::word_enum;
use crate::web::cookies::random_token;

/// What every token starts with, so a leaked one is recognised by secret scanners.
pub const PREFIX: &str = "parley_";
/// Most tokens one member may hold.
pub const MAX_PER_MEMBER: i64 = 20;
/// Longest token name, in characters.
pub const NAME_MAX: usize = 60;
/// Lifetimes a token may be given, in days (0: it does not expire).
pub const LIFETIMES: &[i64] = &[30, 90, 365, 0];
/// Use is written back at most this often per token, not on every request.
const TOUCH_EVERY_SECONDS: i64 = 60;

word_enum! {
    /// What a token may be used for.
    pub enum Scope {
        /// Reading what its member may read.
        Read = "read",
        /// Posting, replying, editing and marking answers as its member.
        Write = "write",
        /// Moderator actions, when its member is a moderator.
        Moderate = "moderate",
    }
}

/// A request's caller, as its token says.
#[derive(Debug)]
pub struct ApiCaller {
    /// The member the token acts as.
    pub user: SessionUser,
    /// The token's id.
    pub token: i64,
    /// What the token may be used for.
    pub scopes: Vec<Scope>,
}

impl ApiCaller {
    /// Whether the token was given `scope`.
    pub fn may(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// A token as its owner asked for it.
pub struct TokenRequest<'a> {
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes a token for `user` and returns it: the only time it is seen whole.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: UserId,
    request: &TokenRequest<'_>,
) -> QueryResult<String> {
    let token = format!("{PREFIX}{}", random_token());
    store::insert_api_token(
        conn,
        &NewApiToken {
            user_id: user,
            name: request.name,
            token_hash: &hash_token(&token),
            prefix: &token[..PREFIX.len() + 6],
            scopes: request.scopes.iter().map(|s| s.to_string()).collect(),
            expires_at: request.expires_at,
        },
    )
    .await?;
    Ok(token)
}

/// The caller a bearer token stands for, if it is live; records its use.
pub async fn lookup(conn: &mut AsyncPgConnection, token: &str) -> QueryResult<Option<ApiCaller>> {
    // Anything not shaped like a token cannot match and costs no query.
    let Some(secret) = token.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if URL_SAFE_NO_PAD.decode(secret).map(|b| b.len()) != Ok(32) {
        return Ok(None);
    }
    let hash = hash_token(token);
    let now = Utc::now();
    let Some(row) = store::live_api_token(conn, &hash, now).await? else {
        return Ok(None);
    };
    if row
        .last_used_at
        .is_none_or(|at| (now - at).num_seconds() >= TOUCH_EVERY_SECONDS)
    {
        store::touch_api_token(conn, row.id, now).await?;
    }
    Ok(Some(ApiCaller {
        user: SessionUser::of(row.user_id, row.member, false, hash),
        token: row.id,
        scopes: row.scopes.iter().filter_map(|s| s.parse().ok()).collect(),
    }))
}

/// A member's tokens, newest first.
pub async fn list(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<Vec<ApiTokenRow>> {
    store::api_tokens_of(conn, user).await
}
