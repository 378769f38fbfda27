//! Every query of the FAQ knowledge base.

use crate::db::prepared as db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{faq_articles, faq_links};
use crate::ids::{ArticleId, ThreadId, UserId};
use crate::web::urls;

/// An article as lists show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ArticleSummary {
    /// Its stable number ("Solution #1001").
    #[diesel(sql_type = BigInt)]
    pub id: ArticleId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

impl ArticleSummary {
    /// `/faq/{id}-{slug}`.
    pub fn path(&self) -> String {
        urls::article_slug(self.id, &self.slug).to_string()
    }
}

/// A whole article.
#[derive(Debug, Clone, QueryableByName)]
pub struct Article {
    #[diesel(sql_type = BigInt)]
    pub id: ArticleId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    /// Markdown.
    #[diesel(sql_type = Text)]
    pub body_source: String,
    /// Rendered HTML.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    /// Author's name.
    #[diesel(sql_type = Text)]
    pub author: String,
    /// Shown first.
    #[diesel(sql_type = Bool)]
    pub sticky: bool,
    /// Visible to readers.
    #[diesel(sql_type = Bool)]
    pub published: bool,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    /// When a moderator found it outdated (readers are told).
    #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
    pub outdated_at: Option<DateTime<Utc>>,
}

const SUMMARY: &str = "SELECT id, title, slug, category, view_count, updated_at FROM faq_articles";

