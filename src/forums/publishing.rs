//! Publishing a post, whichever door it comes through (a composer page or the API): the
//! member must be allowed to write, the posting limit counts it, new members' posts wait
//! for approval, and a write that fails gives its use of the limit back.

use std::time::Duration;

use diesel_async::AsyncPgConnection;

use crate::accounts::types::{NotifyMode, Role, SessionUser};
use crate::attachments::Attach;
use crate::changes::Tag;
use crate::config::Settings;
use crate::forums::policy;
use crate::forums::writing::{self, Draft, WriteError};
use crate::ids::{ForumId, PostId, ThreadId};
use crate::shell::limits::{self, Limit};
use crate::web::error::AppError;

/// Where a post goes.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// A new thread in a forum, with this (cleaned) title.
    NewThread { forum: ForumId, title: &'a str },
    /// A reply in a thread.
    Reply(ThreadId),
}

/// A post as submitted.
pub struct Submission<'a> {
    pub author: &'a SessionUser,
    /// The cleaned body.
    pub body: &'a str,
    /// The one-time token of the form or request: the same token twice makes one post.
    pub token: &'a str,
    /// The client's address.
    pub ip: Option<&'a str>,
    /// "Notify me of follow-up replies".
    pub subscribe: Option<NotifyMode>,
    pub files: &'a Attach,
}

/// A post written.
#[derive(Debug)]
pub struct Published {
    pub post: PostId,
    pub thread: Option<ThreadId>,
    /// It waits for a moderator's approval.
    pub held: bool,
    /// Page tags still to be announced after the commit (see [`writing::Replied`]).
    pub pages: Vec<Tag>,
}

/// Why a post was not written.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The member may not write now (unconfirmed address, suspension); the words say why.
    #[error("{0}")]
    MayNotWrite(String),
    /// The posting limit is used up.
    #[error("{message}")]
    TooMany {
        retry_after: Duration,
        message: String,
    },
    /// The write itself was refused or failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The limit could not be checked.
    #[error(transparent)]
    App(AppError),
}

/// Writes `submission` to `destination`, with every rule of posting.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    submission: &Submission<'_>,
    destination: Destination<'_>,
) -> Result<Published, Refused> {
    let user = submission.author;
    user.may_write().map_err(Refused::MayNotWrite)?;
    let limit = Limit::Post {
        user: user.id,
        new_member: user.post_count < settings.new_member_posts,
    };
    take(conn, settings, user, limit).await?;
    let held = policy::held(user, settings, submission.body);
    let draft = Draft {
        files: submission.files,
        author: user.id,
        body: submission.body,
        submission: submission.token,
        subscribe: submission.subscribe,
        moderator: user.role >= Role::Moderator,
        ip: submission.ip,
        held,
    };
    let written = match destination {
        Destination::NewThread { forum, title } => {
            writing::create_thread(conn, forum, title, &draft)
                .await
                .map(|(thread, post)| (post, Some(thread), Vec::new()))
        }
        Destination::Reply(thread) => writing::reply(conn, thread, &draft)
            .await
            .map(|replied| (replied.post, Some(thread), replied.pages)),
    };
    match written {
        Ok((post, thread, pages)) => Ok(Published {
            post,
            thread,
            held,
            pages,
        }),
        Err(e) => {
            // Nothing was posted, so nothing counts against the limit; a refund that
            // fails too (the database is away) leaves one wait of the limit's length.
            let _ = limits::refund(conn, settings, Some(user), limit).await;
            Err(Refused::Write(e))
        }
    }
}

/// An edit as submitted.
pub struct Revision<'a> {
    pub editor: &'a SessionUser,
    /// The cleaned body.
    pub body: &'a str,
    /// Why, when a moderator edits another's post (cleaned; empty when none was given).
    pub reason: &'a str,
    pub files: &'a Attach,
}

/// Edits `post` of `thread` with every rule of editing: the editor may change posts there,
/// someone else's post needs a reason and is logged, the edit limit counts it, and a new
/// member's edit waits for approval as a new post would.
pub async fn revise(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    revision: &Revision<'_>,
    post: &crate::forums::types::PostForEdit,
    thread: &crate::forums::types::ThreadRow,
) -> Result<writing::Edited, Refused> {
    let editor = revision.editor;
    policy::may_change(editor, thread).map_err(Refused::MayNotWrite)?;
    let needs_reason = post.author_id != editor.id;
    if needs_reason && revision.reason.is_empty() {
        let mut errors = crate::web::form::FieldErrors::new();
        errors.add("reason", "Please say why you edit this member's post.");
        return Err(Refused::Write(WriteError::Invalid(errors)));
    }
    let limit = Limit::Edit(editor.id);
    take(conn, settings, editor, limit).await?;
    let reason = needs_reason.then_some(revision.reason);
    // An author's edit meets the approval rule a new post would; a moderator's never does.
    let hold = !needs_reason && policy::held(editor, settings, revision.body);
    let edit = writing::Edit {
        editor: editor.id,
        body: revision.body,
        reason,
        hold,
        files: revision.files,
    };
    let edited = writing::edit(conn, post.id, &edit).await?;
    if let (writing::Edited::Applied, Some(reason)) = (&edited, reason) {
        writing::log_edit(conn, editor.id, post.id, post.author_id, reason)
            .await
            .map_err(WriteError::from)?;
    }
    Ok(edited)
}

/// Takes one use of `limit`, or says how long to wait.
async fn take(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    user: &SessionUser,
    limit: Limit<'_>,
) -> Result<(), Refused> {
    match limits::take(conn, settings, Some(user), limit).await {
        Ok(()) => Ok(()),
        Err(AppError::TooManyRequests {
            retry_after,
            message,
        }) => Err(Refused::TooMany {
            retry_after,
            message,
        }),
        Err(e) => Err(Refused::App(e)),
    }
}
