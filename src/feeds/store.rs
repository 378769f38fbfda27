//! The feeds' queries: the newest threads and posts readers may see.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::ids::{ForumId, PostId, ThreadId};

/// A post as a feed entry.
#[derive(Debug, Clone, QueryableByName)]
pub struct FeedPost {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Author's name.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Rendered, sanitized HTML.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
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