/// Published sticky articles.
pub async fn sticky(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ArticleSummary>> {
    diesel::sql_query(format!(
        "{SUMMARY} WHERE published AND sticky ORDER BY title"
    ))
    .load(conn)
    .await
}

/// The most viewed published articles.
pub async fn popular(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<ArticleSummary>> {
    diesel::sql_query(format!(
        "{SUMMARY} WHERE published ORDER BY view_count DESC, id LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// The most recently changed published articles.
pub async fn latest(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<ArticleSummary>> {
    diesel::sql_query(format!(
        "{SUMMARY} WHERE published ORDER BY updated_at DESC, id DESC LIMIT $1"
    ))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Published articles matching a web-search query, best first.
pub async fn search(
    conn: &mut AsyncPgConnection,
    query: &str,
    limit: i64,
) -> QueryResult<Vec<ArticleSummary>> {
    diesel::sql_query(format!(
        "{SUMMARY}, websearch_to_tsquery('english', $1) q
          WHERE published AND tsv @@ q ORDER BY ts_rank(tsv, q) DESC, id LIMIT $2"
    ))
    .bind::<Text, _>(query)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// Articles whose text is most like `article`'s title (any of its words), itself excluded.
pub async fn related(
    conn: &mut AsyncPgConnection,
    article: ArticleId,
    limit: i64,
) -> QueryResult<Vec<ArticleSummary>> {
    db::sql(
        "WITH me AS (SELECT to_tsquery('english', COALESCE(NULLIF(array_to_string(
                         tsvector_to_array(to_tsvector('english', title)), ' | '), ''), 'nothing')) AS q
                       FROM faq_articles WHERE id = $1)
         SELECT a.id, a.title, a.slug, a.category, a.view_count, a.updated_at
           FROM faq_articles a, me
          WHERE a.published AND a.id <> $1 AND a.tsv @@ me.q
          ORDER BY ts_rank(a.tsv, me.q) DESC, a.id LIMIT $2",
    )
    .bind::<BigInt, _>(article)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// The most recently changed published articles, whole (for the feed).
pub async fn latest_full(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Article>> {
    db::sql(
        "SELECT a.id, a.title, a.slug, a.category, a.body_source, a.body_html, u.username AS author,
                a.sticky, a.published, a.view_count, a.updated_at, a.outdated_at
           FROM faq_articles a JOIN users u ON u.id = a.author_id
          WHERE a.published ORDER BY a.updated_at DESC, a.id DESC LIMIT $1",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}

/// One article.
pub async fn article(conn: &mut AsyncPgConnection, id: ArticleId) -> QueryResult<Option<Article>> {
    db::sql(
        "SELECT a.id, a.title, a.slug, a.category, a.body_source, a.body_html, u.username AS author,
                a.sticky, a.published, a.view_count, a.updated_at, a.outdated_at
           FROM faq_articles a JOIN users u ON u.id = a.author_id WHERE a.id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
}

/// What an editor saves.
#[derive(Debug, Clone)]
pub struct ArticleInput<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub category: &'a str,
    /// Markdown.
    pub body_source: &'a str,
    /// Rendered HTML.
    pub body_html: &'a str,
    /// Shown first.
    pub sticky: bool,
    /// Visible to readers.
    pub published: bool,
}

/// Creates an article; returns its number.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    input: &ArticleInput<'_>,
    author: UserId,
    source: Option<ThreadId>,
) -> QueryResult<ArticleId> {
    diesel::insert_into(faq_articles::table)
        .values((
            faq_articles::title.eq(input.title),
            faq_articles::slug.eq(input.slug),
            faq_articles::category.eq(input.category),
            faq_articles::body_source.eq(input.body_source),
            faq_articles::body_html.eq(input.body_html),
            faq_articles::sticky.eq(input.sticky),
            faq_articles::published.eq(input.published),
            faq_articles::author_id.eq(author),
            faq_articles::source_thread_id.eq(source),
        ))
        .returning(faq_articles::id)
        .get_result(conn)
        .await
}

/// Saves an article.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: ArticleId,
    input: &ArticleInput<'_>,
) -> QueryResult<usize> {
    diesel::update(faq_articles::table.find(id))
        .set((
            faq_articles::title.eq(input.title),
            faq_articles::slug.eq(input.slug),
            faq_articles::category.eq(input.category),
            faq_articles::body_source.eq(input.body_source),
            faq_articles::body_html.eq(input.body_html),
            faq_articles::sticky.eq(input.sticky),
            faq_articles::published.eq(input.published),
            faq_articles::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}

/// A "see also" entry: an article or a thread, with its title and path.
#[derive(Debug, Clone, QueryableByName)]
pub struct SeeAlso {
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub path: String,
    /// How the editor wrote it (`faq:1001`, `t:42`).
    #[diesel(sql_type = Text)]
    pub reference: String,
}

/// An article's "see also" list, in order (only what readers may see).
pub async fn see_also(
    conn: &mut AsyncPgConnection,
    article: ArticleId,
) -> QueryResult<Vec<SeeAlso>> {
    db::sql(
        "SELECT COALESCE(a.title, t.title) AS title,
                CASE WHEN a.id IS NOT NULL THEN '/faq/' || a.id || '-' || a.slug ELSE '/t/' || t.id || '/' || t.slug END AS path,
                CASE WHEN a.id IS NOT NULL THEN 'faq:' || a.id ELSE 't:' || t.id END AS reference
           FROM faq_links l
           LEFT JOIN faq_articles a ON a.id = l.target_article AND a.published
           LEFT JOIN threads t ON t.id = l.target_thread AND NOT t.hidden AND t.approved
          WHERE l.article_id = $1 AND (a.id IS NOT NULL OR t.id IS NOT NULL)
          ORDER BY l.position",
    )
    .bind::<BigInt, _>(article)
    .load(conn)
    .await
}

/// Replaces an article's "see also" list.
pub async fn set_see_also(
    conn: &mut AsyncPgConnection,
    article: ArticleId,
    articles: &[ArticleId],
    threads: &[ThreadId],
) -> QueryResult<()> {
    diesel::delete(faq_links::table.filter(faq_links::article_id.eq(article)))
        .execute(conn)
        .await?;
    db::sql(
        "INSERT INTO faq_links (article_id, position, target_article, target_thread)
         SELECT $1, row_number() OVER (), a, NULL FROM unnest($2::bigint[]) a WHERE EXISTS (SELECT 1 FROM faq_articles WHERE id = a)
         UNION ALL
         SELECT $1, 1000 + row_number() OVER (), NULL, t FROM unnest($3::bigint[]) t WHERE EXISTS (SELECT 1 FROM threads WHERE id = t)",
    )
    .bind::<BigInt, _>(article)
    .bind::<Array<BigInt>, _>(articles)
    .bind::<Array<BigInt>, _>(threads)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Published articles.
pub async fn count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    faq_articles::table
        .filter(faq_articles::published.eq(true))
        .count()
        .get_result(conn)
        .await
}
