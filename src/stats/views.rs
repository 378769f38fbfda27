//! Markup of `/stats`, with the posts-per-day chart drawn as inline SVG on the server.

use maud::{Markup, html};

use crate::shell::ctx::Ctx;
use crate::shell::layout::page;
use crate::stats::Stats;
use crate::stats::store::{Day, Ranked};
use crate::web::chart::{self, Bar};
use crate::web::time;
use crate::web::urls;

fn ranked(title: &str, unit: &str, rows: &[Ranked]) -> Markup {
    html! {
        section.card {
            h2 { (title) }
            @if rows.is_empty() { p { "Nothing yet." } }
            ol { @for r in rows { li { a href=(r.path) { bdi { (r.label) } } " (" (r.count) " " (unit) ")" } } }
        }
    }
}

/// Bars for each day; the table below carries the same figures for screen readers.
fn chart(days: &[Day]) -> Markup {
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar {
            label: d.day.format("%-d %b").to_string(),
            value: d.posts,
            part: 0,
            tip: format!("{}: {}", d.day.format("%-d %b"), d.posts),
        })
        .collect();
    let title = format!(
        "Posts per day over the last {} days; the table below has the figures",
        days.len()
    );
    chart::bars("chart-title", &title, &bars)
}

/// The statistics page.
pub fn stats_page(ctx: &Ctx, stats: &Stats) -> Markup {
    let tz = ctx.time_zone();
    let t = &stats.totals;
    page(
        ctx,
        "Statistics",
        html! {
            h1 { "Statistics" }
            dl.facts {
                dt { "Members" } dd { (t.members) }
                dt { "Threads" } dd { (t.threads) }
                dt { "Posts" } dd { (t.posts) }
                dt { "FAQ articles" } dd { (t.articles) }
                dt { "Online now" } dd { (t.online) " (seen in the last 15 minutes)" }
                dt { "Newest member" } dd {
                    @match (&t.newest, t.newest_joined) {
                        (Some(name), Some(at)) => { a href=(urls::profile(name)) { (name) } ", joined " (time::relative(at, tz)) },
                        _ => "nobody yet",
                    }
                }
            }
            section.card {
                h2 { "Posts per day" }
                (chart(&stats.per_day))
                details {
                    summary { "The figures as a table" }
                    table.listing {
                        thead { tr { th scope="col" { "Day" } th.num scope="col" { "Posts" } } }
                        tbody { @for d in &stats.per_day { tr { td { (d.day.format("%-d %b %Y")) } td.num { (d.posts) } } } }
                    }
                }
            }
            div.stats-grid {
                (ranked("Most active members this month", "posts", &stats.active_members))
                (ranked("Most active threads this month", "posts", &stats.active_threads))
                (ranked("Most viewed threads", "views", &stats.most_viewed))
                (ranked("Busiest forums", "posts", &stats.busiest_forums))
            }
            p.hint { "Figures are at most a minute old." }
        },
    )
}
