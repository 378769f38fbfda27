//! Every query of "Review": what is due, and the two answers a moderator gives.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{faq_articles, threads};
use crate::ids::{ArticleId, ThreadId};

/// What is reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The accepted answer of a thread.
    Answer(ThreadId),
    /// A FAQ article.
    Article(ArticleId),
}

/// One row of the review list.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReviewItem {
    /// "answer" or "article".
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The thread's or the article's number.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    /// The accepted answer, for an answer.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub post_id: Option<i64>,
    #[diesel(sql_type = Date)]
    pub review_on: NaiveDate,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub outdated_at: Option<DateTime<Utc>>,
}

impl ReviewItem {
    /// What the row is about.
    pub fn subject(&self) -> Subject {
        match self.kind.as_str() {
            "article" => Subject::Article(ArticleId(self.id)),
            _ => Subject::Answer(ThreadId(self.id)),
        }
    }
}

/// Accepted answers of shown threads and published articles due for review by `until`,
/// or marked outdated, the soonest due first.
pub async fn due(conn: &mut AsyncPgConnection, until: NaiveDate) -> QueryResult<Vec<ReviewItem>> {
    diesel::sql_query(
        "SELECT 'answer' AS kind, t.id, t.title, t.slug, t.solution_post_id AS post_id,
                t.answer_review_on AS review_on, t.answer_outdated_at AS outdated_at
           FROM threads t
          WHERE t.solution_post_id IS NOT NULL AND t.merged_into IS NULL
            AND NOT t.hidden AND t.approved
            AND (t.answer_review_on <= $1 OR t.answer_outdated_at IS NOT NULL)
         UNION ALL
         SELECT 'article', a.id, a.title, a.slug, NULL, a.review_on, a.outdated_at
           FROM faq_articles a
          WHERE a.published AND (a.review_on <= $1 OR a.outdated_at IS NOT NULL)
          ORDER BY review_on, kind, id
          LIMIT 200",
    )
    .bind::<Date, _>(until)
    .load(conn)
    .await
}

/// "Still right": the next review on `next`, and no outdated mark. False when there is
/// nothing to review there (no such article, or a thread without an accepted answer).
pub async fn still_right(
    conn: &mut AsyncPgConnection,
    subject: Subject,
    next: NaiveDate,
) -> QueryResult<bool> {
    let changed = match subject {
        Subject::Answer(thread) => {
            diesel::update(
                threads::table
                    .find(thread)
                    .filter(threads::solution_post_id.is_not_null()),
            )
            .set((
                threads::answer_review_on.eq(next),
                threads::answer_outdated_at.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)
            .await?
        }
        Subject::Article(article) => {
            diesel::update(faq_articles::table.find(article))
                .set((
                    faq_articles::review_on.eq(next),
                    faq_articles::outdated_at.eq(None::<DateTime<Utc>>),
                ))
                .execute(conn)
                .await?
        }
    };
    Ok(changed == 1)
}

/// "Outdated": readers are told, from now until a moderator finds it right again.
pub async fn outdated(conn: &mut AsyncPgConnection, subject: Subject) -> QueryResult<bool> {
    let now = Utc::now();
    let changed = match subject {
        Subject::Answer(thread) => {
            diesel::update(
                threads::table
                    .find(thread)
                    .filter(threads::solution_post_id.is_not_null()),
            )
            .set(threads::answer_outdated_at.eq(now))
            .execute(conn)
            .await?
        }
        Subject::Article(article) => {
            diesel::update(faq_articles::table.find(article))
                .set(faq_articles::outdated_at.eq(now))
                .execute(conn)
                .await?
        }
    };
    Ok(changed == 1)
}
