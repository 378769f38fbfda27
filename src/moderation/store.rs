//! Every query of the moderation feature.

use crate::db::prepared as db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::Role;
use crate::db::schema::{pending_edits, posts, reports, threads, users};
use crate::forums::store as forums_store;
use crate::ids::{ForumId, PostId, ReportId, ThreadId, UserId};

// ---- the log ----

pub use crate::forums::store::log_moderation as log;

/// One line of the moderation log.
#[derive(Debug, Clone, QueryableByName)]
pub struct LogEntry {
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Who did it.
    #[diesel(sql_type = Text)]
    pub actor: String,
    #[diesel(sql_type = Text)]
    pub action: String,
    /// The member concerned, if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub member: Option<String>,
    #[diesel(sql_type = Text)]
    pub target: String,
    #[diesel(sql_type = Text)]
    pub reason: String,
}

/// Log entries, newest first, filtered by moderator name, member name and action.
pub async fn log_entries(
    conn: &mut AsyncPgConnection,
    actor: Option<&str>,
    member: Option<&str>,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<LogEntry>> {
    db::sql(
        "SELECT l.created_at, a.username AS actor, l.action, m.username AS member, l.target, l.reason
           FROM moderation_log l
           JOIN users a ON a.id = l.actor_id
           LEFT JOIN users m ON m.id = l.target_user_id
          WHERE ($1::text IS NULL OR lower(a.username) = lower($1))
            AND ($2::text IS NULL OR lower(m.username) = lower($2))
            AND ($3::text IS NULL OR l.action = $3)
          ORDER BY l.created_at DESC, l.id DESC
          LIMIT $4 OFFSET $5",
    )
    .bind::<Nullable<Text>, _>(actor)
    .bind::<Nullable<Text>, _>(member)
    .bind::<Nullable<Text>, _>(action)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await
}

// ---- threads ----

/// Locks or unlocks a thread.
pub async fn set_locked(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    locked: bool,
    reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread))
        .set((threads::locked.eq(locked), threads::lock_reason.eq(reason)))
        .execute(conn)
        .await
}

/// Pins or unpins a thread.
pub async fn set_pinned(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    pinned: bool,
) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread))
        .set(threads::pinned.eq(pinned))
        .execute(conn)
        .await
}

/// Renames a thread (its slug follows the new title).
pub async fn rename(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    title: &str,
    slug: &str,
) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread))
        .set((threads::title.eq(title), threads::slug.eq(slug)))
        .execute(conn)
        .await
}

/// A thread's forum, number of posts and visibility, locked for a change of place.
pub async fn lock_thread_row(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
) -> QueryResult<Option<(ForumId, i32, bool, String)>> {
    threads::table
        .find(thread)
        .select((
            threads::forum_id,
            threads::post_count,
            threads::hidden,
            threads::title,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Moves a thread to `to`, taking its counts from `from` to `to`.
pub async fn move_thread(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    from: ForumId,
    to: ForumId,
    posts: i32,
) -> QueryResult<()> {
    diesel::update(threads::table.find(thread))
        .set(threads::forum_id.eq(to))
        .execute(conn)
        .await?;
    forums_store::adjust_forum(conn, from, -1, -posts).await?;
    forums_store::adjust_forum(conn, to, 1, posts).await
}

/// Hides or restores a thread.
pub async fn set_thread_hidden(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    hidden: bool,
    reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread))
        .set((
            threads::hidden.eq(hidden),
            threads::hidden_reason.eq(reason),
        ))
        .execute(conn)
        .await
}

/// Far above any real position: rows pass through it so renumbering never collides with
/// the unique (thread, position) index.
const PARKED: i32 = 1_000_000_000;

/// Moves the posts `ids` (in their order) from `from` to the new thread `to` as its
/// posts 1..k, and closes the gaps left in `from`; returns k.
pub async fn move_posts(
    conn: &mut AsyncPgConnection,
    from: ThreadId,
    to: ThreadId,
    ids: &[PostId],
) -> QueryResult<usize> {
    let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let moved = db::sql(
        "UPDATE posts SET thread_id = $2, position = r.n + $4 FROM (
             SELECT id, row_number() OVER (ORDER BY position)::int AS n
               FROM posts WHERE thread_id = $1 AND id = ANY($3)) r
          WHERE posts.id = r.id",
    )
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(to)
    .bind::<diesel::sql_types::Array<BigInt>, _>(raw)
    .bind::<diesel::sql_types::Integer, _>(PARKED)
    .execute(conn)
    .await?;
    unpark(conn, to).await?;
    renumber(conn, from).await?;
    Ok(moved)
}

