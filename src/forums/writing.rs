//! Writing: new threads, replies, edits and deletions, each in one transaction that also
//! keeps the counters, "last post", quotes and double-submit record right.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::accounts::types::NotifyMode;
use crate::attachments::{self, Attach};
use crate::changes::Tag;
use crate::forums::store::{self, NewPost, NewThread};
use crate::forums::types::PostForEdit;
use crate::ids::{ForumId, PostId, ThreadId, UserId};
use crate::markup;
use crate::markup::render_pool::{Nesting, RenderError};
use crate::web::form::FieldErrors;
use crate::web::urls;

/// Shortest thread title, in characters.
pub const TITLE_MIN: usize = 3;
/// Longest thread title, in characters.
pub const TITLE_MAX: usize = 150;
/// Longest post, in characters.
pub const BODY_MAX: usize = 50_000;
/// Mentions beyond this many in one post are neither linked nor notified.
pub const MENTIONS_MAX: usize = 10;

/// Why a write did not happen; handlers decide how each answers over HTTP.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The input breaks a rule; the form is shown again with these messages.
    #[error("the text breaks a rule")]
    Invalid(FieldErrors),
    /// The thread or post is not there, or not for this writer to see.
    #[error("no such thread or post")]
    NotFound,
    /// The writer may not do this here; the words say why.
    #[error("{0}")]
    NotAllowed(&'static str),
    /// The request names something it cannot apply to; the words say why.
    #[error("{0}")]
    NotPossible(&'static str),
    /// The text could not be formatted just now.
    #[error("formatting the post")]
    Render(#[source] RenderError),
    #[error("the database failed")]
    Database(#[from] diesel::result::Error),
}

impl From<RenderError> for WriteError {
    fn from(e: RenderError) -> WriteError {
        match e {
            RenderError::Refused(errors) => WriteError::Invalid(errors),
            other => WriteError::Render(other),
        }
    }
}

/// A cleaned title, or the reason it is refused.
pub fn check_title(raw: &str, errors: &mut FieldErrors) -> String {
    let title = markup::clean_text(raw).replace(['\n', '\t'], " ");
    let title = title.trim().to_string();
    let length = title.chars().count();
    if length < TITLE_MIN {
        errors.add(
            "title",
            format!("The title must be at least {TITLE_MIN} characters long."),
        );
    } else if length > TITLE_MAX {
        errors.add(
            "title",
            format!("The title may be at most {TITLE_MAX} characters long (it has {length})."),
        );
    }
    title
}

/// A cleaned body, or the reason it is refused.
pub fn check_body(raw: &str, errors: &mut FieldErrors) -> String {
    let body = markup::clean_text(raw);
    let length = body.chars().count();
    if body.trim().is_empty() {
        errors.add("body", "Please write something.");
    } else if length > BODY_MAX {
        errors.add(
            "body",
            format!("A post may be at most {BODY_MAX} characters long (this one has {length})."),
        );
    }
    // How deeply it nests is measured where it is rendered (see `render_pool`).
    body
}

/// A URL name for a title: lower-case ASCII words joined by `-`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    match slug.as_str() {
        "" => "thread".into(),
        // Names of the thread's own sub-pages: /t/{id}/reply must stay the reply form.
        "reply" | "unread" | "watch" | "solution" | "me-too" | "note" | "assign" | "feed-atom" => {
            format!("{slug}-thread")
        }
        _ => slug,
    }
}

/// Renders a body someone is writing, knowing the authors and visibility of the posts it
/// quotes and which mentioned names are members; refuses one that nests too deeply.
pub async fn render(
    conn: &mut AsyncPgConnection,
    source: &str,
) -> Result<(String, Vec<PostId>), WriteError> {
    render_as(conn, source, Nesting::Refuse, None).await
}

/// Renders `source`; for a post already written (`post`), its quotes of posts edited
/// since it quoted them say so.
async fn render_as(
    conn: &mut AsyncPgConnection,
    source: &str,
    nesting: Nesting,
    post: Option<PostId>,
) -> Result<(String, Vec<PostId>), WriteError> {
    let ids = markup::quoted_ids(source);
    let quoted = store::quoted_posts(conn, &ids, post).await?;
    let names = markup::mentioned_names(source, MENTIONS_MAX);
    let members = store::existing_members(conn, &names).await?;
    let context = markup::Context { quoted, members };
    let (html, context) =
        crate::markup::render_pool::render(source.to_string(), context, nesting).await?;
    let quoted = context.quoted;
    // Only posts that exist are recorded as quoted.
    let recorded = ids
        .into_iter()
        .filter(|id| quoted.contains_key(id))
        .map(PostId)
        .collect();
    Ok((html, recorded))
}

/// What a member wrote in a composer.
pub struct Draft<'a> {
    pub author: UserId,
    /// The cleaned body.
    pub body: &'a str,
    /// The composer form's one-time token (double submits make one post).
    pub submission: &'a str,
    /// Subscribe the author to the thread with this mode ("Notify me of follow-up replies").
    pub subscribe: Option<NotifyMode>,
    /// Moderators may still reply to locked threads.
    pub moderator: bool,
    /// The client's address, kept for moderators for 90 days.
    pub ip: Option<&'a str>,
    /// The post waits in the approval queue: nobody else sees it, nobody is notified.
    pub held: bool,
    /// Its files: written with the post, in its transaction.
    pub files: &'a Attach,
}

