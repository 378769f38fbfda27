//! The managers' figures of `/desk/stats`: for each Questions forum and week, how many
//! questions were asked, how long they waited for a first response and for a solution
//! (median and 90th percentile), what share met the forum's targets, and how many are still
//! unanswered. Times are counted on the forum's own clock (business hours when it has
//! them), so they agree with `/desk`. Weeks start on Monday in the viewer's time zone.
//! Everything takes "now" as an argument, so that tests can set the clock.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::desk::store::{AskedRow, ForumTargets};
use crate::desk::targets::Targets;

/// Weeks shown unless the viewer asks for another number.
pub const DEFAULT_WEEKS: u32 = 12;
/// The most weeks one page shows.
pub const MAX_WEEKS: u32 = 52;

/// What the figures need of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub created_at: DateTime<Utc>,
    /// The first reply from someone other than the asker.
    pub first_response_at: Option<DateTime<Utc>>,
    /// When its answer was accepted.
    pub solved_at: Option<DateTime<Utc>>,
}

/// The middle and the 90th percentile of some waits; `None` when there are none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    pub median: Option<Duration>,
    pub p90: Option<Duration>,
}

/// How many questions met a target, of those whose outcome is known (answered, or already
/// past the target); a question still inside its target counts in neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub met: i64,
    pub of: i64,
}

impl Share {
    /// The share in percent, `None` when nothing is known yet.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| self.met as f64 * 100.0 / self.of as f64)
    }
}

/// One week of one forum.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    /// Its Monday.
    pub start: NaiveDate,
    pub asked: i64,
    /// Asked that week and still without a first response.
    pub unanswered: i64,
    pub first_response: Spread,
    pub solution: Spread,
    /// `None` when the forum has no first-response target.
    pub answered_within_target: Option<Share>,
    /// `None` when the forum has no solution target.
    pub solved_within_target: Option<Share>,
}

/// The Monday `weeks - 1` weeks before the one `now` falls in, in `zone`.
pub fn first_week(now: DateTime<Utc>, zone: Tz, weeks: u32) -> NaiveDate {
    let today = now.with_timezone(&zone).date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    monday - Days::new(7 * u64::from(weeks.saturating_sub(1)))
}

