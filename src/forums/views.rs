//! Markup of the forum pages: start, forum, thread, composer and edit.

use std::collections::HashMap;

use maud::{Markup, PreEscaped, html};

use crate::accounts::types::Role;
use crate::forums::types::{
    Backlink, Category, ForumChoice, ForumHeader, ForumSummary, PostView, QuestionFilter,
    QuestionState, ThreadHeader, ThreadListItem,
};
use crate::forums::writing::{BODY_MAX, TITLE_MAX};
use crate::forums::{question_views, staff_views, tool_views};
use crate::ids::{PostId, ThreadId};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::{Reserve, page, page_with_feed};
use crate::shell::login_form::{LoginInput, login_form};
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::pagination::{self, Pages};
use crate::web::time;
use crate::web::urls;

pub use crate::forums::page_parts::{breadcrumbs, profile_link, question_badge};

/// The forum start page: categories with their forums, counts and last posts.
pub fn start(ctx: &Ctx, categories: &[Category], forums: &[ForumSummary]) -> Markup {
    let tz = ctx.time_zone();
    page_with_feed(
        ctx,
        "Forum start",
        Some("/feeds/latest.atom"),
        html! {
            h1 { (ctx.site_name()) }
            p.lead { "A place for customer-service professionals to ask, answer and learn from each other." }
            @if categories.is_empty() {
                section.card { p { "No forums have been created yet." }
                    @if ctx.user().is_some_and(|u| u.role >= crate::accounts::types::Role::Admin) {
                        p { a href="/admin/forums" { "Create the first forum" } }
                    }
                }
            }
            @for category in categories {
                section.category aria-labelledby=(format!("c{}", category.id)) {
                    h2 id=(format!("c{}", category.id)) { (category.title) }
                    table.listing {
                        thead { tr {
                            th scope="col" { "Forum" }
                            th.num scope="col" { "Threads" }
                            th.num scope="col" { "Posts" }
                            th scope="col" { "Last post" }
                        } }
                        tbody {
                            @for forum in forums.iter().filter(|f| f.category_id == category.id) {
                                tr {
                                    td {
                                        a.title href=(urls::forum(&forum.slug)) { (forum.title) }
                                        @if !forum.description.is_empty() { p.desc { (forum.description) } }
                                    }
                                    td.num data-label="Threads" { (forum.thread_count) }
                                    td.num data-label="Posts" { (forum.post_count) }
                                    td.last data-label="Last post" {
                                        @match (forum.last_post_id, forum.last_post_at) {
                                            (Some(id), Some(at)) => {
                                                a href=(urls::post(id)) { bdi { (forum.last_thread_title.as_deref().unwrap_or("")) } }
                                                br;
                                                "by " (profile_link(forum.last_author.as_deref().unwrap_or("")))
                                                ", " (time::relative(at, tz))
                                            },
                                            _ => span.muted { "No posts yet" },
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A forum's thread list; `watching` is known for members. A Questions forum's list
/// has its filters, `filter` being the one asked for (if any).
pub fn forum(
    ctx: &Ctx,
    forum: &ForumHeader,
    threads: &[ThreadListItem],
    pages: Pages,
    watching: Option<bool>,
    filter: Option<QuestionFilter>,
) -> Markup {
    let tz = ctx.time_zone();
    let logged_in = ctx.user().is_some();
    let base = urls::forum(&forum.slug).to_string();
    let path = format!(
        "{base}{}",
        filter.map(QuestionFilter::query).unwrap_or_default()
    );
    page_with_feed(
        ctx,
        &forum.title,
        Some(&urls::forum_feed(&forum.slug).to_string()),
        html! {
            (breadcrumbs(&[(&forum.category_title, None), (&forum.title, None)]))
            div.page-head {
                h1 { (forum.title) }
                div.buttons {
                    @if let Some(watching) = watching {
                        (tool_views::watch_button(ctx, &urls::forum_watch(&forum.slug).to_string(), watching, "forum"))
                    }
                    a.button href=(urls::new_thread(&forum.slug)) { "New thread" }
                }
            }
            @if !forum.description.is_empty() { p.lead { (forum.description) } }
            @if forum.questions { (question_views::filter_bar(&base, filter, logged_in)) }
            (pagination::nav(&path, pages))
            @if threads.is_empty() && pages.current > 1 {
                (past_the_end(&path, pages))
            } @else if threads.is_empty() && filter.is_some() {
                p.card { "No questions here." }
            } @else if threads.is_empty() {
                p.card { "No threads yet. Start the first one!" }
            } @else {
                table.listing.threads {
                    thead { tr {
                        th scope="col" { "Thread" }
                        th.num scope="col" { "Replies" }
                        th.num scope="col" { "Views" }
                        th scope="col" { "Last post" }
                    } }
                    tbody {
                        @for ThreadListItem { row: thread, author, last_author } in threads {
                            @let unread = thread.has_unread(logged_in);
                            tr.unread[unread] {
                                td {
                                    @if thread.pinned { span.badge.pinned { "Pinned" } " " }
                                    @if thread.locked { span.badge.locked { "Locked" } " " }
                                    @if forum.questions { (question_badge(thread.question_state())) " " }
                                    @else if thread.solved { (question_badge(QuestionState::Solved)) " " }
                                    // A thread read before opens at its first unread post.
                                    @let href = if unread && thread.read_position.is_some() { urls::thread_unread(thread.id) } else { urls::thread_slug(thread.id, &thread.slug) };
                                    a.title href=(href) { bdi { (thread.title) } }
                                    @if unread {
                                        " " a.new href=(urls::thread_unread(thread.id)) { "new posts" }
                                    }
                                    p.meta { "by " (profile_link(&author.name)) ", " (time::date(thread.created_at, tz))
                                        @if forum.questions { (question_views::me_too_count(thread.me_too_count)) } }
                                }
                                td.num data-label="Replies" { (thread.replies()) }
                                td.num data-label="Views" { (thread.view_count) }
                                td.last data-label="Last post" {
                                    @if let Some(id) = thread.last_post_id {
                                        a href=(urls::post(id)) { (time::relative(thread.last_post_at, tz)) }
                                        br;
                                        "by " (profile_link(last_author.as_ref().map_or("", |card| &card.name)))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pagination::nav(&path, pages))
        },
    )
}

/// Everything the thread page shows.
pub struct ThreadPage<'a> {
    pub thread: &'a ThreadHeader,
    /// Posts of this page.
    pub posts: &'a [PostView],
    /// Posts quoting those.
    pub backlinks: &'a [Backlink],
    /// Where we are.
    pub pages: Pages,
    /// A visitor's draft, kept through a failed log-in.
    pub draft: &'a str,
    /// For members: whether they watch the thread and have its question too.
    pub visit: Option<crate::forums::store::Visit>,
    /// For moderators: every forum, to move the thread to.
    pub forums: &'a [ForumChoice],
    /// The accepted answer, shown under the question on page 1.
    pub solution: Option<&'a PostView>,
    /// For staff: the staff notes after this page's posts.
    pub notes: &'a [crate::forums::store::StaffNoteRow],
}

/// Markup around each post's body on a thread page (author, date, links: about 700 bytes).
const POST_MARKUP_BYTES: usize = 800;
/// Markup of a thread page besides its posts: heading, page links, reply box.
const THREAD_MARKUP_BYTES: usize = 2048;

/// A thread page.
pub fn thread(ctx: &Ctx, view: &ThreadPage<'_>) -> Markup {
    let thread = view.thread;
    let path = thread.path();
    let staff = ctx.user().is_some_and(|u| u.staff);
    let mut quoted_in: HashMap<PostId, Vec<&Backlink>> = HashMap::new();
    for link in view.backlinks {
        quoted_in.entry(link.quoted_post_id).or_default().push(link);
    }
    page_with_feed(
        ctx,
        &thread.title,
        Some(&urls::thread_feed(thread.id).to_string()),
        html! {
            (Reserve(view.posts.iter().map(|p| p.body_html.len() + POST_MARKUP_BYTES).sum::<usize>() + THREAD_MARKUP_BYTES))
            (breadcrumbs(&[(&thread.place.category_title, None), (&thread.place.forum_title, Some(urls::forum(&thread.place.forum_slug).to_string()))]))
            div.page-head {
                h1 {
                    @if thread.place.questions { (question_badge(thread.question_state())) " " }
                    bdi { (thread.title) }
                }
                @if let Some(visit) = view.visit {
                    (tool_views::watch_button(ctx, &urls::thread_watch(thread.id).to_string(), visit.watching, "thread"))
                }
            }
            @if thread.place.questions && thread.merged_into.is_none() {
                (question_views::me_too(ctx, thread, view.visit.map(|v| v.me_too)))
            }
            @if thread.hidden { p.notice { "This thread is hidden from members." } }
            @if thread.locked {
                p.notice { "This thread is locked: it takes no new replies."
                    @if let Some(reason) = &thread.lock_reason { " Reason: " (reason) } }
            }
            @if ctx.is_moderator() { (tool_views::thread_panel(ctx, thread, view.forums)) }
            @if staff && thread.place.questions { (staff_views::assignment_bar(ctx, thread)) }
            (pagination::nav(&path, view.pages))
            @if view.posts.is_empty() { (past_the_end(&path, view.pages)) }
            @for post in view.posts {
                (post_article(ctx, thread, post, quoted_in.get(&post.id).map(Vec::as_slice).unwrap_or(&[])))
                @for note in view.notes.iter().filter(|n| n.after_post_id == post.id) {
                    (staff_views::staff_note(ctx, note))
                }
                @if post.position == 1 {
                    @if let Some(answer) = view.solution {
                        aside.card.solution aria-label="The answer" {
                            p { (question_badge(QuestionState::Solved)) " " strong { (answer.author.name) } " gave the answer:" }
                            (outdated_notice(ctx, thread))
                            p { (crate::markup::excerpt(&answer.body_html, 300)) }
                            p { a href=(urls::post(answer.id)) { "Jump to the answer" } }
                        }
                    }
                }
            }
            @if ctx.user().is_some() && !view.posts.is_empty() && (!thread.locked || ctx.is_moderator()) {
                form.quote-several-form #quote-several method="get" action=(urls::reply(thread.id)) {
                    button.secondary.small type="submit" { "Reply quoting the ticked posts" }
                }
            }
            (pagination::nav(&path, view.pages))
            (reply_box(ctx, thread, view.draft))
            @if staff { (staff_views::note_box(ctx, thread, "", &FieldErrors::new())) }
        },
    )
}

/// "Outdated" under an accepted answer a moderator found out of date.
fn outdated_notice(ctx: &Ctx, thread: &ThreadHeader) -> Markup {
    html! {
        @if let Some(at) = thread.answer_outdated_at {
            p.notice.outdated role="note" { strong { "Outdated: " } "a moderator found this answer out of date on " (time::date(at, ctx.time_zone())) "; it may no longer be right." }
        }
    }
}

/// "Helpful": a button for members on others' posts (pressed again, it takes the mark
/// back), the count for everyone, and who for the author.
fn helpful(ctx: &Ctx, post: &PostView, own: bool) -> Markup {
    let count = post.helpful_count;
    html! {
        @if ctx.user().is_some() && !own {
            " · "
            form.inline.helpful method="post" action=(urls::post_helpful(post.id)) {
                (csrf_input(ctx))
                @if post.helpful_mine {
                    input type="hidden" name="action" value="remove";
                    button.link type="submit" aria-pressed="true" { "Helpful (" (count) ")" }
                } @else {
                    input type="hidden" name="action" value="add";
                    button.link type="submit" aria-pressed="false" { "Helpful (" (count) ")" }
                }
            }
        } @else if count > 0 {
            " · "
            span.helpful-count {
                (crate::text::counted(count, "member found this helpful", "members found this helpful"))
                @if own && !post.helpful_by.is_empty() { ": " (post.helpful_by.join(", ")) }
            }
        }
    }
}

fn post_article(
    ctx: &Ctx,
    thread: &ThreadHeader,
    post: &PostView,
    quoted_in: &[&Backlink],
) -> Markup {
    let tz = ctx.time_zone();
    let own = ctx.user().is_some_and(|u| u.id == post.author_id);
    html! {
        article.post id={ "p" (post.id) } aria-labelledby={ "h" (post.id) } data-author=(post.author.name) {
            aside.author {
                (crate::shell::avatar::avatar(post.author.id, &post.author.name, post.author.avatar.as_deref(), crate::shell::avatar::Size::Small))
                div.who {
                    (profile_link(&post.author.name))
                    @if post.author.role != Role::Member { span.badge { (role_label(post.author.role)) } }
                    p.meta { "Joined " (time::date(post.author.joined, tz)) br; "Posts: " (post.author.posts) }
                }
            }
            div.post-main {
                header.post-head id={ "h" (post.id) } {
                    @if thread.solution_post_id == Some(post.id) {
                        span.badge.answered { "Answer" } " "
                        @if thread.answer_outdated_at.is_some() { span.badge.outdated { "Outdated" } " " }
                    }
                    a.permalink href=(urls::post(post.id)) title="Permalink" { "#" (post.position) }
                    " · " (time::datetime(post.created_at, tz))
                    @if let Some(edited) = post.edited_at { " · " span.edited { "edited " (time::datetime(edited, tz)) } }
                }
                @if !post.approved && !post.hidden {
                    p.notice { "Awaiting approval: only you and the moderators see this post until a moderator approves it." }
                }
                @if post.hidden {
                    p.removed { @if post.hidden_by_author { "This post was deleted by its author." } @else { "This post was removed by a moderator." } }
                    @if own && !post.hidden_by_author {
                        @if let Some(reason) = &post.hidden_reason { p.removed { "Reason: " (reason) } }
                    }
                    @if ctx.is_moderator() { (tool_views::post_tools(ctx, post)) }
                } @else {
                    div.body { (PreEscaped(&post.body_html)) }
                    (crate::attachments::views::post_files(&post.files))
                }
                @if !quoted_in.is_empty() {
                    p.backlinks { "Quoted in "
                        @for (i, link) in quoted_in.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(urls::post(link.post_id)) {
                                @if link.thread_id != thread.id { "another thread " } "#" (link.position)
                            }
                        }
                    }
                }
                @if !post.hidden {
                    footer.actions {
                        @if !thread.locked || ctx.is_moderator() {
                            a href=(urls::reply_quoting(thread.id, post.id)) { "Quote" }
                            @if ctx.user().is_some() {
                                " " label.quote-several { input type="checkbox" name="quote" value=(post.id) form="quote-several"; " Quote several" }
                            }
                            " · " a href=(urls::reply(thread.id)) { "Reply" }
                            " · "
                        }
                        a href=(urls::post(post.id)) { "Permalink" }
                        @if ctx.user().is_some() && !own {
                            " · " a href=(urls::post_report(post.id)) { "Report" }
                        }
                        (helpful(ctx, post, own))
                        @if own || ctx.is_moderator() {
                            " · " a href=(urls::post_edit(post.id)) { "Edit" }
                        }
                        @if own {
                            " · "
                            form.inline method="post" action=(urls::post_delete(post.id)) {
                                (csrf_input(ctx))
                                button.link type="submit" { "Delete" }
                            }
                        }
                        @if post.position > 1 && ctx.user().is_some_and(|u| u.id == thread.author_id || ctx.is_moderator()) {
                            " · "
                            form.inline method="post" action=(urls::thread_solution(thread.id)) {
                                (csrf_input(ctx))
                                @if thread.solution_post_id == Some(post.id) {
                                    input type="hidden" name="post" value="";
                                    button.link type="submit" { "Unmark the answer" }
                                } @else {
                                    input type="hidden" name="post" value=(post.id);
                                    button.link type="submit" { "Mark as the answer" }
                                }
                            }
                        }
                        @if ctx.is_moderator() { (tool_views::post_tools(ctx, post)) }
                    }
                }
            }
        }
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administrator",
        Role::Moderator => "Moderator",
        Role::Member => "Member",
    }
}

fn reply_box(ctx: &Ctx, thread: &ThreadHeader, draft: &str) -> Markup {
    if thread.locked && !ctx.is_moderator() {
        return html! {};
    }
    html! {
        section.card.reply-box aria-labelledby="reply-heading" {
            h2 #reply-heading { "Reply" }
            @if let Some(user) = ctx.user() {
                (composer(ctx, &Composer {
                    action: &urls::reply(thread.id).to_string(),
                    title: None,
                    body: draft,
                    errors: &FieldErrors::new(),
                    submission: &crate::web::cookies::random_token(),
                    notify: user.notify_default,
                    canned: &[],
                    similar: None,
                    files: crate::attachments::views::ComposerFiles::none(
                        crate::attachments::may_attach(user, &ctx.state.settings).err(),
                    ),
                    draft: Some(DraftOf::Thread(thread.id)),
                    has_draft: !draft.is_empty(),
                    draft_saved: false,
                }))
            } @else {
                p { strong { "Only registered members can post — log in or " a href="/register" { "register" } "." } }
                p.hint { "Your reply is kept while you log in." }
                (login_form(ctx, &LoginInput {
                    next: Some(urls::reply(thread.id).to_string()),
                    draft: Some(draft.to_string()),
                    ..LoginInput::default()
                }, None))
            }
        }
    }
}

/// The textarea of a post, with its label and the markup help.
fn body_field(body: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get("body");
    html! {
        div.field.has-error[error.is_some()] {
            label for="f-body" { "Message" }
            textarea id="f-body" name="body" rows="10" maxlength=(BODY_MAX) required data-names=(urls::member_names())
                aria-describedby="markup-help" aria-invalid=[error.map(|_| "true")] { (body) }
            @if let Some(e) = error { p.error id="f-body-error" { (e) } }
            (markup_help())
        }
    }
}

/// What a composer shows.
pub struct Composer<'a> {
    /// Where it posts.
    pub action: &'a str,
    /// The title field, for new threads.
    pub title: Option<&'a str>,
    /// The text so far.
    pub body: &'a str,
    /// Problems to show.
    pub errors: &'a FieldErrors,
    /// The one-time form token.
    pub submission: &'a str,
    /// Whether "Notify me of follow-up replies" is ticked.
    pub notify: bool,
    /// For staff replying: the canned replies to pick from (id, title).
    pub canned: &'a [(i64, String)],
    /// For a new question: "Similar questions" under the title.
    pub similar: Option<SimilarBox<'a>>,
    /// Its files.
    pub files: crate::attachments::views::ComposerFiles<'a>,
    /// Where its draft is kept (none for edits).
    pub draft: Option<DraftOf<'a>>,
    /// The text is a kept draft: "Discard draft" is offered.
    pub has_draft: bool,
    /// "Draft saved." after the button was pressed.
    pub draft_saved: bool,
}

/// Where a composer's draft is kept, as its script names it to `/drafts/save`.
#[derive(Clone, Copy)]
pub enum DraftOf<'a> {
    /// A reply in this thread.
    Thread(ThreadId),
    /// A new thread in the forum of this URL name.
    Forum(&'a str),
}

/// "Similar questions" under the title of a new question: shown as the title is typed
/// (with JavaScript, from `/questions/similar`) or after "Check for similar questions".
#[derive(Clone, Copy)]
pub struct SimilarBox<'a> {
    /// What was found for the typed title; `None` before anything was looked for.
    pub found: Option<&'a [crate::forums::pages::Similar]>,
}

/// The composer: optional title, body, notify checkbox, one-time token, Preview and Post.
pub fn composer(ctx: &Ctx, c: &Composer<'_>) -> Markup {
    let (action, title, body, errors, submission) =
        (c.action, c.title, c.body, c.errors, c.submission);
    html! {
        (error_summary(errors))
        @if c.draft_saved {
            p.notice.draft-saved role="status" { "Draft saved. It comes back when you open this composer again; all your drafts are under " a href=(urls::drafts()) { "Drafts" } "." }
        }
        form.composer method="post" action=(action) enctype="multipart/form-data"
            data-draft-url=[c.draft.map(|_| urls::draft_save())]
            data-draft-thread=[match c.draft { Some(DraftOf::Thread(id)) => Some(id), _ => None }]
            data-draft-forum=[match c.draft { Some(DraftOf::Forum(slug)) => Some(slug), _ => None }] {
            (csrf_input(ctx))
            input type="hidden" name="submission" value=(submission);
            @if let Some(title) = title {
                (Field::new("title", "Title").value(title).maxlength(TITLE_MAX).render(errors))
                @if let Some(similar) = c.similar {
                    div.similar #similar data-url=(urls::similar_questions()) aria-live="polite" {
                        (question_views::similar_list(title, similar.found))
                    }
                    p { button.secondary.small #check-similar type="submit" name="action" value="similar" formnovalidate { "Check for similar questions" } }
                    script src=(crate::web::assets::url("similar")) defer {}
                }
            }
            (body_field(body, errors))
            @if !c.canned.is_empty() {
                div.field.canned-pick {
                    label for="f-canned" { "Canned reply" }
                    select id="f-canned" name="canned" {
                        @for (id, title) in c.canned { option value=(id) { (title) } }
                    }
                    " "
                    button.secondary.small type="submit" name="action" value="insert" { "Insert" }
                    p.hint { "Adds the reply at the end of your text, with the asker's name and the title filled in; nothing is posted yet." }
                    script src=(crate::web::assets::url("canned")) defer {}
                }
            }
            (crate::attachments::views::composer_field(&ctx.state.settings, &c.files, errors))
            (tool_views::notify_checkbox(c.notify))
            div.buttons {
                button type="submit" name="action" value="post" { "Post" }
                " "
                button.secondary type="submit" name="action" value="preview" { "Preview" }
                @if c.draft.is_some() {
                    " "
                    button.secondary type="submit" name="action" value="draft" formnovalidate { "Save draft" }
                    @if c.has_draft {
                        " "
                        button.secondary type="submit" name="action" value="discard" formnovalidate { "Discard draft" }
                    }
                    span.draft-status #draft-status aria-live="polite" {}
                }
            }
        }
        script src=(crate::web::assets::url("composer")) defer {}
    }
}

/// The allowed syntax, shown under every composer.
pub fn markup_help() -> Markup {
    html! {
        details #markup-help .markup-help {
            summary { "Formatting help" }
            ul {
                li { code { "*italic*" } ", " code { "**bold**" } ", " code { "~~struck~~" } ", " code { "`code`" } }
                li { code { "[a link](https://example.com)" } " — links open as plain links; images are shown as links" }
                li { code { "> quoted line" } ", " code { "- list item" } ", " code { "1. numbered item" } ", " code { "# Heading" } }
                li { "Quote a post: " code { "[quote=name post=123] … [/quote]" } " (the Quote button writes it for you)" }
                li { "You may use these HTML tags: "
                    @for (i, tag) in crate::markup::ALLOWED_HTML.iter().enumerate() {
                        @if i > 0 { " " }
                        code { "<" (tag) @if *tag == "a" { " href=\"\" title=\"\"" } ">" }
                    }
                    ". Any other HTML is shown as text." }
                li { code { "@name" } " mentions a member (names are suggested as you type)" }
            }
        }
    }
}

/// The reply page (also shown again with errors or a preview).
pub fn reply_page(
    ctx: &Ctx,
    thread: &ThreadHeader,
    composer_: &Composer<'_>,
    preview: Option<&str>,
) -> Markup {
    page(
        ctx,
        &format!("Reply to {}", thread.title),
        html! {
            (breadcrumbs(&[(&thread.place.forum_title, Some(urls::forum(&thread.place.forum_slug).to_string())), (&thread.title, Some(thread.path()))]))
            h1 { "Reply to " bdi { (thread.title) } }
            (preview_block(preview))
            (composer(ctx, composer_))
        },
    )
}

/// The new-thread page.
pub fn new_thread_page(
    ctx: &Ctx,
    forum: &ForumHeader,
    composer_: &Composer<'_>,
    preview: Option<&str>,
) -> Markup {
    page(
        ctx,
        &format!("New thread in {}", forum.title),
        html! {
            (breadcrumbs(&[(&forum.category_title, None), (&forum.title, Some(urls::forum(&forum.slug).to_string()))]))
            h1 { "New thread in " (forum.title) }
            (preview_block(preview))
            (composer(ctx, composer_))
        },
    )
}

/// The edit page of a post; `reason` is shown (with its value) when a moderator edits
/// someone else's post.
pub fn edit_page(
    ctx: &Ctx,
    thread: &ThreadHeader,
    editing: &Editing<'_>,
    errors: &FieldErrors,
    preview: Option<&str>,
) -> Markup {
    let post_id = editing.post_id;
    page(
        ctx,
        "Edit post",
        html! {
            (breadcrumbs(&[(&thread.place.forum_title, Some(urls::forum(&thread.place.forum_slug).to_string())), (&thread.title, Some(thread.path()))]))
            h1 { "Edit post" }
            @if let Some(edit) = editing.pending {
                p.card.notice {
                    @match &edit.rejected_reason {
                        None => { "Your edit of " (time::relative(edit.created_at, ctx.time_zone())) " waits for a moderator's approval; the post shows its earlier text until then. Saving again replaces it." },
                        Some(reason) => { "A moderator did not approve your edit of " (time::relative(edit.created_at, ctx.time_zone())) ": " (reason) ". The post shows its earlier text." },
                    }
                }
            }
            (preview_block(preview))
            (error_summary(errors))
            form.composer method="post" action=(urls::post_edit(post_id)) enctype="multipart/form-data" {
                (csrf_input(ctx))
                (body_field(editing.body, errors))
                (crate::attachments::views::composer_field(&ctx.state.settings, &editing.files, errors))
                @if let Some(reason) = editing.reason {
                    (Field::new("reason", "Reason for the edit (kept in the log)").value(reason).maxlength(300).render(errors))
                }
                div.buttons {
                    button type="submit" name="action" value="post" { "Save" }
                    " "
                    button.secondary type="submit" name="action" value="preview" { "Preview" }
                    " " a href=(urls::post(post_id)) { "Cancel" }
                }
            }
            script src=(crate::web::assets::url("composer")) defer {}
        },
    )
}

/// What an edit form holds besides the thread.
pub struct Editing<'a> {
    pub post_id: PostId,
    /// The text in the box.
    pub body: &'a str,
    /// The reason field, shown when a moderator edits someone else's post.
    pub reason: Option<&'a str>,
    /// The author's last edit, when it waits for approval or was turned down.
    pub pending: Option<&'a crate::forums::store::PendingEdit>,
    /// The post's files and those added.
    pub files: crate::attachments::views::ComposerFiles<'a>,
}

/// What a page number past the last page shows: nothing of the list, and the way back.
fn past_the_end(path: &str, pages: Pages) -> Markup {
    html! {
        p.card {
            "There is nothing on page " (pages.current) ": the last page is "
            a href=(pagination::page_url(path, pages.total)) { "page " (pages.total) } "."
        }
    }
}

fn preview_block(preview: Option<&str>) -> Markup {
    html! {
        @if let Some(html) = preview {
            section.card.preview aria-labelledby="preview-heading" {
                h2 #preview-heading { "Preview" }
                div.body { (PreEscaped(html)) }
                p.hint { "Not posted yet." }
            }
        }
    }
}
