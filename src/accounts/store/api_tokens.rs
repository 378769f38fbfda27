//! Queries of API tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{MemberRow, member_columns};
use crate::db::schema::{api_tokens, notices, staff_group_members, users};
use crate::ids::UserId;

/// A token to insert.
#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub token_hash: &'a [u8],
    pub prefix: &'a str,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as its owner sees it in the list.
#[derive(Debug, Clone, Queryable)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    /// The token's first characters.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A live token and its member.
#[derive(Queryable)]
pub struct LiveToken {
    pub id: i64,
    pub user_id: UserId,
    pub scopes: Vec<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub member: MemberRow,
}

/// Saves a new token.
pub async fn insert_api_token(
    conn: &mut AsyncPgConnection,
    new: &NewApiToken<'_>,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(api_tokens::id)
        .get_result(conn)
        .await
}

/// A member's tokens, newest first.
pub async fn api_tokens_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .order(api_tokens::id.desc())
        .select((
            api_tokens::id,
            api_tokens::name,
            api_tokens::prefix,
            api_tokens::scopes,
            api_tokens::created_at,
            api_tokens::expires_at,
            api_tokens::last_used_at,
        ))
        .load(conn)
        .await
}

/// How many tokens a member has.
pub async fn count_api_tokens(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<i64> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .count()
        .get_result(conn)
        .await
}

/// Deletes one of a member's tokens; whether there was one.
pub async fn delete_api_token(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: i64,
) -> QueryResult<bool> {
    diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user)),
    )
    .execute(conn)
    .await
    .map(|n| n > 0)
}

/// The unexpired token with this hash, unless its member is banned or gone.
pub async fn live_api_token(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<LiveToken>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .filter(users::banned_at.is_null())
        .filter(users::deleted_at.is_null())
        .select((
            api_tokens::id,
            api_tokens::user_id,
            api_tokens::scopes,
            api_tokens::last_used_at,
            member_columns!(api_tokens::user_id),
        ))
        .first(conn)
        .await
        .optional()
}

/// Records that a token was used.
pub async fn touch_api_token(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .await
        .map(|_| ())
}
