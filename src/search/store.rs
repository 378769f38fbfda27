//! The search query: PostgreSQL full text over thread titles (weight A) and post bodies
//! (weight B), ranked, with highlighted snippets cut from the shown posts.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Date, Float, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::forums::markup;
use crate::forums::store as forums_store;
use crate::forums::types::ForumChoice;
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
fn term_count_sql(query: &str) -> db::PreparedSql<'_> {
    db::sql("SELECT numnode(websearch_to_tsquery('english', $1)) AS n").bind::<Text, _>(query)
}

/// One term count.
#[derive(QueryableByName)]
struct TermCount {
    #[diesel(sql_type = Integer)]
    n: i32,
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
const BODY_CANDIDATES: i64 = 200;
/// How many of the newest threads with a matching title are ranked.
const TITLE_CANDIDATES: i64 = 50;

/// The parsed query. Its value is bound for planning, so the planner sees the words and
/// picks the GIN index for rare ones, the newest posts for common ones.
const TSQUERY: &str = "websearch_to_tsquery('english', $1)";

/// The two candidate statements for these filters: the newest matching posts, and the
/// first posts of the newest threads with a matching title. Only the filters in use are
/// written out, and the two are planned apart: search is planned on every run, and two
/// short statements plan in half the time of one that joins them.
fn candidates_sql(filters: &Filters) -> [String; 2] {
    // Every filter is a condition on the candidate post `p`, so both statements share it.
    let mut narrow = String::new();
    if filters.forum.is_some() {
        narrow.push_str(
            " AND p.thread_id IN (SELECT t.id FROM threads t JOIN forums f ON f.id = t.forum_id
                                   WHERE f.slug = $2)",
        );
    }
    if filters.author.is_some() {
        narrow.push_str(
            " AND p.author_id IN (SELECT id FROM users
                                   WHERE lower(username) = lower($3) OR lower(username) % lower($3))",
        );
    }
    if filters.solved_only {
        narrow.push_str(
            " AND p.thread_id IN (SELECT id FROM threads WHERE solution_post_id IS NOT NULL)",
        );
    }
    if filters.from.is_some() {
        narrow.push_str(" AND p.created_at >= $4::date");
    }
    if filters.to.is_some() {
        narrow.push_str(" AND p.created_at < $5::date + 1");
    }
    let q = TSQUERY;
    // Candidates are found cheaply (index, visibility, filters) and only the newest few
    // hundred are ranked: ranking reads every candidate's text, and a common word
    // matches half the posts. Ranks are computed outside the LIMIT so no other row is
    // ranked. A first post ranks with its thread title's weight too.
    //
    // Posts are sorted by row address alone and their search vectors read again by it
    // afterwards: a rare word sorts all of its matches, and carrying each one's vector
    // through that sort cost more than the search itself. One statement, one snapshot,
    // so the addresses are those of the rows it found.
    [
        format!(
            "SELECT c.id, c.thread_id,
                    ts_rank(c.body_tsv, {q}) + CASE WHEN c.position = 1
                      THEN (SELECT ts_rank(t.title_tsv, {q}) FROM threads t WHERE t.id = c.thread_id)
                      ELSE 0 END AS rank
               FROM posts c
              WHERE c.ctid = ANY(ARRAY(
                    SELECT p.ctid FROM posts p
                     WHERE p.body_tsv @@ {q} AND NOT p.hidden AND p.approved
                       AND p.thread_id NOT IN (SELECT id FROM threads WHERE hidden OR NOT approved){narrow}
                     ORDER BY p.id DESC LIMIT {BODY_CANDIDATES}))"
        ),
        format!(
            "SELECT c.id, c.thread_id, ts_rank(c.body_tsv, {q}) + ts_rank(c.title_tsv, {q}) AS rank
               FROM (SELECT p.id, p.thread_id, p.body_tsv, t.title_tsv
                       FROM threads t JOIN posts p ON p.thread_id = t.id AND p.position = 1
                      WHERE t.title_tsv @@ {q} AND NOT t.hidden AND t.approved
                        AND NOT p.hidden AND p.approved{narrow}
                      ORDER BY t.id DESC LIMIT {TITLE_CANDIDATES}) c"
        ),
    ]
}

/// A matching post and its relevance.
#[derive(Debug, Clone, QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    thread_id: i64,
    #[diesel(sql_type = Float)]
    rank: f32,
}

/// One page of the best candidates, best first (the newer post first between equals): a
/// post found by both statements counts once, and with `by_thread` only each thread's
/// best post counts.
fn best_page(
    mut candidates: Vec<Candidate>,
    by_thread: bool,
    limit: usize,
    offset: usize,
) -> Vec<Candidate> {
    candidates.sort_unstable_by(|a, b| b.rank.total_cmp(&a.rank).then(b.id.cmp(&a.id)));
    let mut seen = std::collections::HashSet::new();
    candidates
        .into_iter()
        .filter(|c| seen.insert(if by_thread { c.thread_id } else { c.id }))
        .skip(offset)
        .take(limit)
        .collect()
}

