//! Reading a thread: its header, its posts, backlinks, read positions, views, and what a
//! reply may quote.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::NotifyMode;
use crate::db::prepared as db;
use crate::db::schema::{posts, thread_reads, users};
use crate::forums::types::{Backlink, PostForEdit, PostLocation, PostRow, ThreadHeader, ThreadRow};
use crate::forums::types::{assignee_name_column, post_facts_columns};
use crate::forums::visibility::{public_post, public_thread};
use crate::ids::{ArticleId, PostId, ThreadId, UserId};
use crate::markup::QuotedPost;

/// A thread with its forum and category.
pub async fn thread_header(
    conn: &mut AsyncPgConnection,
    id: ThreadId,
) -> QueryResult<Option<ThreadHeader>> {
    thread_header_sql(id).get_result(conn).await.optional()
}

/// The columns of [`ThreadRow`], for every statement that reads one (`t` is `threads`).
macro_rules! thread_columns {
    () => {
        concat!(
            "t.id, t.title, t.slug, t.author_id, t.post_count, t.view_count, t.locked,
             t.lock_reason, t.pinned, t.hidden, t.approved, t.merged_into, t.solution_post_id,
             t.forum_id, t.first_response_at, t.me_too_count, t.assigned_user_id,
             t.assigned_group_id, t.answer_outdated_at, ",
            assignee_name_column!()
        )
    };
}

fn thread_header_sql(id: ThreadId) -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT ",
        thread_columns!(),
        ", f.slug AS forum_slug, f.title AS forum_title, c.title AS category_title,
                f.questions
           FROM threads t
           JOIN forums f ON f.id = t.forum_id
           JOIN categories c ON c.id = f.category_id
          WHERE t.id = $1"
    ))
    .bind::<BigInt, _>(id)
}

/// A thread's own row, its posts `first..=last` and the posts quoting them. The three
/// statements go out together and come back in one round trip; where the thread sits comes
/// from [`crate::forums::places`].
pub async fn thread_with_posts(
    conn: &mut AsyncPgConnection,
    id: ThreadId,
    first: i32,
    last: i32,
    reader: crate::forums::visibility::Reader,
) -> QueryResult<(Option<ThreadRow>, Vec<PostRow>, Vec<Backlink>)> {
    // Shared references to the connection are what let diesel-async pipeline statements.
    let (mut a, mut b, mut c) = (&*conn, &*conn, &*conn);
    let thread = thread_row_sql(id).load::<ThreadRow>(&mut a);
    let posts = posts_in_range_sql(id, first, last, reader).load(&mut b);
    let backlinks = backlinks_sql(id, first, last).load::<Backlink>(&mut c);
    let (thread, posts, mut backlinks) =
        futures_util::future::try_join3(thread, posts, backlinks).await?;
    // Ordered here rather than by a sort node in the statement, which every run would set up.
    backlinks.sort_unstable_by_key(|b| (b.thread_id, b.position));
    Ok((thread.into_iter().next(), posts, backlinks))
}

fn thread_row_sql(id: ThreadId) -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT ",
        thread_columns!(),
        " FROM threads t WHERE t.id = $1"
    ))
    .bind::<BigInt, _>(id)
}

/// Posts `first..=last` (by `#N`) of a thread; their authors' cards come from
/// [`crate::accounts::cards`].
pub async fn posts_in_range(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    first: i32,
    last: i32,
    reader: crate::forums::visibility::Reader,
) -> QueryResult<Vec<PostRow>> {
    posts_in_range_sql(thread, first, last, reader)
        .load(conn)
        .await
}

fn posts_in_range_sql(
    thread: ThreadId,
    first: i32,
    last: i32,
    reader: crate::forums::visibility::Reader,
) -> db::PreparedSql<'static> {
    // The hiding moderator is looked up only for hidden posts: a join for it cost every
    // page a tenth of this statement, for a name that almost no post has.
    db::sql(
        "SELECT p.id, p.position, p.body_html, p.created_at, p.edited_at, p.hidden,
                (p.hidden AND p.hidden_by = p.author_id) AS hidden_by_author,
                CASE WHEN p.hidden_by IS NOT NULL
                     THEN (SELECT h.username FROM users h WHERE h.id = p.hidden_by) END AS hidden_by_name,
                p.hidden_reason, p.ip_address, p.approved, p.author_id, p.helpful_count,
                p.attachment_count
           FROM posts p
          WHERE p.thread_id = $1 AND p.position BETWEEN $2 AND $3
            AND (p.approved OR $4 OR p.author_id = $5)
          ORDER BY p.position",
    )
    .bind::<BigInt, _>(thread)
    .bind::<Integer, _>(first)
    .bind::<Integer, _>(last)
    .bind::<diesel::sql_types::Bool, _>(reader.moderator)
    .bind::<Nullable<BigInt>, _>(reader.user)
}

