//! The clocks of a Questions forum's targets: how long a question has waited, counted
//! round the clock or only in business hours (Monday to Friday, from `start` to `end`
//! o'clock in a time zone), and whether it is past its first-response or solution target.
//! Everything takes "now" as an argument, so that tests can set the clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// When a forum's clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessHours {
    pub zone: Tz,
    /// First hour of the working day (0–23).
    pub start: u32,
    /// Hour the working day ends (1–24), after `start`.
    pub end: u32,
}

/// A Questions forum's targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    /// Hours to the first reply from someone other than the asker.
    pub first_response_hours: Option<i32>,
    /// Hours to an accepted answer.
    pub solution_hours: Option<i32>,
    /// Counted only in these hours; round the clock when `None`.
    pub business: Option<BusinessHours>,
}

/// Which targets a question has missed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lateness {
    /// Its first response came (or is still owed) after the target.
    pub first_response: bool,
    /// Its answer came (or is still owed) after the target.
    pub solution: bool,
}

impl Lateness {
    /// Past either target.
    pub fn any(self) -> bool {
        self.first_response || self.solution
    }
}

impl BusinessHours {
    /// From a forum's columns; `None` for an unknown zone or a day that makes no sense.
    pub fn new(zone: &str, start: i16, end: i16) -> Option<BusinessHours> {
        let (start, end) = (u32::try_from(start).ok()?, u32::try_from(end).ok()?);
        (start < end && end <= 24).then_some(())?;
        Some(BusinessHours {
            zone: zone.parse().ok()?,
            start,
            end,
        })
    }

