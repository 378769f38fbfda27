//! What staff alone see on a thread page: who has the question (with "Claim",
//! "Unassign" and "Assign"), each "Staff note" and the form that adds one.

use maud::{Markup, PreEscaped, html};

use crate::forums::page_parts::{breadcrumbs, profile_link};
use crate::forums::store::StaffNoteRow;
use crate::forums::types::ThreadHeader;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{FieldErrors, error_summary};
use crate::web::{time, urls};

/// The longest staff note, in characters.
pub const NOTE_MAX: usize = 20_000;

/// Who has the question, and the buttons that change it.
pub fn assignment_bar(ctx: &Ctx, thread: &ThreadHeader) -> Markup {
    let mine = ctx
        .user()
        .is_some_and(|u| thread.assigned_user_id == Some(u.id));
    html! {
        div.card.staff-bar aria-label="Assignment" {
            @match &thread.assignee_name {
                Some(name) => { "Assigned to " strong { bdi { (name) } } @if thread.assigned_group_id.is_some() { " (group)" } }
                None => { "Not assigned" }
            }
            " "
            form.inline method="post" action=(urls::thread_assign(thread.id)) {
                (csrf_input(ctx))
                @if !mine { button.secondary.small type="submit" name="action" value="claim" { "Claim" } " " }
                @if thread.assignee_name.is_some() { button.secondary.small type="submit" name="action" value="unassign" { "Unassign" } " " }
            }
            a href=(urls::thread_assign(thread.id)) { "Assign" }
        }
    }
}

/// One staff note, in the thread after the post it follows.
pub fn staff_note(ctx: &Ctx, note: &StaffNoteRow) -> Markup {
    html! {
        article.post.staff-note id={ "n" (note.id) } aria-labelledby={ "nh" (note.id) } {
            aside.author { (profile_link(&note.author_name)) }
            div.post-main {
                header.post-head id={ "nh" (note.id) } {
                    span.badge.staff { "Staff note" } " · " (time::datetime(note.created_at, ctx.time_zone()))
                }
                p.hint { "Only staff see this." }
                div.body { (PreEscaped(&note.body_html)) }
            }
        }
    }
}

/// The form that adds a staff note, under the reply box.
pub fn note_box(ctx: &Ctx, thread: &ThreadHeader, body: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get("body");
    html! {
        section.card.staff-note-box aria-labelledby="note-heading" {
            h2 #note-heading { "Staff note" }
            p.hint { "Only staff see a staff note. It is never mailed, searched, quoted or counted as an answer." }
            (error_summary(errors))
            form method="post" action=(urls::thread_note(thread.id)) {
                (csrf_input(ctx))
                div.field.has-error[error.is_some()] {
                    label for="f-note" { "Note" }
                    textarea id="f-note" name="body" rows="4" maxlength=(NOTE_MAX) required
                        aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| "f-note-error")] { (body) }
                    @if let Some(e) = error { p.error id="f-note-error" { (e) } }
                }
                div.buttons { button type="submit" { "Add staff note" } }
            }
        }
    }
}

/// The note form alone, back with the text and what was wrong.
pub fn note_page(ctx: &Ctx, thread: &ThreadHeader, body: &str, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        &format!("Staff note on {}", thread.title),
        html! {
            (breadcrumbs(&[(&thread.place.forum_title, Some(urls::forum(&thread.place.forum_slug).to_string())), (&thread.title, Some(thread.path()))]))
            h1 { "Staff note on " bdi { (thread.title) } }
            (note_box(ctx, thread, body, errors))
        },
    )
}
