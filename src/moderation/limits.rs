//! Rate limits kept in PostgreSQL, so they hold across restarts and nodes. Moderators and
//! administrators are exempt; `PARLEY_RATE_LIMITS=off` turns them all off.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;

use crate::accounts::types::{Role, SessionUser};
use crate::config::Settings;
use crate::moderation::store;
use crate::web::error::{AppError, AppResult};

/// A limited action.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// One post per window (30 s for new members, 5 s for the others).
    Post {
        /// The member has fewer posts than `PARLEY_NEW_MEMBER_POSTS`.
        new_member: bool,
    },
    /// Five registrations per address per hour.
    Register,
    /// Ten reports per member per hour.
    Report,
}

impl Limit {
    /// (events allowed, window).
    fn rule(self) -> (i64, Duration) {
        match self {
            Limit::Post { new_member: true } => (1, Duration::seconds(30)),
            Limit::Post { new_member: false } => (1, Duration::seconds(5)),
            Limit::Register => (5, Duration::hours(1)),
            Limit::Report => (10, Duration::hours(1)),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::Post { .. } => "posts",
            Limit::Register => "registrations",
            Limit::Report => "reports",
        }
    }
}

fn applies(settings: &Settings, actor: Option<&SessionUser>) -> bool {
    settings.rate_limits_on() && actor.is_none_or(|u| u.role < Role::Moderator)
}

/// Refuses with 429 (and when to try again) when `key` has used up `limit`.
pub async fn check(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    actor: Option<&SessionUser>,
    limit: Limit,
    key: &str,
) -> AppResult<()> {
    if !applies(settings, actor) {
        return Ok(());
    }
    let (max, window) = limit.rule();
    let now = Utc::now();
    let (count, oldest) = store::rate_events_since(conn, key, now - window).await?;
    if count < max {
        return Ok(());
    }
    let free_at = oldest.unwrap_or(now) + window;
    let wait = (free_at - now).num_seconds().max(1) as u64;
    let when = if wait < 120 {
        format!("{wait} seconds")
    } else {
        format!("{} minutes", wait.div_ceil(60))
    };
    Err(AppError::TooManyRequests {
        retry_after: StdDuration::from_secs(wait),
        message: format!(
            "Too many {} in a short time. Please try again in {when}.",
            limit.what()
        ),
    })
}

/// Counts one use of `key` (after the action succeeded).
pub async fn record(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    actor: Option<&SessionUser>,
    key: &str,
) -> AppResult<()> {
    if applies(settings, actor) {
        store::record_rate_event(conn, key).await?;
    }
    Ok(())
}
