//! Queries of the sessions page: a member's signed-in devices.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::sessions;
use crate::ids::UserId;

/// One live session as its owner sees it.
#[derive(Debug, Queryable)]
pub struct Device {
    /// The number the page names it by.
    pub id: i64,
    /// The browser's `User-Agent`.
    pub user_agent: String,
    /// The address it was last used from.
    pub ip: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// SHA-256 of its token, to tell the current one.
    pub token_hash: Vec<u8>,
}

/// The member's live sessions, the most recently used first.
pub async fn devices_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Device>> {
    sessions::table
        .filter(sessions::user_id.eq(user))
        .filter(sessions::expires_at.gt(now))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .select((
            sessions::id,
            sessions::user_agent,
            sessions::ip,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::token_hash,
        ))
        .load(conn)
        .await
}

/// Ends one of the member's sessions; false if it is not theirs or already gone.
pub async fn end_device(conn: &mut AsyncPgConnection, user: UserId, id: i64) -> QueryResult<bool> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::id.eq(id)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}
