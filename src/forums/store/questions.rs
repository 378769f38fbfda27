//! Questions: "Me too" presses, who is told when a question is solved, and the question
//! lists of a forum and of the whole site.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{me_too, users};
use crate::forums::types::{QuestionFilter, QuestionRow, QuestionShow, QuestionSort};
use crate::forums::visibility::public_thread;
use crate::ids::{ThreadId, UserId};

/// Records that `user` has `thread`'s question too (again: only the choice of being told
/// changes).
pub async fn add_me_too(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    user: UserId,
    tell_when_solved: bool,
) -> QueryResult<()> {
    diesel::insert_into(me_too::table)
        .values((
            me_too::thread_id.eq(thread),
            me_too::user_id.eq(user),
            me_too::tell_when_solved.eq(tell_when_solved),
        ))
        .on_conflict((me_too::thread_id, me_too::user_id))
        .do_update()
        .set(me_too::tell_when_solved.eq(tell_when_solved))
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes `user`'s "Me too" on `thread` back (nothing when there was none).
pub async fn remove_me_too(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    user: UserId,
) -> QueryResult<()> {
    diesel::delete(me_too::table.find((thread, user)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `user` pressed "Me too" on `thread`, and chose to be told when it is solved.
pub async fn me_too_of(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    user: UserId,
) -> QueryResult<Option<bool>> {
    me_too::table
        .find((thread, user))
        .select(me_too::tell_when_solved)
        .first(conn)
        .await
        .optional()
}

/// Hands the presses of `from` (merged away) to `into`; the asker of `into` has no "Me
/// too" on their own question, and a member who pressed both keeps one.
pub async fn carry_me_toos(
    conn: &mut AsyncPgConnection,
    from: ThreadId,
    into: ThreadId,
) -> QueryResult<()> {
    diesel::sql_query(
        "WITH moved AS (DELETE FROM me_too WHERE thread_id = $1
                         RETURNING user_id, tell_when_solved, created_at)
         INSERT INTO me_too (thread_id, user_id, tell_when_solved, created_at)
         SELECT $2, m.user_id, m.tell_when_solved, m.created_at FROM moved m
          WHERE m.user_id <> (SELECT author_id FROM threads WHERE id = $2)
         ON CONFLICT (thread_id, user_id) DO UPDATE
            SET tell_when_solved = me_too.tell_when_solved OR EXCLUDED.tell_when_solved",
    )
    .bind::<BigInt, _>(from)
    .bind::<BigInt, _>(into)
    .execute(conn)
    .await?;
    Ok(())
}

/// Members who pressed "Me too" on `thread` and asked to be told when it is solved, with
/// a confirmed address and mail not turned off: id, name and address.
pub async fn told_when_solved(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
) -> QueryResult<Vec<(UserId, String, String)>> {
    me_too::table
        .inner_join(users::table)
        .filter(me_too::thread_id.eq(thread))
        .filter(me_too::tell_when_solved)
        .filter(users::email_confirmed_at.is_not_null())
        .filter(users::notify_mode.ne(crate::accounts::types::NotifyMode::Off))
        .filter(users::banned_at.is_null())
        .select((users::id, users::username, users::email))
        .order(me_too::created_at)
        .load(conn)
        .await
}

/// Where a question list looks.
#[derive(Debug, Clone, Copy)]
pub enum QuestionScope<'a> {
    /// The forum with this slug.
    Forum(&'a str),
    /// Every Questions forum.
    Site,
}

/// One page (25, after `offset`) of the questions `filter` asks for in `scope`, as
/// `viewer` (read markers; "Mine") sees them. Only public threads of Questions forums.
pub async fn question_list(
    conn: &mut AsyncPgConnection,
    scope: QuestionScope<'_>,
    filter: QuestionFilter,
    viewer: Option<UserId>,
    offset: i64,
) -> QueryResult<Vec<QuestionRow>> {
    let (forum, slug) = match scope {
        QuestionScope::Forum(slug) => ("f.slug = $1", Some(slug)),
        QuestionScope::Site => ("f.questions", None),
    };
    let show = match filter.show {
        QuestionShow::All => "TRUE",
        QuestionShow::Unanswered => "t.first_response_at IS NULL AND t.solution_post_id IS NULL",
        QuestionShow::Unsolved => "t.solution_post_id IS NULL",
        QuestionShow::Solved => "t.solution_post_id IS NOT NULL",
        QuestionShow::Mine => "t.author_id = $2",
    };
    let order = match filter.sort {
        QuestionSort::Newest => "t.created_at DESC, t.id DESC",
        QuestionSort::Waiting => "t.solution_post_id IS NOT NULL, t.created_at ASC, t.id ASC",
        QuestionSort::MeToo => "t.me_too_count DESC, t.created_at DESC, t.id DESC",
    };
    // The filters change which plan is best, so each run is planned for its own.
    let sql = format!(
        "SELECT t.id, t.title, t.slug, t.author_id, t.created_at, t.post_count, t.view_count,
                t.pinned, t.locked, t.solution_post_id IS NOT NULL AS solved,
                t.first_response_at IS NOT NULL AS responded, t.me_too_count,
                t.last_post_at, t.last_post_id, t.last_post_author_id,
                r.last_position AS read_position,
                f.slug AS forum_slug, f.title AS forum_title, count(*) OVER () AS total
           FROM threads t
           JOIN forums f ON f.id = t.forum_id
           LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = $2
          WHERE {forum} AND f.questions AND {public} AND ({show})
          ORDER BY {order}
          LIMIT {per_page} OFFSET $3",
        public = public_thread!("t"),
        per_page = crate::forums::types::THREADS_PER_PAGE,
    );
    diesel::sql_query(sql)
        .bind::<Nullable<Text>, _>(slug)
        .bind::<Nullable<BigInt>, _>(viewer)
        .bind::<BigInt, _>(offset)
        .load(conn)
        .await
}

/// A public question's title and its full-text lexemes (space-separated), for the
/// "Similar questions" index.
#[derive(Debug, Clone, QueryableByName)]
pub struct QuestionTitle {
    #[diesel(sql_type = BigInt)]
    pub id: crate::ids::ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub lexemes: String,
}

/// Every public question (not merged away) of the Questions forums `forums`.
pub async fn question_titles(
    conn: &mut AsyncPgConnection,
    forums: &[crate::ids::ForumId],
) -> QueryResult<Vec<QuestionTitle>> {
    diesel::sql_query(format!(
        "SELECT t.id, t.title, array_to_string(tsvector_to_array(t.title_tsv), ' ') AS lexemes
           FROM threads t
          WHERE t.forum_id = ANY($1) AND t.merged_into IS NULL AND {public}",
        public = public_thread!("t"),
    ))
    .bind::<diesel::sql_types::Array<BigInt>, _>(forums)
    .load(conn)
    .await
}

/// Those of the questions `ids` that are still public questions (not merged away) of the
/// Questions forums `forums`, with their state.
pub async fn similar_questions(
    conn: &mut AsyncPgConnection,
    forums: &[crate::ids::ForumId],
    ids: &[crate::ids::ThreadId],
) -> QueryResult<Vec<crate::forums::types::SimilarQuestion>> {
    // Run on every keystroke with the same plan: prepared once per connection.
    crate::db::prepared::sql(concat!(
        "SELECT t.id, t.title, t.slug, t.solution_post_id IS NOT NULL AS solved,
                t.first_response_at IS NOT NULL AS responded, t.forum_id
           FROM threads t
          WHERE t.id = ANY($1) AND t.forum_id = ANY($2) AND t.merged_into IS NULL AND ",
        public_thread!("t"),
    ))
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .bind::<diesel::sql_types::Array<BigInt>, _>(forums)
    .load(conn)
    .await
}
