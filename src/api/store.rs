//! The API's own queries: lists read by cursor rather than by page. Thread lists hold public
//! threads only, as the forum pages do; posts come with what the visibility rule needs, and
//! the handlers ask [`crate::forums::visibility::Reader`] before showing any.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::forums::types::QuestionShow;
use crate::forums::visibility::{PostFacts, ThreadFacts, public_thread};
use crate::ids::{ForumId, PostId, ThreadId, UserId};

/// A thread as lists show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ThreadItem {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub forum_slug: String,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub last_post_at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    pub post_count: i32,
    #[diesel(sql_type = Bool)]
    pub pinned: bool,
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub solution_post_id: Option<PostId>,
}

/// Up to `limit` public threads of `forum` that `show` asks for, by latest activity
/// (newest first), after `after` (the last one of the previous call).
pub async fn forum_threads(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
    show: QuestionShow,
    viewer: Option<UserId>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> diesel::QueryResult<Vec<ThreadItem>> {
    let show = match show {
        QuestionShow::All => "TRUE",
        QuestionShow::Unanswered => "t.first_response_at IS NULL AND t.solution_post_id IS NULL",
        QuestionShow::Unsolved => "t.solution_post_id IS NULL",
        QuestionShow::Solved => "t.solution_post_id IS NOT NULL",
        QuestionShow::Mine => "t.author_id = $2",
    };
    let sql = format!(
        "SELECT t.id, t.title, t.slug, f.slug AS forum_slug, u.username AS author, t.created_at,
                t.last_post_at, t.post_count, t.pinned, t.locked, t.solution_post_id
           FROM threads t
           JOIN forums f ON f.id = t.forum_id
           JOIN users u ON u.id = t.author_id
          WHERE t.forum_id = $1 AND {public} AND ({show})
            AND ($3::timestamptz IS NULL OR (t.last_post_at, t.id) < ($3, $4))
          ORDER BY t.last_post_at DESC, t.id DESC
          LIMIT $5",
        public = public_thread!("t"),
    );
    let (at, id) = after.unzip();
    diesel::sql_query(sql)
        .bind::<BigInt, _>(forum)
        .bind::<Nullable<BigInt>, _>(viewer)
        .bind::<Nullable<Timestamptz>, _>(at)
        .bind::<Nullable<BigInt>, _>(id)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}

/// A post with what deciding who sees it needs.
#[derive(Debug, Clone, QueryableByName)]
pub struct PostItem {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Text)]
    pub body_source: String,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    #[diesel(sql_type = Bool)]
    pub approved: bool,
    #[diesel(sql_type = Bool)]
    pub thread_hidden: bool,
    #[diesel(sql_type = Bool)]
    pub thread_approved: bool,
    #[diesel(sql_type = BigInt)]
    pub thread_author_id: UserId,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub solution_post_id: Option<PostId>,
}

impl PostItem {
    /// What the visibility rule asks of it.
    pub fn facts(&self) -> PostFacts {
        PostFacts {
            hidden: self.hidden,
            approved: self.approved,
            author: self.author_id,
            thread: ThreadFacts {
                hidden: self.thread_hidden,
                approved: self.thread_approved,
                author: self.thread_author_id,
            },
        }
    }
}

const POST_COLUMNS: &str = "SELECT p.id, p.thread_id, p.position, p.author_id,
        u.username AS author, p.created_at, p.edited_at, p.body_html, p.body_source, p.hidden,
        p.approved, t.hidden AS thread_hidden, t.approved AS thread_approved,
        t.author_id AS thread_author_id, t.solution_post_id
   FROM posts p
   JOIN threads t ON t.id = p.thread_id
   JOIN users u ON u.id = p.author_id";

/// Up to `limit` posts of `thread` after position `after`, in order.
pub async fn thread_posts(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    after: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<PostItem>> {
    diesel::sql_query(format!(
        "{POST_COLUMNS} WHERE p.thread_id = $1 AND p.position > $2 ORDER BY p.position LIMIT $3"
    ))
    .bind::<BigInt, _>(thread)
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// One post, whoever may see it.
pub async fn post(
    conn: &mut AsyncPgConnection,
    id: PostId,
) -> diesel::QueryResult<Option<PostItem>> {
    let mut rows: Vec<PostItem> = diesel::sql_query(format!("{POST_COLUMNS} WHERE p.id = $1"))
        .bind::<BigInt, _>(id)
        .load(conn)
        .await?;
    Ok(rows.pop())
}
