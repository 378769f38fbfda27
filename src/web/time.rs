//! Dates as people read them: in the reader's time zone, inside `<time>` elements.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

/// The items of a strftime pattern, parsed on first use instead of on every date shown
/// (a thread page shows dozens).
macro_rules! pattern {
    ($text:literal) => {{
        static ITEMS: std::sync::LazyLock<Vec<chrono::format::Item<'static>>> =
            std::sync::LazyLock::new(|| {
                chrono::format::StrftimeItems::new($text)
                    .parse_to_owned()
                    .unwrap_or_default()
            });
        ITEMS.iter()
    }};
}

/// `23 Nov 2026, 14:05` in `tz`, with the exact instant in `datetime`.
pub fn datetime(at: DateTime<Utc>, tz: Tz) -> Markup {
    let local = at.with_timezone(&tz);
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            title=(local.format_with_items(pattern!("%A %-d %B %Y, %H:%M %Z"))) {
            (local.format_with_items(pattern!("%-d %b %Y, %H:%M")))
        }
    }
}

/// `23 Nov 2026` in `tz`.
pub fn date(at: DateTime<Utc>, tz: Tz) -> Markup {
    let local = at.with_timezone(&tz);
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
            (local.format_with_items(pattern!("%-d %b %Y")))
        }
    }
}

/// "just now", "5 minutes ago", "3 days ago" — relative to `now`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds().max(0);
    let (n, unit) = match seconds {
        0..60 => return "just now".into(),
        60..3600 => (seconds / 60, "minute"),
        3600..86_400 => (seconds / 3600, "hour"),
        86_400..2_592_000 => (seconds / 86_400, "day"),
        2_592_000..31_536_000 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A relative time whose tooltip and `datetime` give the exact instant in `tz`.
pub fn relative(at: DateTime<Utc>, tz: Tz) -> Markup {
    let local = at.with_timezone(&tz);
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            title=(local.format_with_items(pattern!("%-d %b %Y, %H:%M %Z"))) {
            (ago(at, Utc::now()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_follow_the_readers_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap();
        let html = datetime(at, chrono_tz::Asia::Tokyo).into_string();
        assert!(html.contains("24 Nov 2026, 08:30"), "{html}");
        assert!(html.contains("datetime=\"2026-11-23T23:30:00Z\""), "{html}");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now - chrono::Duration::minutes(1), now), "1 minute ago");
        assert_eq!(ago(now - chrono::Duration::hours(5), now), "5 hours ago");
        assert_eq!(ago(now - chrono::Duration::days(40), now), "1 month ago");
    }
}
