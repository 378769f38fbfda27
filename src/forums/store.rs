//! Every query of the forums feature. Each page is a fixed number of statements, whatever
//! the number of rows on it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{
    categories, forums, moderation_log, notification_events, pending_edits, post_quotes,
    post_revisions, post_submissions, posts, reply_drafts, subscriptions, thread_reads, threads,
    users,
};
use crate::forums::types::post_facts_columns;
use crate::forums::types::{
    Backlink, Category, ForumChoice, ForumHeader, ForumSummary, PlacedForum, PostForEdit,
    PostLocation, PostRow, ThreadHeader, ThreadListRow, ThreadRow,
};
use crate::forums::visibility::{public_post, public_thread};
use crate::ids::{CategoryId, ForumId, PostId, ThreadId, UserId};
use crate::markup::QuotedPost;

/// Categories in display order.
pub async fn categories(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Category>> {
    categories_sql().load(conn).await
}

fn categories_sql() -> db::PreparedSql<'static> {
    db::sql("SELECT id, title, position FROM categories ORDER BY position, id")
}

/// Categories and forum summaries, in one round trip.
pub async fn categories_and_forums(
    conn: &mut AsyncPgConnection,
) -> QueryResult<(Vec<Category>, Vec<ForumSummary>)> {
    // Shared references to the connection are what let diesel-async pipeline statements.
    let (mut a, mut b) = (&*conn, &*conn);
    futures_util::future::try_join(
        categories_sql().load(&mut a),
        forum_summaries_sql().load(&mut b),
    )
    .await
}

/// Per forum, the replies logged since the last fold and the newest of them still shown
/// in that forum (not hidden, thread not hidden or moved away).
macro_rules! unfolded_replies {
    ($log:literal) => {
        concat!(
            "SELECT l.forum_id, count(*) AS posts,
                    max(l.post_id) FILTER (WHERE t.forum_id = l.forum_id AND NOT t.hidden AND NOT p.hidden)
                        AS last_post_id
               FROM ", $log, " l
               LEFT JOIN posts p ON p.id = l.post_id
               LEFT JOIN threads t ON t.id = p.thread_id
              GROUP BY l.forum_id"
        )
    };
}

/// Every forum with its last post, in display order (replies not folded yet included).
pub async fn forum_summaries(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ForumSummary>> {
    forum_summaries_sql().load(conn).await
}

fn forum_summaries_sql() -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT f.id, f.category_id, f.slug, f.title, f.description, f.position,
                f.thread_count, (f.post_count + COALESCE(r.posts, 0))::int AS post_count,
                GREATEST(f.last_post_id, r.last_post_id) AS last_post_id,
                p.created_at AS last_post_at, t.title AS last_thread_title, u.username AS last_author
           FROM forums f
           LEFT JOIN (",
        unfolded_replies!("forum_reply_log"),
        ") r ON r.forum_id = f.id
           LEFT JOIN posts p ON p.id = GREATEST(f.last_post_id, r.last_post_id)
           LEFT JOIN threads t ON t.id = p.thread_id
           LEFT JOIN users u ON u.id = p.author_id
          ORDER BY f.position, f.id"
    ))
}

/// Every forum by name, in display order: what a form offers to choose from.
pub async fn forum_choices(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ForumChoice>> {
    forum_choices_sql().load(conn).await
}

/// The statement behind [`forum_choices`], for pipelining with another.
pub fn forum_choices_sql() -> db::PreparedSql<'static> {
    db::sql("SELECT id, slug, title FROM forums ORDER BY position, id")
}

