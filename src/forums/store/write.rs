//! Writing: new threads and replies, edits (held or applied), quotes, solutions, drafts,
//! an author's own hiding, and the moderation log every write of staff appends to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::IdRow;
use crate::accounts::types::NotifyMode;
use crate::db::prepared as db;
use crate::db::schema::{
    moderation_log, pending_edits, post_quotes, post_revisions, post_submissions, posts, threads,
};
use crate::forums::types::PostForEdit;
use crate::forums::types::post_facts_columns;
use crate::ids::{ForumId, PostId, ThreadId, UserId};

/// Marks (or with `None` unmarks) the answer of a thread; false when the post is not a
/// visible reply of that thread.
pub async fn set_solution(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    post: Option<PostId>,
) -> QueryResult<bool> {
    if let Some(post) = post {
        let valid: bool = diesel::select(diesel::dsl::exists(
            posts::table
                .filter(posts::id.eq(post))
                .filter(posts::thread_id.eq(thread))
                .filter(posts::position.gt(1))
                .filter(posts::hidden.eq(false))
                .filter(posts::approved.eq(true)),
        ))
        .get_result(conn)
        .await?;
        if !valid {
            return Ok(false);
        }
    }
    diesel::update(threads::table.find(thread))
        .set(threads::solution_post_id.eq(post))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// A post for editing, deleting or quoting.
pub async fn post_for_edit(
    conn: &mut AsyncPgConnection,
    id: PostId,
) -> QueryResult<Option<PostForEdit>> {
    db::sql(concat!(
        "SELECT p.id, p.thread_id, p.author_id, u.username AS author, p.position,
                    p.body_source, p.hidden, ",
        post_facts_columns!(),
        " FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
             WHERE p.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

/// A thread to insert.
#[derive(Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread<'a> {
    pub forum_id: ForumId,
    pub author_id: UserId,
    pub title: &'a str,
    pub slug: &'a str,
    /// Time of the opening post.
    pub created_at: DateTime<Utc>,
    /// Same, for ordering.
    pub last_post_at: DateTime<Utc>,
    /// False while its opening post waits for approval.
    pub approved: bool,
}

/// Inserts a thread with no posts yet.
pub async fn insert_thread(
    conn: &mut AsyncPgConnection,
    new: &NewThread<'_>,
) -> QueryResult<ThreadId> {
    diesel::insert_into(threads::table)
        .values(new)
        .returning(threads::id)
        .get_result(conn)
        .await
}

/// Locks a thread for a reply and returns (forum, posts so far, locked, hidden).
pub async fn lock_thread(
    conn: &mut AsyncPgConnection,
    id: ThreadId,
) -> QueryResult<Option<(ForumId, i32, bool, bool)>> {
    threads::table
        .find(id)
        .select((
            threads::forum_id,
            threads::post_count,
            threads::locked,
            threads::hidden,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A post to insert.
#[derive(Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub thread_id: ThreadId,
    pub author_id: UserId,
    /// `#N`.
    pub position: i32,
    /// Markdown.
    pub body_source: &'a str,
    /// Rendered HTML.
    pub body_html: &'a str,
    pub created_at: DateTime<Utc>,
    /// The address it came from (shown to moderators, erased after 90 days).
    pub ip_address: Option<&'a str>,
    /// False while it waits in the approval queue.
    pub approved: bool,
}

/// Inserts a post.
pub async fn insert_post(conn: &mut AsyncPgConnection, new: &NewPost<'_>) -> QueryResult<PostId> {
    diesel::insert_into(posts::table)
        .values(new)
        .returning(posts::id)
        .get_result(conn)
        .await
}

/// A reply to write in one statement.
pub struct Reply<'a> {
    /// The post, with `position` ignored: the statement numbers it from the locked thread.
    pub post: NewPost<'a>,
    /// Moderators may reply to locked threads.
    pub moderator: bool,
    /// The composer's one-time token.
    pub submission: &'a str,
    /// Posts it quotes (that exist).
    pub quoted: &'a [PostId],
    /// Subscribe the author to the thread with this mode.
    pub subscribe: Option<NotifyMode>,
}

/// What [`append_reply`] did: wrote `post`, found the token already used for `prior`, or
/// neither (no such thread, hidden, or locked).
#[derive(QueryableByName, Debug, Clone)]
pub struct Appended {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub post: Option<i64>,
    /// The post an earlier sending of the same form made.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub prior: Option<i64>,
    /// The page-cache tags the new post changes (none without one), as its quiet triggers
    /// would have announced them: from the SQL function `parley_reply_tags`.
    #[diesel(sql_type = Array<Text>)]
    pub tags: Vec<String>,
}

/// Writes an approved reply as one statement, hence one atomic step without a transaction
/// around it: it locks the thread row (replies are numbered under that lock), inserts the
/// post, counts it in its thread and author and logs it for its forum (see
/// [`fold_reply_counts`]), records its composer token, quotes and notification event,
/// subscribes the author if asked, and drops the author's kept draft. The page-cache
/// triggers stay quiet for it: the caller announces [`Appended::tags`] after the commit
/// (see migration `replies_announced_after_commit`).
pub async fn append_reply(
    conn: &mut AsyncPgConnection,
    reply: &Reply<'_>,
) -> QueryResult<Appended> {
    let new = &reply.post;
    let quoted: Vec<i64> = reply.quoted.iter().map(|q| q.0).collect();
    db::sql(
        "WITH quiet AS (SELECT set_config('parley.announced_after_commit',
                                         statement_timestamp()::text, true) AS mark),
              prior AS (SELECT post_id FROM post_submissions WHERE token = $8),
              th AS (SELECT id, forum_id, post_count FROM threads
                      WHERE id = $1 AND NOT hidden AND (NOT locked OR $7)
                        AND NOT EXISTS (SELECT 1 FROM prior)
                        AND (SELECT mark FROM quiet) IS NOT NULL
                      FOR UPDATE),
              p AS (INSERT INTO posts (thread_id, author_id, position, body_source, body_html,
                                       created_at, ip_address, approved)
                    SELECT th.id, $2, th.post_count + 1, $3, $4, $5, $6, TRUE FROM th
                    RETURNING id),
              t AS (UPDATE threads SET post_count = threads.post_count + 1, last_post_id = p.id,
                                       last_post_author_id = $2, last_post_at = $5
                      FROM p WHERE threads.id = $1),
              f AS (INSERT INTO forum_reply_log (forum_id, post_id) SELECT th.forum_id, p.id FROM th, p),
              u AS (UPDATE users SET post_count = users.post_count + 1 FROM p WHERE users.id = $2),
              e AS (INSERT INTO notification_events (kind, post_id) SELECT 'reply', id FROM p),
              s AS (INSERT INTO post_submissions (token, user_id, post_id) SELECT $8, $2, id FROM p),
              q AS (INSERT INTO post_quotes (post_id, quoted_post_id)
                    SELECT p.id, quoted FROM p, unnest($9::bigint[]) AS quoted
                    ON CONFLICT DO NOTHING),
              w AS (INSERT INTO subscriptions (user_id, thread_id, mode)
                    SELECT $2, $1, $10 FROM p WHERE $10 IS NOT NULL
                    ON CONFLICT (user_id, thread_id) WHERE thread_id IS NOT NULL DO NOTHING),
              d AS (DELETE FROM reply_drafts USING p
                     WHERE reply_drafts.user_id = $2 AND reply_drafts.thread_id = $1)
         SELECT (SELECT id FROM p) AS post, (SELECT post_id FROM prior) AS prior,
                CASE WHEN EXISTS (SELECT 1 FROM p)
                     THEN parley_reply_tags($1, (SELECT forum_id FROM th), $2,
                                            ARRAY(SELECT thread_id FROM posts WHERE id = ANY($9)))
                     ELSE '{}' END AS tags",
    )
    .bind::<BigInt, _>(new.thread_id)
    .bind::<BigInt, _>(new.author_id)
    .bind::<Text, _>(new.body_source)
    .bind::<Text, _>(new.body_html)
    .bind::<Timestamptz, _>(new.created_at)
    .bind::<Nullable<Text>, _>(new.ip_address)
    .bind::<Bool, _>(reply.moderator)
    .bind::<Text, _>(reply.submission)
    .bind::<Array<BigInt>, _>(quoted)
    .bind::<Nullable<Text>, _>(reply.subscribe)
    .get_result::<Appended>(conn)
    .await
    .inspect(|appended| {
        if appended.post.is_some() {
            crate::mail::wake::queued();
        }
    })
}

/// Inserts an approved post and, in the same statement, counts it in its thread, forum and
/// author, records its composer token, queues its notification event (`event`: "reply" or
/// "thread") and drops the author's kept draft for the thread. One round trip instead of
/// seven: replies are the busiest write.
pub async fn insert_counted_post(
    conn: &mut AsyncPgConnection,
    new: &NewPost<'_>,
    forum: ForumId,
    event: &str,
    submission: &str,
) -> QueryResult<PostId> {
    db::sql(
        "WITH p AS (INSERT INTO posts (thread_id, author_id, position, body_source, body_html,
                                       created_at, ip_address, approved)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE) RETURNING id),
              t AS (UPDATE threads SET post_count = post_count + 1, last_post_id = p.id,
                                       last_post_author_id = $2, last_post_at = $6
                      FROM p WHERE threads.id = $1),
              f AS (UPDATE forums SET post_count = post_count + 1, last_post_id = p.id,
                                      thread_count = thread_count + CASE WHEN $9 = 'thread' THEN 1 ELSE 0 END
                      FROM p WHERE forums.id = $8),
              u AS (UPDATE users SET post_count = post_count + 1 WHERE id = $2),
              e AS (INSERT INTO notification_events (kind, post_id) SELECT $9, id FROM p),
              s AS (INSERT INTO post_submissions (token, user_id, post_id) SELECT $10, $2, id FROM p),
              d AS (DELETE FROM reply_drafts WHERE user_id = $2 AND thread_id = $1)
         SELECT id FROM p",
    )
    .bind::<BigInt, _>(new.thread_id)
    .bind::<BigInt, _>(new.author_id)
    .bind::<Integer, _>(new.position)
    .bind::<Text, _>(new.body_source)
    .bind::<Text, _>(new.body_html)
    .bind::<Timestamptz, _>(new.created_at)
    .bind::<Nullable<Text>, _>(new.ip_address)
    .bind::<BigInt, _>(forum)
    .bind::<Text, _>(event)
    .bind::<Text, _>(submission)
    .get_result::<IdRow>(conn)
    .await
    .map(|r| {
        crate::mail::wake::queued();
        PostId(r.id)
    })
}