/// Starts a thread in `forum`; returns the thread and its opening post.
pub async fn create_thread(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
    title: &str,
    draft: &Draft<'_>,
) -> Result<(ThreadId, PostId), WriteError> {
    conn.transaction::<_, WriteError, _>(async |conn| {
        if let Some(post) = store::submitted_post(conn, draft.submission).await? {
            let location = store::post_location(conn, post)
                .await?
                .ok_or(WriteError::NotFound)?;
            return Ok((location.thread_id, post));
        }
        let (html, quoted) = render(conn, draft.body).await?;
        let now = Utc::now();
        let thread = store::insert_thread(
            conn,
            &NewThread {
                forum_id: forum,
                author_id: draft.author,
                title,
                slug: &slugify(title),
                created_at: now,
                last_post_at: now,
                approved: !draft.held,
            },
        )
        .await?;
        let post = insert(conn, thread, forum, 1, draft, &html, &quoted, true).await?;
        store::delete_thread_draft(conn, draft.author, forum).await?;
        Ok((thread, post))
    })
    .await
}

/// A saved reply.
pub struct Replied {
    /// The new post (or the one an identical earlier submission made).
    pub post: PostId,
    /// Tags of the pages it changed that are still to be announced after the commit (the
    /// reply statement keeps its page-cache triggers quiet); see
    /// [`crate::changes::AnnounceAfterCommit`].
    pub pages: Vec<Tag>,
}