/// One post as the thread page shows it (the solution shown under the question).
pub async fn post_view(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    post: PostId,
) -> QueryResult<Option<PostRow>> {
    let position: Option<i32> = posts::table
        .filter(posts::id.eq(post))
        .filter(posts::thread_id.eq(thread))
        .select(posts::position)
        .first(conn)
        .await
        .optional()?;
    let Some(position) = position else {
        return Ok(None);
    };
    let mut found = posts_in_range(conn, thread, position, position, Default::default()).await?;
    Ok(found.pop().filter(|p| !p.hidden))
}

/// The author of a post and their address, if confirmed and willing to get mail.
pub async fn notifiable_author(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> QueryResult<Option<(UserId, String, String)>> {
    posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::id.eq(post))
        .filter(users::email_confirmed_at.is_not_null())
        .filter(users::notify_mode.ne(NotifyMode::Off))
        .select((users::id, users::username, users::email))
        .first(conn)
        .await
        .optional()
}

/// Shown posts quoting posts `first..=last` of a thread, found by the place each quote
/// keeps of the post it quotes (kept right by triggers).
fn backlinks_sql(thread: ThreadId, first: i32, last: i32) -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT q.quoted_post_id, p.id AS post_id, p.position, p.thread_id
               FROM post_quotes q
               JOIN posts p ON p.id = q.post_id
              WHERE q.quoted_thread_id = $1 AND q.quoted_position BETWEEN $2 AND $3
                AND ",
        public_post!("p"),
        " AND (p.thread_id = $1 OR EXISTS (SELECT 1 FROM threads t WHERE t.id = p.thread_id AND ",
        public_thread!("t"),
        "))"
    ))
    .bind::<BigInt, _>(thread)
    .bind::<Integer, _>(first)
    .bind::<Integer, _>(last)
}

