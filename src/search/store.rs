//! The search query: PostgreSQL full text over thread titles (weight A) and post bodies
//! (weight B), ranked, with highlighted snippets cut from the shown posts.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Date, Double, Float, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::forums::store as forums_store;
use crate::forums::types::ForumChoice;
use crate::forums::visibility::{public_post, public_thread};
use crate::ids::{PostId, ThreadId};
use crate::markup;
use crate::search::snippet;
use crate::search::strategy::{self, LexemeStats, Way};

/// Marks the start of a highlighted word in a snippet (a control character no post keeps).
pub const MARK_START: char = '\u{2}';
/// Marks its end.
pub const MARK_END: char = '\u{3}';

/// One matching post.
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
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
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
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
    #[diesel(sql_type = Text)]
    body_html: String,
}

/// The parsed query as PostgreSQL reads it for its index (`querytree`): empty when the
/// query has no searchable word.
fn query_tree_sql(query: &str) -> db::PreparedSql<'_> {
    db::sql("SELECT querytree(websearch_to_tsquery('english', $1)) AS tree").bind::<Text, _>(query)
}

/// One query tree.
#[derive(QueryableByName)]
struct QueryTree {
    #[diesel(sql_type = Text)]
    tree: String,
}

/// The statistics behind [`strategy::LexemeStats`], one row per searched column.
#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Double)]
    rows: f64,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    lexemes: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<Array<Float>>)]
    shares: Option<Vec<f32>>,
}

/// How common lexemes are in post bodies and thread titles, from PostgreSQL's statistics.
pub async fn lexeme_stats(conn: &mut AsyncPgConnection) -> QueryResult<strategy::LexemeStats> {
    let rows = db::sql(
        "SELECT c.relname::text AS table_name, c.reltuples::float8 AS rows,
                s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS shares
           FROM pg_class c
           LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname
                AND s.attname = CASE c.relname WHEN 'posts' THEN 'body_tsv' ELSE 'title_tsv' END
          WHERE c.oid IN ('posts'::regclass, 'threads'::regclass)",
    )
    .load::<ColumnRow>(conn)
    .await?;
    let mut stats = strategy::LexemeStats::default();
    for row in rows {
        let column = strategy::ColumnStats::from_pg(
            row.rows,
            row.lexemes.unwrap_or_default(),
            &row.shares.unwrap_or_default(),
        );
        match row.table_name.as_str() {
            "posts" => stats.bodies = column,
            _ => stats.titles = column,
        }
    }
    Ok(stats)
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

/// The parsed query, its value bound for planning: a filtered search is planned on every
/// run, so the planner sees the words and the filters together.
const TSQUERY_SEEN: &str = "websearch_to_tsquery('english', $1)";
/// The parsed query hidden from the planner as an init plan: an unfiltered search runs
/// statements kept prepared, whose one plan must not depend on the words.
const TSQUERY_HIDDEN: &str = "(SELECT websearch_to_tsquery('english', $1))";

/// How the candidates of one search are found.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// Planned for this run, which knows the words and the filters.
    Planned,
    /// Kept prepared, going the way [`strategy`] picked.
    Fixed(Way),
}

impl Plan {
    fn tsquery(self) -> &'static str {
        match self {
            Plan::Planned => TSQUERY_SEEN,
            Plan::Fixed(_) => TSQUERY_HIDDEN,
        }
    }
}

/// What a search's filters add to its candidate statements: conditions on the candidate
/// post `p`, written out only for the filters in use.
fn narrowing(filters: &Filters) -> String {
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
    narrow
}