/// Moves the logged replies into their forums' counters and "last post"; returns how many
/// forums changed. Run by the background worker of every node; concurrent folds take
/// disjoint rows.
pub async fn fold_reply_counts(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    db::sql(concat!(
        "WITH logged AS (DELETE FROM forum_reply_log RETURNING forum_id, post_id),
              r AS (",
        unfolded_replies!("logged"),
        "),
              -- Replies' pages were announced by the node that wrote them, right after
              -- their commit; once more here covers a node that died in between.
              told AS (SELECT count(pg_notify('parley_pages', tag)) AS n
                         FROM (SELECT DISTINCT unnest(ARRAY['thread:' || p.thread_id,
                                                            'user:' || p.author_id,
                                                            'thread:' || q.thread_id]) AS tag
                                 FROM logged l JOIN posts p ON p.id = l.post_id
                                 LEFT JOIN post_quotes pq ON pq.post_id = p.id
                                 LEFT JOIN posts q ON q.id = pq.quoted_post_id) tags
                        WHERE tag IS NOT NULL)
         UPDATE forums SET post_count = forums.post_count + r.posts::int,
                           last_post_id = GREATEST(forums.last_post_id, r.last_post_id)
           FROM r, told WHERE forums.id = r.forum_id"
    ))
    .execute(conn)
    .await
}

/// Clears the dead rows folding leaves in the reply log. Every forum start reads the log,
/// and under a steady stream of replies autovacuum (once a minute) lets tens of thousands
/// of dead rows pile up in the way of that read.
pub async fn vacuum_reply_log(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    use diesel_async::SimpleAsyncConnection;
    // VACUUM runs outside any transaction block: the simple query protocol gives it that.
    conn.batch_execute("VACUUM forum_reply_log").await
}

/// A forum by its slug.
pub async fn forum_by_slug(
    conn: &mut AsyncPgConnection,
    slug: &str,
) -> QueryResult<Option<ForumHeader>> {
    forum_by_slug_sql(slug).get_result(conn).await.optional()
}

fn forum_by_slug_sql(slug: &str) -> db::PreparedSql<'_> {
    db::sql(
        "SELECT f.id, f.slug, f.title, f.description, f.thread_count,
                c.id AS category_id, c.title AS category_title
           FROM forums f JOIN categories c ON c.id = f.category_id
          WHERE f.slug = $1",
    )
    .bind::<Text, _>(slug)
}

/// The forum `slug` and one page of its visible threads (pinned first, then by latest
/// activity), in one round trip.
pub async fn forum_with_threads(
    conn: &mut AsyncPgConnection,
    slug: &str,
    viewer: Option<UserId>,
    offset: i64,
) -> QueryResult<(Option<ForumHeader>, Vec<ThreadListRow>)> {
    let (mut a, mut b) = (&*conn, &*conn);
    let (forum, threads) = futures_util::future::try_join(
        forum_by_slug_sql(slug).load::<ForumHeader>(&mut a),
        thread_list_sql(slug, viewer, offset).load(&mut b),
    )
    .await?;
    Ok((forum.into_iter().next(), threads))
}

fn thread_list_sql(slug: &str, viewer: Option<UserId>, offset: i64) -> db::PreparedSql<'_> {
    // Members' names come from their cards: joining `users` twice for them made this
    // statement cost 2.7 times as much. Logged-out readers have no read markers: their
    // statement leaves that join out. The page size is written into the text and page 1 has
    // no OFFSET, so PostgreSQL keeps one generic plan for the busiest listing instead of
    // planning it on every request.
    macro_rules! thread_list_sql {
        ($read_position:literal, $reads_join:literal, $offset:literal) => {
            concat!(
                "SELECT t.id, t.title, t.slug, t.author_id, t.created_at, t.post_count,
                        t.view_count, t.pinned, t.locked, t.solution_post_id IS NOT NULL AS answered,
                        t.last_post_at, t.last_post_id, t.last_post_author_id, ",
                $read_position,
                " AS read_position
                   FROM threads t ",
                $reads_join,
                " WHERE t.forum_id = (SELECT id FROM forums WHERE slug = $1)
                    AND NOT t.hidden AND t.approved
                  ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC
                  LIMIT 25 ",
                $offset
            )
        };
    }
    const _: () = assert!(
        crate::forums::types::THREADS_PER_PAGE == 25,
        "the listing's LIMIT is written as 25"
    );
    let text = match (viewer.is_some(), offset > 0) {
        (true, true) => thread_list_sql!(
            "r.last_position",
            "LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $2",
            "OFFSET $3"
        ),
        (true, false) => thread_list_sql!(
            "r.last_position",
            "LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $2",
            ""
        ),
        (false, true) => thread_list_sql!("NULL::int", "", "OFFSET $3"),
        (false, false) => thread_list_sql!("NULL::int", "", ""),
    };
    db::sql(text)
        .bind::<Text, _>(slug)
        .bind::<Nullable<BigInt>, _>(viewer)
        .bind::<BigInt, _>(offset)
}

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
        "t.id, t.title, t.slug, t.author_id, t.post_count, t.view_count, t.locked,
         t.lock_reason, t.pinned, t.hidden, t.approved, t.merged_into, t.solution_post_id,
         t.forum_id"
    };
}