/// Gives a held post its place in the thread without counting it anywhere else yet.
pub async fn count_held_post(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    diesel::update(threads::table.find(thread))
        .set(threads::post_count.eq(threads::post_count + 1))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records which posts `post` quotes (replacing earlier records).
pub async fn set_quotes(
    conn: &mut AsyncPgConnection,
    post: PostId,
    quoted: &[PostId],
) -> QueryResult<()> {
    // Quotes the post keeps keep the time they were made ("edited since" counts from it).
    diesel::delete(
        post_quotes::table
            .filter(post_quotes::post_id.eq(post))
            .filter(post_quotes::quoted_post_id.ne_all(quoted)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = quoted
        .iter()
        .filter(|q| **q != post)
        .map(|q| {
            (
                post_quotes::post_id.eq(post),
                post_quotes::quoted_post_id.eq(*q),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(post_quotes::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The post already made from a composer form token, if any.
pub async fn submitted_post(
    conn: &mut AsyncPgConnection,
    token: &str,
) -> QueryResult<Option<PostId>> {
    post_submissions::table
        .find(token)
        .select(post_submissions::post_id)
        .first(conn)
        .await
        .optional()
}

/// Remembers that a composer form token made `post`.
pub async fn record_submission(
    conn: &mut AsyncPgConnection,
    token: &str,
    user: UserId,
    post: PostId,
) -> QueryResult<()> {
    diesel::insert_into(post_submissions::table)
        .values((
            post_submissions::token.eq(token),
            post_submissions::user_id.eq(user),
            post_submissions::post_id.eq(post),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Keeps the previous text of an edited post and stores the new one.
pub async fn update_post_body(
    conn: &mut AsyncPgConnection,
    post: PostId,
    editor: UserId,
    old_source: &str,
    source: &str,
    html: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post),
            post_revisions::body_source.eq(old_source),
            post_revisions::edited_by.eq(editor),
            post_revisions::reason.eq(reason),
        ))
        .execute(conn)
        .await?;
    diesel::update(posts::table.find(post))
        .set((
            posts::body_source.eq(source),
            posts::body_html.eq(html),
            posts::edited_at.eq(Some(Utc::now())),
            posts::edited_by.eq(Some(editor)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Keeps an author's edit of a published post for a moderator, replacing an earlier one.
pub async fn hold_edit(
    conn: &mut AsyncPgConnection,
    post: PostId,
    source: &str,
    html: &str,
) -> QueryResult<()> {
    diesel::insert_into(pending_edits::table)
        .values((
            pending_edits::post_id.eq(post),
            pending_edits::body_source.eq(source),
            pending_edits::body_html.eq(html),
        ))
        .on_conflict(pending_edits::post_id)
        .do_update()
        .set((
            pending_edits::body_source.eq(source),
            pending_edits::body_html.eq(html),
            pending_edits::created_at.eq(Utc::now()),
            pending_edits::rejected_reason.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Forgets the edit of `post` kept for a moderator, waiting or rejected.
pub async fn drop_pending_edit(conn: &mut AsyncPgConnection, post: PostId) -> QueryResult<()> {
    diesel::delete(pending_edits::table.find(post))
        .execute(conn)
        .await
        .map(|_| ())
}

/// The edit of `post` kept for a moderator, if any.
#[derive(Debug, Clone, Queryable)]
pub struct PendingEdit {
    pub body_source: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// Why a moderator turned it down; none while it waits.
    pub rejected_reason: Option<String>,
}

/// The edit of `post` kept for a moderator, waiting or rejected.
pub async fn pending_edit(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> QueryResult<Option<PendingEdit>> {
    pending_edits::table
        .find(post)
        .select((
            pending_edits::body_source,
            pending_edits::created_at,
            pending_edits::rejected_reason,
        ))
        .first(conn)
        .await
        .optional()
}

/// Hides a post, naming who did it and (for moderators) why.
pub async fn hide_post(
    conn: &mut AsyncPgConnection,
    post: PostId,
    by: UserId,
    reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(posts::table.find(post))
        .set((
            posts::hidden.eq(true),
            posts::hidden_by.eq(Some(by)),
            posts::hidden_at.eq(Some(Utc::now())),
            posts::hidden_reason.eq(reason),
        ))
        .execute(conn)
        .await
}

/// Hides a whole thread and takes it out of its forum's counters.
pub async fn hide_thread(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    forum: ForumId,
    posts: i32,
) -> QueryResult<()> {
    diesel::update(threads::table.find(thread))
        .set(threads::hidden.eq(true))
        .execute(conn)
        .await?;
    adjust_forum(conn, forum, -1, -posts).await
}

/// Posts that quote any of `quoted`, each once, with their sources (to re-render after
/// the quoted posts changed visibility).
pub async fn quoting_posts(
    conn: &mut AsyncPgConnection,
    quoted: &[PostId],
) -> QueryResult<Vec<(PostId, String)>> {
    posts::table
        .inner_join(post_quotes::table.on(post_quotes::post_id.eq(posts::id)))
        .filter(post_quotes::quoted_post_id.eq_any(quoted))
        .select((posts::id, posts::body_source))
        .distinct()
        .load(conn)
        .await
}

/// Replaces a post's rendered HTML (its source unchanged).
pub async fn set_post_html(
    conn: &mut AsyncPgConnection,
    post: PostId,
    html: &str,
) -> QueryResult<()> {
    diesel::update(posts::table.find(post))
        .set(posts::body_html.eq(html))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a moderator action in the moderation log (forum edits with a reason write it too).
pub async fn log_moderation(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    action: &str,
    target_user: Option<UserId>,
    target: &str,
    reason: &str,
) -> QueryResult<()> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::actor_id.eq(actor),
            moderation_log::action.eq(action),
            moderation_log::target_user_id.eq(target_user),
            moderation_log::target.eq(target),
            moderation_log::reason.eq(reason),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Adds to a forum's counters and points its "last post" at its newest post in a
/// visible thread.
pub async fn adjust_forum(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
    threads: i32,
    posts: i32,
) -> QueryResult<()> {
    db::sql(
        "UPDATE forums SET thread_count = thread_count + $2, post_count = post_count + $3,
                last_post_id = (SELECT t.last_post_id FROM threads t
                                 WHERE t.forum_id = $1 AND NOT t.hidden
                                 ORDER BY t.last_post_at DESC LIMIT 1)
          WHERE id = $1",
    )
    .bind::<BigInt, _>(forum)
    .bind::<Integer, _>(threads)
    .bind::<Integer, _>(posts)
    .execute(conn)
    .await
    .map(|_| ())
}
