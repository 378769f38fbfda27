//! A member's public activity, as their profile shows it: what anyone may read, by the one
//! visibility rule.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::forums::visibility::{public_post, public_thread};
use crate::ids::{PostId, ThreadId, UserId};

/// A thread the member started.
#[derive(Debug, diesel::QueryableByName)]
pub struct StartedThread {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// The member's newest public threads.
pub async fn threads_started(
    conn: &mut AsyncPgConnection,
    member: UserId,
    limit: i64,
) -> QueryResult<Vec<StartedThread>> {
    db::sql(concat!(
        "SELECT t.id, t.slug, t.title, t.created_at FROM threads t
          WHERE t.author_id = $1 AND t.merged_into IS NULL AND ",
        public_thread!("t"),
        " ORDER BY t.created_at DESC, t.id DESC LIMIT $2"
    ))
    .bind::<BigInt, _>(member)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// A post the member wrote, with its thread.
#[derive(Debug, diesel::QueryableByName)]
pub struct WrittenPost {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// The post as rendered (for an excerpt).
    #[diesel(sql_type = Text)]
    pub body_html: String,
}

/// The member's newest public posts.
pub async fn posts_written(
    conn: &mut AsyncPgConnection,
    member: UserId,
    limit: i64,
) -> QueryResult<Vec<WrittenPost>> {
    db::sql(concat!(
        "SELECT p.id, t.title AS thread_title, p.created_at, p.body_html
           FROM posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.author_id = $1 AND t.merged_into IS NULL AND ",
        public_post!("p"),
        " AND ",
        public_thread!("t"),
        " ORDER BY p.created_at DESC, p.id DESC LIMIT $2"
    ))
    .bind::<BigInt, _>(member)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Public questions whose accepted answer the member wrote.
pub async fn answers_accepted(conn: &mut AsyncPgConnection, member: UserId) -> QueryResult<i64> {
    let row: Count = db::sql(concat!(
        "SELECT count(*) AS n FROM threads t JOIN posts p ON p.id = t.solution_post_id
          WHERE p.author_id = $1 AND ",
        public_thread!("t"),
        " AND ",
        public_post!("p")
    ))
    .bind::<BigInt, _>(member)
    .get_result(conn)
    .await?;
    Ok(row.n)
}
