//! Numbered pagination: `?page=N` parsing and the page links.

use maud::{Markup, html};
use serde::Deserialize;

/// `?page=N`; anything unparsable means page 1.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// Requested page as typed.
    pub page: Option<String>,
}

impl PageQuery {
    /// The 1-based page number asked for.
    pub fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }
}

/// Where a listing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    /// Current page, 1-based.
    pub current: i64,
    /// Number of pages (at least 1).
    pub total: i64,
}

impl Pages {
    /// Pages for `items` shown `per_page` at a time.
    pub fn new(items: i64, per_page: i64, current: i64) -> Pages {
        Pages {
            current,
            total: ((items + per_page - 1) / per_page).max(1),
        }
    }
}

/// The page of the `position`-th item (1-based).
pub fn page_of(position: i64, per_page: i64) -> i64 {
    (position - 1).max(0) / per_page + 1
}

/// How many items come before page `page` (0 for page 1 and below), without overflow.
pub fn items_before(page: i64, per_page: i64) -> i64 {
    page.saturating_sub(1).max(0).saturating_mul(per_page)
}

/// `path` (which may carry a query of its own) for page `n` (page 1 adds nothing).
pub fn page_url(path: &str, n: i64) -> String {
    if n <= 1 {
        path.to_string()
    } else if path.contains('?') {
        format!("{path}&page={n}")
    } else {
        format!("{path}?page={n}")
    }
}

/// The page numbers a navigation shows: the first two, the last two and two either side
/// of the current one, in order. Built from those few, never by walking every page, so a
/// page number of ten digits costs no more than page 2.
fn shown_pages(pages: Pages) -> Vec<i64> {
    let (current, total) = (pages.current, pages.total);
    let near = (-2..=2).filter_map(|d| current.checked_add(d));
    let mut shown: Vec<i64> = [1, 2, total.saturating_sub(1), total]
        .into_iter()
        .chain(near)
        .filter(|n| (1..=total).contains(n))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    shown
}

/// "Pages: 1 … 4 [5] 6 … 20" with previous/next links; nothing for a single page.
pub fn nav(path: &str, pages: Pages) -> Markup {
    let shown = shown_pages(pages);
    html! {
        @if pages.total > 1 {
            nav.pagination aria-label="Pages" {
                @if pages.current > 1 {
                    a rel="prev" href=(page_url(path, pages.current - 1)) { "‹ Previous" }
                }
                @for (i, n) in shown.iter().enumerate() {
                    @if i > 0 && shown[i - 1] + 1 != *n { span.gap { "…" } }
                    @if *n == pages.current {
                        span.current aria-current="page" { (n) }
                    } @else {
                        a href=(page_url(path, *n)) { (n) }
                    }
                }
                @if pages.current < pages.total {
                    a rel="next" href=(page_url(path, pages.current + 1)) { "Next ›" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_positions() {
        assert_eq!(Pages::new(0, 20, 1).total, 1);
        assert_eq!(Pages::new(60, 20, 1).total, 3);
        assert_eq!(Pages::new(61, 20, 1).total, 4);
        assert_eq!(page_of(45, 20), 3);
        assert_eq!(page_of(20, 20), 1);
        assert_eq!(page_of(21, 20), 2);
        assert_eq!(page_url("/f/desk", 2), "/f/desk?page=2");
        assert_eq!(
            page_url("/f/desk?show=solved", 2),
            "/f/desk?show=solved&page=2"
        );
        assert_eq!(page_url("/f/desk?show=solved", 1), "/f/desk?show=solved");
    }

    #[test]
    fn the_navigation_of_a_huge_listing_costs_what_a_small_one_does() {
        let started = std::time::Instant::now();
        let huge = Pages {
            current: 10_000_000_000,
            total: 10_000_000_001,
        };
        assert_eq!(
            shown_pages(huge),
            vec![
                1,
                2,
                9_999_999_998,
                9_999_999_999,
                10_000_000_000,
                10_000_000_001
            ]
        );
        let edge = Pages {
            current: i64::MAX,
            total: i64::MAX,
        };
        assert_eq!(shown_pages(edge).len(), 5);
        assert_eq!(shown_pages(Pages::new(60, 20, 2)), vec![1, 2, 3]);
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
        let html = nav("/mod/log", huge).into_string();
        assert!(html.contains("?page=9999999999"));
    }

    #[test]
    fn items_before_a_page_never_overflow() {
        assert_eq!(items_before(1, 20), 0);
        assert_eq!(items_before(3, 25), 50);
        assert_eq!(items_before(0, 20), 0);
        assert_eq!(items_before(i64::MAX, 20), i64::MAX);
    }
}
