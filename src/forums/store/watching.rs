//! Watching: who follows a thread or forum, and the events the notifier expands.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::NotifyMode;
use crate::db::prepared as db;
use crate::db::schema::{notification_events, subscriptions};
use crate::ids::{ForumId, PostId, ThreadId, UserId};

/// Records that a post was written, for the worker to fan out.
pub async fn add_event(conn: &mut AsyncPgConnection, kind: &str, post: PostId) -> QueryResult<()> {
    diesel::insert_into(notification_events::table)
        .values((
            notification_events::kind.eq(kind),
            notification_events::post_id.eq(post),
        ))
        .execute(conn)
        .await?;
    crate::mail::wake::queued();
    Ok(())
}

/// Marks every pending event handled without sending anything (seeded demo content).
pub async fn discard_pending_events(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::update(notification_events::table.filter(notification_events::processed_at.is_null()))
        .set(notification_events::processed_at.eq(Some(Utc::now())))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Subscribes `user` to a thread or forum with `mode` (changing the mode if subscribed).
pub async fn subscribe(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: Option<ThreadId>,
    forum: Option<ForumId>,
    mode: NotifyMode,
) -> QueryResult<()> {
    let conflict = if thread.is_some() {
        "(user_id, thread_id) WHERE thread_id IS NOT NULL"
    } else {
        "(user_id, forum_id) WHERE forum_id IS NOT NULL"
    };
    diesel::sql_query(format!(
        "INSERT INTO subscriptions (user_id, thread_id, forum_id, mode) VALUES ($1, $2, $3, $4)
         ON CONFLICT {conflict} DO UPDATE SET mode = EXCLUDED.mode"
    ))
    .bind::<BigInt, _>(user)
    .bind::<Nullable<BigInt>, _>(thread)
    .bind::<Nullable<BigInt>, _>(forum)
    .bind::<Text, _>(mode)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Subscribes the author of a post to its thread unless already subscribed.
pub async fn subscribe_if_new(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
    mode: NotifyMode,
) -> QueryResult<()> {
    db::sql(
        "INSERT INTO subscriptions (user_id, thread_id, mode) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, thread_id) WHERE thread_id IS NOT NULL DO NOTHING",
    )
    .bind::<BigInt, _>(user)
    .bind::<BigInt, _>(thread)
    .bind::<Text, _>(mode)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Whether `user` watches the thread (or forum), and how.
pub async fn subscription_mode(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: Option<ThreadId>,
    forum: Option<ForumId>,
) -> QueryResult<Option<String>> {
    let query = subscriptions::table
        .filter(subscriptions::user_id.eq(user))
        .into_boxed();
    let query = match (thread, forum) {
        (Some(t), _) => query.filter(subscriptions::thread_id.eq(t)),
        (None, Some(f)) => query.filter(subscriptions::forum_id.eq(f)),
        (None, None) => return Ok(None),
    };
    query
        .select(subscriptions::mode)
        .first(conn)
        .await
        .optional()
}