fn thread_header_sql(id: ThreadId) -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT ",
        thread_columns!(),
        ", f.slug AS forum_slug, f.title AS forum_title, c.title AS category_title
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

/// Every forum's place (its name and its category's heading).
pub async fn forum_places(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PlacedForum>> {
    db::sql(
        "SELECT f.id AS forum_id, f.slug AS forum_slug, f.title AS forum_title,
                c.title AS category_title
           FROM forums f JOIN categories c ON c.id = f.category_id",
    )
    .load(conn)
    .await
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
                p.hidden_reason, p.ip_address, p.approved, p.author_id
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

/// The author of a post and their address, if confirmed and willing to get mail.
pub async fn notifiable_author(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> QueryResult<Option<(UserId, String, String)>> {
    posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::id.eq(post))
        .filter(users::email_confirmed_at.is_not_null())
        .filter(users::notify_mode.ne("off"))
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
/// they visited the thread; tells whether they watch it.
pub async fn visit_thread(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
    position: i32,
) -> QueryResult<bool> {
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
                AS watching",
    )
    .bind::<BigInt, _>(user)
    .bind::<BigInt, _>(thread)
    .bind::<Integer, _>(position)
    .get_result::<Watching>(conn)
    .await
    .map(|row| row.watching)
}

#[derive(QueryableByName)]
struct Watching {
    #[diesel(sql_type = Bool)]
    watching: bool,
}

/// Adds buffered view counts of FAQ articles in one statement.
pub async fn add_article_views(
    conn: &mut AsyncPgConnection,
    counts: &[(i64, i64)],
) -> QueryResult<()> {
    let ids: Vec<i64> = counts.iter().map(|(id, _)| *id).collect();
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
    }
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Row> = db::sql(concat!(
        "SELECT p.id, u.username AS author, p.body_source, ",
        public_post!("p"),
        " AND ",
        public_thread!("t"),
        " AS public
           FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
          WHERE p.id = ANY($1)"
    ))
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, QuotedPost::new(r.author, !r.public, r.body_source)))
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

/// A thread to insert.
#[derive(Insertable)]
#[diesel(table_name = threads)]
pub struct NewThread<'a> {
    /// Forum.
    pub forum_id: ForumId,
    /// Author.
    pub author_id: UserId,
    /// Title.
    pub title: &'a str,
    /// URL name.
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
    /// Thread.
    pub thread_id: ThreadId,
    /// Author.
    pub author_id: UserId,
    /// `#N`.
    pub position: i32,
    /// Markdown.
    pub body_source: &'a str,
    /// Rendered HTML.
    pub body_html: &'a str,
    /// Time written.
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
    pub subscribe: Option<&'a str>,
}

/// What [`append_reply`] did: wrote `post`, found the token already used for `prior`, or
/// neither (no such thread, hidden, or locked).
#[derive(QueryableByName, Debug, Clone)]
pub struct Appended {
    /// The new post.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub post: Option<i64>,
    /// The post an earlier sending of the same form made.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub prior: Option<i64>,
    /// The thread's forum, when the thread could take the reply.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub forum: Option<i64>,
    /// Threads of the posts it quotes.
    #[diesel(sql_type = Array<BigInt>)]
    pub quoted_threads: Vec<i64>,
}

