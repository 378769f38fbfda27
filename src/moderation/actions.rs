//! Moderator actions: each changes what it must and writes its log entry in one transaction.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::accounts::types::Role;
use crate::forums::writing::{self, slugify};
use crate::ids::{ForumId, PostId, ThreadId, UserId};
use crate::kinds::word_enum;
use crate::moderation::store;

/// Why a moderator's action was not carried out; nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// The thread, post or member is not there.
    #[error("no such thread, post or member")]
    NotFound,
    /// An action that staff cannot take on staff, or on themselves; the words say why.
    #[error("{0}")]
    NotAllowed(&'static str),
    /// An approval or rejection of something that no longer waits; the words say which.
    #[error("{0}")]
    Settled(&'static str),
    /// The chosen posts or threads do not fit the action; the words say why.
    #[error("{0}")]
    BadChoice(&'static str),
    /// Re-rendering the posts that quote the changed ones, or applying an edit, failed.
    #[error("rewriting posts")]
    Writing(#[source] writing::WriteError),
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
}

/// What a moderator does to a thread.
#[derive(Debug, Clone)]
pub enum ThreadAction {
    /// Lock, with the reason shown in the thread.
    Lock(String),
    Unlock,
    /// Pin to the top of its forum.
    Pin,
    Unpin,
    /// Give it a new title.
    Rename(String),
    /// Move it to another forum.
    Move(ForumId),
    /// Hide it from members.
    Hide(String),
    /// Show it again.
    Restore,
}

/// Carries out `action` on `thread` for `actor`.
pub async fn on_thread(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    thread: ThreadId,
    action: ThreadAction,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (forum, posts, hidden, title) = store::lock_thread_row(conn, thread)
            .await?
            .ok_or(ModerationError::NotFound)?;
        let target = format!("thread #{thread} \"{title}\"");
        let (name, reason) = match &action {
            ThreadAction::Lock(reason) => {
                store::set_locked(conn, thread, true, Some(reason)).await?;
                ("lock", reason.clone())
            }
            ThreadAction::Unlock => {
                store::set_locked(conn, thread, false, None).await?;
                ("unlock", String::new())
            }
            ThreadAction::Pin => {
                store::set_pinned(conn, thread, true).await?;
                ("pin", String::new())
            }
            ThreadAction::Unpin => {
                store::set_pinned(conn, thread, false).await?;
                ("unpin", String::new())
            }
            ThreadAction::Rename(new_title) => {
                store::rename(conn, thread, new_title, &slugify(new_title)).await?;
                ("rename", format!("was \"{title}\""))
            }
            ThreadAction::Move(to) => {
                if *to != forum {
                    // A hidden thread is in no forum's counters.
                    let counted = if hidden { 0 } else { posts };
                    store::move_thread(conn, thread, forum, *to, counted).await?;
                    if hidden {
                        crate::forums::store::adjust_forum(conn, forum, 1, 0).await?;
                        crate::forums::store::adjust_forum(conn, *to, -1, 0).await?;
                    }
                }
                ("move", format!("from forum {forum} to forum {to}"))
            }
            ThreadAction::Hide(reason) => {
                if !hidden {
                    store::set_thread_hidden(conn, thread, true, Some(reason)).await?;
                    crate::forums::store::adjust_forum(conn, forum, -1, -posts).await?;
                    rerender_thread_quotes(conn, thread).await?;
                }
                ("hide thread", reason.clone())
            }
            ThreadAction::Restore => {
                if hidden {
                    store::set_thread_hidden(conn, thread, false, None).await?;
                    crate::forums::store::adjust_forum(conn, forum, 1, posts).await?;
                    rerender_thread_quotes(conn, thread).await?;
                }
                ("restore thread", String::new())
            }
        };
        store::log(conn, actor, name, None, &target, &reason).await?;
        Ok(())
    })
    .await
}

/// Hides a post with a reason; posts quoting it stop repeating it.
pub async fn hide_post(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
    reason: &str,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let facts = store::post_facts(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        crate::forums::store::hide_post(conn, post, actor, Some(reason)).await?;
        rerender(conn, post).await?;
        log_post(conn, actor, "hide post", (&facts).into(), reason).await?;
        Ok(())
    })
    .await
}