impl Replied {
    /// Announces the reply's pages now: for callers outside a request (in a request, the
    /// page-cache middleware announces them with its settle marker).
    pub async fn announce(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<()> {
        let words: Vec<String> = self.pages.iter().map(Tag::to_string).collect();
        crate::changes::store::announce(conn, &words).await
    }
}

/// Adds a reply to `thread`. Concurrent replies are serialised on the thread row, so
/// positions stay 1..N without gaps or duplicates.
pub async fn reply(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    draft: &Draft<'_>,
) -> Result<Replied, WriteError> {
    // Rendering needs no lock: it is done before the thread row is taken.
    let (html, quoted) = render(conn, draft.body).await?;
    // The one-statement path writes the post alone; files go with the step by step one.
    if !draft.held && draft.files.is_empty() {
        let appended = store::append_reply(
            conn,
            &store::Reply {
                post: new_post(thread, 0, draft, &html),
                moderator: draft.moderator,
                submission: draft.submission,
                quoted: &quoted,
                subscribe: draft.subscribe,
            },
        )
        .await;
        match appended {
            Ok(store::Appended {
                post: Some(id),
                tags,
                ..
            }) => {
                return Ok(Replied {
                    post: PostId(id),
                    pages: crate::changes::tag::parse_all(&tags),
                });
            }
            Ok(store::Appended {
                prior: Some(id), ..
            }) => {
                return Ok(Replied {
                    post: PostId(id),
                    pages: Vec::new(),
                });
            }
            // No such thread, hidden or locked: the step by step path below says which.
            Ok(_) => {}
            // The same form sent twice at once: the step by step path finds the first.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        }
    }
    conn.transaction::<_, WriteError, _>(async |conn| {
        if let Some(post) = store::submitted_post(conn, draft.submission).await? {
            return Ok(post);
        }
        let (forum, count, locked, hidden) = store::lock_thread(conn, thread)
            .await?
            .ok_or(WriteError::NotFound)?;
        if hidden {
            return Err(WriteError::NotFound);
        }
        if locked && !draft.moderator {
            return Err(WriteError::NotAllowed(
                "This thread is locked and takes no new replies.",
            ));
        }
        insert(conn, thread, forum, count + 1, draft, &html, &quoted, false).await
    })
    .await
    .map(|post| Replied {
        post,
        pages: Vec::new(),
    })
}

/// The row of a new post.
fn new_post<'a>(thread: ThreadId, position: i32, draft: &Draft<'a>, html: &'a str) -> NewPost<'a> {
    NewPost {
        thread_id: thread,
        author_id: draft.author,
        position,
        body_source: draft.body,
        body_html: html,
        created_at: Utc::now(),
        ip_address: draft.ip,
        approved: !draft.held,
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    forum: ForumId,
    position: i32,
    draft: &Draft<'_>,
    html: &str,
    quoted: &[PostId],
    new_thread: bool,
) -> Result<PostId, WriteError> {
    let new = new_post(thread, position, draft, html);
    let post = if draft.held {
        let post = store::insert_post(conn, &new).await?;
        store::count_held_post(conn, thread).await?;
        store::record_submission(conn, draft.submission, draft.author, post).await?;
        store::delete_draft(conn, draft.author, thread).await?;
        post
    } else {
        // Who hears about it is worked out by the mail worker, never in the request.
        let event = if new_thread { "thread" } else { "reply" };
        store::insert_counted_post(conn, &new, forum, event, draft.submission).await?
    };
    if !quoted.is_empty() {
        store::set_quotes(conn, post, quoted).await?;
    }
    if let Some(mode) = draft.subscribe {
        store::subscribe_if_new(conn, draft.author, thread, mode).await?;
    }
    attachments::attach(conn, draft.author, post, draft.files).await?;
    Ok(post)
}

/// What an edit did.
#[derive(Debug, PartialEq, Eq)]
pub enum Edited {
    /// The post shows the new text.
    Applied,
    /// The post keeps its published text until a moderator approves the edit.
    Held,
}

/// An edit as submitted.
pub struct Edit<'a> {
    pub editor: UserId,
    /// The cleaned body.
    pub body: &'a str,
    /// Why a moderator edits someone else's post.
    pub reason: Option<&'a str>,
    /// The approval policy applies to this text.
    pub hold: bool,
    /// Files added and removed: changed in the edit's transaction, at once (the text may
    /// wait for approval; new members, whose edits wait, attach nothing).
    pub files: &'a Attach,
}

/// Edits a post. With `hold` (the approval policy applies to this text) an edit of a
/// published post waits for a moderator instead, as a new post would: this is what keeps a
/// new member from posting without a link and editing one in.
pub async fn edit(
    conn: &mut AsyncPgConnection,
    post: PostId,
    edit: &Edit<'_>,
) -> Result<Edited, WriteError> {
    let Edit {
        editor,
        body,
        reason,
        hold,
        files,
    } = *edit;
    conn.transaction::<_, WriteError, _>(async |conn| {
        let current = store::post_for_edit(conn, post)
            .await?
            .ok_or(WriteError::NotFound)?;
        attachments::attach(conn, editor, post, files).await?;
        let published = current.facts.post_approved && current.facts.thread_approved;
        if !hold || !published || current.body_source == body {
            apply_edit(conn, &current, editor, body, reason).await?;
            return Ok(Edited::Applied);
        }
        let (html, _) = render(conn, body).await?;
        store::hold_edit(conn, post, body, &html).await?;
        Ok(Edited::Held)
    })
    .await
}

/// Replaces the text of `current`, keeping the previous version as a revision; an edit
/// that waited for a moderator is forgotten, as it was made against the older text.
pub async fn apply_edit(
    conn: &mut AsyncPgConnection,
    current: &PostForEdit,
    editor: UserId,
    body: &str,
    reason: Option<&str>,
) -> Result<(), WriteError> {
    store::drop_pending_edit(conn, current.id).await?;
    if current.body_source == body {
        return Ok(());
    }
    let (html, quoted) = render_as(conn, body, Nesting::Refuse, Some(current.id)).await?;
    store::update_post_body(
        conn,
        current.id,
        editor,
        &current.body_source,
        body,
        &html,
        reason,
    )
    .await?;
    store::set_quotes(conn, current.id, &quoted).await?;
    // Quotes of this post now say "edited since".
    rerender_quoting(conn, &[current.id]).await?;
    Ok(())
}

/// What deleting a post did.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    /// The post shows a placeholder.
    Post,
    /// It was the only post: the whole thread is gone.
    Thread,
}

/// An author deletes their post: it is hidden behind a placeholder, and posts quoting it
/// stop showing its text. The opening post of a thread without replies takes the thread.
pub async fn delete_by_author(
    conn: &mut AsyncPgConnection,
    post: PostId,
    author: UserId,
) -> Result<Deleted, WriteError> {
    conn.transaction::<_, WriteError, _>(async |conn| {
        let current = store::post_for_edit(conn, post)
            .await?
            .ok_or(WriteError::NotFound)?;
        if current.author_id != author {
            return Err(WriteError::NotAllowed(
                "You can delete only your own posts.",
            ));
        }
        let (forum, count, _, _) = store::lock_thread(conn, current.thread_id)
            .await?
            .ok_or(WriteError::NotFound)?;
        store::hide_post(conn, post, author, None).await?;
        rerender_quoting(conn, &[post]).await?;
        if current.position == 1 && count == 1 {
            store::hide_thread(conn, current.thread_id, forum, count).await?;
            return Ok(Deleted::Thread);
        }
        Ok(Deleted::Post)
    })
    .await
}

/// True when `source` links anywhere: the classic pattern of spam from new accounts.
pub fn has_link(source: &str) -> bool {
    let lower = source.to_lowercase();
    ["http://", "https://", "www.", "mailto:"]
        .iter()
        .any(|p| lower.contains(p))
}

/// Keeps a reply typed while logged out, when the log-in returns to its reply form
/// (`next` = `/t/{id}/reply`).
pub async fn keep_draft(
    conn: &mut AsyncPgConnection,
    user: UserId,
    next: &str,
    text: &str,
) -> diesel::QueryResult<()> {
    let thread = urls::reply_target(next);
    let text = markup::clean_text(text);
    match thread {
        Some(id) if !text.trim().is_empty() && text.chars().count() <= BODY_MAX => {
            // A thread that does not exist (any more) simply keeps no draft.
            match store::save_draft(conn, user, id, &text).await {
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _,
                )) => Ok(()),
                other => other,
            }
        }
        _ => Ok(()),
    }
}