    /// The working hours of `day` in UTC, or `None` on a weekend.
    fn window(self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return None;
        }
        let at = |hour: u32| {
            let local = match hour {
                24 => day.succ_opt()?.and_time(NaiveTime::MIN),
                h => day.and_hms_opt(h, 0, 0)?,
            };
            // A clock change inside the hour takes its earlier reading; an hour that does
            // not exist that day starts an hour later.
            self.zone
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| {
                    self.zone
                        .from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc))
        };
        Some((at(self.start)?, at(self.end)?))
    }

    /// Working time between `from` and `to`.
    pub fn between(self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let mut day = from.with_timezone(&self.zone).date_naive();
        let last = to.with_timezone(&self.zone).date_naive();
        let mut total = Duration::zero();
        while day <= last {
            if let Some((open, close)) = self.window(day) {
                let (a, b) = (open.max(from), close.min(to));
                if b > a {
                    total += b - a;
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        total
    }
}

impl Targets {
    /// Whether any target is set.
    pub fn any(&self) -> bool {
        self.first_response_hours.is_some() || self.solution_hours.is_some()
    }

    /// The time that counts between `from` and `to`.
    pub fn elapsed(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        match self.business {
            Some(hours) => hours.between(from, to),
            None => (to - from).max(Duration::zero()),
        }
    }

    /// Which targets a question asked at `asked` has missed by `now`, given when it was
    /// first answered and solved (if it was).
    pub fn lateness(
        &self,
        asked: DateTime<Utc>,
        first_response: Option<DateTime<Utc>>,
        solved: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Lateness {
        let late = |hours: Option<i32>, done: Option<DateTime<Utc>>| {
            hours.is_some_and(|h| {
                self.elapsed(asked, done.unwrap_or(now)) > Duration::hours(i64::from(h))
            })
        };
        Lateness {
            first_response: late(self.first_response_hours, first_response),
            solution: late(self.solution_hours, solved),
        }
    }
}

impl Targets {
    /// Which targets a question still open at `now` has run past and is still owed: the
    /// first response only while there is none. What the desk highlights and the daily
    /// mail lists.
    pub fn overdue(
        &self,
        asked: DateTime<Utc>,
        first_response: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Lateness {
        let late = self.lateness(asked, None, None, now);
        Lateness {
            first_response: late.first_response && first_response.is_none(),
            solution: late.solution,
        }
    }
}

/// A span as staff read it: "3 d 4 h", "5 h 10 min", "12 min".
pub fn span(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, h) => format!("{h} h {mins} min"),
        (d, h) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn office() -> BusinessHours {
        BusinessHours::new("Europe/Berlin", 9, 17).unwrap()
    }

    #[test]
    fn business_hours_count_only_the_working_day() {
        // Friday 16:00 to Monday 10:00 in Berlin (winter, UTC+1): an hour on Friday and
        // an hour on Monday.
        let hours = office().between(at("2026-12-04T15:00:00Z"), at("2026-12-07T09:00:00Z"));
        assert_eq!(hours, Duration::hours(2));
        // An evening, a night and a morning until 09:30: nothing after 17, nothing before 9.
        let hours = office().between(at("2026-12-08T18:00:00Z"), at("2026-12-09T08:30:00Z"));
        assert_eq!(hours, Duration::minutes(30));
        // A whole week is five days of eight hours.
        let hours = office().between(at("2026-12-07T00:00:00Z"), at("2026-12-14T00:00:00Z"));
        assert_eq!(hours, Duration::hours(40));
        assert_eq!(
            office().between(at("2026-12-09T12:00:00Z"), at("2026-12-09T11:00:00Z")),
            Duration::zero()
        );
    }

    #[test]
    fn a_clock_change_leaves_the_working_day_eight_hours_long() {
        // Monday 30 March 2026, the first working day of summer time in Berlin (UTC+2).
        let hours = office().between(at("2026-03-30T00:00:00Z"), at("2026-03-31T00:00:00Z"));
        assert_eq!(hours, Duration::hours(8));
        assert_eq!(
            office().between(at("2026-03-30T06:00:00Z"), at("2026-03-30T07:00:00Z")),
            Duration::hours(0),
            "07:00 UTC is 09:00 in Berlin: the day starts then"
        );
    }

    #[test]
    fn lateness_follows_each_target_and_stops_when_it_is_met() {
        let targets = Targets {
            first_response_hours: Some(8),
            solution_hours: Some(48),
            business: None,
        };
        let asked = at("2026-12-01T08:00:00Z");
        let now = at("2026-12-01T17:00:00Z");
        assert_eq!(
            targets.lateness(asked, None, None, now),
            Lateness {
                first_response: true,
                solution: false
            }
        );
        let answered = at("2026-12-01T15:00:00Z");
        assert!(!targets.lateness(asked, Some(answered), None, now).any());
        let later = at("2026-12-04T08:00:00Z");
        assert!(
            targets
                .lateness(asked, Some(answered), None, later)
                .solution
        );
        assert!(
            !targets
                .lateness(asked, Some(answered), Some(answered), later)
                .solution
        );
        // The same nine hours count as eight in business hours, within target.
        let office = Targets {
            business: Some(BusinessHours::new("UTC", 8, 16).unwrap()),
            ..targets
        };
        assert!(!office.lateness(asked, None, None, now).first_response);
        assert!(!Targets::default().lateness(asked, None, None, later).any());
        // Answered late: no longer owed, though it was late.
        let answered_late = at("2026-12-01T17:00:00Z");
        assert!(
            targets
                .lateness(asked, Some(answered_late), None, now)
                .first_response
        );
        assert!(!targets.overdue(asked, Some(answered_late), now).any());
        assert!(targets.overdue(asked, None, now).first_response);
    }

    #[test]
    fn unknown_zones_and_backwards_days_are_refused() {
        assert!(BusinessHours::new("Mars/Olympus", 9, 17).is_none());
        assert!(BusinessHours::new("UTC", 17, 9).is_none());
        assert!(BusinessHours::new("UTC", 0, 25).is_none());
        assert_eq!(span(Duration::minutes(12)), "12 min");
        assert_eq!(span(Duration::minutes(310)), "5 h 10 min");
        assert_eq!(span(Duration::hours(76)), "3 d 4 h");
    }
}