/// Writes an approved reply as one statement, hence one atomic step without a transaction
/// around it: it locks the thread row (replies are numbered under that lock), inserts the
/// post, counts it in its thread and author and logs it for its forum (see
/// [`fold_reply_counts`]), records its composer token, quotes and notification event,
/// subscribes the author if asked, and drops the author's kept draft. The page-cache
/// triggers stay quiet for it: the caller announces [`reply_changes`] after the commit
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
                (SELECT forum_id FROM th) AS forum,
                ARRAY(SELECT DISTINCT thread_id FROM posts WHERE id = ANY($9)) AS quoted_threads",
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
}

/// The page-cache tags a reply written by [`append_reply`] changes, as its quiet triggers
/// would have announced them.
pub fn reply_changes(appended: &Appended, thread: ThreadId, author: UserId) -> Vec<String> {
    let mut tags = vec![
        format!("thread:{thread}"),
        "forums".to_string(),
        format!("user:{author}"),
    ];
    tags.extend(appended.forum.map(|forum| format!("forum:{forum}")));
    tags.extend(
        appended
            .quoted_threads
            .iter()
            .filter(|quoted| **quoted != thread.0)
            .map(|quoted| format!("thread:{quoted}")),
    );
    tags
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
    .map(|r| PostId(r.id))
}