/// Shows a hidden post again.
pub async fn restore_post(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let facts = store::post_facts(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        store::restore_post(conn, post).await?;
        rerender(conn, post).await?;
        log_post(conn, actor, "restore post", (&facts).into(), "").await?;
        Ok(())
    })
    .await
}

async fn rerender(conn: &mut AsyncPgConnection, post: PostId) -> Result<(), ModerationError> {
    rerender_all(conn, &[post]).await
}

/// Re-renders the posts quoting any of `posts`, after they changed visibility.
async fn rerender_all(
    conn: &mut AsyncPgConnection,
    posts: &[PostId],
) -> Result<(), ModerationError> {
    writing::rerender_quoting(conn, posts)
        .await
        .map_err(ModerationError::Writing)
}

/// Re-renders the posts quoting any post of `thread`, after the thread's visibility changed.
async fn rerender_thread_quotes(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
) -> Result<(), ModerationError> {
    let posts = store::thread_post_ids(conn, thread).await?;
    rerender_all(conn, &posts).await
}

/// What a moderator does to an account.
#[derive(Debug, Clone)]
pub enum Sanction {
    /// Suspend until then.
    Suspend(DateTime<Utc>, String),
    /// Lift a suspension.
    Unsuspend,
    /// Ban; optionally hide every post of theirs.
    Ban { reason: String, hide_posts: bool },
    /// Lift a ban.
    Unban,
}

/// Applies a sanction; a ban ends every session at once. Moderators cannot sanction
/// moderators or administrators.
pub async fn sanction(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    member: UserId,
    sanction: Sanction,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (name, role) = store::name_and_role(conn, member)
            .await?
            .ok_or(ModerationError::NotFound)?;
        if role >= Role::Moderator {
            return Err(ModerationError::NotAllowed(
                "Moderators and administrators cannot be sanctioned; change their role first.",
            ));
        }
        let (action, reason) = match &sanction {
            Sanction::Suspend(until, reason) => {
                store::set_suspension(conn, member, Some(*until), Some(reason)).await?;
                (
                    "suspend",
                    format!("until {}: {reason}", until.format("%Y-%m-%d %H:%M UTC")),
                )
            }
            Sanction::Unsuspend => {
                store::set_suspension(conn, member, None, None).await?;
                ("unsuspend", String::new())
            }
            Sanction::Ban { reason, hide_posts } => {
                store::set_ban(conn, member, Some(Utc::now()), Some(reason)).await?;
                crate::accounts::store::delete_all_sessions(conn, member).await?;
                if *hide_posts {
                    let hidden = store::hide_posts_of(conn, member, actor, reason).await?;
                    rerender_all(conn, &hidden).await?;
                }
                ("ban", reason.clone())
            }
            Sanction::Unban => {
                store::set_ban(conn, member, None, None).await?;
                ("unban", String::new())
            }
        };
        store::log(
            conn,
            actor,
            action,
            Some(member),
            &format!("member {name}"),
            &reason,
        )
        .await?;
        Ok(())
    })
    .await
}

/// Turns a member's second factor off (recovery codes and trusted devices go too), in
/// the moderation log.
pub async fn reset_second_factor(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    member: UserId,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (name, _) = store::name_and_role(conn, member)
            .await?
            .ok_or(ModerationError::NotFound)?;
        if !crate::accounts::store::remove_second_factor(conn, member).await? {
            return Err(ModerationError::NotAllowed(
                "This member has no two-factor authentication to reset.",
            ));
        }
        let target = format!("member {name}");
        store::log(conn, actor, "reset two-factor", Some(member), &target, "").await?;
        Ok(())
    })
    .await
}

/// Changes a member's role (administrators only; never their own).
pub async fn change_role(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    member: UserId,
    role: Role,
) -> Result<(), ModerationError> {
    if actor == member {
        return Err(ModerationError::NotAllowed(
            "You cannot change your own role.",
        ));
    }
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (name, old) = store::name_and_role(conn, member)
            .await?
            .ok_or(ModerationError::NotFound)?;
        store::set_role(conn, member, role).await?;
        let reason = format!("{} → {}", old.as_str(), role.as_str());
        store::log(
            conn,
            actor,
            "change role",
            Some(member),
            &format!("member {name}"),
            &reason,
        )
        .await?;
        Ok(())
    })
    .await
}

