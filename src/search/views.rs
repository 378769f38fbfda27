//! Markup of `/search`.

use maud::{Markup, html};

use crate::forums::types::ForumChoice;
use crate::search::store::{Hit, MARK_END, MARK_START};
use crate::shell::ctx::Ctx;
use crate::shell::layout::page;
use crate::web::pagination::{self, Pages};
use crate::web::time;
use crate::web::urls;

/// The search form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub q: String,
    /// A forum's slug, or empty for all.
    pub forum: String,
    /// An author's name, or empty.
    pub author: String,
    /// Only threads with a marked answer.
    pub solved: Option<String>,
    /// From this day (YYYY-MM-DD).
    pub from: String,
    /// Up to this day (YYYY-MM-DD).
    pub to: String,
    /// `thread` for one result per thread.
    pub group: String,

    pub page: Option<String>,
}

/// A snippet with its highlights as `<mark>`; the text itself is escaped by maud.
fn snippet(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split([MARK_START, MARK_END]).enumerate() {
            @if i % 2 == 1 { mark { (part) } } @else { (part) }
        }
    }
}

/// The search page: form, message or results.
pub fn search_page(
    ctx: &Ctx,
    form: &SearchForm,
    forums: &[ForumChoice],
    problem: Option<&str>,
    hits: &[Hit],
    pages: Pages,
) -> Markup {
    let tz = ctx.time_zone();
    let path = format!(
        "/search?q={}&forum={}&author={}&solved={}&from={}&to={}&group={}",
        crate::text::percent_encode(&form.q, b""),
        crate::text::percent_encode(&form.forum, b""),
        crate::text::percent_encode(&form.author, b""),
        crate::text::percent_encode(form.solved.as_deref().unwrap_or(""), b""),
        crate::text::percent_encode(&form.from, b""),
        crate::text::percent_encode(&form.to, b""),
        crate::text::percent_encode(&form.group, b"")
    );
    page(
        ctx,
        "Search",
        html! {
            h1 { "Search" }
            form.card.search method="get" action="/search" role="search" {
                div.field {
                    label for="s-q" { "Words" }
                    input #s-q type="search" name="q" value=(form.q) maxlength="200";
                    p.hint { "Use \"quotes\" for a phrase, -word to leave a word out, or to accept either." }
                }
                div.field {
                    label for="s-forum" { "Forum" }
                    select #s-forum name="forum" {
                        option value="" { "All forums" }
                        @for f in forums { option value=(f.slug) selected[f.slug == form.forum] { (f.title) } }
                    }
                }
                div.field {
                    label for="s-author" { "Author" }
                    input #s-author type="text" name="author" value=(form.author) maxlength="32";
                }
                div.field {
                    label for="s-from" { "Written from" }
                    input #s-from type="date" name="from" value=(form.from);
                }
                div.field {
                    label for="s-to" { "Written until" }
                    input #s-to type="date" name="to" value=(form.to);
                }
                div.field {
                    label for="s-group" { "Show" }
                    select #s-group name="group" {
                        option value="" { "every matching post" }
                        option value="thread" selected[form.group == "thread"] { "one result per thread" }
                    }
                }
                (crate::web::form::checkbox("solved", "Only threads with an accepted answer", crate::web::form::is_checked(&form.solved)))
                button type="submit" { "Search" }
            }
            @if let Some(problem) = problem {
                p.notice role="status" { (problem) }
            } @else if !form.q.trim().is_empty() {
                @if hits.is_empty() {
                    p { "Nothing found. Try fewer or other words." }
                } @else {
                    ol.results {
                        @for hit in hits {
                            li {
                                a.title href=(urls::post(hit.post_id)) { bdi { (hit.title) } " #" (hit.position) }
                                p.meta { (hit.forum) " · " (hit.author) " · " (time::date(hit.created_at, tz)) }
                                p.snippet { (snippet(&hit.snippet)) }
                            }
                        }
                    }
                    (pagination::nav(&path, pages))
                }
            }
        },
    )
}