/// The quote blocks a reply form starts with for `posts`: only posts `reader` may see,
/// and inside them no words of posts that not everyone may see.
pub async fn quotes_for(
    conn: &mut AsyncPgConnection,
    reader: crate::forums::visibility::Reader,
    posts: &[PostId],
) -> diesel::QueryResult<String> {
    let mut blocks = String::new();
    for post in store::posts_for_quoting(conn, posts).await? {
        if !reader.sees_post(post.facts.facts()) {
            continue;
        }
        let nested = markup::quoted_ids(&post.body_source);
        let withheld = store::quoted_posts(conn, &nested, None)
            .await?
            .into_iter()
            .filter_map(|(id, quoted)| quoted.hidden.then_some(id))
            .collect();
        blocks.push_str(&markup::quote_block(
            &post.author,
            post.id.0,
            &post.body_source,
            &withheld,
        ));
    }
    Ok(blocks)
}

/// Re-renders every post that quotes any of `posts`, after their visibility changed.
pub async fn rerender_quoting(
    conn: &mut AsyncPgConnection,
    posts: &[PostId],
) -> Result<(), WriteError> {
    for (id, source) in store::quoting_posts(conn, posts).await? {
        // What is stored is rendered whatever its nesting (flattened past the limit).
        let (html, _) = render_as(conn, &source, Nesting::Flatten, Some(id)).await?;
        store::set_post_html(conn, id, &html).await?;
    }
    Ok(())
}

