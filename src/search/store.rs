//! The search query: PostgreSQL full text over thread titles (weight A) and post bodies
//! (weight B), ranked, with highlighted snippets cut from the shown posts.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Float, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::forums::markup;
use crate::ids::{PostId, ThreadId};
use crate::search::snippet;

/// Marks the start of a highlighted word in a snippet (a control character no post keeps).
pub const MARK_START: char = '\u{2}';
/// Marks its end.
pub const MARK_END: char = '\u{3}';

/// One matching post.
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    /// The post.
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Its thread.
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    /// The thread's title.
    #[diesel(sql_type = Text)]
    pub title: String,
    /// The forum's name.
    #[diesel(sql_type = Text)]
    pub forum: String,
    /// Who wrote it.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// When.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Relevance.
    #[diesel(sql_type = Float)]
    pub rank: f32,
    /// Matching text with the words between [`MARK_START`] and [`MARK_END`] (cut in Rust;
    /// the query leaves it empty).
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

/// A hit as the query returns it, with what its snippet is cut from.
#[derive(QueryableByName)]
struct Row {
    #[diesel(embed)]
    hit: Hit,
    /// The rendered post.
    #[diesel(sql_type = Text)]
    body_html: String,
    /// The parsed query (`querytree`), for the words to mark.
    #[diesel(sql_type = Text)]
    query_tree: String,
}

/// How many search terms a query has once parsed (0: nothing searchable).
pub async fn term_count(conn: &mut AsyncPgConnection, query: &str) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Integer)]
        n: i32,
    }
    diesel::sql_query("SELECT numnode(websearch_to_tsquery('english', $1)) AS n")
        .bind::<Text, _>(query)
        .get_result::<Count>(conn)
        .await
        .map(|c| c.n)
}

/// What narrows a search down.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// One forum's slug.
    pub forum: Option<String>,
    /// An author's name; similar names match too (trigrams).
    pub author: Option<String>,
    /// Only threads with an accepted answer.
    pub solved_only: bool,
    /// Posts written on or after this day.
    pub from: Option<NaiveDate>,
    /// Posts written on or before this day.
    pub to: Option<NaiveDate>,
    /// One result per thread (its best post) instead of every matching post.
    pub by_thread: bool,
}

/// How many of the newest matching posts are ranked.
const BODY_CANDIDATES: i64 = 300;
/// How many of the newest threads with a matching title are ranked.
const TITLE_CANDIDATES: i64 = 100;

/// Visibility and filters, applied while candidates are collected so a filter never
/// empties a page that has matches. The query's `q` is inlined (`NOT MATERIALIZED`) so the
/// planner sees the words and picks the GIN index for rare ones, the newest posts for common ones.
const VISIBLE_AND_FILTERED: &str = "NOT p.hidden AND p.approved AND NOT t.hidden AND t.approved
    AND ($2::text IS NULL OR t.forum_id = (SELECT id FROM forums WHERE slug = $2))
    AND ($3::text IS NULL OR p.author_id IN (SELECT id FROM authors))
    AND (NOT $6 OR t.solution_post_id IS NOT NULL)
    AND ($7::date IS NULL OR p.created_at >= $7::date)
    AND ($8::date IS NULL OR p.created_at < $8::date + 1)";

/// Visible posts matching `query` (`websearch_to_tsquery` syntax: phrases, `-word`, `or`),
/// best first, narrowed by `filters`.
pub async fn search(
    conn: &mut AsyncPgConnection,
    query: &str,
    filters: &Filters,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Hit>> {
    let rows = diesel::sql_query(format!(
        "WITH q AS NOT MATERIALIZED (SELECT websearch_to_tsquery('english', $1) AS q),
              authors AS NOT MATERIALIZED (
                  SELECT id FROM users WHERE lower(username) = lower($3) OR lower(username) % lower($3)),
              -- Ranking reads every candidate's text, so for very common words only the
              -- newest filtered candidates are ranked: a search stays fast at any size.
              -- Candidates carry their vectors along (still compressed), so they are
              -- ranked without a second look-up, and only after the LIMIT.
              matches AS (
                  (SELECT p.id, p.thread_id, p.position, p.body_tsv, t.title_tsv
                     FROM posts p JOIN threads t ON t.id = p.thread_id, q
                    WHERE p.body_tsv @@ q.q AND {VISIBLE_AND_FILTERED}
                    ORDER BY p.id DESC LIMIT {BODY_CANDIDATES})
                  UNION ALL
                  (SELECT p.id, p.thread_id, p.position, p.body_tsv, t.title_tsv
                     FROM threads t JOIN posts p ON p.thread_id = t.id AND p.position = 1, q
                    WHERE t.title_tsv @@ q.q AND {VISIBLE_AND_FILTERED}
                    ORDER BY t.id DESC LIMIT {TITLE_CANDIDATES})),
              ranked AS (
                  SELECT DISTINCT ON (CASE WHEN $9 THEN m.thread_id ELSE m.id END) m.id,
                         ts_rank(m.body_tsv, q.q)
                           + CASE WHEN m.position = 1 THEN ts_rank(m.title_tsv, q.q) ELSE 0 END AS rank
                    FROM matches m, q
                   ORDER BY CASE WHEN $9 THEN m.thread_id ELSE m.id END, rank DESC),
              page AS (SELECT id, rank FROM ranked ORDER BY rank DESC, id DESC LIMIT $4 OFFSET $5)
         SELECT p.id AS post_id, p.position, t.id AS thread_id, t.title, f.title AS forum,
                u.username AS author, p.created_at, page.rank,
                '' AS snippet, p.body_html, querytree(q.q) AS query_tree
           FROM page
           JOIN posts p ON p.id = page.id
           JOIN threads t ON t.id = p.thread_id
           JOIN forums f ON f.id = t.forum_id
           JOIN users u ON u.id = p.author_id, q
          ORDER BY page.rank DESC, p.id DESC"
    ))
    .bind::<Text, _>(query)
    .bind::<Nullable<Text>, _>(filters.forum.as_deref())
    .bind::<Nullable<Text>, _>(filters.author.as_deref())
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .bind::<diesel::sql_types::Bool, _>(filters.solved_only)
    .bind::<Nullable<diesel::sql_types::Date>, _>(filters.from)
    .bind::<Nullable<diesel::sql_types::Date>, _>(filters.to)
    .bind::<diesel::sql_types::Bool, _>(filters.by_thread)
    .load::<Row>(conn)
    .await?;
    let lexemes = <[Row]>::first(&rows)
        .map(|row| snippet::wanted_lexemes(&row.query_tree))
        .unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| Hit {
            snippet: snippet::snippet(&markup::excerpt(&row.body_html, usize::MAX), &lexemes),
            ..row.hit
        })
        .collect())
}
