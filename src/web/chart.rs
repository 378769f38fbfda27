//! Bar charts drawn as inline SVG on the server (no script, no image requests). Each bar
//! may have a part drawn darker from its foot, e.g. the unanswered share of the questions
//! asked. Pages put the same figures in a table for screen readers.

use maud::{Markup, html};

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Printed under the first and the last bar.
    pub label: String,
    pub value: i64,
    /// The darker part (at most `value`; 0 for none).
    pub part: i64,
    /// Shown on hover.
    pub tip: String,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 160.0;
const BAR: &str = "#1d4e89";
const PART: &str = "#b4451f";

/// A chart of `bars`, described by `title` (its element gets the id `id`, unique on the
/// page).
pub fn bars(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let step = WIDTH / bars.len().max(1) as f64;
    let scale = |v: i64| v as f64 / max * (HEIGHT - 10.0);
    let num = |v: f64| format!("{v:.1}");
    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {}", HEIGHT + 20.0)) role="img" aria-labelledby=(id) {
            title #(id) { (title) }
            line x1="0" y1=(HEIGHT) x2=(WIDTH) y2=(HEIGHT) stroke="#9aa5b1" stroke-width="1" {}
            @for (i, bar) in bars.iter().enumerate() {
                @let (x, w) = (num(i as f64 * step + 1.0), num((step - 2.0).max(1.0)));
                @let (h, p) = (scale(bar.value), scale(bar.part.min(bar.value)));
                g {
                    title { (bar.tip) }
                    rect x=(x) y=(num(HEIGHT - h)) width=(w) height=(num(h)) fill=(BAR) {}
                    @if bar.part > 0 {
                        rect x=(x) y=(num(HEIGHT - p)) width=(w) height=(num(p)) fill=(PART) {}
                    }
                }
            }
            @if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
                text x="0" y=(HEIGHT + 16.0) font-size="12" fill="#5b6770" { (first.label) }
                text x=(WIDTH) y=(HEIGHT + 16.0) font-size="12" fill="#5b6770" text-anchor="end" { (last.label) }
            }
        }
    }
}

/// A key to the colours (the same as in the stylesheet's `.swatch`) of a chart with parts: what the bars and what the parts count.
pub fn key(bars: &str, part: &str) -> Markup {
    html! {
        p.chart-key {
            span.swatch.bar {} " " (bars) " "
            span.swatch.part {} " " (part)
        }
    }
}
