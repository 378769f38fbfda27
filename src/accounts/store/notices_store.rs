//! "Notices": what the site tells a member on its pages.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::notices;
use crate::ids::UserId;

/// One notice as the notices page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Notice {
    pub id: i64,
    pub text: String,
    /// Where it leads (a path on this site).
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Leaves a notice for each of `users` (in the caller's transaction).
pub async fn add_notices(
    conn: &mut AsyncPgConnection,
    users: &[UserId],
    text: &str,
    url: &str,
) -> QueryResult<()> {
    let rows: Vec<_> = users
        .iter()
        .map(|user| {
            (
                notices::user_id.eq(*user),
                notices::text.eq(text),
                notices::url.eq(url),
            )
        })
        .collect();
    diesel::insert_into(notices::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// A member's newest notices.
pub async fn notices_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
    limit: i64,
) -> QueryResult<Vec<Notice>> {
    notices::table
        .filter(notices::user_id.eq(user))
        .select((
            notices::id,
            notices::text,
            notices::url,
            notices::created_at,
            notices::read_at,
        ))
        .order(notices::id.desc())
        .limit(limit)
        .load(conn)
        .await
}

/// Marks every notice of a member read.
pub async fn read_notices(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<()> {
    diesel::update(
        notices::table
            .filter(notices::user_id.eq(user))
            .filter(notices::read_at.is_null()),
    )
    .set(notices::read_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(drop)
}

/// Marks one of a member's notices read; where it leads, or `None` when it is not theirs.
pub async fn open_notice(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: i64,
) -> QueryResult<Option<String>> {
    diesel::update(
        notices::table
            .filter(notices::id.eq(id))
            .filter(notices::user_id.eq(user)),
    )
    .set(notices::read_at.eq(diesel::dsl::now))
    .returning(notices::url)
    .get_result(conn)
    .await
    .optional()
}
