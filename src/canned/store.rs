//! Every query of the canned replies.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{canned_replies, users};
use crate::ids::UserId;

/// A template as its page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// Who wrote or last changed it (gone when that account is).
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// Why a template was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Another template has this title (letter case aside).
    #[error("another canned reply has this title")]
    TitleTaken,
    #[error("the database failed")]
    Database(#[from] Error),
}

fn saved(result: QueryResult<usize>) -> Result<usize, SaveError> {
    result.map_err(|e| match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => SaveError::TitleTaken,
        other => SaveError::Database(other),
    })
}

/// Every template, by title.
pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<CannedReply>> {
    canned_replies::table
        .left_join(users::table)
        .select((
            canned_replies::id,
            canned_replies::title,
            canned_replies::body,
            users::username.nullable(),
            canned_replies::changed_at,
        ))
        .order((canned_replies::title, canned_replies::id))
        .load(conn)
        .await
}

/// The titles of every template, for the composer's list.
pub async fn titles(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(i64, String)>> {
    canned_replies::table
        .select((canned_replies::id, canned_replies::title))
        .order((canned_replies::title, canned_replies::id))
        .load(conn)
        .await
}

/// The text of template `id`.
pub async fn body(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<String>> {
    canned_replies::table
        .find(id)
        .select(canned_replies::body)
        .first(conn)
        .await
        .optional()
}

/// Adds a template.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    title: &str,
    body: &str,
    by: UserId,
) -> Result<(), SaveError> {
    saved(
        diesel::insert_into(canned_replies::table)
            .values((
                canned_replies::title.eq(title),
                canned_replies::body.eq(body),
                canned_replies::changed_by.eq(by),
            ))
            .execute(conn)
            .await,
    )?;
    Ok(())
}

/// Changes template `id`; false when there is none.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    title: &str,
    body: &str,
    by: UserId,
) -> Result<bool, SaveError> {
    let changed = saved(
        diesel::update(canned_replies::table.find(id))
            .set((
                canned_replies::title.eq(title),
                canned_replies::body.eq(body),
                canned_replies::changed_by.eq(by),
                canned_replies::changed_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await,
    )?;
    Ok(changed == 1)
}

/// Deletes template `id`.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(canned_replies::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}
