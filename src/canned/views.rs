//! `/desk/replies`: the shared templates, each editable in place, and a form for a new one.

use maud::{Markup, html};

use crate::canned::store::CannedReply;
use crate::canned::{BODY_MAX, Draft, TITLE_MAX};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::{time, urls};

/// What the forms show: the new template's text and problems, and, when a change of one
/// template was refused, that template's typed text and problems.
#[derive(Default)]
pub struct Forms<'a> {
    pub new: Option<(&'a Draft, &'a FieldErrors)>,
    pub refused: Option<(i64, &'a Draft, &'a FieldErrors)>,
}

/// The text field of a template's form, with its own `id` so that several forms share a page.
fn body_area(id: &str, value: &str, error: Option<&str>) -> Markup {
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { "Reply" }
            textarea id=(id) name="body" rows="6" maxlength=(BODY_MAX) required
                aria-invalid=[error.map(|_| "true")] { (value) }
            @if let Some(e) = error { p.error { (e) } }
        }
    }
}

/// The page.
pub fn replies_page(ctx: &Ctx, replies: &[CannedReply], forms: &Forms<'_>) -> Markup {
    let tz = ctx.time_zone();
    let none = FieldErrors::new();
    let empty = Draft::default();
    let (new, new_errors) = forms.new.unwrap_or((&empty, &none));
    page(
        ctx,
        "Canned replies",
        html! {
            div.page-head { h1 { "Canned replies" } }
            p.lead {
                "Replies staff use again and again. In a reply, pick one and press \u{201c}Insert\u{201d}: "
                code { "{asker}" } " becomes the name of who asked, " code { "{title}" } " the thread's title."
            }
            @if replies.is_empty() { p.card { "No canned replies yet." } }
            @for reply in replies {
                @let refused = forms.refused.filter(|(id, _, _)| *id == reply.id);
                @let (title, body, errors) = match refused {
                    Some((_, draft, errors)) => (draft.title.as_str(), draft.body.as_str(), errors),
                    None => (reply.title.as_str(), reply.body.as_str(), &none),
                };
                section.card.canned aria-labelledby=(format!("cr-{}", reply.id)) {
                    h2 id=(format!("cr-{}", reply.id)) { (reply.title) }
                    p.meta {
                        "Changed " (time::relative(reply.changed_at, tz))
                        @if let Some(by) = &reply.changed_by { " by " (by) }
                    }
                    (error_summary(errors))
                    form method="post" action=(urls::canned_reply(reply.id)) {
                        (csrf_input(ctx))
                        div.field.has-error[errors.get("title").is_some()] {
                            label for=(format!("cr-title-{}", reply.id)) { "Title" }
                            input id=(format!("cr-title-{}", reply.id)) type="text" name="title" value=(title) maxlength=(TITLE_MAX) required;
                            @if let Some(e) = errors.get("title") { p.error { (e) } }
                        }
                        (body_area(&format!("cr-body-{}", reply.id), body, errors.get("body")))
                        div.buttons {
                            button.small type="submit" name="action" value="save" { "Save" }
                            " "
                            button.small.secondary type="submit" name="action" value="delete" { "Delete" }
                        }
                    }
                }
            }
            section.card aria-labelledby="new-canned" {
                h2 #new-canned { "New canned reply" }
                (error_summary(new_errors))
                form method="post" action=(urls::canned_replies()) {
                    (csrf_input(ctx))
                    (Field::new("title", "Title").value(&new.title).maxlength(TITLE_MAX).render(new_errors))
                    (body_area("f-body", &new.body, new_errors.get("body")))
                    button type="submit" { "Add" }
                }
            }
        },
    )
}
