//! The forum start and forum pages: categories, forums and their thread lists.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::forums::types::{
    Category, ForumChoice, ForumHeader, ForumSummary, PlacedForum, ThreadListRow,
};
use crate::ids::UserId;

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

/// Every forum with its last post, in display order (replies not folded yet included).
pub async fn forum_summaries(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ForumSummary>> {
    forum_summaries_sql().load(conn).await
}

fn forum_summaries_sql() -> db::PreparedSql<'static> {
    db::sql(concat!(
        "SELECT f.id, f.category_id, f.slug, f.title, f.description, f.position,
                f.thread_count, f.questions, (f.post_count + COALESCE(r.posts, 0))::int AS post_count,
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

/// A forum by its slug.
pub async fn forum_by_slug(
    conn: &mut AsyncPgConnection,
    slug: &str,
) -> QueryResult<Option<ForumHeader>> {
    forum_by_slug_sql(slug).get_result(conn).await.optional()
}

fn forum_by_slug_sql(slug: &str) -> db::PreparedSql<'_> {
    db::sql(
        "SELECT f.id, f.slug, f.title, f.description, f.thread_count, f.questions,
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
                        t.view_count, t.pinned, t.locked, t.solution_post_id IS NOT NULL AS solved,
                        t.first_response_at IS NOT NULL AS responded, t.me_too_count,
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

/// Every forum's place (its name and its category's heading).
pub async fn forum_places(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PlacedForum>> {
    db::sql(
        "SELECT f.id AS forum_id, f.slug AS forum_slug, f.title AS forum_title,
                c.title AS category_title, f.questions
           FROM forums f JOIN categories c ON c.id = f.category_id",
    )
    .load(conn)
    .await
}
