//! Plain types of the accounts feature.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::sql_types::Text;

use crate::ids::UserId;
use crate::kinds::word_enum;

word_enum! {
    /// What a person may do (`users.role`); ordered, so `role >= Role::Moderator` reads
    /// naturally.
    pub enum Role {
        /// A registered member.
        Member = "member",
        /// Keeps discussions civil.
        Moderator = "moderator",
        /// Runs the site.
        Admin = "admin",
    }
}

impl Role {
    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Moderator => "Moderator",
            Role::Admin => "Administrator",
        }
    }
}

word_enum! {
    /// How a member hears of what they follow (`users.notify_mode`, `subscriptions.mode`).
    pub enum NotifyMode {
        /// A mail for each new post.
        Immediate = "immediate",
        /// One mail a day gathering them.
        Daily = "daily",
        Off = "off",
    }
}

impl NotifyMode {
    /// The words a member chooses by.
    pub fn label(self) -> &'static str {
        match self {
            NotifyMode::Immediate => "Immediately",
            NotifyMode::Daily => "Daily digest",
            NotifyMode::Off => "Off",
        }
    }

    /// The mode of a subscription a member asks for: asking to watch means mail even when
    /// their default is off.
    pub fn for_watching(self) -> NotifyMode {
        match self {
            NotifyMode::Off => NotifyMode::Immediate,
            mode => mode,
        }
    }
}

/// The logged-in person behind a request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: UserId,
    /// Their name as they registered it.
    pub username: String,
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
    /// Delivery mode for new subscriptions.
    pub notify_mode: NotifyMode,
    /// Their number of posts (new members have a stricter posting limit).
    pub post_count: i32,
    /// Suspended until then (may read, may not post or report).
    pub suspended_until: Option<DateTime<Utc>>,
    /// Why they are suspended.
    pub suspension_reason: Option<String>,
    /// Staff: a moderator, an administrator or a member of a staff group. Staff see staff
    /// notes and work the support desk.
    pub staff: bool,
    /// Notices they have not read yet.
    pub unread_notices: i64,
    /// They log in with a second factor.
    pub two_factor: bool,
}

impl SessionUser {
    /// The member `id` as loaded for a request, `token_hash` naming the session (or API
    /// token) they came with.
    pub fn of(
        id: UserId,
        row: crate::accounts::store::MemberRow,
        persistent: bool,
        token_hash: Vec<u8>,
    ) -> SessionUser {
        SessionUser {
            id,
            username: row.username,
            role: row.role,
            time_zone: row.time_zone.parse().unwrap_or(Tz::UTC),
            persistent,
            token_hash,
            email_confirmed: row.email_confirmed_at.is_some(),
            notify_default: row.notify_default,
            notify_mode: row.notify_mode,
            post_count: row.post_count,
            suspended_until: row.suspended_until,
            suspension_reason: row.suspension_reason,
            staff: row.in_staff_group || row.role >= Role::Moderator,
            unread_notices: row.unread_notices,
            two_factor: row.two_factor,
        }
    }

    /// The end of a suspension in force now.
    pub fn suspended(&self) -> Option<DateTime<Utc>> {
        self.suspended_until.filter(|until| *until > Utc::now())
    }

    /// Whether they may write at all (post, preview, upload): a confirmed address, no
    /// suspension. The refusal is the message shown above the kept text.
    pub fn may_write(&self) -> Result<(), String> {
        if let Some(until) = self.suspended() {
            return Err(format!(
                "Your account is suspended until {}, so you cannot post. Your text is kept below.",
                until
                    .with_timezone(&self.time_zone)
                    .format("%-d %b %Y, %H:%M %Z")
            ));
        }
        if !self.email_confirmed {
            return Err("Please confirm your e-mail address before posting: open the link we sent you (or ask for a new one at the top of the page).".into());
        }
        Ok(())
    }
}

/// A member as the public profile shows them (never the e-mail).
#[derive(Debug, Clone, diesel::Queryable)]
pub struct Profile {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// Their number of posts.
    pub post_count: i32,
    /// When they registered.
    pub created_at: DateTime<Utc>,
    /// When they were last active.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The hash naming their avatar, if they uploaded one.
    pub avatar: Option<String>,
}

/// What the thread page shows beside each of a member's posts.
#[derive(Debug, Clone, PartialEq, diesel::QueryableByName)]
pub struct MemberCard {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: UserId,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub role: Role,
    /// When they registered.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub joined: DateTime<Utc>,
    /// Their number of posts.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub posts: i32,
    /// The hash naming their avatar, if they uploaded one.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub avatar: Option<String>,
}

/// What the owner sees of their own account on the settings page.
#[derive(Debug, Clone)]
pub struct OwnAccount {
    pub id: UserId,
    pub username: String,
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
    pub id: UserId,
    /// The stored argon2 hash.
    pub password_hash: String,
    /// Set when banned: such accounts cannot log in.
    pub banned_at: Option<DateTime<Utc>>,
}

word_enum! {
    /// What a single-use link sent by mail is for (`email_tokens.purpose`).
    pub enum TokenPurpose {
        /// Confirms an address: a new member's, or a changed one.
        Confirm = "confirm",
        /// Sets a new password.
        Reset = "reset",
        /// Logs in without a password.
        LogIn = "login",
        /// Downloads the member's data ("Download my data").
        Export = "export",
    }
}

/// A staff member as the desk names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: UserId,
    pub username: String,
}

/// A staff group with its members.
#[derive(Debug, Clone)]
pub struct StaffGroup {
    pub id: crate::ids::GroupId,
    pub name: String,
    pub members: Vec<StaffMember>,
}
