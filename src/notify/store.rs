//! Every query of the notification feature: outbox, events, tokens, subscriptions, digests.

use crate::db::prepared as db;
pub use crate::forums::store::{
    add_event, discard_pending_events, subscribe, subscribe_if_new, subscription_mode,
};
pub use crate::mail::store::{
    claim_next, enqueue, enqueue_all, failed_mails, mark_failed_try, mark_sent, pending_count,
    retry_mail, signing_key,
};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{digest_items, notification_events, subscriptions, users};
use crate::ids::{ForumId, PostId, ThreadId, UserId};

// ---- events ----

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
    /// Post.
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
    /// Author.
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    /// Author's name.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Thread.
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    /// Thread title.
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    /// Thread hidden.
    #[diesel(sql_type = Bool)]
    pub thread_hidden: bool,
    /// Forum.
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    /// Forum name.
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
    /// Member.
    #[diesel(sql_type = BigInt)]
    pub user_id: UserId,
    /// Name.
    #[diesel(sql_type = Text)]
    pub username: String,
    /// Address.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// The member's global mode; `off` silences every notification.
    #[diesel(sql_type = Text)]
    pub notify_mode: String,
    /// Their subscription, if they have one that matches.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub subscription_id: Option<i64>,
    /// Its mode.
    #[diesel(sql_type = Nullable<Text>)]
    pub mode: Option<String>,
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
    subscriptions: &[i64],
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

/// Queues posts for members' daily digests, as (member, post) pairs.
pub async fn add_digest_items(
    conn: &mut AsyncPgConnection,
    items: &[(UserId, PostId)],
) -> QueryResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = items
        .iter()
        .map(|(u, p)| (digest_items::user_id.eq(*u), digest_items::post_id.eq(*p)))
        .collect();
    diesel::insert_into(digest_items::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// One entry of a digest.
#[derive(Debug, Clone, QueryableByName)]
pub struct DigestEntry {
    /// Recipient.
    #[diesel(sql_type = BigInt)]
    pub user_id: UserId,
    /// Their name.
    #[diesel(sql_type = Text)]
    pub username: String,
    /// Their address.
    #[diesel(sql_type = Text)]
    pub email: String,
    /// The post.
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    /// Its author.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Its thread.
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    /// Rendered body.
    #[diesel(sql_type = Text)]
    pub body_html: String,
}

/// Entries of members whose digest is due (none in the last `every`), locked for sending.
pub async fn due_digests(
    conn: &mut AsyncPgConnection,
    every: Duration,
) -> QueryResult<Vec<DigestEntry>> {
    db::sql(
        "SELECT d.user_id, u.username, u.email, p.id AS post_id, a.username AS author,
                t.title AS thread_title, p.body_html
           FROM digest_items d
           JOIN users u ON u.id = d.user_id
           JOIN posts p ON p.id = d.post_id
           JOIN users a ON a.id = p.author_id
           JOIN threads t ON t.id = p.thread_id
          WHERE (u.digest_sent_at IS NULL OR u.digest_sent_at <= now() - $1 * interval '1 second')
            AND NOT p.hidden AND NOT t.hidden
          ORDER BY d.user_id, t.id, p.position
          FOR UPDATE OF d SKIP LOCKED",
    )
    .bind::<BigInt, _>(every.num_seconds())
    .load(conn)
    .await
}

/// Empties the digests of `users` and notes when they were sent.
pub async fn digests_sent(conn: &mut AsyncPgConnection, users: &[UserId]) -> QueryResult<()> {
    diesel::delete(digest_items::table.filter(digest_items::user_id.eq_any(users)))
        .execute(conn)
        .await?;
    diesel::update(users::table.filter(users::id.eq_any(users)))
        .set(users::digest_sent_at.eq(Some(Utc::now())))
        .execute(conn)
        .await
        .map(|_| ())
}

// ---- subscriptions ----

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
    let ids: Vec<i64> = query.select(subscriptions::id).load(conn).await?;
    diesel::delete(subscriptions::table.filter(subscriptions::id.eq_any(ids)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Deletes a subscription by id (from an unsubscribe link); true when one was deleted.
pub async fn delete_subscription(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(subscriptions::table.find(id))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// A subscription as the settings page lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct SubscriptionRow {
    /// Id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Mode.
    #[diesel(sql_type = Text)]
    pub mode: String,
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
    id: i64,
    mode: &str,
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
    id: i64,
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
) -> QueryResult<(bool, String)> {
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
    mode: &str,
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
        .set(users::notify_mode.eq("off"))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

// ---- tokens ----

// ---- secrets ----
