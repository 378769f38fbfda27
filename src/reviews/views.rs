//! `/mod/reviews`: answers and articles due for review, each with "Still right" and
//! "Outdated".

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::ids::{ArticleId, PostId, ThreadId};
use crate::reviews::store::{ReviewItem, Subject};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::{time, urls};

/// The review list.
pub fn reviews_page(ctx: &Ctx, items: &[ReviewItem], today: NaiveDate) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        "Reviews",
        html! {
            div.page-head { h1 { "Reviews" } }
            p.lead { "Accepted answers and FAQ articles are reviewed 12 months after they were accepted, written or last changed. Listed: what is due within a month, and what was marked outdated." }
            @if items.is_empty() {
                p.card { "Nothing is due for review." }
            } @else {
                table.reviews {
                    thead { tr { th scope="col" { "What" } th scope="col" { "Review by" } th scope="col" { "State" } th scope="col" { "Review" } } }
                    tbody {
                        @for item in items {
                            @let (action, link, what) = match item.subject() {
                                Subject::Answer(thread) => (
                                    format!("/mod/reviews/answer/{thread}"),
                                    item.post_id.map_or_else(|| urls::thread_slug(ThreadId(item.id), &item.slug).to_string(), |p| urls::post(PostId(p)).to_string()),
                                    "Answer in",
                                ),
                                Subject::Article(article) => (
                                    format!("/mod/reviews/article/{article}"),
                                    urls::article_slug(ArticleId(item.id), &item.slug).to_string(),
                                    "FAQ article",
                                ),
                            };
                            tr.due[item.review_on <= today] {
                                td { (what) " " a href=(link) { bdi { (item.title) } } }
                                td { (item.review_on.format("%-d %b %Y")) @if item.review_on <= today { " " strong { "(due)" } } }
                                td {
                                    @match item.outdated_at {
                                        Some(at) => { span.badge.outdated { "Outdated" } " since " (time::date(at, tz)) }
                                        None => { "Current" }
                                    }
                                }
                                td {
                                    form.inline method="post" action=(action) {
                                        (csrf_input(ctx))
                                        button.small type="submit" name="action" value="still-right" { "Still right" }
                                        " "
                                        @if item.outdated_at.is_none() {
                                            button.small.secondary type="submit" name="action" value="outdated" { "Outdated" }
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
