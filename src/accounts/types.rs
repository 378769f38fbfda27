//! Plain types of the accounts feature.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::ids::UserId;

/// What a person may do; ordered, so `role >= Role::Moderator` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, FromSqlRow, AsExpression)]
#[diesel(sql_type = Text)]
pub enum Role {
    /// A registered member.
    Member,
    /// Keeps discussions civil.
    Moderator,
    /// Runs the site.
    Admin,
}

impl Role {
    /// The value stored in `users.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Moderator => "Moderator",
            Role::Admin => "Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql<Text, Pg> for Role {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
    }
}

impl FromSql<Text, Pg> for Role {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        match <String as FromSql<Text, Pg>>::from_sql(bytes)?.as_str() {
            "member" => Ok(Role::Member),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role {other:?}").into()),
        }
    }
}

/// The logged-in person behind a request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// Their id.
    pub id: UserId,
    /// Their name as they registered it.
    pub username: String,
    /// Their role.
    pub role: Role,
    /// Dates are shown in this zone.
    pub time_zone: Tz,
    /// Whether this session outlives the browser.
    pub persistent: bool,
    /// The SHA-256 of this session's token.
    pub token_hash: Vec<u8>,
    /// The address is confirmed (needed to post).
    pub email_confirmed: bool,
    /// "Notify me of follow-up replies" starts ticked.
    pub notify_default: bool,
    /// Delivery mode for new subscriptions (`immediate`, `daily`, `off`).
    pub notify_mode: String,
    /// Their number of posts (new members have a stricter posting limit).
    pub post_count: i32,
    /// Suspended until then (may read, may not post or report).
    pub suspended_until: Option<DateTime<Utc>>,
    /// Why they are suspended.
    pub suspension_reason: Option<String>,
}

impl SessionUser {
    /// The end of a suspension in force now.
    pub fn suspended(&self) -> Option<DateTime<Utc>> {
        self.suspended_until.filter(|until| *until > Utc::now())
    }
}

/// A member as the public profile shows them (never the e-mail).
#[derive(Debug, Clone)]
pub struct Profile {
    /// Their id.
    pub id: UserId,
    /// Their name.
    pub username: String,
    /// Their role.
    pub role: Role,
    /// Their number of posts.
    pub post_count: i32,
    /// When they registered.
    pub created_at: DateTime<Utc>,
    /// When they were last active.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// What the thread page shows beside each of a member's posts.
#[derive(Debug, Clone, PartialEq, diesel::QueryableByName)]
pub struct MemberCard {
    /// Their id.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: UserId,
    /// Their name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Their role.
    #[diesel(sql_type = Text)]
    pub role: Role,
    /// When they registered.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub joined: DateTime<Utc>,
    /// Their number of posts.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub posts: i32,
}

/// What the owner sees of their own account on the settings page.
#[derive(Debug, Clone)]
pub struct OwnAccount {
    /// Their id.
    pub id: UserId,
    /// Their name.
    pub username: String,
    /// Their address.
    pub email: String,
    /// When the address was confirmed.
    pub email_confirmed_at: Option<DateTime<Utc>>,
    /// The stored argon2 hash.
    pub password_hash: String,
    /// Their time zone name.
    pub time_zone: String,
}

/// What the log-in check needs to know of an account.
#[derive(Debug, Clone)]
pub struct LoginCandidate {
    /// Their id.
    pub id: UserId,
    /// The stored argon2 hash.
    pub password_hash: String,
    /// Set when banned: such accounts cannot log in.
    pub banned_at: Option<DateTime<Utc>>,
}
