//! Rate limits kept in PostgreSQL, so they hold across restarts and nodes. A use is
//! checked and counted in one statement ([`take`]), so parallel requests cannot all pass
//! a limit. Moderators and administrators are exempt from the limits on what members do;
//! `PARLEY_RATE_LIMITS=off` turns those off. The throttles that guard passwords are
//! always on, for everyone.

use std::time::Duration as StdDuration;

use diesel_async::AsyncPgConnection;

use crate::accounts::types::{Role, SessionUser};
use crate::config::Settings;
use crate::ids::UserId;
use crate::shell::store;
use crate::web::error::{AppError, AppResult};

/// A limited action, with whose use it counts.
#[derive(Debug, Clone, Copy)]
pub enum Limit<'a> {
    /// One post per window (30 s for new members, 5 s for the others).
    Post {
        user: UserId,
        /// The member has fewer posts than `PARLEY_NEW_MEMBER_POSTS`.
        new_member: bool,
    },
    /// Ten edits per member per minute.
    Edit(UserId),
    /// Twenty previews per member per minute: rendering costs the server more than
    /// reading.
    Preview(UserId),
    /// Five registrations per address per hour.
    Register {
        /// The client's address.
        ip: &'a str,
    },
    /// Ten reports per member per hour.
    Report(UserId),
    /// Ten password-reset requests per address per hour.
    ResetFromAddress(&'a str),
    /// Three password-reset mails per account per hour.
    ResetOfAccount(UserId),
    /// Five failed log-ins per account from one address in 15 minutes.
    LogIn {
        /// The account (`user:ID`), or the unknown name tried (`name:…`).
        account: &'a str,
        /// The client's address.
        ip: &'a str,
    },
    /// Thirty failed log-ins per account from anywhere in an hour; past that, the owner
    /// logs in with a link sent by mail.
    LogInAnywhere(&'a str),
    /// Thirty failed log-ins from one address in 15 minutes, whatever the accounts.
    LogInFrom(&'a str),
    /// Five wrong current passwords per member in 15 minutes (settings).
    CurrentPassword(UserId),
    /// Five wrong second-step codes per member in 15 minutes, wherever they come from.
    SecondStep(UserId),
    /// Three "Download my data" mails per member a day.
    DataExport(UserId),
    /// Twenty invitation links per member a day.
    Invite(UserId),
    /// One mail per account and hour telling the owner that someone registered with
    /// their address, so a stranger cannot fill their inbox.
    AddressInUse(UserId),
    /// Six hundred API requests per token per minute.
    ApiToken(i64),
    /// A hundred and twenty API requests without a token per address per minute.
    ApiFrom(&'a str),
}

impl Limit<'_> {
    /// (uses allowed, window in seconds).
    fn rule(self) -> (i64, f64) {
        const MINUTE: f64 = 60.0;
        const HOUR: f64 = 3600.0;
        match self {
            Limit::Post {
                new_member: true, ..
            } => (1, 30.0),
            Limit::Post {
                new_member: false, ..
            } => (1, 5.0),
            Limit::Preview(_) => (20, MINUTE),
            Limit::Edit(_) => (10, MINUTE),
            Limit::Register { .. } => (5, HOUR),
            Limit::Report(_) => (10, HOUR),
            Limit::ResetFromAddress(_) => (10, HOUR),
            Limit::ResetOfAccount(_) => (3, HOUR),
            Limit::LogIn { .. } => (5, 15.0 * MINUTE),
            Limit::LogInAnywhere(_) => (30, HOUR),
            Limit::LogInFrom(_) => (30, 15.0 * MINUTE),
            Limit::CurrentPassword(_) | Limit::SecondStep(_) => (5, 15.0 * MINUTE),
            Limit::AddressInUse(_) => (1, HOUR),
            Limit::DataExport(_) => (3, 24.0 * HOUR),
            Limit::Invite(_) => (20, 24.0 * HOUR),
            Limit::ApiToken(_) => (600, MINUTE),
            Limit::ApiFrom(_) => (120, MINUTE),
        }
    }

    /// The row this limit counts in.
    pub fn key(self) -> String {
        match self {
            Limit::Post { user, .. } => format!("post:{user}"),
            Limit::Preview(user) => format!("preview:{user}"),
            Limit::Edit(user) => format!("edit:{user}"),
            Limit::Register { ip } => format!("register:{ip}"),
            Limit::Report(user) => format!("report:{user}"),
            Limit::ResetFromAddress(ip) => format!("reset-ip:{ip}"),
            Limit::ResetOfAccount(user) => format!("reset:{user}"),
            Limit::LogIn { account, ip } => format!("login:{account}@{ip}"),
            Limit::LogInAnywhere(account) => format!("login:{account}"),
            Limit::LogInFrom(ip) => format!("login-ip:{ip}"),
            Limit::CurrentPassword(user) => format!("password:{user}"),
            Limit::SecondStep(user) => format!("second-step:{user}"),
            Limit::DataExport(user) => format!("data-export:{user}"),
            Limit::Invite(user) => format!("invite:{user}"),
            Limit::AddressInUse(user) => format!("address-in-use:{user}"),
            Limit::ApiToken(token) => format!("api:{token}"),
            Limit::ApiFrom(ip) => format!("api-ip:{ip}"),
        }
    }

    /// What the refusal says is too many.
    fn what(self) -> &'static str {
        match self {
            Limit::Post { .. } => "posts",
            Limit::Preview(_) => "previews",
            Limit::Edit(_) => "edits",
            Limit::Register { .. } => "registrations",
            Limit::Report(_) => "reports",
            Limit::ResetFromAddress(_) | Limit::ResetOfAccount(_) => "password-reset requests",
            Limit::LogIn { .. } | Limit::LogInAnywhere(_) | Limit::LogInFrom(_) => {
                "failed log-in attempts"
            }
            Limit::CurrentPassword(_) => "wrong passwords",
            Limit::SecondStep(_) => "wrong codes",
            Limit::DataExport(_) => "download links",
            Limit::Invite(_) => "invitations",
            Limit::AddressInUse(_) => "registrations with this address",
            Limit::ApiToken(_) | Limit::ApiFrom(_) => "API requests",
        }
    }

    /// Throttles that guard passwords and inboxes hold for everyone, whatever the settings.
    fn always_on(self) -> bool {
        matches!(
            self,
            Limit::LogIn { .. }
                | Limit::LogInAnywhere(_)
                | Limit::LogInFrom(_)
                | Limit::CurrentPassword(_)
                | Limit::SecondStep(_)
                | Limit::DataExport(_)
                | Limit::AddressInUse(_)
        )
    }

    fn applies(self, settings: &Settings, actor: Option<&SessionUser>) -> bool {
        self.always_on()
            || (settings.rate_limits_on() && actor.is_none_or(|u| u.role < Role::Moderator))
    }
}

/// Counts one use of `limit`, or refuses with 429 (and when to try again) when it is used
/// up. Checking and counting are one statement.
pub async fn take(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    actor: Option<&SessionUser>,
    limit: Limit<'_>,
) -> AppResult<()> {
    if !limit.applies(settings, actor) {
        return Ok(());
    }
    let (max, window) = limit.rule();
    let key = limit.key();
    if store::take_rate(conn, &key, max, window).await? {
        return Ok(());
    }
    let wait = store::rate_wait(conn, &key, max, window)
        .await?
        .ceil()
        .max(1.0) as u64;
    Err(refusal(limit, wait))
}

/// Counts one use of `limit` and says whether it was allowed, for limits that are kept
/// quietly (a mail not sent) rather than refused.
pub async fn allowed(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    limit: Limit<'_>,
) -> AppResult<bool> {
    match take(conn, settings, None, limit).await {
        Ok(()) => Ok(true),
        Err(AppError::TooManyRequests { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Forgets the uses of `limit` (a log-in that succeeded forgets its failures).
pub async fn clear(conn: &mut AsyncPgConnection, limit: Limit<'_>) -> AppResult<()> {
    Ok(store::clear_rate(conn, &limit.key()).await?)
}

/// Gives back the use just taken, for an action that did not happen after all (a write the
/// database refused).
pub async fn refund(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    actor: Option<&SessionUser>,
    limit: Limit<'_>,
) -> AppResult<()> {
    if limit.applies(settings, actor) {
        store::refund_rate(conn, &limit.key()).await?;
    }
    Ok(())
}

fn refusal(limit: Limit<'_>, wait: u64) -> AppError {
    let when = if wait < 120 {
        format!("{wait} second{}", if wait == 1 { "" } else { "s" })
    } else {
        let minutes = wait.div_ceil(60);
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    };
    let what = limit.what();
    let message = if limit.always_on() {
        format!("Too many {what}. Try again in {when}.")
    } else {
        format!("Too many {what} in a short time. Please try again in {when}.")
    };
    AppError::TooManyRequests {
        retry_after: StdDuration::from_secs(wait),
        message,
    }
}