/// Where a post lives.
pub async fn post_location(
    conn: &mut AsyncPgConnection,
    id: PostId,
) -> QueryResult<Option<PostLocation>> {
    db::sql(concat!(
        "SELECT p.thread_id, t.slug, p.position, ",
        post_facts_columns!(),
        " FROM posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

/// The position of the first post after `read` in a thread (for "first unread").
pub async fn first_post_after(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    read: i32,
) -> QueryResult<Option<PostId>> {
    posts::table
        .filter(posts::thread_id.eq(thread))
        .filter(posts::position.gt(read))
        .order(posts::position.asc())
        .select(posts::id)
        .first(conn)
        .await
        .optional()
}

/// How far `user` has read `thread`.
pub async fn read_position(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<Option<i32>> {
    thread_reads::table
        .find((user, thread))
        .select(thread_reads::last_position)
        .first(conn)
        .await
        .optional()
}

/// Records that `user` has seen posts up to `position` (never moves backwards) and that
/// they visited the thread; tells whether they watch it and whether they have its
/// question too.
pub async fn visit_thread(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
    position: i32,
) -> QueryResult<Visit> {
    // One statement: the visit also re-arms reply mail for the member's subscription. It
    // writes only what changes: `ON CONFLICT DO UPDATE` would lock the member's row on
    // every reading, even when the marker stays, and a lock is a write whose commit waits
    // for the WAL flush; `DO NOTHING` finds the row in the index and writes nothing. A row
    // that exists is moved by the UPDATE (which waits for and re-checks a concurrent move);
    // only a first reading inserts, and of two first readings at once the later one's
    // marker waits for the next reading.
    db::sql(
        "WITH visit AS (UPDATE subscriptions SET awaiting_visit = FALSE
                          WHERE user_id = $1 AND thread_id = $2 AND awaiting_visit),
              moved AS (UPDATE thread_reads SET last_position = $3, updated_at = now()
                          WHERE user_id = $1 AND thread_id = $2 AND last_position < $3),
              first AS (INSERT INTO thread_reads (user_id, thread_id, last_position)
                        VALUES ($1, $2, $3) ON CONFLICT (user_id, thread_id) DO NOTHING)
         SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = $1 AND thread_id = $2)
                AS watching,
                (SELECT tell_when_solved FROM me_too WHERE user_id = $1 AND thread_id = $2)
                AS me_too",
    )
    .bind::<BigInt, _>(user)
    .bind::<BigInt, _>(thread)
    .bind::<Integer, _>(position)
    .get_result::<Visit>(conn)
    .await
}

/// What a member's visit to a thread tells about them and it.
#[derive(Debug, Clone, Copy, Default, QueryableByName)]
pub struct Visit {
    /// They watch the thread.
    #[diesel(sql_type = Bool)]
    pub watching: bool,
    /// They pressed "Me too" (`Some`), choosing to be told when it is solved (`true`).
    #[diesel(sql_type = Nullable<Bool>)]
    pub me_too: Option<bool>,
}

/// Adds buffered view counts of FAQ articles in one statement.
pub async fn add_article_views(
    conn: &mut AsyncPgConnection,
    counts: &[(ArticleId, i64)],
) -> QueryResult<()> {
    let ids: Vec<i64> = counts.iter().map(|(id, _)| id.0).collect();
    let views: Vec<i64> = counts.iter().map(|(_, n)| *n).collect();
    db::sql(
        "UPDATE faq_articles SET view_count = faq_articles.view_count + v.n
           FROM unnest($1::bigint[], $2::bigint[]) AS v(id, n) WHERE faq_articles.id = v.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<BigInt>, _>(views)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Adds buffered view counts in one statement.
pub async fn add_views(
    conn: &mut AsyncPgConnection,
    counts: &[(ThreadId, i64)],
) -> QueryResult<()> {
    let ids: Vec<i64> = counts.iter().map(|(id, _)| id.0).collect();
    let views: Vec<i64> = counts.iter().map(|(_, n)| *n).collect();
    db::sql(
        "UPDATE threads SET view_count = threads.view_count + v.n
           FROM unnest($1::bigint[], $2::bigint[]) AS v(id, n)
          WHERE threads.id = v.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<BigInt>, _>(views)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Several posts for quoting, in the order asked for.
pub async fn posts_for_quoting(
    conn: &mut AsyncPgConnection,
    ids: &[PostId],
) -> QueryResult<Vec<PostForEdit>> {
    let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let mut rows: Vec<PostForEdit> = db::sql(concat!(
        "SELECT p.id, p.thread_id, p.author_id, u.username AS author, p.position,
                    p.body_source, p.hidden, ",
        post_facts_columns!(),
        " FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
             WHERE p.id = ANY($1)"
    ))
    .bind::<Array<BigInt>, _>(raw)
    .load(conn)
    .await?;
    rows.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    Ok(rows)
}

/// Authors of the posts a body quotes, and whether each is public: a quote of a post
/// nobody else may see shows "the quoted post was removed" instead of its words.
pub async fn quoted_posts(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    quoting: Option<PostId>,
) -> QueryResult<HashMap<i64, QuotedPost>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        author: String,
        #[diesel(sql_type = Bool)]
        public: bool,
        #[diesel(sql_type = Text)]
        body_source: String,
        #[diesel(sql_type = Bool)]
        edited_since: bool,
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Row> = db::sql(concat!(
        "SELECT p.id, u.username AS author, e.edited_since,
                -- A post edited since it was quoted answers for its earlier words too.
                CASE WHEN e.edited_since
                     THEN p.body_source || COALESCE(E'\\n' || (SELECT string_agg(r.body_source, E'\\n' ORDER BY r.id)
                                                            FROM post_revisions r WHERE r.post_id = p.id), '')
                     ELSE p.body_source END AS body_source, ",
        public_post!("p"),
        " AND ",
        public_thread!("t"),
        " AS public
           FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
          CROSS JOIN LATERAL (
                SELECT EXISTS (SELECT 1 FROM post_quotes q
                                WHERE q.post_id = $2 AND q.quoted_post_id = p.id
                                  AND p.edited_at > q.quoted_at) AS edited_since) e
          WHERE p.id = ANY($1)"
    ))
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Nullable<BigInt>, _>(quoting)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let quoted = QuotedPost::new(r.author, !r.public, r.body_source);
            (r.id, quoted.edited_since(r.edited_since))
        })
        .collect())
}

/// Which of `names` are members: lower-case name → name as registered.
pub async fn existing_members(
    conn: &mut AsyncPgConnection,
    names: &[String],
) -> QueryResult<HashMap<String, String>> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let found: Vec<String> =
        db::sql("SELECT username AS name FROM users WHERE lower(username) = ANY($1)")
            .bind::<Array<Text>, _>(lower)
            .load::<NameRow>(conn)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect();
    Ok(found.into_iter().map(|n| (n.to_lowercase(), n)).collect())
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}