/// The newest matching posts, ranked.
///
/// Ranking reads every candidate's text and a common word matches half the posts, so
/// only the newest few hundred are ranked, outside the LIMIT so no other row is. A first
/// post ranks with its thread title's weight too.
fn posts_sql(plan: Plan, narrow: &str) -> String {
    let q = plan.tsquery();
    let rank = format!(
        "ts_rank(c.body_tsv, {q}) + CASE WHEN c.position = 1
           THEN (SELECT ts_rank(t.title_tsv, {q}) FROM threads t WHERE t.id = c.thread_id)
           ELSE 0 END AS rank"
    );
    let visible = concat!(
        public_post!("p"),
        " AND p.thread_id NOT IN (SELECT t.id FROM threads t WHERE NOT ",
        public_thread!("t"),
        ")"
    );
    match plan {
        // OFFSET 0 keeps the match outside the walk, so no plan can turn to the index.
        Plan::Fixed(Way::Newest) => format!(
            "SELECT c.id, c.thread_id, {rank}
               FROM (SELECT p.id, p.thread_id, p.position, p.body_tsv FROM posts p
                      WHERE {visible}{narrow} ORDER BY p.id DESC OFFSET 0) c
              WHERE {matched}
              LIMIT {BODY_CANDIDATES}",
            matched = walked_match("c.body_tsv", q)
        ),
        // Matches are sorted by row address alone and their search vectors read again by
        // it afterwards: a rare word sorts all of its matches, and carrying each one's
        // vector through that sort cost more than the search itself. One statement, one
        // snapshot, so the addresses are those of the rows it found.
        Plan::Planned | Plan::Fixed(Way::Index) => format!(
            "SELECT c.id, c.thread_id, {rank}
               FROM posts c
              WHERE c.ctid = ANY(ARRAY(
                    SELECT p.ctid FROM posts p
                     WHERE p.body_tsv @@ {q} AND {visible}{narrow}
                     ORDER BY p.id DESC LIMIT {BODY_CANDIDATES}))"
        ),
    }
}

/// The match a walk filters its rows with, written so the planner takes it to keep half
/// of them. The words are hidden from it, and its guess for a hidden query (one row in
/// two hundred) would have it plan to read every row for a few dozen matches: a sort of
/// the whole table instead of a walk down the index. A walk is only chosen for a common
/// word, so "half" is the nearer guess.
fn walked_match(column: &str, q: &str) -> String {
    format!("CASE WHEN {column} @@ {q} THEN true END")
}

/// The first posts of the newest threads with a matching title, ranked.
fn titles_sql(plan: Plan, narrow: &str) -> String {
    let q = plan.tsquery();
    let rank = format!("ts_rank(p.body_tsv, {q}) + ts_rank(t.title_tsv, {q}) AS rank");
    let first_post = concat!(
        "p.thread_id = t.id AND p.position = 1 AND ",
        public_post!("p")
    );
    let listed = public_thread!("t");
    match plan {
        // Filters are conditions on the post, so they are joined before the LIMIT.
        Plan::Planned => format!(
            "SELECT c.id, c.thread_id, ts_rank(c.body_tsv, {q}) + ts_rank(c.title_tsv, {q}) AS rank
               FROM (SELECT p.id, p.thread_id, p.body_tsv, t.title_tsv
                       FROM threads t JOIN posts p ON {first_post}
                      WHERE t.title_tsv @@ {q} AND {listed}{narrow}
                      ORDER BY t.id DESC LIMIT {TITLE_CANDIDATES}) c"
        ),
        // Without filters the threads are cut first, so only the kept ones are joined, and
        // the walk is planned for the few rows the cut needs (a join above it would have
        // it planned for all of them: a sort of every thread). A listed thread whose first
        // post alone is hidden then takes one of the places without giving a candidate.
        Plan::Fixed(Way::Newest) => format!(
            "SELECT p.id, p.thread_id, {rank}
               FROM (SELECT t.id, t.title_tsv
                       FROM (SELECT t.id, t.title_tsv FROM threads t
                              WHERE {listed} ORDER BY t.id DESC OFFSET 0) t
                      WHERE {matched}
                      LIMIT {TITLE_CANDIDATES}) t
               JOIN posts p ON {first_post}",
            matched = walked_match("t.title_tsv", q)
        ),
        // Cut first, as the walk above is.
        Plan::Fixed(Way::Index) => format!(
            "SELECT p.id, p.thread_id, {rank}
               FROM (SELECT t.id, t.title_tsv FROM threads t
                      WHERE t.title_tsv @@ {q} AND {listed}
                      ORDER BY t.id DESC LIMIT {TITLE_CANDIDATES}) t
               JOIN posts p ON {first_post}"
        ),
    }
}

/// The prepared candidate statement of unfiltered searches for posts or for titles,
/// going `way`.
fn fixed_sql(titles: bool, way: Way) -> &'static str {
    static FIXED: LazyLock<[[String; 2]; 2]> = LazyLock::new(|| {
        let ways = [Plan::Fixed(Way::Newest), Plan::Fixed(Way::Index)];
        [
            ways.map(|plan| posts_sql(plan, "")),
            ways.map(|plan| titles_sql(plan, "")),
        ]
    });
    &FIXED[usize::from(titles)][usize::from(way == Way::Index)]
}

