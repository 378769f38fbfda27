//! The events the notifier claims, the posts they are about, and who hears of them.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::NotifyMode;
use crate::db::prepared as db;
use crate::db::schema::{notification_events, subscriptions};
use crate::ids::{ForumId, PostId, SubscriptionId, ThreadId, UserId};

/// Claims pending events (call inside a transaction; they stay locked until it ends).
pub async fn claim_events(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<(i64, String, PostId)>> {
    notification_events::table
        .filter(notification_events::processed_at.is_null())
        .order(notification_events::id)
        .limit(limit)
        .select((
            notification_events::id,
            notification_events::kind,
            notification_events::post_id,
        ))
        .for_update()
        .skip_locked()
        .load(conn)
        .await
}

/// Marks events handled.
pub async fn finish_events(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<()> {
    diesel::update(notification_events::table.filter(notification_events::id.eq_any(ids)))
        .set(notification_events::processed_at.eq(Some(Utc::now())))
        .execute(conn)
        .await
        .map(|_| ())
}

/// What a notification says about a post.
#[derive(Debug, Clone, QueryableByName)]
pub struct PostContext {
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Rendered body (for the excerpt).
    #[diesel(sql_type = Text)]
    pub body_html: String,
    /// Markdown (for mentions).
    #[diesel(sql_type = Text)]
    pub body_source: String,
    /// Removed posts notify nobody.
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    /// Author's name.
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    #[diesel(sql_type = Bool)]
    pub thread_hidden: bool,
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    #[diesel(sql_type = Text)]
    pub forum_title: String,
    /// Authors of the posts it quotes.
    #[diesel(sql_type = Array<BigInt>)]
    pub quoted_authors: Vec<i64>,
}

/// The posts events are about, with their thread, forum and quoted authors.
pub async fn post_contexts(
    conn: &mut AsyncPgConnection,
    posts: &[PostId],
) -> QueryResult<Vec<PostContext>> {
    let ids: Vec<i64> = posts.iter().map(|p| p.0).collect();
    db::sql(
        "SELECT p.id AS post_id, p.position, p.body_html, p.body_source, p.hidden,
                p.author_id, u.username AS author, t.id AS thread_id, t.title AS thread_title,
                t.hidden AS thread_hidden, f.id AS forum_id, f.title AS forum_title,
                ARRAY(SELECT DISTINCT q.author_id FROM post_quotes pq
                        JOIN posts q ON q.id = pq.quoted_post_id
                       WHERE pq.post_id = p.id) AS quoted_authors
           FROM posts p JOIN users u ON u.id = p.author_id
           JOIN threads t ON t.id = p.thread_id JOIN forums f ON f.id = t.forum_id
          WHERE p.id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
    .await
}

/// Someone who may get a mail about a post.
#[derive(Debug, Clone, QueryableByName)]
pub struct Recipient {
    #[diesel(sql_type = BigInt)]
    pub user_id: UserId,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    /// The member's global mode; `off` silences every notification.
    #[diesel(sql_type = Text)]
    pub notify_mode: NotifyMode,
    /// Their subscription, if they have one that matches.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub subscription_id: Option<SubscriptionId>,
    #[diesel(sql_type = Nullable<Text>)]
    pub mode: Option<NotifyMode>,
    /// A mail went out and they have not visited since.
    #[diesel(sql_type = Nullable<Bool>)]
    pub awaiting_visit: Option<bool>,
}

/// A subscription to one of the threads or forums a round of events is about.
#[derive(Debug, Clone, QueryableByName)]
pub struct Watcher {
    /// The thread watched, for a thread subscription.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub thread_id: Option<ThreadId>,
    /// The forum watched, for a forum subscription.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub forum_id: Option<ForumId>,
    /// Who watches, with the subscription.
    #[diesel(embed)]
    pub recipient: Recipient,
}

/// Confirmed members watching any of `threads` or `forums`, with their subscription.
pub async fn watchers_of(
    conn: &mut AsyncPgConnection,
    threads: &[ThreadId],
    forums: &[ForumId],
) -> QueryResult<Vec<Watcher>> {
    let threads: Vec<i64> = threads.iter().map(|t| t.0).collect();
    let forums: Vec<i64> = forums.iter().map(|f| f.0).collect();
    db::sql(
        "SELECT s.thread_id, s.forum_id, u.id AS user_id, u.username, u.email, u.notify_mode,
                s.id AS subscription_id, s.mode, s.awaiting_visit
           FROM subscriptions s JOIN users u ON u.id = s.user_id
          WHERE (s.thread_id = ANY($1) OR s.forum_id = ANY($2))
            AND u.email_confirmed_at IS NOT NULL AND u.banned_at IS NULL
          ORDER BY u.id",
    )
    .bind::<Array<BigInt>, _>(threads)
    .bind::<Array<BigInt>, _>(forums)
    .load(conn)
    .await
}

/// Confirmed members by id or by name (ignoring case), with their subscription to `thread`.
pub async fn members_for_thread(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
    names: &[String],
    thread: ThreadId,
) -> QueryResult<Vec<Recipient>> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let names: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    db::sql(
        "SELECT u.id AS user_id, u.username, u.email, u.notify_mode, s.id AS subscription_id,
                s.mode, s.awaiting_visit
           FROM users u LEFT JOIN subscriptions s ON s.user_id = u.id AND s.thread_id = $3
          WHERE (u.id = ANY($1) OR lower(u.username) = ANY($2))
            AND u.email_confirmed_at IS NOT NULL AND u.banned_at IS NULL",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Text>, _>(names)
    .bind::<BigInt, _>(thread)
    .load(conn)
    .await
}

/// Notes that a mail went out for these subscriptions (no more until their owners visit).
pub async fn set_awaiting_visit(
    conn: &mut AsyncPgConnection,
    subscriptions: &[SubscriptionId],
) -> QueryResult<()> {
    if subscriptions.is_empty() {
        return Ok(());
    }
    diesel::update(subscriptions::table.filter(subscriptions::id.eq_any(subscriptions)))
        .set(subscriptions::awaiting_visit.eq(true))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A member visited a thread: the next reply may mail them again.
pub async fn visited(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<()> {
    diesel::update(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user))
            .filter(subscriptions::thread_id.eq(thread))
            .filter(subscriptions::awaiting_visit),
    )
    .set(subscriptions::awaiting_visit.eq(false))
    .execute(conn)
    .await
    .map(|_| ())
}
