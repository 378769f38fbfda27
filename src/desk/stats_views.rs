//! `/desk/stats` as a page (a chart and a table per Questions forum) and as a CSV download
//! of the same figures.

use maud::{Markup, html};

use crate::desk::stats::{self, ForumFigures, Share, Spread, Week};
use crate::desk::targets::{Targets, span};
use crate::desk::views::desk_nav;
use crate::shell::ctx::Ctx;
use crate::shell::layout::page;
use crate::web::chart::{self, Bar};
use crate::web::urls;

/// The numbers of weeks offered.
const WEEK_CHOICES: [u32; 5] = [4, 8, 12, 26, 52];

fn duration(d: Option<chrono::Duration>) -> Markup {
    html! { @match d { Some(d) => (span(d)), None => span.meta { "—" } } }
}

fn share(s: Option<Share>) -> Markup {
    html! {
        @match s {
            None => span.meta { "no target" },
            Some(s) => @match s.percent() {
                Some(p) => { (format!("{p:.0}%")) " " span.meta { "(" (s.met) " of " (s.of) ")" } },
                None => span.meta { "—" },
            },
        }
    }
}

/// How a forum's clock runs and what its targets are, in a sentence.
fn clock(targets: &Targets) -> String {
    let hours = |h: Option<i32>| h.map_or("none".to_string(), |h| format!("{h} h"));
    let clock = match targets.business {
        Some(b) => format!(
            "business hours ({:02}:00–{:02}:00, Monday to Friday, {})",
            b.start,
            b.end,
            b.zone.name()
        ),
        None => "round the clock".to_string(),
    };
    format!(
        "Targets: first response {}, solution {}. Times are counted {clock}.",
        hours(targets.first_response_hours),
        hours(targets.solution_hours)
    )
}

fn spread_cells(s: &Spread) -> Markup {
    html! { td.num { (duration(s.median)) } td.num { (duration(s.p90)) } }
}

fn week_row(w: &Week) -> Markup {
    html! {
        tr {
            th scope="row" { (w.start.format("%-d %b %Y")) }
            td.num { (w.asked) }
            td.num { (w.unanswered) }
            (spread_cells(&w.first_response))
            td.num { (share(w.answered_within_target)) }
            (spread_cells(&w.solution))
            td.num { (share(w.solved_within_target)) }
        }
    }
}

fn forum_section(index: usize, forum: &ForumFigures) -> Markup {
    let bars: Vec<Bar> = forum
        .weeks
        .iter()
        .map(|w| Bar {
            label: w.start.format("%-d %b").to_string(),
            value: w.asked,
            part: w.unanswered,
            tip: format!(
                "Week of {}: {} asked, {} unanswered",
                w.start.format("%-d %b"),
                w.asked,
                w.unanswered
            ),
        })
        .collect();
    let title = format!(
        "Questions asked per week in {}, the unanswered part darker; the table has the figures",
        forum.title
    );
    html! {
        section.card aria-labelledby=(format!("forum-{index}")) {
            h2 id=(format!("forum-{index}")) { (forum.title) }
            p.meta { (clock(&forum.targets)) }
            (chart::bars(&format!("chart-{index}"), &title, &bars))
            (chart::key("Asked", "Still unanswered"))
            // Focusable, so that keyboard users can scroll a table wider than the screen.
            div.table-scroll tabindex="0" role="region" aria-labelledby=(format!("forum-{index}")) {
                table.listing.desk-stats {
                    thead {
                        tr {
                            th scope="col" rowspan="2" { "Week of" }
                            th.num scope="col" rowspan="2" { "Asked" }
                            th.num scope="col" rowspan="2" { "Unanswered" }
                            th scope="colgroup" colspan="3" { "Time to first response" }
                            th scope="colgroup" colspan="3" { "Time to solution" }
                        }
                        tr {
                            @for _ in 0..2 {
                                th.num scope="col" { "Median" }
                                th.num scope="col" { "90th percentile" }
                                th.num scope="col" { "Within target" }
                            }
                        }
                    }
                    tbody { @for w in forum.weeks.iter().rev() { (week_row(w)) } }
                }
            }
        }
    }
}

/// The managers' page: `weeks` weeks of every Questions forum.
pub fn stats_page(ctx: &Ctx, forums: &[ForumFigures], weeks: u32) -> Markup {
    page(
        ctx,
        "Desk statistics",
        html! {
            div.page-head { h1 { "Desk statistics" } }
            (desk_nav(html! { " · " a href={ (urls::desk_stats_csv()) "?weeks=" (weeks) } download { "Download CSV" } }))
            form.row method="get" action=(urls::desk_stats()) {
                div.field {
                    label for="weeks" { "Weeks" }
                    select #weeks name="weeks" {
                        @for n in WEEK_CHOICES {
                            option value=(n) selected[n == weeks] { (n) }
                        }
                        @if !WEEK_CHOICES.contains(&weeks) { option value=(weeks) selected { (weeks) } }
                    }
                }
                button.small type="submit" { "Show" }
            }
            p.hint {
                "Weeks start on Monday in your time zone (" (ctx.time_zone().name()) "). "
                "A question not yet answered but still inside its target counts in neither part of \u{201c}Within target\u{201d}."
            }
            @if forums.is_empty() {
                p.card { "No forum is a Questions forum yet." }
            }
            @for (i, forum) in forums.iter().enumerate() { (forum_section(i, forum)) }
        },
    )
}

/// A cell a spreadsheet will not take for a formula.
fn plain(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The same figures as CSV, one line per forum and week, hours with two decimals and
/// shares in percent (empty where there is nothing to show).
pub fn stats_csv(forums: &[ForumFigures]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "forum",
        "week_starting",
        "asked",
        "unanswered",
        "first_response_median_hours",
        "first_response_p90_hours",
        "answered_within_target_percent",
        "solution_median_hours",
        "solution_p90_hours",
        "solved_within_target_percent",
    ])?;
    let hours = |d: Option<chrono::Duration>| d.map(stats::hours).unwrap_or_default();
    let percent = |s: Option<Share>| {
        s.and_then(Share::percent)
            .map(|p| format!("{p:.1}"))
            .unwrap_or_default()
    };
    for forum in forums {
        for w in &forum.weeks {
            out.write_record([
                plain(&forum.title),
                w.start.to_string(),
                w.asked.to_string(),
                w.unanswered.to_string(),
                hours(w.first_response.median),
                hours(w.first_response.p90),
                percent(w.answered_within_target),
                hours(w.solution.median),
                hours(w.solution.p90),
                percent(w.solved_within_target),
            ])?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        let forum = ForumFigures {
            title: "=HYPERLINK(\"x\"), billing".into(),
            targets: Targets::default(),
            weeks: vec![Week {
                start: "2026-11-30".parse().unwrap(),
                asked: 3,
                unanswered: 1,
                first_response: Spread {
                    median: Some(chrono::Duration::minutes(90)),
                    p90: Some(chrono::Duration::hours(2)),
                },
                solution: Spread::default(),
                answered_within_target: Some(Share { met: 1, of: 2 }),
                solved_within_target: None,
            }],
        };
        let text = String::from_utf8(stats_csv(&[forum]).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"x\"\"), billing\",2026-11-30,3,1,1.50,2.00,50.0,,,"
        );
    }
}
