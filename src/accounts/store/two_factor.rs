//! Queries of two-factor log-in: secrets, recovery codes, pending log-ins, trusted devices.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{login_challenges, recovery_codes, trusted_devices, users};
use crate::ids::UserId;

/// A member's second factor as the settings page shows it.
#[derive(Debug, Queryable)]
pub struct SecondFactor {
    /// The secret in use, once enabled.
    pub secret: Option<Vec<u8>>,
    /// A secret shown for setting up, not yet confirmed with a code.
    pub pending: Option<Vec<u8>>,
    /// When it was enabled.
    pub enabled_at: Option<DateTime<Utc>>,
    /// The newest time step whose code was used.
    pub last_step: i64,
}

/// The member's second factor.
pub async fn second_factor(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<SecondFactor> {
    users::table
        .find(user)
        .select((
            users::totp_secret,
            users::totp_pending_secret,
            users::totp_enabled_at,
            users::totp_last_step,
        ))
        .first(conn)
        .await
}

/// Whether the member logs in with a second factor.
pub async fn has_second_factor(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    users::table
        .find(user)
        .select(users::totp_enabled_at.is_not_null())
        .first(conn)
        .await
}

/// Keeps a secret for setting up, replacing any earlier one not confirmed.
pub async fn set_pending_secret(
    conn: &mut AsyncPgConnection,
    user: UserId,
    secret: &[u8],
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set(users::totp_pending_secret.eq(secret))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Turns the pending secret on (if it is still `secret`), with its first code's step as
/// used and these recovery codes; false if the pending secret changed meanwhile.
pub async fn enable_second_factor(
    conn: &mut AsyncPgConnection,
    user: UserId,
    secret: &[u8],
    step: i64,
    code_hashes: &[Vec<u8>],
) -> QueryResult<bool> {
    conn.transaction(async |conn| {
        let changed = diesel::update(
            users::table
                .find(user)
                .filter(users::totp_pending_secret.eq(secret)),
        )
        .set((
            users::totp_secret.eq(secret),
            users::totp_pending_secret.eq(None::<Vec<u8>>),
            users::totp_enabled_at.eq(diesel::dsl::now),
            users::totp_last_step.eq(step),
        ))
        .execute(conn)
        .await?;
        if changed == 0 {
            return Ok(false);
        }
        replace_recovery_codes(conn, user, code_hashes).await?;
        Ok(true)
    })
    .await
}

/// Replaces every recovery code of the member.
pub async fn replace_recovery_codes(
    conn: &mut AsyncPgConnection,
    user: UserId,
    code_hashes: &[Vec<u8>],
) -> QueryResult<()> {
    conn.transaction(async |conn| {
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = code_hashes
            .iter()
            .map(|hash| {
                (
                    recovery_codes::user_id.eq(user),
                    recovery_codes::code_hash.eq(hash),
                )
            })
            .collect();
        diesel::insert_into(recovery_codes::table)
            .values(&rows)
            .execute(conn)
            .await
            .map(|_| ())
    })
    .await
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Marks a code's time step as used, if no later or equal one was: each code works once,
/// even when two requests bring it at the same moment.
pub async fn use_step(conn: &mut AsyncPgConnection, user: UserId, step: i64) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user)
            .filter(users::totp_enabled_at.is_not_null())
            .filter(users::totp_last_step.lt(step)),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Uses up a recovery code; false if it is not one of the member's unused codes.
pub async fn use_recovery_code(
    conn: &mut AsyncPgConnection,
    user: UserId,
    code_hash: &[u8],
) -> QueryResult<bool> {
    diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user))
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Turns the second factor off: secret, recovery codes, trusted devices and pending
/// log-ins go. True if it was on.
pub async fn remove_second_factor(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    conn.transaction(async |conn| {
        let was_on = has_second_factor(conn, user).await?;
        diesel::update(users::table.find(user))
            .set((
                users::totp_secret.eq(None::<Vec<u8>>),
                users::totp_pending_secret.eq(None::<Vec<u8>>),
                users::totp_enabled_at.eq(None::<DateTime<Utc>>),
                users::totp_last_step.eq(0),
            ))
            .execute(conn)
            .await?;
        diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user)))
            .execute(conn)
            .await?;
        forget_trusted_devices(conn, user).await?;
        diesel::delete(login_challenges::table.filter(login_challenges::user_id.eq(user)))
            .execute(conn)
            .await?;
        Ok(was_on)
    })
    .await
}

/// A log-in waiting for its second step.
#[derive(Debug, Queryable)]
pub struct Challenge {
    pub user_id: UserId,
    /// "Remember me" was ticked.
    pub remember: bool,
    /// Where to go afterwards.
    pub next: Option<String>,
    /// A reply typed before logging in.
    pub draft: Option<String>,
}

/// Stores a pending log-in.
pub async fn insert_challenge(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    challenge: &Challenge,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(login_challenges::table)
        .values((
            login_challenges::token_hash.eq(token_hash),
            login_challenges::user_id.eq(challenge.user_id),
            login_challenges::remember.eq(challenge.remember),
            login_challenges::next.eq(&challenge.next),
            login_challenges::draft.eq(&challenge.draft),
            login_challenges::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The pending log-in with this hash, if it has not expired and its member is not banned.
pub async fn challenge(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<Challenge>> {
    login_challenges::table
        .inner_join(users::table)
        .filter(login_challenges::token_hash.eq(token_hash))
        .filter(login_challenges::expires_at.gt(now))
        .filter(users::banned_at.is_null())
        .select((
            login_challenges::user_id,
            login_challenges::remember,
            login_challenges::next,
            login_challenges::draft,
        ))
        .first(conn)
        .await
        .optional()
}

/// Ends a pending log-in (done, or given up).
pub async fn delete_challenge(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> QueryResult<()> {
    diesel::delete(login_challenges::table.find(token_hash))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Remembers a browser as trusted by the member until `expires_at`.
pub async fn trust_device(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    user: UserId,
    user_agent: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(trusted_devices::table)
        .values((
            trusted_devices::token_hash.eq(token_hash),
            trusted_devices::user_id.eq(user),
            trusted_devices::user_agent.eq(user_agent),
            trusted_devices::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether the browser with this token is trusted by this member now.
pub async fn device_trusted(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    user: UserId,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        trusted_devices::table
            .filter(trusted_devices::token_hash.eq(token_hash))
            .filter(trusted_devices::user_id.eq(user))
            .filter(trusted_devices::expires_at.gt(now)),
    ))
    .get_result(conn)
    .await
}

/// Browsers the member trusts now.
pub async fn trusted_device_count(
    conn: &mut AsyncPgConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    trusted_devices::table
        .filter(trusted_devices::user_id.eq(user))
        .filter(trusted_devices::expires_at.gt(now))
        .count()
        .get_result(conn)
        .await
}

/// Forgets every browser the member trusted.
pub async fn forget_trusted_devices(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<usize> {
    diesel::delete(trusted_devices::table.filter(trusted_devices::user_id.eq(user)))
        .execute(conn)
        .await
}

/// Deletes pending log-ins and trusted devices that have expired.
pub async fn purge_expired_second_steps(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let challenges =
        diesel::delete(login_challenges::table.filter(login_challenges::expires_at.le(now)))
            .execute(conn)
            .await?;
    let devices =
        diesel::delete(trusted_devices::table.filter(trusted_devices::expires_at.le(now)))
            .execute(conn)
            .await?;
    Ok(challenges + devices)
}