/// The moment `day` begins in `zone` (the first moment that exists, on a day that begins
/// with a clock change).
pub fn start_of(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..3)
        .find_map(|h| {
            zone.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The value below which `p` (0–1) of `sorted` lie, interpolating between neighbours (as
/// PostgreSQL's `percentile_cont` and spreadsheets' `PERCENTILE` do).
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let last = sorted.len().checked_sub(1)?;
    let at = p * last as f64;
    let (below, above) = (at.floor() as usize, at.ceil() as usize);
    let (low, high) = (sorted[below], sorted[above]);
    let between = (high - low).num_milliseconds() as f64 * (at - below as f64);
    Some(low + Duration::milliseconds(between.round() as i64))
}

fn spread(mut waits: Vec<Duration>) -> Spread {
    waits.sort();
    Spread {
        median: percentile(&waits, 0.5),
        p90: percentile(&waits, 0.9),
    }
}

/// The figures of `weeks` weeks up to the one of `now`, oldest first, from the questions
/// of one forum (asked in any order; those asked outside the weeks are left out).
pub fn weekly(
    questions: &[Asked],
    targets: &Targets,
    zone: Tz,
    weeks: u32,
    now: DateTime<Utc>,
) -> Vec<Week> {
    let first = first_week(now, zone, weeks);
    let mut groups: Vec<Vec<Asked>> = vec![Vec::new(); weeks as usize];
    for q in questions {
        let day = q.created_at.with_timezone(&zone).date_naive();
        let Ok(index) = usize::try_from((day - first).num_days().div_euclid(7)) else {
            continue;
        };
        if let Some(group) = groups.get_mut(index) {
            group.push(*q);
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, group)| week(first + Days::new(7 * i as u64), &group, targets, now))
        .collect()
}

fn week(start: NaiveDate, group: &[Asked], targets: &Targets, now: DateTime<Utc>) -> Week {
    let waits = |done: fn(&Asked) -> Option<DateTime<Utc>>| {
        group
            .iter()
            .filter_map(|q| Some(targets.elapsed(q.created_at, done(q)?)))
            .collect::<Vec<_>>()
    };
    let mut answered = Share::default();
    let mut solved = Share::default();
    for q in group {
        let late = targets.lateness(q.created_at, q.first_response_at, q.solved_at, now);
        if q.first_response_at.is_some() || late.first_response {
            answered.of += 1;
            answered.met += i64::from(!late.first_response);
        }
        if q.solved_at.is_some() || late.solution {
            solved.of += 1;
            solved.met += i64::from(!late.solution);
        }
    }
    Week {
        start,
        asked: group.len() as i64,
        unanswered: group
            .iter()
            .filter(|q| q.first_response_at.is_none())
            .count() as i64,
        first_response: spread(waits(|q| q.first_response_at)),
        solution: spread(waits(|q| q.solved_at)),
        answered_within_target: targets.first_response_hours.map(|_| answered),
        solved_within_target: targets.solution_hours.map(|_| solved),
    }
}

/// One Questions forum's weeks.
#[derive(Debug, Clone)]
pub struct ForumFigures {
    pub title: String,
    pub targets: Targets,
    pub weeks: Vec<Week>,
}

/// The weeks of every forum in `forums` (in their order) from the questions of `rows`.
pub fn by_forum(
    forums: &[ForumTargets],
    rows: &[AskedRow],
    zone: Tz,
    weeks: u32,
    now: DateTime<Utc>,
) -> Vec<ForumFigures> {
    forums
        .iter()
        .map(|forum| {
            let asked: Vec<Asked> = rows
                .iter()
                .filter(|r| r.forum_id == forum.id)
                .map(|r| Asked {
                    created_at: r.created_at,
                    first_response_at: r.first_response_at,
                    solved_at: r.solved_at,
                })
                .collect();
            let targets = forum.targets.targets();
            ForumFigures {
                title: forum.title.clone(),
                weeks: weekly(&asked, &targets, zone, weeks, now),
                targets,
            }
        })
        .collect()
}

/// Hours with two decimals, for the CSV download.
pub fn hours(d: Duration) -> String {
    format!("{:.2}", d.num_seconds() as f64 / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::targets::BusinessHours;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn asked(created: &str, first: Option<&str>, solved: Option<&str>) -> Asked {
        Asked {
            created_at: at(created),
            first_response_at: first.map(at),
            solved_at: solved.map(at),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_in_the_viewers_zone() {
        // Thursday 3 December 2026, 23:30 UTC is already Friday in Berlin.
        let now = at("2026-12-03T23:30:00Z");
        assert_eq!(first_week(now, Tz::UTC, 1), day("2026-11-30"));
        assert_eq!(first_week(now, Tz::UTC, 3), day("2026-11-16"));
        // Monday 7 December 00:30 in Berlin is still Sunday in UTC.
        let monday = at("2026-12-06T23:30:00Z");
        assert_eq!(first_week(monday, Tz::Europe__Berlin, 1), day("2026-12-07"));
        assert_eq!(first_week(monday, Tz::UTC, 1), day("2026-11-30"));
        assert_eq!(
            start_of(day("2026-12-07"), Tz::Europe__Berlin),
            at("2026-12-06T23:00:00Z")
        );
    }

    #[test]
    fn percentiles_interpolate_between_neighbours() {
        let h = Duration::hours;
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[h(3)], 0.9), Some(h(3)));
        assert_eq!(percentile(&[h(1), h(3)], 0.5), Some(h(2)));
        let ten: Vec<_> = (1..=10).map(h).collect();
        assert_eq!(percentile(&ten, 0.5), Some(Duration::minutes(330)));
        assert_eq!(percentile(&ten, 0.9), Some(Duration::minutes(546)));
    }

    #[test]
    fn each_week_counts_its_own_questions_against_the_targets() {
        let targets = Targets {
            first_response_hours: Some(8),
            solution_hours: Some(48),
            business: None,
        };
        let now = at("2026-12-09T12:00:00Z"); // Wednesday
        let questions = [
            // Two weeks back: answered in 2 h and solved in 24 h; answered in 10 h (late),
            // never solved (late by now).
            asked(
                "2026-11-23T09:00:00Z",
                Some("2026-11-23T11:00:00Z"),
                Some("2026-11-24T09:00:00Z"),
            ),
            asked("2026-11-24T09:00:00Z", Some("2026-11-24T19:00:00Z"), None),
            // Last week: nothing.
            // This week: unanswered for 3 h (inside the target, so not counted yet) and
            // unanswered for 30 h (late).
            asked("2026-12-09T09:00:00Z", None, None),
            asked("2026-12-08T06:00:00Z", None, None),
            // Before the weeks shown.
            asked("2026-11-01T09:00:00Z", None, None),
        ];
        let weeks = weekly(&questions, &targets, Tz::UTC, 3, now);
        assert_eq!(
            weeks.iter().map(|w| w.start).collect::<Vec<_>>(),
            [day("2026-11-23"), day("2026-11-30"), day("2026-12-07")]
        );
        let [old, empty, this] = &weeks[..] else {
            panic!("{weeks:?}")
        };
        assert_eq!((old.asked, old.unanswered), (2, 0));
        assert_eq!(old.first_response.median, Some(Duration::hours(6)));
        assert_eq!(old.first_response.p90, Some(Duration::minutes(552)));
        assert_eq!(old.solution.median, Some(Duration::hours(24)));
        assert_eq!(old.answered_within_target, Some(Share { met: 1, of: 2 }));
        assert_eq!(old.solved_within_target, Some(Share { met: 1, of: 2 }));
        assert_eq!(empty.asked, 0);
        assert_eq!(empty.first_response, Spread::default());
        assert_eq!(empty.answered_within_target.unwrap().percent(), None);
        assert_eq!((this.asked, this.unanswered), (2, 2));
        assert_eq!(this.answered_within_target, Some(Share { met: 0, of: 1 }));
        assert_eq!(this.solved_within_target, Some(Share { met: 0, of: 0 }));
    }

    #[test]
    fn business_hours_forums_count_waits_in_working_time_and_no_targets_means_no_share() {
        let office = Targets {
            first_response_hours: Some(4),
            solution_hours: None,
            business: BusinessHours::new("UTC", 9, 17),
        };
        // Asked Friday 16:00, answered Monday 11:00: three working hours.
        let q = asked("2026-12-04T16:00:00Z", Some("2026-12-07T11:00:00Z"), None);
        let now = at("2026-12-08T12:00:00Z");
        let [friday, monday] = &weekly(&[q], &office, Tz::UTC, 2, now)[..] else {
            panic!()
        };
        assert_eq!(friday.first_response.median, Some(Duration::hours(3)));
        assert_eq!(friday.answered_within_target, Some(Share { met: 1, of: 1 }));
        assert_eq!(friday.solved_within_target, None);
        assert_eq!(monday.asked, 0);
        assert_eq!(hours(Duration::minutes(90)), "1.50");
    }
}