/// Walking a post (reading its search vector) costs about twice as much as reading a
/// match through the index; walking a thread title costs less than reading one.
const POST_WALK_COST: f64 = 2.0;
/// See [`POST_WALK_COST`].
const TITLE_WALK_COST: f64 = 0.75;

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

/// Runs one candidate statement planned for this run; a shared reference lets it be
/// pipelined with the other.
async fn planned_candidates(
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

/// Runs one prepared candidate statement.
async fn fixed_candidates(
    mut conn: &AsyncPgConnection,
    sql: &'static str,
    query: &str,
) -> QueryResult<Vec<Candidate>> {
    db::sql(sql)
        .bind::<Text, _>(query)
        .load::<Candidate>(&mut conn)
        .await
}

/// Whether any filter narrows the search.
fn narrows(filters: &Filters) -> bool {
    filters.forum.is_some()
        || filters.author.is_some()
        || filters.solved_only
        || filters.from.is_some()
        || filters.to.is_some()
}

/// Every candidate of a search: the matching posts and the matching titles' first posts.
async fn candidates(
    conn: &AsyncPgConnection,
    stats: &LexemeStats,
    tree: &str,
    query: &str,
    filters: &Filters,
) -> QueryResult<Vec<Candidate>> {
    let (mut found, titles) = if narrows(filters) {
        // Filters change which way is cheaper in ways only the planner can tell, and
        // filtered searches are few: these are planned on every run.
        let narrow = narrowing(filters);
        futures_util::future::try_join(
            planned_candidates(conn, posts_sql(Plan::Planned, &narrow), query, filters),
            planned_candidates(conn, titles_sql(Plan::Planned, &narrow), query, filters),
        )
        .await?
    } else {
        let posts = stats
            .bodies
            .way(tree, BODY_CANDIDATES as f64, POST_WALK_COST);
        let titles = stats
            .titles
            .way(tree, TITLE_CANDIDATES as f64, TITLE_WALK_COST);
        let (posts, titles) = (fixed_sql(false, posts), fixed_sql(true, titles));
        futures_util::future::try_join(
            fixed_candidates(conn, posts, query),
            fixed_candidates(conn, titles, query),
        )
        .await?
    };
    found.extend(titles);
    Ok(found)
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
    stats: &LexemeStats,
    query: &str,
    filters: &Filters,
    limit: usize,
    offset: usize,
) -> QueryResult<Found> {
    // Shared references to the connection are what let diesel-async pipeline statements.
    let (mut a, mut b) = (&*conn, &*conn);
    let (tree, forums) = futures_util::future::try_join(
        query_tree_sql(query).load::<QueryTree>(&mut a),
        forums_store::forum_choices_sql().load::<ForumChoice>(&mut b),
    )
    .await?;
    let tree = tree.into_iter().next().map(|t| t.tree).unwrap_or_default();
    if tree.is_empty() {
        return Ok(Found {
            forums,
            hits: Vec::new(),
            searchable: false,
        });
    }
    let found = candidates(conn, stats, &tree, query, filters).await?;
    let ranked = best_page(found, filters.by_thread, limit, offset);
    if ranked.is_empty() {
        return Ok(Found {
            forums,
            hits: Vec::new(),
            searchable: true,
        });
    }
    let (ids, ranks): (Vec<i64>, Vec<f32>) = ranked.iter().map(|r| (r.id, r.rank)).unzip();
    let rows = db::sql(
        "SELECT p.id AS post_id, p.position, p.thread_id, t.title, f.title AS forum,
                u.username AS author, p.created_at, page.rank, '' AS snippet, p.body_html
           FROM unnest($1::bigint[], $2::real[]) AS page(id, rank)
           JOIN posts p ON p.id = page.id
           JOIN threads t ON t.id = p.thread_id
           JOIN forums f ON f.id = t.forum_id
           JOIN users u ON u.id = p.author_id
          ORDER BY page.rank DESC, p.id DESC",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Float>, _>(ranks)
    .load::<Row>(conn)
    .await?;
    let mut highlighter = snippet::Highlighter::new(snippet::wanted_lexemes(&tree));
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
