//! Small pieces every forum page shares: member links, breadcrumbs, question badges.

use maud::{Markup, html};

use crate::forums::types::QuestionState;
use crate::web::urls;

/// A member's name, linking to their profile.
pub fn profile_link(name: &str) -> Markup {
    html! { a.user href=(urls::profile(name)) { (name) } }
}

/// `Forum start / Category / Forum` trail.
pub fn breadcrumbs(items: &[(&str, Option<String>)]) -> Markup {
    html! {
        nav.breadcrumbs aria-label="Breadcrumbs" {
            ol {
                li { a href="/" { "Forum start" } }
                @for (label, href) in items {
                    li { @match href { Some(h) => a href=(h) { (label) }, None => span aria-current="page" { (label) } } }
                }
            }
        }
    }
}

/// A question's state as a badge: "Unanswered", "Answered" or "Solved".
pub fn question_badge(state: QuestionState) -> Markup {
    html! { span.badge.(state.class()) { (state.label()) } }
}