/// Marks `post` as the answer to `thread` (or clears it with `None`), and tells the
/// answerer and the members who pressed "Me too" asking to be told, through the outbox, in
/// the same transaction.
pub async fn mark_solution(
    conn: &mut AsyncPgConnection,
    members: &crate::accounts::cards::MemberCards,
    settings: &crate::config::Settings,
    actor: &crate::accounts::types::SessionUser,
    thread: &crate::forums::types::ThreadHeader,
    post: Option<PostId>,
) -> Result<(), WriteError> {
    conn.transaction::<_, WriteError, _>(async |conn| {
        if !store::set_solution(conn, thread.id, post).await? {
            return Err(WriteError::NotPossible(
                "Only a visible reply of this thread can be its answer.",
            ));
        }
        let Some(post) = post else {
            return Ok(());
        };
        // A thread readers cannot see tells nobody about its answer.
        if !crate::forums::visibility::Reader::default().sees_thread(thread.facts()) {
            return Ok(());
        }
        let site = crate::mail::compose::Site {
            name: settings.site_name.clone(),
            base_url: settings.base_url(),
        };
        let view = store::post_view(conn, thread.id, post)
            .await?
            .ok_or(WriteError::NotFound)?;
        let excerpt = markup::excerpt(&view.body_html, 400);
        let answerer = store::notifiable_author(conn, post).await?;
        let author = match &answerer {
            Some((_, name, _)) => name.clone(),
            None => members.of(conn, &[view.author_id]).await?[0].name.clone(),
        };
        let about = crate::mail::compose::PostMail {
            post_id: post,
            thread_id: thread.id.0,
            thread_title: &thread.title,
            forum_title: &thread.place.forum_title,
            author: &author,
            excerpt: &excerpt,
        };
        let key = crate::mail::store::signing_key(conn).await?;
        let unsubscribe = |member: UserId| {
            let token =
                crate::mail::signing::token(&key, crate::mail::signing::Target::Member(member));
            site.link(&urls::unsubscribe(&token).to_string())
        };
        if let Some((author, username, email)) = &answerer
            && *author != actor.id
        {
            let mail = crate::mail::compose::solution(
                &site,
                email,
                username,
                &about,
                &actor.username,
                &unsubscribe(*author),
            );
            crate::mail::store::enqueue(conn, &mail).await?;
        }
        for (member, username, email) in store::told_when_solved(conn, thread.id).await? {
            if member == actor.id || answerer.as_ref().is_some_and(|(a, _, _)| *a == member) {
                continue;
            }
            let mail = crate::mail::compose::question_solved(
                &site,
                &email,
                &username,
                &about,
                &unsubscribe(member),
            );
            crate::mail::store::enqueue(conn, &mail).await?;
        }
        Ok(())
    })
    .await
}

/// Records a moderator's edit of someone else's post (the edit itself is the forum's).
pub async fn log_edit(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    post: PostId,
    author: UserId,
    reason: &str,
) -> diesel::QueryResult<()> {
    let target = format!("post {post}");
    store::log_moderation(conn, actor, "edit post", Some(author), &target, reason).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(
            slugify("How do I calm an angry caller?"),
            "how-do-i-calm-an-angry-caller"
        );
        assert_eq!(slugify("  --  "), "thread");
        assert_eq!(slugify("Über-Qualität & co"), "ber-qualit-t-co");
        assert_eq!(slugify("Me too!"), "me-too-thread");
        assert_eq!(slugify("Solution"), "solution-thread");
        assert!(slugify(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn titles_and_bodies_have_limits() {
        let mut e = FieldErrors::new();
        assert_eq!(check_title("  Hi\u{202E}  ", &mut e), "Hi");
        assert!(e.get("title").unwrap().contains("at least 3"));
        let mut e = FieldErrors::new();
        check_title(&"x".repeat(151), &mut e);
        assert!(e.get("title").unwrap().contains("at most 150"));
        let mut e = FieldErrors::new();
        check_body(&"x".repeat(50_001), &mut e);
        assert!(e.get("body").unwrap().contains("at most 50000"));
        let mut e = FieldErrors::new();
        check_body(" \n ", &mut e);
        assert!(e.get("body").unwrap().contains("write something"));
    }
}