/// Appends every post of `from` to `to`, after its last, in their order.
pub async fn append_posts(
    conn: &mut AsyncPgConnection,
    from: ThreadId,
    to: ThreadId,
) -> QueryResult<usize> {
    let moved = db::sql(
        "UPDATE posts SET thread_id = $2, position = r.n + $3 FROM (
             SELECT id, (row_number() OVER (ORDER BY position)
                         + (SELECT COALESCE(max(position), 0) FROM posts WHERE thread_id = $2))::int AS n
               FROM posts WHERE thread_id = $1) r
          WHERE posts.id = r.id",
    )
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(to)
    .bind::<diesel::sql_types::Integer, _>(PARKED)
    .execute(conn)
    .await?;
    unpark(conn, to).await?;
    Ok(moved)
}

async fn unpark(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    db::sql("UPDATE posts SET position = position - $2 WHERE thread_id = $1 AND position > $2")
        .bind::<BigInt, _>(thread)
        .bind::<diesel::sql_types::Integer, _>(PARKED)
        .execute(conn)
        .await
        .map(|_| ())
}

async fn renumber(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    db::sql(
        "UPDATE posts SET position = r.n + $2 FROM (
             SELECT id, row_number() OVER (ORDER BY position)::int AS n FROM posts WHERE thread_id = $1) r
          WHERE posts.id = r.id",
    )
    .bind::<BigInt, _>(thread)
    .bind::<diesel::sql_types::Integer, _>(PARKED)
    .execute(conn)
    .await?;
    unpark(conn, thread).await
}