/// Gives a held post its place in the thread without counting it anywhere else yet.
pub async fn count_held_post(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    diesel::update(threads::table.find(thread))
        .set(threads::post_count.eq(threads::post_count + 1))
        .execute(conn)
        .await
        .map(|_| ())
}

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
    /// Post.
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    /// `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Author.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Thread title.
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    /// When it (or its edit) was sent.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// A post waiting in the approval queue.
#[derive(Debug, Clone, QueryableByName)]
pub struct HeldPost {
    /// Which post.
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

/// Records which posts `post` quotes (replacing earlier records).
pub async fn set_quotes(
    conn: &mut AsyncPgConnection,
    post: PostId,
    quoted: &[PostId],
) -> QueryResult<()> {
    diesel::delete(post_quotes::table.filter(post_quotes::post_id.eq(post)))
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
    /// The edited text.
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
    /// Which post.
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

/// Saves a reply typed while logged out.
pub async fn save_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(reply_drafts::table)
        .values((
            reply_drafts::user_id.eq(user),
            reply_drafts::thread_id.eq(thread),
            reply_drafts::body.eq(body),
        ))
        .on_conflict((reply_drafts::user_id, reply_drafts::thread_id))
        .do_update()
        .set((
            reply_drafts::body.eq(body),
            reply_drafts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A saved draft, if any.
pub async fn draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<Option<String>> {
    reply_drafts::table
        .find((user, thread))
        .select(reply_drafts::body)
        .first(conn)
        .await
        .optional()
}

/// Forgets a draft once the reply is posted.
pub async fn delete_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<()> {
    diesel::delete(reply_drafts::table.find((user, thread)))
        .execute(conn)
        .await
        .map(|_| ())
}

// ---- administration ----

/// Adds a category at the end.
pub async fn insert_category(conn: &mut AsyncPgConnection, title: &str) -> QueryResult<CategoryId> {
    db::sql(
        "INSERT INTO categories (title, position)
         SELECT $1, COALESCE(max(position), 0) + 1 FROM categories RETURNING id",
    )
    .bind::<Text, _>(title)
    .get_result::<IdRow>(conn)
    .await
    .map(|r| CategoryId(r.id))
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Renames a category.
pub async fn rename_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
    title: &str,
) -> QueryResult<usize> {
    diesel::update(categories::table.find(id))
        .set(categories::title.eq(title))
        .execute(conn)
        .await
}

/// Deletes a category that holds no forums; returns false when it still has some.
pub async fn delete_empty_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
) -> QueryResult<bool> {
    diesel::delete(
        categories::table
            .find(id)
            .filter(diesel::dsl::not(diesel::dsl::exists(
                forums::table.filter(forums::category_id.eq(id)),
            ))),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A forum to insert.
#[derive(Insertable)]
#[diesel(table_name = forums)]
pub struct NewForum<'a> {
    /// Category.
    pub category_id: CategoryId,
    /// URL name.
    pub slug: &'a str,
    /// Name.
    pub title: &'a str,
    /// What belongs here.
    pub description: &'a str,
    /// Sort key.
    pub position: i32,
}

/// Adds a forum at the end of its category.
pub async fn insert_forum(
    conn: &mut AsyncPgConnection,
    new: &NewForum<'_>,
) -> QueryResult<ForumId> {
    diesel::insert_into(forums::table)
        .values(new)
        .returning(forums::id)
        .get_result(conn)
        .await
}

/// The next free position in a category.
pub async fn next_forum_position(
    conn: &mut AsyncPgConnection,
    category: CategoryId,
) -> QueryResult<i32> {
    forums::table
        .filter(forums::category_id.eq(category))
        .select(diesel::dsl::max(forums::position))
        .first::<Option<i32>>(conn)
        .await
        .map(|p| p.unwrap_or(0) + 1)
}

/// Changes a forum's name, description and category (its slug stays).
pub async fn update_forum(
    conn: &mut AsyncPgConnection,
    id: ForumId,
    category: CategoryId,
    title: &str,
    description: &str,
) -> QueryResult<usize> {
    diesel::update(forums::table.find(id))
        .set((
            forums::category_id.eq(category),
            forums::title.eq(title),
            forums::description.eq(description),
        ))
        .execute(conn)
        .await
}

/// Deletes a forum that has no threads at all; returns false otherwise.
pub async fn delete_empty_forum(conn: &mut AsyncPgConnection, id: ForumId) -> QueryResult<bool> {
    diesel::delete(
        forums::table
            .find(id)
            .filter(diesel::dsl::not(diesel::dsl::exists(
                threads::table.filter(threads::forum_id.eq(id)),
            ))),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// Swaps a category with its neighbour above (`up`) or below.
pub async fn move_category(
    conn: &mut AsyncPgConnection,
    id: CategoryId,
    up: bool,
) -> QueryResult<()> {
    let sql = if up {
        "WITH me AS (SELECT id, position FROM categories WHERE id = $1),
              other AS (SELECT c.id, c.position FROM categories c, me
                         WHERE (c.position, c.id) < (me.position, me.id)
                         ORDER BY c.position DESC, c.id DESC LIMIT 1)
         UPDATE categories SET position = CASE categories.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE categories.id IN (me.id, other.id)"
    } else {
        "WITH me AS (SELECT id, position FROM categories WHERE id = $1),
              other AS (SELECT c.id, c.position FROM categories c, me
                         WHERE (c.position, c.id) > (me.position, me.id)
                         ORDER BY c.position, c.id LIMIT 1)
         UPDATE categories SET position = CASE categories.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE categories.id IN (me.id, other.id)"
    };
    renumber_categories(conn).await?;
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Swaps a forum with its neighbour above (`up`) or below within its category.
pub async fn move_forum(conn: &mut AsyncPgConnection, id: ForumId, up: bool) -> QueryResult<()> {
    let sql = if up {
        "WITH me AS (SELECT id, category_id, position FROM forums WHERE id = $1),
              other AS (SELECT f.id, f.position FROM forums f, me
                         WHERE f.category_id = me.category_id AND (f.position, f.id) < (me.position, me.id)
                         ORDER BY f.position DESC, f.id DESC LIMIT 1)
         UPDATE forums SET position = CASE forums.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE forums.id IN (me.id, other.id)"
    } else {
        "WITH me AS (SELECT id, category_id, position FROM forums WHERE id = $1),
              other AS (SELECT f.id, f.position FROM forums f, me
                         WHERE f.category_id = me.category_id AND (f.position, f.id) > (me.position, me.id)
                         ORDER BY f.position, f.id LIMIT 1)
         UPDATE forums SET position = CASE forums.id WHEN me.id THEN other.position ELSE me.position END
           FROM me, other WHERE forums.id IN (me.id, other.id)"
    };
    renumber_forums(conn).await?;
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await
        .map(|_| ())
}

// Distinct positions make a swap always visible, even after rows were added with equal ones.
async fn renumber_categories(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    db::sql(
        "UPDATE categories SET position = r.n FROM (
             SELECT id, row_number() OVER (ORDER BY position, id)::int AS n FROM categories) r
          WHERE categories.id = r.id AND categories.position <> r.n",
    )
    .execute(conn)
    .await
    .map(|_| ())
}

async fn renumber_forums(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    db::sql(
        "UPDATE forums SET position = r.n FROM (
             SELECT id, row_number() OVER (PARTITION BY category_id ORDER BY position, id)::int AS n
               FROM forums) r
          WHERE forums.id = r.id AND forums.position <> r.n",
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Erases the addresses of posts older than `before`; returns how many.
pub async fn erase_old_addresses(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        posts::table
            .filter(posts::created_at.lt(before))
            .filter(posts::ip_address.is_not_null()),
    )
    .set(posts::ip_address.eq(None::<String>))
    .execute(conn)
    .await
}

/// A post as a feed entry.
#[derive(Debug, Clone, QueryableByName)]
pub struct FeedPost {
    /// Post.
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Thread title.
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Author's name.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Rendered, sanitized HTML.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    /// Written.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

/// The opening posts of the newest visible threads, site-wide or in one forum.
pub async fn latest_threads(
    conn: &mut AsyncPgConnection,
    forum: Option<ForumId>,
    limit: i64,
) -> QueryResult<Vec<FeedPost>> {
    db::sql(
        "SELECT p.id, p.position, t.title, u.username AS author, p.body_html, p.created_at,
                COALESCE(p.edited_at, p.created_at) AS updated_at
           FROM threads t
           JOIN posts p ON p.thread_id = t.id AND p.position = 1
           JOIN users u ON u.id = p.author_id
          WHERE NOT t.hidden AND t.approved AND NOT p.hidden AND p.approved
            AND ($1::bigint IS NULL OR t.forum_id = $1)
          ORDER BY t.created_at DESC, t.id DESC
          LIMIT $2",
    )
    .bind::<Nullable<BigInt>, _>(forum)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// The newest visible posts of a thread.
pub async fn latest_posts(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    limit: i64,
) -> QueryResult<Vec<FeedPost>> {
    db::sql(
        "SELECT p.id, p.position, t.title, u.username AS author, p.body_html, p.created_at,
                COALESCE(p.edited_at, p.created_at) AS updated_at
           FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
          WHERE p.thread_id = $1 AND NOT p.hidden AND p.approved
          ORDER BY p.position DESC
          LIMIT $2",
    )
    .bind::<BigInt, _>(thread)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// True when the database holds no categories yet (for `parley demo`).
pub async fn is_empty(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::not(diesel::dsl::exists(
        categories::table.select(categories::id),
    )))
    .get_result(conn)
    .await
}

// ---- watching: who follows a thread or forum, and the events the notifier expands ----

/// Records that a post was written, for the worker to fan out.
pub async fn add_event(conn: &mut AsyncPgConnection, kind: &str, post: PostId) -> QueryResult<()> {
    diesel::insert_into(notification_events::table)
        .values((
            notification_events::kind.eq(kind),
            notification_events::post_id.eq(post),
        ))
        .execute(conn)
        .await
        .map(|_| ())
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
    mode: &str,
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
    mode: &str,
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

// ---- the moderation log ----

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
