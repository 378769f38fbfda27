//! "Staff note"s: read only for staff (see [`crate::forums::visibility`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{posts, staff_notes, users};
use crate::ids::{NoteId, PostId, ThreadId, UserId};

/// A staff note as the thread page shows it.
#[derive(Debug, Clone, Queryable)]
pub struct StaffNoteRow {
    pub id: NoteId,
    /// The post it follows.
    pub after_post_id: PostId,
    pub author_id: UserId,
    pub author_name: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
}

/// The staff notes of a thread that follow any of `posts`, oldest first.
pub async fn staff_notes_after(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    posts: &[PostId],
) -> QueryResult<Vec<StaffNoteRow>> {
    staff_notes::table
        .inner_join(users::table)
        .filter(staff_notes::thread_id.eq(thread))
        .filter(staff_notes::after_post_id.eq_any(posts))
        .select((
            staff_notes::id,
            staff_notes::after_post_id,
            staff_notes::author_id,
            users::username,
            staff_notes::body_html,
            staff_notes::created_at,
        ))
        .order(staff_notes::id)
        .load(conn)
        .await
}

/// Adds a note after the thread's last post (shown or not); its id, or `None` when the thread is gone.
pub async fn add_staff_note(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    author: UserId,
    body: &str,
    body_html: &str,
) -> QueryResult<Option<NoteId>> {
    let last: Option<PostId> = posts::table
        .filter(posts::thread_id.eq(thread))
        .order(posts::position.desc())
        .select(posts::id)
        .first(conn)
        .await
        .optional()?;
    let Some(after) = last else {
        return Ok(None);
    };
    diesel::insert_into(staff_notes::table)
        .values((
            staff_notes::thread_id.eq(thread),
            staff_notes::after_post_id.eq(after),
            staff_notes::author_id.eq(author),
            staff_notes::body.eq(body),
            staff_notes::body_html.eq(body_html),
        ))
        .returning(staff_notes::id)
        .get_result(conn)
        .await
        .map(Some)
}

/// Moves the notes of `thread` whose posts a split or merge took to another thread along
/// with them (in the caller's transaction).
pub async fn carry_staff_notes(conn: &mut AsyncPgConnection, thread: ThreadId) -> QueryResult<()> {
    db::sql(
        "UPDATE staff_notes n SET thread_id = p.thread_id
           FROM posts p
          WHERE p.id = n.after_post_id AND n.thread_id = $1 AND p.thread_id <> $1",
    )
    .bind::<BigInt, _>(thread)
    .execute(conn)
    .await
    .map(drop)
}

/// Where a note is: its thread, and the place of the post it follows.
pub async fn staff_note_place(
    conn: &mut AsyncPgConnection,
    note: NoteId,
) -> QueryResult<Option<crate::forums::types::PostLocation>> {
    let after: Option<PostId> = staff_notes::table
        .find(note)
        .select(staff_notes::after_post_id)
        .first(conn)
        .await
        .optional()?;
    match after {
        Some(post) => super::post_location(conn, post).await,
        None => Ok(None),
    }
}