word_enum! {
    /// How a moderator settles the reports on a post.
    pub enum ReportOutcome {
        /// Nothing wrong: the post stays.
        Dismiss = "dismiss",
        /// The post is hidden.
        Hide = "hide",
        /// The post is hidden and its author suspended for a week.
        HideAndSuspend = "hide_suspend",
    }
}

/// Settles every open report of a post with `outcome`.
pub async fn resolve_reports(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
    outcome: ReportOutcome,
) -> Result<(), ModerationError> {
    let facts = store::post_facts(conn, post)
        .await?
        .ok_or(ModerationError::NotFound)?;
    match outcome {
        ReportOutcome::Dismiss => {}
        ReportOutcome::Hide => hide_post(conn, actor, post, "reported").await?,
        ReportOutcome::HideAndSuspend => {
            hide_post(conn, actor, post, "reported").await?;
            let until = Utc::now() + chrono::Duration::days(7);
            sanction(
                conn,
                actor,
                facts.author_id,
                Sanction::Suspend(until, "reported post".into()),
            )
            .await?;
        }
    }
    conn.transaction::<_, ModerationError, _>(async |conn| {
        store::resolve_reports(conn, post, actor, outcome.as_str()).await?;
        store::log(
            conn,
            actor,
            "resolve reports",
            Some(facts.author_id),
            &format!("post {post}"),
            outcome.as_str(),
        )
        .await?;
        Ok(())
    })
    .await
}

/// Which post a log entry is about, and whose it is.
struct LoggedPost {
    thread_id: ThreadId,
    author_id: UserId,
    position: i32,
}

impl From<&store::PostFacts> for LoggedPost {
    fn from(f: &store::PostFacts) -> Self {
        LoggedPost {
            thread_id: f.thread_id,
            author_id: f.author_id,
            position: f.position,
        }
    }
}

impl From<&crate::forums::types::PostForEdit> for LoggedPost {
    fn from(p: &crate::forums::types::PostForEdit) -> Self {
        LoggedPost {
            thread_id: p.thread_id,
            author_id: p.author_id,
            position: p.position,
        }
    }
}

/// Logs `action` on a post, naming it by its place and its author as the target.
async fn log_post(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    action: &str,
    post: LoggedPost,
    reason: &str,
) -> Result<(), ModerationError> {
    let target = format!("post #{} in thread #{}", post.position, post.thread_id);
    store::log(conn, actor, action, Some(post.author_id), &target, reason).await?;
    Ok(())
}

/// Publishes a held post: it is counted, becomes visible and notifies watchers now.
pub async fn approve(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let facts = store::post_facts(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        if store::approve_post(conn, post).await? == 0 {
            return Err(ModerationError::Settled(
                "This post is not waiting for approval.",
            ));
        }
        store::count_approved_post(conn, post).await?;
        // Whatever quoted it while it waited now shows its words.
        rerender(conn, post).await?;
        let kind = if facts.position == 1 {
            "thread"
        } else {
            "reply"
        };
        crate::forums::store::add_event(conn, kind, post).await?;
        log_post(conn, actor, "approve post", (&facts).into(), "").await?;
        Ok(())
    })
    .await
}

/// Rejects a held post: it stays unpublished, and its author sees why.
pub async fn reject(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
    reason: &str,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let facts = store::post_facts(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        crate::forums::store::hide_post(conn, post, actor, Some(reason)).await?;
        log_post(conn, actor, "reject post", (&facts).into(), reason).await?;
        Ok(())
    })
    .await
}

/// Publishes an author's edit that waited: the post shows it now, the text it replaces
/// kept as a revision by its author.
pub async fn approve_edit(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let source =
            store::take_pending_edit(conn, post)
                .await?
                .ok_or(ModerationError::Settled(
                    "This edit is not waiting for approval.",
                ))?;
        let current = crate::forums::store::post_for_edit(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        writing::apply_edit(conn, &current, current.author_id, &source, None)
            .await
            .map_err(|e| match e {
                writing::WriteError::Invalid(_) => {
                    ModerationError::Settled("This edit can no longer be applied.")
                }
                other => ModerationError::Writing(other),
            })?;
        log_post(conn, actor, "approve edit", (&current).into(), "").await?;
        Ok(())
    })
    .await
}

