//! Markup of the forum pages.

use maud::{Markup, html};

use crate::web::ctx::Ctx;
use crate::web::layout::page;

/// The forum start page.
pub fn start(ctx: &Ctx) -> Markup {
    page(
        ctx,
        "Forum start",
        html! {
            h1 { (ctx.site_name()) }
            p.lead { "A place for customer-service professionals to ask, answer and learn from each other." }
            section.card {
                h2 { "Forums" }
                p { "No forums have been created yet." }
            }
        },
    )
}
