//! Periodic upkeep: folding logged replies into forum counters, vacuuming that log,
//! erasing old addresses.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{categories, posts};

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
                         FROM (SELECT DISTINCT unnest(parley_reply_tags(
                                        p.thread_id, l.forum_id, p.author_id,
                                        ARRAY(SELECT q.thread_id
                                                FROM post_quotes pq
                                                JOIN posts q ON q.id = pq.quoted_post_id
                                               WHERE pq.post_id = p.id))) AS tag
                                 FROM logged l JOIN posts p ON p.id = l.post_id) tags)
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

/// True when the database holds no categories yet (for `parley demo`).
pub async fn is_empty(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::not(diesel::dsl::exists(
        categories::table.select(categories::id),
    )))
    .get_result(conn)
    .await
}
