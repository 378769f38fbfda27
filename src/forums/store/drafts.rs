//! Drafts: one unfinished reply per member and thread, one unfinished new thread per
//! member and forum.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{forums, reply_drafts, thread_drafts, threads};
use crate::ids::{ForumId, ThreadId, UserId};

/// Keeps the text of a reply being written (or typed while logged out).
pub async fn save_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(reply_drafts::table)
        .values((
            reply_drafts::user_id.eq(user),
            reply_drafts::thread_id.eq(thread),
            reply_drafts::body.eq(body),
        ))
        .on_conflict((reply_drafts::user_id, reply_drafts::thread_id))
        .do_update()
        .set((
            reply_drafts::body.eq(body),
            reply_drafts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A member's reply draft in a thread, if any.
pub async fn draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<Option<String>> {
    reply_drafts::table
        .find((user, thread))
        .select(reply_drafts::body)
        .first(conn)
        .await
        .optional()
}

/// Forgets a reply draft (posted or discarded).
pub async fn delete_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    thread: ThreadId,
) -> QueryResult<()> {
    diesel::delete(reply_drafts::table.find((user, thread)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Keeps the title and text of a new thread being written.
pub async fn save_thread_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    forum: ForumId,
    title: &str,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(thread_drafts::table)
        .values((
            thread_drafts::user_id.eq(user),
            thread_drafts::forum_id.eq(forum),
            thread_drafts::title.eq(title),
            thread_drafts::body.eq(body),
        ))
        .on_conflict((thread_drafts::user_id, thread_drafts::forum_id))
        .do_update()
        .set((
            thread_drafts::title.eq(title),
            thread_drafts::body.eq(body),
            thread_drafts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A member's new-thread draft in a forum (title, text), if any.
pub async fn thread_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    forum: ForumId,
) -> QueryResult<Option<(String, String)>> {
    thread_drafts::table
        .find((user, forum))
        .select((thread_drafts::title, thread_drafts::body))
        .first(conn)
        .await
        .optional()
}

/// Forgets a new thread's draft (posted or discarded).
pub async fn delete_thread_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    forum: ForumId,
) -> QueryResult<()> {
    diesel::delete(thread_drafts::table.find((user, forum)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A reply draft as `/drafts` lists it, with what its thread's visibility depends on.
#[derive(Debug, Queryable)]
pub struct ReplyDraftRow {
    pub thread_id: ThreadId,
    pub title: String,
    pub slug: String,
    pub hidden: bool,
    pub approved: bool,
    pub author_id: UserId,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// A new-thread draft as `/drafts` lists it.
#[derive(Debug, Queryable)]
pub struct ThreadDraftRow {
    pub forum_slug: String,
    pub forum_title: String,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// Every draft of `user`, newest first.
pub async fn drafts_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<(Vec<ReplyDraftRow>, Vec<ThreadDraftRow>)> {
    let replies = reply_drafts::table
        .inner_join(threads::table)
        .filter(reply_drafts::user_id.eq(user))
        .order(reply_drafts::updated_at.desc())
        .select((
            threads::id,
            threads::title,
            threads::slug,
            threads::hidden,
            threads::approved,
            threads::author_id,
            reply_drafts::body,
            reply_drafts::updated_at,
        ))
        .limit(200)
        .load(conn)
        .await?;
    let new_threads = thread_drafts::table
        .inner_join(forums::table)
        .filter(thread_drafts::user_id.eq(user))
        .order(thread_drafts::updated_at.desc())
        .select((
            forums::slug,
            forums::title,
            thread_drafts::title,
            thread_drafts::body,
            thread_drafts::updated_at,
        ))
        .limit(200)
        .load(conn)
        .await?;
    Ok((replies, new_threads))
}
