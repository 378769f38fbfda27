//! Drafts: one unfinished reply per member and thread, one unfinished new thread per
//! member and forum, kept on the server so that a closed tab or a restart loses nothing.

use crate::forums::store;
use crate::forums::writing::{BODY_MAX, TITLE_MAX};
use crate::ids::{ForumId, ThreadId, UserId};

/// Where a draft belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A reply in this thread.
    Reply(ThreadId),
    /// A new thread in this forum.
    NewThread(ForumId),
}

/// Keeps (or, when both are empty, forgets) a draft. The text is cleaned as a post's is,
/// and cut to the longest a post may be, so a draft never grows past what can be posted.
pub async fn keep(
    conn: &mut diesel_async::AsyncPgConnection,
    user: UserId,
    place: Place,
    title: &str,
    body: &str,
) -> diesel::QueryResult<()> {
    let body: String = crate::markup::clean_text(body)
        .chars()
        .take(BODY_MAX)
        .collect();
    let title: String = crate::markup::clean_text(title)
        .replace('\n', " ")
        .chars()
        .take(TITLE_MAX)
        .collect();
    let empty = body.trim().is_empty() && title.trim().is_empty();
    match (place, empty) {
        (Place::Reply(thread), true) => store::delete_draft(conn, user, thread).await,
        (Place::Reply(thread), false) => store::save_draft(conn, user, thread, &body).await,
        (Place::NewThread(forum), true) => store::delete_thread_draft(conn, user, forum).await,
        (Place::NewThread(forum), false) => {
            store::save_thread_draft(conn, user, forum, &title, &body).await
        }
    }
}

/// Forgets a draft.
pub async fn discard(
    conn: &mut diesel_async::AsyncPgConnection,
    user: UserId,
    place: Place,
) -> diesel::QueryResult<()> {
    keep(conn, user, place, "", "").await
}