/// Recomputes a thread's post count and last post from its posts.
pub async fn recount_thread(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    db::sql(
        "UPDATE threads SET post_count = s.n, last_post_id = l.id, last_post_author_id = l.author_id,
                            last_post_at = COALESCE(l.created_at, threads.last_post_at)
           FROM (SELECT count(*)::int AS n FROM posts WHERE thread_id = $1) s
           LEFT JOIN LATERAL (SELECT id, author_id, created_at FROM posts
                               WHERE thread_id = $1 AND approved AND NOT hidden
                               ORDER BY position DESC LIMIT 1) l ON TRUE
          WHERE threads.id = $1",
    )
    .bind::<BigInt, _>(thread)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks a thread merged into another and hides it.
pub async fn mark_merged(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    into: ThreadId,
) -> QueryResult<()> {
    diesel::update(threads::table.find(thread))
        .set((
            threads::merged_into.eq(Some(into)),
            threads::hidden.eq(true),
            threads::post_count.eq(0),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

// ---- posts ----

/// A post as moderation needs it.
#[derive(Debug, Clone, Queryable)]
pub struct PostFacts {
    pub thread_id: ThreadId,
    pub author_id: UserId,
    /// `#N`.
    pub position: i32,
    pub hidden: bool,
}

/// Facts about a post.
pub async fn post_facts(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> QueryResult<Option<PostFacts>> {
    posts::table
        .find(post)
        .select((
            posts::thread_id,
            posts::author_id,
            posts::position,
            posts::hidden,
        ))
        .first(conn)
        .await
        .optional()
}

/// Shows a hidden post again.
pub async fn restore_post(conn: &mut AsyncPgConnection, post: PostId) -> QueryResult<usize> {
    diesel::update(posts::table.find(post))
        .set((
            posts::hidden.eq(false),
            posts::hidden_by.eq(None::<UserId>),
            posts::hidden_at.eq(None::<DateTime<Utc>>),
            posts::hidden_reason.eq(None::<String>),
        ))
        .execute(conn)
        .await
}

/// One earlier version of a post.
#[derive(Debug, Clone, QueryableByName)]
pub struct Revision {
    /// The text before the edit.
    #[diesel(sql_type = Text)]
    pub body_source: String,
    #[diesel(sql_type = Text)]
    pub editor: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// A post's earlier versions, oldest first.
pub async fn revisions(conn: &mut AsyncPgConnection, post: PostId) -> QueryResult<Vec<Revision>> {
    db::sql(
        "SELECT r.body_source, u.username AS editor, r.reason, r.created_at
           FROM post_revisions r JOIN users u ON u.id = r.edited_by
          WHERE r.post_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind::<BigInt, _>(post)
    .load(conn)
    .await
}

// ---- members ----

/// A member as moderation shows them.
#[derive(Debug, Clone, QueryableByName)]
pub struct MemberRow {
    #[diesel(sql_type = BigInt)]
    pub id: UserId,
    #[diesel(sql_type = Text)]
    pub username: String,
    /// Address (admins only).
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub role: Role,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub post_count: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub suspended_until: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub banned_at: Option<DateTime<Utc>>,
    /// Logs in with a second factor.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub two_factor: bool,
    /// A former member: the account was deleted.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub deleted: bool,
}

/// Members whose name or address contains `query` (ignoring case), by name.
pub async fn find_members(
    conn: &mut AsyncPgConnection,
    query: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<MemberRow>, i64)> {
    let pattern = crate::text::contains_pattern(query);
    let rows = db::sql(
        "SELECT id, username, email, role, post_count, created_at, suspended_until, banned_at,
                totp_enabled_at IS NOT NULL AS two_factor, deleted_at IS NOT NULL AS deleted
           FROM users WHERE username ILIKE $1 OR email ILIKE $1
          ORDER BY lower(username) LIMIT $2 OFFSET $3",
    )
    .bind::<Text, _>(&pattern)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    let total = users::table
        .filter(
            users::username
                .ilike(&pattern)
                .or(users::email.ilike(&pattern)),
        )
        .count()
        .get_result(conn)
        .await?;
    Ok((rows, total))
}

/// A member by name (ignoring case).
pub async fn member_by_name(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> QueryResult<Option<MemberRow>> {
    db::sql(
        "SELECT id, username, email, role, post_count, created_at, suspended_until, banned_at,
                totp_enabled_at IS NOT NULL AS two_factor, deleted_at IS NOT NULL AS deleted
           FROM users WHERE lower(username) = lower($1)",
    )
    .bind::<Text, _>(name)
    .get_result(conn)
    .await
    .optional()
}

/// A member's name and role.
pub async fn name_and_role(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Option<(String, Role)>> {
    users::table
        .find(user)
        .select((users::username, users::role))
        .first(conn)
        .await
        .optional()
}

/// Changes a member's role.
pub async fn set_role(
    conn: &mut AsyncPgConnection,
    user: UserId,
    role: Role,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user))
        .set(users::role.eq(role))
        .execute(conn)
        .await
}

/// Suspends a member until `until` (or lifts it with `None`).
pub async fn set_suspension(
    conn: &mut AsyncPgConnection,
    user: UserId,
    until: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user))
        .set((
            users::suspended_until.eq(until),
            users::suspension_reason.eq(reason),
        ))
        .execute(conn)
        .await
}

/// Bans a member (or lifts it with `None`).
pub async fn set_ban(
    conn: &mut AsyncPgConnection,
    user: UserId,
    at: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(user))
        .set((users::banned_at.eq(at), users::ban_reason.eq(reason)))
        .execute(conn)
        .await
}

// ---- reports ----

/// Files a report; false when this member already has one open for this post.
pub async fn file_report(
    conn: &mut AsyncPgConnection,
    post: PostId,
    reporter: UserId,
    reason: &str,
    details: &str,
) -> QueryResult<bool> {
    diesel::insert_into(reports::table)
        .values((
            reports::post_id.eq(post),
            reports::reporter_id.eq(reporter),
            reports::reason.eq(reason),
            reports::details.eq(details),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// An open report with its post.
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenReport {
    #[diesel(sql_type = BigInt)]
    pub id: ReportId,
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = Text)]
    pub details: String,
    #[diesel(sql_type = Text)]
    pub reporter: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// The post's author.
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    /// The post's thread.
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    /// The post's HTML.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub hidden: bool,
}

/// Open reports, grouped by post (newest post first).
pub async fn open_reports(conn: &mut AsyncPgConnection) -> QueryResult<Vec<OpenReport>> {
    db::sql(
        "SELECT r.id, r.post_id, r.reason, r.details, ru.username AS reporter, r.created_at,
                au.username AS author, p.author_id, t.title AS thread_title, p.body_html, p.hidden
           FROM reports r
           JOIN users ru ON ru.id = r.reporter_id
           JOIN posts p ON p.id = r.post_id
           JOIN users au ON au.id = p.author_id
           JOIN threads t ON t.id = p.thread_id
          WHERE r.resolved_at IS NULL
          ORDER BY r.post_id DESC, r.created_at",
    )
    .load(conn)
    .await
}

/// Closes every open report of a post with an outcome.
pub async fn resolve_reports(
    conn: &mut AsyncPgConnection,
    post: PostId,
    by: UserId,
    outcome: &str,
) -> QueryResult<usize> {
    diesel::update(
        reports::table
            .filter(reports::post_id.eq(post))
            .filter(reports::resolved_at.is_null()),
    )
    .set((
        reports::resolved_by.eq(Some(by)),
        reports::resolved_at.eq(Some(Utc::now())),
        reports::outcome.eq(Some(outcome)),
    ))
    .execute(conn)
    .await
}

// ---- the approval queue, held edits and hiding ----

/// Counts an approved post in its forum and author, and makes it its thread's (and
/// forum's) last post if it is the newest; a first post also counts its thread.
pub async fn count_approved_post(conn: &mut AsyncPgConnection, post: PostId) -> QueryResult<()> {
    db::sql(
        "WITH p AS (SELECT id, thread_id, author_id, position, created_at FROM posts WHERE id = $1),
              t AS (UPDATE threads SET approved = TRUE,
                           last_post_id = CASE WHEN threads.last_post_at <= p.created_at OR threads.last_post_id IS NULL
                                               THEN p.id ELSE threads.last_post_id END,
                           last_post_author_id = CASE WHEN threads.last_post_at <= p.created_at OR threads.last_post_id IS NULL
                                                      THEN p.author_id ELSE threads.last_post_author_id END,
                           last_post_at = GREATEST(threads.last_post_at, p.created_at)
                      FROM p WHERE threads.id = p.thread_id
                    RETURNING threads.forum_id, (p.position = 1) AS opens),
              u AS (UPDATE users SET post_count = post_count + 1 FROM p WHERE users.id = p.author_id)
         UPDATE forums SET post_count = forums.post_count + 1,
                           thread_count = forums.thread_count + CASE WHEN t.opens THEN 1 ELSE 0 END,
                           last_post_id = $1
           FROM t WHERE forums.id = t.forum_id",
    )
    .bind::<BigInt, _>(post)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks a held post approved.
pub async fn approve_post(conn: &mut AsyncPgConnection, post: PostId) -> QueryResult<usize> {
    diesel::update(posts::table.find(post).filter(posts::approved.eq(false)))
        .set(posts::approved.eq(true))
        .execute(conn)
        .await
}

/// Which post an entry of the approval queue is about.
#[derive(Debug, Clone, QueryableByName)]
pub struct QueuedPost {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    /// `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    /// When it (or its edit) was sent.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// A post waiting in the approval queue.
#[derive(Debug, Clone, QueryableByName)]
pub struct HeldPost {
    #[diesel(embed)]
    pub post: QueuedPost,
    /// Rendered body.
    #[diesel(sql_type = Text)]
    pub body_html: String,
}

/// Every post waiting for approval (not rejected), oldest first.
pub async fn held_posts(conn: &mut AsyncPgConnection) -> QueryResult<Vec<HeldPost>> {
    db::sql(
        "SELECT p.id, p.position, u.username AS author, t.title AS thread_title, p.body_html, p.created_at
           FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
          WHERE NOT p.approved AND NOT p.hidden
          ORDER BY p.created_at",
    )
    .load(conn)
    .await
}

/// Takes the waiting edit of `post` out of the queue: its text, if one waited.
pub async fn take_pending_edit(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> QueryResult<Option<String>> {
    diesel::delete(
        pending_edits::table
            .find(post)
            .filter(pending_edits::rejected_reason.is_null()),
    )
    .returning(pending_edits::body_source)
    .get_result(conn)
    .await
    .optional()
}

/// Turns down the waiting edit of `post` with `reason`: how many waited (0 or 1).
pub async fn reject_pending_edit(
    conn: &mut AsyncPgConnection,
    post: PostId,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        pending_edits::table
            .find(post)
            .filter(pending_edits::rejected_reason.is_null()),
    )
    .set(pending_edits::rejected_reason.eq(Some(reason)))
    .execute(conn)
    .await
}

/// An edit waiting in the approval queue, beside the text it would replace.
#[derive(Debug, Clone, QueryableByName)]
pub struct HeldEdit {
    #[diesel(embed)]
    pub post: QueuedPost,
    /// The published text, rendered.
    #[diesel(sql_type = Text)]
    pub current_html: String,
    /// The edited text, rendered.
    #[diesel(sql_type = Text)]
    pub edited_html: String,
}

/// Every edit waiting for approval, oldest first.
pub async fn held_edits(conn: &mut AsyncPgConnection) -> QueryResult<Vec<HeldEdit>> {
    db::sql(
        "SELECT p.id, p.position, u.username AS author, t.title AS thread_title,
                p.body_html AS current_html, e.body_html AS edited_html, e.created_at
           FROM pending_edits e JOIN posts p ON p.id = e.post_id
           JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
          WHERE e.rejected_reason IS NULL AND NOT p.hidden
          ORDER BY e.created_at",
    )
    .load(conn)
    .await
}

/// Hides every visible post of `author` in one statement; returns the posts hidden.
pub async fn hide_posts_of(
    conn: &mut AsyncPgConnection,
    author: UserId,
    by: UserId,
    reason: &str,
) -> QueryResult<Vec<PostId>> {
    diesel::update(
        posts::table
            .filter(posts::author_id.eq(author))
            .filter(posts::hidden.eq(false)),
    )
    .set((
        posts::hidden.eq(true),
        posts::hidden_by.eq(Some(by)),
        posts::hidden_at.eq(Some(Utc::now())),
        posts::hidden_reason.eq(Some(reason)),
    ))
    .returning(posts::id)
    .get_results(conn)
    .await
}

/// Every post of a thread, for re-rendering what quotes them when the thread's visibility
/// changes.
pub async fn thread_post_ids(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
) -> QueryResult<Vec<PostId>> {
    posts::table
        .filter(posts::thread_id.eq(thread))
        .select(posts::id)
        .load(conn)
        .await
}
