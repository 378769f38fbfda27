//! The statistics queries (run at most once a minute; see the cache in `mod.rs`).

use crate::db::prepared as db;
use crate::forums::visibility::{public_post, public_thread};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The headline figures.
#[derive(Debug, Clone, QueryableByName)]
pub struct Totals {
    /// Members (not banned).
    #[diesel(sql_type = BigInt)]
    pub members: i64,
    /// Visible threads.
    #[diesel(sql_type = BigInt)]
    pub threads: i64,
    /// Visible posts.
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
    /// Published FAQ articles.
    #[diesel(sql_type = BigInt)]
    pub articles: i64,
    /// Members seen in the last 15 minutes.
    #[diesel(sql_type = BigInt)]
    pub online: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub newest: Option<String>,
    /// When they joined.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub newest_joined: Option<DateTime<Utc>>,
}

/// A name with a number (members, threads, forums).
#[derive(Debug, Clone, QueryableByName)]
pub struct Ranked {
    /// Name or title.
    #[diesel(sql_type = Text)]
    pub label: String,
    /// Where it lives.
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Posts written on one day.
#[derive(Debug, Clone, QueryableByName)]
pub struct Day {
    /// The day (UTC).
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    /// Posts that day.
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
}

/// Members, threads, posts, members online, newest member.
pub async fn totals(conn: &mut AsyncPgConnection) -> QueryResult<Totals> {
    db::sql(
        "SELECT (SELECT count(*) FROM users WHERE banned_at IS NULL) AS members,
                (SELECT COALESCE(sum(thread_count), 0)::bigint FROM forums) AS threads,
                (SELECT COALESCE(sum(post_count), 0)::bigint FROM forums)
                    + (SELECT count(*) FROM forum_reply_log) AS posts,
                (SELECT count(*) FROM faq_articles WHERE published) AS articles,
                (SELECT count(*) FROM users WHERE last_seen_at > now() - interval '15 minutes') AS online,
                n.username AS newest, n.created_at AS newest_joined
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (SELECT username, created_at FROM users WHERE banned_at IS NULL
                               ORDER BY created_at DESC, id DESC LIMIT 1) n ON TRUE",
    )
    .get_result(conn)
    .await
}

/// Members with the most visible posts since the start of this month.
pub async fn active_members(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Ranked>> {
    db::sql(concat!(
        "SELECT u.username AS label, '/u/' || u.username AS path, count(*) AS count
           FROM posts p JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id
          WHERE p.created_at >= date_trunc('month', now()) AND ",
        public_post!("p"),
        " AND ",
        public_thread!("t"),
        " GROUP BY u.id ORDER BY count DESC, u.username LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Threads with the most posts since the start of this month.
pub async fn active_threads(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Ranked>> {
    db::sql(concat!(
        "SELECT t.title AS label, '/t/' || t.id || '/' || t.slug AS path, count(*) AS count
           FROM posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.created_at >= date_trunc('month', now()) AND ",
        public_post!("p"),
        " AND ",
        public_thread!("t"),
        " GROUP BY t.id ORDER BY count DESC, t.id LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Threads with the most views.
pub async fn most_viewed(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Ranked>> {
    db::sql(concat!(
        "SELECT t.title AS label, '/t/' || t.id || '/' || t.slug AS path, t.view_count AS count
           FROM threads t WHERE ",
        public_thread!("t"),
        " ORDER BY t.view_count DESC, t.id LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Forums with the most posts (replies not folded into the counters yet included).
pub async fn busiest_forums(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Ranked>> {
    db::sql(
        "SELECT title AS label, '/f/' || slug AS path,
                post_count + (SELECT count(*) FROM forum_reply_log l WHERE l.forum_id = forums.id) AS count
           FROM forums ORDER BY count DESC, id LIMIT $1",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Visible posts per day over the last `days` days (days without posts included).
pub async fn posts_per_day(conn: &mut AsyncPgConnection, days: i64) -> QueryResult<Vec<Day>> {
    db::sql(concat!(
        "SELECT d.day::date AS day, count(p.id) AS posts
           FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1 - 1) * interval '1 day',
                                (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
           LEFT JOIN posts p ON (p.created_at AT TIME ZONE 'UTC')::date = d.day::date AND ",
        public_post!("p"),
        " AND EXISTS (SELECT 1 FROM threads t WHERE t.id = p.thread_id AND ",
        public_thread!("t"),
        ") GROUP BY d.day ORDER BY d.day"
    ))
    .bind::<BigInt, _>(days)
    .load(conn)
    .await
}
