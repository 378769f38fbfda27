//! What a member follows and how: subscriptions, defaults, silencing.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::NotifyMode;
use crate::db::prepared as db;
use crate::db::schema::{subscriptions, users};
use crate::ids::{ForumId, SubscriptionId, ThreadId, UserId};

/// Ends a member's subscription to a thread or forum.
pub async fn unsubscribe(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: Option<ThreadId>,
    forum: Option<ForumId>,
) -> QueryResult<()> {
    let query = subscriptions::table
        .filter(subscriptions::user_id.eq(user))
        .into_boxed();
    let query = match (thread, forum) {
        (Some(t), _) => query.filter(subscriptions::thread_id.eq(t)),
        (None, Some(f)) => query.filter(subscriptions::forum_id.eq(f)),
        (None, None) => return Ok(()),
    };
    let ids: Vec<SubscriptionId> = query.select(subscriptions::id).load(conn).await?;
    diesel::delete(subscriptions::table.filter(subscriptions::id.eq_any(ids)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Deletes a subscription by id (from an unsubscribe link); true when one was deleted.
pub async fn delete_subscription(
    conn: &mut AsyncPgConnection,
    id: SubscriptionId,
) -> QueryResult<bool> {
    diesel::delete(subscriptions::table.find(id))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// A subscription as the settings page lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct SubscriptionRow {
    #[diesel(sql_type = BigInt)]
    pub id: SubscriptionId,
    #[diesel(sql_type = Text)]
    pub mode: NotifyMode,
    /// A thread's title or a forum's name.
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Where it is.
    #[diesel(sql_type = Text)]
    pub path: String,
    /// Thread (true) or forum.
    #[diesel(sql_type = Bool)]
    pub is_thread: bool,
}

/// Everything a member watches.
pub async fn subscriptions_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<SubscriptionRow>> {
    db::sql(
        "SELECT s.id, s.mode, COALESCE(t.title, f.title) AS title,
                CASE WHEN t.id IS NOT NULL THEN '/t/' || t.id || '/' || t.slug ELSE '/f/' || f.slug END AS path,
                t.id IS NOT NULL AS is_thread
           FROM subscriptions s
           LEFT JOIN threads t ON t.id = s.thread_id
           LEFT JOIN forums f ON f.id = s.forum_id
          WHERE s.user_id = $1
          ORDER BY s.created_at DESC",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// Changes the mode of one of a member's subscriptions.
pub async fn set_subscription_mode(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: SubscriptionId,
    mode: NotifyMode,
) -> QueryResult<usize> {
    diesel::update(
        subscriptions::table
            .find(id)
            .filter(subscriptions::user_id.eq(user)),
    )
    .set(subscriptions::mode.eq(mode))
    .execute(conn)
    .await
}

/// Deletes one of a member's subscriptions.
pub async fn delete_own_subscription(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: SubscriptionId,
) -> QueryResult<usize> {
    diesel::delete(
        subscriptions::table
            .find(id)
            .filter(subscriptions::user_id.eq(user)),
    )
    .execute(conn)
    .await
}

/// A member's notification defaults: (checkbox default, delivery mode).
pub async fn notify_defaults(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<(bool, NotifyMode)> {
    users::table
        .find(user)
        .select((users::notify_default, users::notify_mode))
        .first(conn)
        .await
}

/// Saves a member's notification defaults.
pub async fn set_notify_defaults(
    conn: &mut AsyncPgConnection,
    user: UserId,
    default: bool,
    mode: NotifyMode,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set((
            users::notify_default.eq(default),
            users::notify_mode.eq(mode),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Turns every notification of a member off (from a one-click unsubscribe link).
pub async fn silence_member(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    diesel::update(users::table.find(user))
        .set(users::notify_mode.eq(NotifyMode::Off))
        .execute(conn)
        .await
        .map(|n| n == 1)
}
