//! Queries of "Helpful" marks.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{helpful, users};
use crate::forums::visibility::{public_post, public_thread};
use crate::ids::{PostId, UserId};

/// Marks the post helpful for the member; false if they had already.
pub async fn mark_helpful(
    conn: &mut AsyncPgConnection,
    post: PostId,
    user: UserId,
) -> QueryResult<bool> {
    diesel::insert_into(helpful::table)
        .values((helpful::post_id.eq(post), helpful::user_id.eq(user)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Takes the member's mark back; false if there was none.
pub async fn unmark_helpful(
    conn: &mut AsyncPgConnection,
    post: PostId,
    user: UserId,
) -> QueryResult<bool> {
    diesel::delete(helpful::table.find((post, user)))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Which of `posts` the member marked helpful.
pub async fn marked_helpful_by(
    conn: &mut AsyncPgConnection,
    user: UserId,
    posts: &[PostId],
) -> QueryResult<HashSet<PostId>> {
    helpful::table
        .filter(helpful::user_id.eq(user))
        .filter(helpful::post_id.eq_any(posts))
        .select(helpful::post_id)
        .load(conn)
        .await
        .map(|ids| ids.into_iter().collect())
}

/// Who marked each of `posts` helpful, by name (for the posts' author).
pub async fn helpful_names(
    conn: &mut AsyncPgConnection,
    posts: &[PostId],
) -> QueryResult<HashMap<PostId, Vec<String>>> {
    let rows: Vec<(PostId, String)> = helpful::table
        .inner_join(users::table)
        .filter(helpful::post_id.eq_any(posts))
        .order((helpful::post_id, helpful::created_at))
        .select((helpful::post_id, users::username))
        .load(conn)
        .await?;
    let mut names: HashMap<PostId, Vec<String>> = HashMap::new();
    for (post, name) in rows {
        names.entry(post).or_default().push(name);
    }
    Ok(names)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// "Helpful" marks on the member's public posts.
pub async fn helpful_received(conn: &mut AsyncPgConnection, member: UserId) -> QueryResult<i64> {
    let row: Count = db::sql(concat!(
        "SELECT COALESCE(sum(p.helpful_count), 0)::bigint AS n
           FROM posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.author_id = $1 AND ",
        public_post!("p"),
        " AND ",
        public_thread!("t")
    ))
    .bind::<BigInt, _>(member)
    .get_result(conn)
    .await?;
    Ok(row.n)
}
