//! Daily and weekly digests: the items they gather and whose digest is due.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{digest_items, users};
use crate::ids::{PostId, UserId};

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
    #[diesel(sql_type = BigInt)]
    pub user_id: UserId,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    #[diesel(sql_type = Text)]
    pub author: String,
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
