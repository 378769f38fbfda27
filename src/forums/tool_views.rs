//! The tools drawn on forum pages: the moderator's thread panel and post tools, the watch
//! button and the composer's notify checkbox. They render forum objects, so they are forum
//! views; the routes they post to belong to moderation and notifications.

use maud::{Markup, PreEscaped, html};

use crate::forums::types::{ForumChoice, PostView, ThreadHeader};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::web::form::checkbox;
use crate::web::urls;

/// The reason field every moderator action asks for.
pub fn reason_input(id: &str, required: bool) -> Markup {
    html! {
        label.visually-hidden for=(id) { "Reason" }
        input id=(id) type="text" name="reason" placeholder="Reason" maxlength="300" required[required];
    }
}

/// The moderator panel under a thread's title.
pub fn thread_panel(ctx: &Ctx, thread: &ThreadHeader, forums: &[ForumChoice]) -> Markup {
    let action = urls::mod_thread(thread.id).to_string();
    let form = |name: &str, label: &str, extra: Markup| {
        html! {
            form.row method="post" action=(action) {
                (csrf_input(ctx))
                input type="hidden" name="action" value=(name);
                (extra)
                button.small.secondary type="submit" { (label) }
            }
        }
    };
    html! {
        details.card.mod-panel {
            summary { "Moderate this thread" }
            @if thread.locked {
                (form("unlock", "Unlock", html! {}))
            } @else {
                (form("lock", "Lock", reason_input(&format!("lock-{}", thread.id), true)))
            }
            @if thread.pinned { (form("unpin", "Unpin", html! {})) } @else { (form("pin", "Pin", html! {})) }
            (form("rename", "Rename", html! {
                label.visually-hidden for="mod-title" { "New title" }
                input #mod-title type="text" name="title" value=(thread.title) maxlength="150" required;
            }))
            (form("move", "Move", html! {
                label.visually-hidden for="mod-forum" { "Forum" }
                select #mod-forum name="forum_id" {
                    @for f in forums { option value=(f.id) selected[f.id == thread.forum_id] { (f.title) } }
                }
            }))
            (form("merge", "Merge into thread", html! {
                label.visually-hidden for="mod-into" { "Number of the thread to merge into" }
                input #mod-into type="number" name="into" min="1" placeholder="Thread number" required;
            }))
            p { a href=(urls::mod_split(thread.id)) { "Split posts into a new thread…" } }
            @if thread.solution_post_id.is_some() {
                form.row method="post" action=(urls::mod_promote(thread.id)) {
                    (csrf_input(ctx))
                    button.small.secondary type="submit" { "Promote to an FAQ article" }
                }
            }
            @if thread.hidden {
                (form("restore", "Restore thread", html! {}))
            } @else {
                (form("hide", "Hide thread", reason_input(&format!("hide-{}", thread.id), true)))
            }
        }
    }
}

/// What moderators see of a removed post, and the hide/restore tools of every post.
pub fn post_tools(ctx: &Ctx, post: &PostView) -> Markup {
    let action = urls::mod_post(post.id).to_string();
    html! {
        @if post.hidden {
            div.mod-note {
                p { strong { "Hidden" } @if let Some(by) = &post.hidden_by_name { " by " (by) } @if let Some(reason) = &post.hidden_reason { ": " (reason) } }
                div.body { (PreEscaped(&post.body_html)) }
            }
            form.inline method="post" action=(action) {
                (csrf_input(ctx))
                input type="hidden" name="action" value="restore";
                button.link type="submit" { "Restore" }
            }
        } @else {
            form.row.mod-hide method="post" action=(action) {
                (csrf_input(ctx))
                input type="hidden" name="action" value="hide";
                (reason_input(&format!("hide-p{}", post.id), true))
                button.small.secondary type="submit" { "Hide post" }
            }
        }
        @if post.edited_at.is_some() {
            " " a href=(urls::mod_revisions(post.id)) { "Edit history" }
        }
        @if let Some(ip) = &post.ip_address {
            " " span.ip title="Address the post came from (kept 90 days)" { "IP " (ip) }
        }
    }
}

/// The Watch / Stop watching button of a thread or forum page.
pub fn watch_button(ctx: &Ctx, action: &str, watching: bool, what: &str) -> Markup {
    html! {
        form.inline.watch method="post" action=(action) {
            (csrf_input(ctx))
            @if watching {
                input type="hidden" name="action" value="unwatch";
                button.secondary.small type="submit" { "Stop watching this " (what) }
            } @else {
                input type="hidden" name="action" value="watch";
                button.secondary.small type="submit" { "Watch this " (what) }
            }
        }
    }
}

/// The "notify me" checkbox of the composer.
pub fn notify_checkbox(checked: bool) -> Markup {
    checkbox(
        "notify",
        "Notify me of follow-up replies by e-mail",
        checked,
    )
}
