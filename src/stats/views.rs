//! Markup of `/stats`, with the posts-per-day chart drawn as inline SVG on the server.

use maud::{Markup, html};

use crate::shell::ctx::Ctx;
use crate::shell::layout::page;
use crate::stats::Stats;
use crate::stats::store::{Day, Ranked};
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
    let width = 720.0_f64;
    let height = 160.0_f64;
    let max = days.iter().map(|d| d.posts).max().unwrap_or(0).max(1) as f64;
    let bar = width / days.len().max(1) as f64;
    html! {
        svg.chart viewBox=(format!("0 0 {width} {}", height + 20.0)) role="img" aria-labelledby="chart-title" {
            title #chart-title { "Posts per day over the last " (days.len()) " days; the table below has the figures" }
            line x1="0" y1=(height) x2=(width) y2=(height) stroke="#9aa5b1" stroke-width="1" {}
            @for (i, day) in days.iter().enumerate() {
                @let h = day.posts as f64 / max * (height - 10.0);
                rect x=(format!("{:.1}", i as f64 * bar + 1.0)) y=(format!("{:.1}", height - h))
                    width=(format!("{:.1}", (bar - 2.0).max(1.0))) height=(format!("{h:.1}")) fill="#1d4e89" {
                    title { (day.day.format("%-d %b")) ": " (day.posts) }
                }
            }
            @if let (Some(first), Some(last)) = (days.first(), days.last()) {
                text x="0" y=(height + 16.0) font-size="12" fill="#5b6770" { (first.day.format("%-d %b")) }
                text x=(width) y=(height + 16.0) font-size="12" fill="#5b6770" text-anchor="end" { (last.day.format("%-d %b")) }
            }
        }
    }
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
