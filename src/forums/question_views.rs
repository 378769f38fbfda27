//! What questions add to the forum pages: the "Me too" button, the filters of a question
//! list, and `/questions`, the questions of every Questions forum.

use maud::{Markup, html};

use crate::forums::page_parts::{profile_link, question_badge};
use crate::forums::types::{
    ListedQuestion, QuestionFilter, QuestionShow, QuestionSort, ThreadHeader,
};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::pagination::{self, Pages};
use crate::web::{time, urls};

/// "Me too" under a question: the count for everyone; for a member other than the asker,
/// the button (pressed or not) and, before pressing, the choice of being told when it is
/// solved. `pressed` is `None` for a logged-out reader, `Some(None)` for a member who has
/// not pressed, `Some(Some(told))` for one who has.
pub fn me_too(ctx: &Ctx, thread: &ThreadHeader, pressed: Option<Option<bool>>) -> Markup {
    let count = thread.me_too_count;
    let others = |n: i32| match n {
        1 => "1 member has this question too".to_string(),
        n => format!("{n} members have this question too"),
    };
    let asker = ctx.user().is_some_and(|u| u.id == thread.author_id);
    html! {
        div.me-too {
            @match (pressed, asker) {
                (Some(pressed), false) => {
                    form.inline method="post" action=(urls::thread_me_too(thread.id)) {
                        (csrf_input(ctx))
                        @if let Some(told) = pressed {
                            input type="hidden" name="want" value="off";
                            button.secondary.small type="submit" aria-pressed="true"
                                title="You have this question too; press again to take it back" { "Me too" }
                            @if told { " " span.hint { "You will be told when it is solved." } }
                        } @else {
                            input type="hidden" name="want" value="on";
                            button.secondary.small type="submit" aria-pressed="false" { "Me too" }
                            " "
                            label.check { input type="checkbox" name="tell"; " Tell me when it is solved" }
                        }
                    }
                    " "
                }
                _ => {}
            }
            @if count > 0 { span.count { (others(count)) } }
            @else if pressed.is_none() { span.count.hint { "Have this question too? Log in and press \"Me too\"." } }
        }
    }
}

/// The links that filter and order a question list at `path`.
pub fn filter_bar(path: &str, current: Option<QuestionFilter>, logged_in: bool) -> Markup {
    let chosen = current.unwrap_or_default();
    let link = |filter: QuestionFilter| format!("{path}{}", filter.query());
    html! {
        nav.question-filters aria-label="Filter questions" {
            ul.tabs {
                @for show in QuestionShow::ALL {
                    @if show != QuestionShow::Mine || logged_in {
                        @let filter = QuestionFilter { show, ..chosen };
                        li { @if current.is_some_and(|c| c.show == show) || (current.is_none() && show == QuestionShow::All) {
                            a aria-current="page" href=(link(filter)) { (show.label()) }
                        } @else {
                            a href=(link(filter)) { (show.label()) }
                        } }
                    }
                }
            }
            ul.tabs.sort {
                li { "Order: " }
                @for sort in QuestionSort::ALL {
                    @let filter = QuestionFilter { sort, ..chosen };
                    li { @if current.is_some_and(|c| c.sort == sort) {
                        a aria-current="page" href=(link(filter)) { (sort.label()) }
                    } @else {
                        a href=(link(filter)) { (sort.label()) }
                    } }
                }
            }
        }
    }
}

/// How many pressed "Me too", for a list's row (nothing when nobody did).
pub fn me_too_count(count: i32) -> Markup {
    html! { @if count > 0 { " · " span.me-too-count { (count) " \u{201c}Me too\u{201d}" } } }
}

/// `/questions`: the questions of every Questions forum, as `filter` asks.
pub fn questions_page(
    ctx: &Ctx,
    questions: &[ListedQuestion],
    filter: QuestionFilter,
    pages: Pages,
) -> Markup {
    let tz = ctx.time_zone();
    let base = urls::questions().to_string();
    let path = format!("{base}{}", filter.query());
    page(
        ctx,
        "Questions",
        html! {
            div.page-head { h1 { "Questions" } }
            p.lead { "Questions from every Questions forum." }
            (filter_bar(&base, Some(filter), ctx.user().is_some()))
            (pagination::nav(&path, pages))
            @if questions.is_empty() {
                p.card { "No questions here." }
            } @else {
                table.listing.threads {
                    thead { tr {
                        th scope="col" { "Question" }
                        th scope="col" { "Forum" }
                        th.num scope="col" { "Replies" }
                        th scope="col" { "Last post" }
                    } }
                    tbody {
                        @for q in questions {
                            @let thread = &q.item.row;
                            tr {
                                td {
                                    (question_badge(thread.question_state())) " "
                                    a.title href=(urls::thread_slug(thread.id, &thread.slug)) { bdi { (thread.title) } }
                                    p.meta { "by " (profile_link(&q.item.author.name)) ", " (time::date(thread.created_at, tz)) (me_too_count(thread.me_too_count)) }
                                }
                                td data-label="Forum" { a href=(urls::forum(&q.forum_slug)) { (q.forum_title) } }
                                td.num data-label="Replies" { (thread.replies()) }
                                td.last data-label="Last post" {
                                    @if let Some(id) = thread.last_post_id {
                                        a href=(urls::post(id)) { (time::relative(thread.last_post_at, tz)) }
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

/// The list of "Similar questions" for a title: `None` before anything was looked for.
pub fn similar_list(title: &str, found: Option<&[crate::forums::pages::Similar]>) -> Markup {
    let short = title.trim().chars().count() < crate::forums::pages::SIMILAR_MIN_CHARS;
    html! {
        @match found {
            None => {}
            Some(_) if short => { p.hint { "Type a title of ten characters or more to see similar questions." } }
            Some([]) => { p.hint { "No similar questions found." } }
            Some(found) => {
                h3 { "Similar questions" }
                p.hint { "Perhaps one of these already answers yours:" }
                ul.similar-questions {
                    @for s in found {
                        li {
                            (question_badge(s.question.state())) " "
                            a href=(urls::thread_slug(s.question.id, &s.question.slug)) { bdi { (s.question.title) } }
                            " " span.meta { "in " (s.forum_title) }
                        }
                    }
                }
            }
        }
    }
}