/// Turns down an author's edit that waited: the post keeps its text, and the author finds
/// the reason on the edit form.
pub async fn reject_edit(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
    reason: &str,
) -> Result<(), ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        if store::reject_pending_edit(conn, post, reason).await? == 0 {
            return Err(ModerationError::Settled(
                "This edit is not waiting for approval.",
            ));
        }
        let facts = store::post_facts(conn, post)
            .await?
            .ok_or(ModerationError::NotFound)?;
        log_post(conn, actor, "reject edit", (&facts).into(), reason).await?;
        Ok(())
    })
    .await
}

/// Splits `posts` (of `thread`) into a new thread titled `title` in `forum`; positions are
/// renumbered in both, while permalinks and quotes (by post id) keep working. Returns the
/// new thread.
pub async fn split(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    thread: ThreadId,
    posts: &[PostId],
    title: &str,
    forum: ForumId,
) -> Result<ThreadId, ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (from_forum, count, hidden, old_title) = store::lock_thread_row(conn, thread)
            .await?
            .ok_or(ModerationError::NotFound)?;
        if posts.is_empty() || posts.len() >= count as usize {
            return Err(ModerationError::BadChoice(
                "Choose some of the thread's posts, but not all of them.",
            ));
        }
        let author = store::post_facts(conn, posts[0])
            .await?
            .ok_or(ModerationError::NotFound)?
            .author_id;
        let now = Utc::now();
        let new = crate::forums::store::insert_thread(
            conn,
            &crate::forums::store::NewThread {
                forum_id: forum,
                author_id: author,
                title,
                slug: &slugify(title),
                created_at: now,
                last_post_at: now,
                approved: true,
            },
        )
        .await?;
        let moved = store::move_posts(conn, thread, new, posts).await?;
        if moved != posts.len() {
            return Err(ModerationError::BadChoice(
                "Some of the chosen posts are not in this thread.",
            ));
        }
        crate::forums::store::carry_staff_notes(conn, thread).await?;
        store::recount_thread(conn, thread).await?;
        store::recount_thread(conn, new).await?;
        let moved = moved as i32;
        if !hidden {
            crate::forums::store::adjust_forum(conn, from_forum, 0, -moved).await?;
        }
        crate::forums::store::adjust_forum(conn, forum, 1, moved).await?;
        let reason = format!("{moved} post(s) into thread #{new} \"{title}\"");
        store::log(
            conn,
            actor,
            "split thread",
            None,
            &format!("thread #{thread} \"{old_title}\""),
            &reason,
        )
        .await?;
        Ok(new)
    })
    .await
}

/// Merges `thread` into `into`: its posts follow the posts of `into`, and its address
/// leads there from now on.
pub async fn merge(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    thread: ThreadId,
    into: ThreadId,
) -> Result<(), ModerationError> {
    if thread == into {
        return Err(ModerationError::BadChoice(
            "A thread cannot be merged into itself.",
        ));
    }
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let (from_forum, count, hidden, title) = store::lock_thread_row(conn, thread)
            .await?
            .ok_or(ModerationError::NotFound)?;
        let (to_forum, _, _, into_title) =
            store::lock_thread_row(conn, into)
                .await?
                .ok_or(ModerationError::BadChoice(
                    "There is no thread with that number.",
                ))?;
        store::append_posts(conn, thread, into).await?;
        crate::forums::store::carry_me_toos(conn, thread, into).await?;
        crate::forums::store::carry_staff_notes(conn, thread).await?;
        store::mark_merged(conn, thread, into).await?;
        store::recount_thread(conn, into).await?;
        if !hidden {
            crate::forums::store::adjust_forum(conn, from_forum, -1, -count).await?;
        }
        crate::forums::store::adjust_forum(conn, to_forum, 0, count).await?;
        let reason = format!("into thread #{into} \"{into_title}\"");
        store::log(
            conn,
            actor,
            "merge thread",
            None,
            &format!("thread #{thread} \"{title}\""),
            &reason,
        )
        .await?;
        Ok(())
    })
    .await
}
