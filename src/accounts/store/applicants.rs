//! Queries of registration modes: applicants waiting for approval, and invitations.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{invitations, users};
use crate::ids::UserId;

/// Marks a new account as an applicant, waiting for an administrator.
pub async fn mark_applicant(
    conn: &mut AsyncPgConnection,
    user: UserId,
    application: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set((
            users::applied_at.eq(diesel::dsl::now),
            users::application.eq(application),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether the account still waits for approval.
pub async fn is_applicant(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    users::table
        .find(user)
        .select(users::applied_at.is_not_null())
        .first(conn)
        .await
}

/// An account waiting for approval, as administrators see it.
#[derive(Debug, Queryable)]
pub struct Applicant {
    pub id: UserId,
    pub username: String,
    pub email: String,
    /// Whether they opened their confirmation link yet.
    pub confirmed: bool,
    pub applied_at: DateTime<Utc>,
    /// What they wrote about themselves.
    pub application: Option<String>,
}

/// The columns of an [`Applicant`].
#[diesel::dsl::auto_type]
fn applicant_columns() -> _ {
    (
        users::id,
        users::username,
        users::email,
        users::email_confirmed_at.is_not_null(),
        users::applied_at.assume_not_null(),
        users::application,
    )
}

/// Every applicant, the longest waiting first.
pub async fn applicants(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Applicant>> {
    users::table
        .filter(users::applied_at.is_not_null())
        .filter(users::deleted_at.is_null())
        .order((users::applied_at.asc(), users::id.asc()))
        .select(applicant_columns())
        .load(conn)
        .await
}

/// The applicant with this id, if they still wait.
pub async fn applicant(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Option<Applicant>> {
    users::table
        .find(user)
        .filter(users::applied_at.is_not_null())
        .filter(users::deleted_at.is_null())
        .select(applicant_columns())
        .first(conn)
        .await
        .optional()
}

/// Lets an applicant in; false if they no longer wait.
pub async fn approve_applicant(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user)
            .filter(users::applied_at.is_not_null()),
    )
    .set((
        users::applied_at.eq(None::<DateTime<Utc>>),
        users::application.eq(None::<String>),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Removes a refused applicant's account (it holds nothing: applicants cannot log in).
pub async fn remove_applicant(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    diesel::delete(
        users::table
            .find(user)
            .filter(users::applied_at.is_not_null()),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Stores a new invitation.
pub async fn insert_invitation(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    by: UserId,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::token_hash.eq(token_hash),
            invitations::created_by.eq(by),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether an invitation can still be used.
pub async fn invitation_open(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        invitations::table
            .find(token_hash)
            .filter(invitations::used_at.is_null())
            .filter(invitations::expires_at.gt(diesel::dsl::now)),
    ))
    .get_result(conn)
    .await
}

/// Uses an invitation up for the new account `user`; false if it was used or expired.
pub async fn use_invitation(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    user: UserId,
) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(token_hash)
            .filter(invitations::used_at.is_null())
            .filter(invitations::expires_at.gt(diesel::dsl::now)),
    )
    .set((
        invitations::used_by.eq(user),
        invitations::used_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// An invitation as its maker sees it.
#[derive(Debug, Queryable)]
pub struct Invitation {
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Who registered with it.
    pub used_by: Option<String>,
    pub used_at: Option<DateTime<Utc>>,
}

/// The invitations a member made, newest first.
pub async fn invitations_of(
    conn: &mut AsyncPgConnection,
    by: UserId,
) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .left_join(users::table.on(users::id.nullable().eq(invitations::used_by)))
        .filter(invitations::created_by.eq(by))
        .order(invitations::created_at.desc())
        .select((
            invitations::created_at,
            invitations::expires_at,
            users::username.nullable(),
            invitations::used_at,
        ))
        .limit(50)
        .load(conn)
        .await
}