/// Runs one candidate statement; a shared reference lets it be pipelined with the other.
async fn load_candidates(
    mut conn: &AsyncPgConnection,
    sql: String,
    query: &str,
    filters: &Filters,
) -> QueryResult<Vec<Candidate>> {
    diesel::sql_query(sql)
        .bind::<Text, _>(query)
        .bind::<Nullable<Text>, _>(filters.forum.as_deref())
        .bind::<Nullable<Text>, _>(filters.author.as_deref())
        .bind::<Nullable<Date>, _>(filters.from)
        .bind::<Nullable<Date>, _>(filters.to)
        .load::<Candidate>(&mut conn)
        .await
}

/// What a search page shows.
pub struct Found {
    /// The forums a search can be narrowed to.
    pub forums: Vec<ForumChoice>,
    /// One page of matches, best first.
    pub hits: Vec<Hit>,
    /// False when the query has no searchable word at all (only stop words or signs).
    pub searchable: bool,
}

/// One page of visible posts matching `query` (`websearch_to_tsquery` syntax: phrases,
/// `-word`, `or`), best first, narrowed by `filters`, with the forums to choose from.
pub async fn find(
    conn: &mut AsyncPgConnection,
    query: &str,
    filters: &Filters,
    limit: usize,
    offset: usize,
) -> QueryResult<Found> {
    // The candidate statements depend on the words, so they are planned on every run;
    // what follows them is fixed, kept prepared, and goes out together.
    let [posts_sql, titles_sql] = candidates_sql(filters);
    let (mut found, titles) = futures_util::future::try_join(
        load_candidates(conn, posts_sql, query, filters),
        load_candidates(conn, titles_sql, query, filters),
    )
    .await?;
    found.extend(titles);
    let ranked = best_page(found, filters.by_thread, limit, offset);
    // Shared references to the connection are what let diesel-async pipeline statements.
    let (mut a, mut b) = (&*conn, &*conn);
    let forums = forums_store::forum_choices_sql().load::<ForumChoice>(&mut a);
    if ranked.is_empty() {
        // Why nothing was found is asked only then, saving a statement on every search.
        let (forums, count) =
            futures_util::future::try_join(forums, term_count_sql(query).load::<TermCount>(&mut b))
                .await?;
        let searchable = count.iter().any(|c: &TermCount| c.n > 0);
        return Ok(Found {
            forums,
            hits: Vec::new(),
            searchable,
        });
    }
    let (ids, ranks): (Vec<i64>, Vec<f32>) = ranked.iter().map(|r| (r.id, r.rank)).unzip();
    let rows = db::sql(
        "SELECT p.id AS post_id, p.position, p.thread_id, t.title, f.title AS forum,
                u.username AS author, p.created_at, page.rank,
                '' AS snippet, p.body_html, querytree(websearch_to_tsquery('english', $3)) AS query_tree
           FROM unnest($1::bigint[], $2::real[]) AS page(id, rank)
           JOIN posts p ON p.id = page.id
           JOIN threads t ON t.id = p.thread_id
           JOIN forums f ON f.id = t.forum_id
           JOIN users u ON u.id = p.author_id
          ORDER BY page.rank DESC, p.id DESC",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Float>, _>(ranks)
    .bind::<Text, _>(query)
    .load::<Row>(&mut b);
    let (forums, rows): (_, Vec<Row>) = futures_util::future::try_join(forums, rows).await?;
    let lexemes = <[Row]>::first(&rows)
        .map(|row| snippet::wanted_lexemes(&row.query_tree))
        .unwrap_or_default();
    let mut highlighter = snippet::Highlighter::new(lexemes);
    let hits = rows
        .into_iter()
        .map(|row| Hit {
            snippet: highlighter.snippet(&markup::excerpt(&row.body_html, usize::MAX)),
            ..row.hit
        })
        .collect();
    Ok(Found {
        forums,
        hits,
        searchable: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, thread_id: i64, rank: f32) -> Candidate {
        Candidate {
            id,
            thread_id,
            rank,
        }
    }

    #[test]
    fn a_page_counts_each_post_once_best_and_newest_first() {
        let found = vec![
            candidate(1, 10, 0.5),
            candidate(2, 10, 0.9),
            candidate(3, 11, 0.5),
            // The same first post found by its title too, with the title's weight.
            candidate(1, 10, 1.4),
        ];
        let ids = |page: Vec<Candidate>| page.iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(ids(best_page(found.clone(), false, 10, 0)), [1, 2, 3]);
        assert_eq!(ids(best_page(found.clone(), false, 2, 1)), [2, 3]);
        assert_eq!(best_page(found.clone(), false, 10, 0)[0].rank, 1.4);
        // One per thread: each thread's best post.
        assert_eq!(ids(best_page(found.clone(), true, 10, 0)), [1, 3]);
        assert!(best_page(found, false, 10, 5).is_empty());
    }
}
