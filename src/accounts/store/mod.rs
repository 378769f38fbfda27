//! Every query of the accounts feature.

use crate::db::prepared as db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::NotifyMode;
use crate::accounts::types::{LoginCandidate, MemberCard, OwnAccount, Profile, Role, TokenPurpose};
use crate::db::schema::{avatars, email_tokens, notices, sessions, staff_group_members, users};
use crate::ids::UserId;

mod api_tokens;
mod applicants;
mod avatars_store;
mod devices;
mod groups;
mod notices_store;
mod site_settings;
mod two_factor;
pub use api_tokens::*;
pub use applicants::*;
pub use avatars_store::*;
pub use devices::*;
pub use groups::*;
pub use notices_store::*;
pub use site_settings::*;
pub use two_factor::*;

diesel::define_sql_function! {
    /// SQL `lower(text)`, matching the case-insensitive unique indexes.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A row to insert into `users`.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Name as typed.
    pub username: &'a str,
    /// Address as typed.
    pub email: &'a str,
    /// argon2 PHC string.
    pub password_hash: &'a str,
    pub role: Role,
    /// Set for accounts whose address needs no confirmation (admin-created).
    pub email_confirmed_at: Option<DateTime<Utc>>,
    /// [`crate::accounts::validate::name_skeleton`] of the name.
    pub name_skeleton: &'a str,
}

/// Inserts a user; unique violations come back as diesel errors naming the index.
pub async fn insert_user(conn: &mut AsyncPgConnection, user: &NewUser<'_>) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(users::id)
        .get_result(conn)
        .await
}

/// True when a user name is taken, ignoring case.
pub async fn username_taken(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(lower(users::username).eq(lower(name))),
    ))
    .get_result(conn)
    .await
}

/// The name of the account whose name has `skeleton`, if any.
pub async fn name_with_skeleton(
    conn: &mut AsyncPgConnection,
    skeleton: &str,
) -> QueryResult<Option<String>> {
    users::table
        .filter(users::name_skeleton.eq(skeleton))
        .select(users::username)
        .first(conn)
        .await
        .optional()
}

/// Accounts from before names had skeletons: (id, name), at most `limit` after `after`.
pub async fn names_without_skeleton(
    conn: &mut AsyncPgConnection,
    after: UserId,
    limit: i64,
) -> QueryResult<Vec<(UserId, String)>> {
    users::table
        .filter(users::name_skeleton.is_null())
        .filter(users::id.gt(after))
        .order(users::id)
        .limit(limit)
        .select((users::id, users::username))
        .load(conn)
        .await
}

/// Stores the skeleton of an older account's name, unless an older look-alike holds it
/// (then the account keeps none; both names stay as they are). True when stored.
pub async fn set_name_skeleton(
    conn: &mut AsyncPgConnection,
    id: UserId,
    skeleton: &str,
) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE users SET name_skeleton = $2 WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM users WHERE name_skeleton = $2)",
    )
    .bind::<diesel::sql_types::BigInt, _>(id.0)
    .bind::<diesel::sql_types::Text, _>(skeleton)
    .execute(conn)
    .await
    .map(|n| n > 0)
}

/// True when an e-mail address is registered, ignoring case.
pub async fn email_taken(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(lower(users::email).eq(lower(email))),
    ))
    .get_result(conn)
    .await
}

/// True once any administrator exists.
pub async fn admin_exists(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::role.eq(Role::Admin)),
    ))
    .get_result(conn)
    .await
}

/// Serialises first-admin creation within the current transaction.
pub async fn lock_admin_creation(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    db::sql("SELECT pg_advisory_xact_lock(7265736574)")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Finds an account by user name or e-mail address (ignoring case) for logging in.
pub async fn login_candidate(
    conn: &mut AsyncPgConnection,
    identifier: &str,
) -> QueryResult<Option<LoginCandidate>> {
    let query = users::table
        .filter(users::deleted_at.is_null())
        .select((users::id, users::password_hash, users::banned_at))
        .into_boxed();
    let query = if identifier.contains('@') {
        query.filter(lower(users::email).eq(lower(identifier)))
    } else {
        query.filter(lower(users::username).eq(lower(identifier)))
    };
    query
        .first::<(UserId, String, Option<DateTime<Utc>>)>(conn)
        .await
        .optional()
        .map(|row| {
            row.map(|(id, password_hash, banned_at)| LoginCandidate {
                id,
                password_hash,
                banned_at,
            })
        })
}

/// Replaces a password hash (also used to upgrade hash parameters on log-in).
pub async fn set_password_hash(
    conn: &mut AsyncPgConnection,
    id: UserId,
    hash: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Changes the e-mail address; the new one is unconfirmed.
pub async fn set_email(conn: &mut AsyncPgConnection, id: UserId, email: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::email_confirmed_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// True while an account that is not banned has never confirmed an address: it was just
/// registered.
pub async fn awaits_first_confirmation(
    conn: &mut AsyncPgConnection,
    id: UserId,
) -> QueryResult<bool> {
    users::table
        .find(id)
        .filter(users::email_confirmed_at.is_null())
        .filter(users::banned_at.is_null())
        .count()
        .get_result::<i64>(conn)
        .await
        .map(|n| n > 0)
}

/// Confirms `email` as the member's address (replacing the old one when it changed).
pub async fn confirm_email(
    conn: &mut AsyncPgConnection,
    id: UserId,
    email: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::email_confirmed_at.eq(Some(at)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Notes that a confirmation mail goes out now, unless one went out in the last `seconds`;
/// true when the caller may send.
pub async fn claim_confirmation_slot(
    conn: &mut AsyncPgConnection,
    id: UserId,
    seconds: i64,
) -> QueryResult<bool> {
    let cutoff = Utc::now() - chrono::Duration::seconds(seconds);
    diesel::update(
        users::table.find(id).filter(
            users::confirmation_sent_at
                .is_null()
                .or(users::confirmation_sent_at.lt(cutoff)),
        ),
    )
    .set(users::confirmation_sent_at.eq(Some(Utc::now())))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// An account by its address (ignoring case): id, name and the address as stored.
pub async fn account_by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> QueryResult<Option<(UserId, String, String)>> {
    users::table
        .filter(lower(users::email).eq(lower(email)))
        .filter(users::banned_at.is_null())
        .select((users::id, users::username, users::email))
        .first(conn)
        .await
        .optional()
}

/// The name and address of an account that may get a log-in link: confirmed, not banned.
pub async fn confirmed_address(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Option<(String, String)>> {
    users::table
        .find(user)
        .filter(users::email_confirmed_at.is_not_null())
        .filter(users::banned_at.is_null())
        .select((users::username, users::email))
        .first(conn)
        .await
        .optional()
}

/// Whether the account is banned (or gone).
pub async fn is_banned(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    let found: Option<Option<DateTime<Utc>>> = users::table
        .find(user)
        .select(users::banned_at)
        .first(conn)
        .await
        .optional()?;
    Ok(found.is_none_or(|banned| banned.is_some()))
}

/// Ends every session of a member.
pub async fn delete_all_sessions(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)))
        .execute(conn)
        .await
}

/// Changes the time zone.
pub async fn set_time_zone(conn: &mut AsyncPgConnection, id: UserId, tz: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::time_zone.eq(tz))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A member's public profile by name, ignoring case.
pub async fn profile(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Option<Profile>> {
    users::table
        .left_join(avatars::table)
        .filter(lower(users::username).eq(lower(name)))
        .select(profile_columns())
        .first(conn)
        .await
        .optional()
}

/// The columns of a [`Profile`], from `users` joined with `avatars`.
#[diesel::dsl::auto_type]
fn profile_columns() -> _ {
    (
        users::id,
        users::username,
        users::role,
        users::post_count,
        users::created_at,
        users::last_seen_at,
        avatars::hash.nullable(),
    )
}

/// The cards of the members `ids` (in no particular order).
pub async fn member_cards(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
) -> QueryResult<Vec<MemberCard>> {
    db::sql(
        "SELECT u.id, u.username AS name, u.role, u.created_at AS joined, u.post_count AS posts,
                a.hash AS avatar
           FROM users u LEFT JOIN avatars a ON a.user_id = u.id
          WHERE u.id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
    .load(conn)
    .await
}

/// The member's "About": as written, and as rendered.
pub async fn about_of(conn: &mut AsyncPgConnection, id: UserId) -> QueryResult<(String, String)> {
    users::table
        .find(id)
        .select((users::about_source, users::about_html))
        .first(conn)
        .await
}

/// Saves the member's "About" and tells every node's pages the member changed.
pub async fn set_about(
    conn: &mut AsyncPgConnection,
    id: UserId,
    source: &str,
    html: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::about_source.eq(source), users::about_html.eq(html)))
        .execute(conn)
        .await?;
    let tag = crate::changes::Tag::User(id).to_string();
    crate::changes::store::announce(conn, &[tag]).await
}

/// The owner's own account data.
pub async fn own_account(conn: &mut AsyncPgConnection, id: UserId) -> QueryResult<OwnAccount> {
    users::table
        .find(id)
        .select((
            users::id,
            users::username,
            users::email,
            users::email_confirmed_at,
            users::password_hash,
            users::time_zone,
        ))
        .first::<(
            UserId,
            String,
            String,
            Option<DateTime<Utc>>,
            String,
            String,
        )>(conn)
        .await
        .map(
            |(id, username, email, email_confirmed_at, password_hash, time_zone)| OwnAccount {
                id,
                username,
                email,
                email_confirmed_at,
                password_hash,
                time_zone,
            },
        )
}

/// A row to insert into `sessions`.
#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    /// SHA-256 of the token.
    pub token_hash: &'a [u8],
    pub user_id: UserId,
    /// Survives closing the browser.
    pub persistent: bool,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
    /// Browser identification, for the owner's information.
    pub user_agent: &'a str,
    /// The client's address, for the owner's information.
    pub ip: &'a str,
}

/// Stores a new session.
pub async fn insert_session(conn: &mut AsyncPgConnection, new: &NewSession<'_>) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(new)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A live session and its member, as loaded on each request.
#[derive(Queryable)]
pub struct SessionRow {
    pub user_id: UserId,
    /// Survives closing the browser.
    pub persistent: bool,
    /// Last activity of this session.
    pub last_seen_at: DateTime<Utc>,
    pub member: MemberRow,
}

/// What a request needs to know of the member behind it (a session or an API token).
#[derive(Queryable)]
pub struct MemberRow {
    /// Their name.
    pub username: String,
    pub role: Role,
    /// Their time zone's name.
    pub time_zone: String,
    /// When they confirmed their address.
    pub email_confirmed_at: Option<DateTime<Utc>>,
    /// Their "notify me" default.
    pub notify_default: bool,
    /// Their notification mode.
    pub notify_mode: NotifyMode,
    /// Their posts.
    pub post_count: i32,
    /// Suspended until.
    pub suspended_until: Option<DateTime<Utc>>,
    pub suspension_reason: Option<String>,
    /// They are in a staff group.
    pub in_staff_group: bool,
    /// Their notices not yet read.
    pub unread_notices: i64,
    /// They log in with a second factor.
    pub two_factor: bool,
}

/// The columns of a [`MemberRow`] for the member whose id is `$id` (a column of a table
/// joined with `users`).
macro_rules! member_columns {
    ($id:expr) => {
        (
            users::username,
            users::role,
            users::time_zone,
            users::email_confirmed_at,
            users::notify_default,
            users::notify_mode,
            users::post_count,
            users::suspended_until,
            users::suspension_reason,
            diesel::dsl::exists(
                staff_group_members::table.filter(staff_group_members::user_id.eq($id)),
            ),
            notices::table
                .filter(notices::user_id.eq($id))
                .filter(notices::read_at.is_null())
                .count()
                .single_value()
                .assume_not_null(),
            users::totp_enabled_at.is_not_null(),
        )
    };
}
pub(crate) use member_columns;

/// The unexpired session with this hash, unless its member is banned.
pub async fn live_session(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::banned_at.is_null())
        .select((
            sessions::user_id,
            sessions::persistent,
            sessions::last_seen_at,
            member_columns!(sessions::user_id),
        ))
        .first(conn)
        .await
        .optional()
}

/// Records activity on a session and its member, and extends the session.
pub async fn touch_session(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    user_id: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user_agent: &str,
    ip: &str,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set((
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::user_agent.eq(user_agent),
            sessions::ip.eq(ip),
        ))
        .execute(conn)
        .await?;
    diesel::update(users::table.find(user_id))
        .set(users::last_seen_at.eq(now))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Changes whether a session outlives the browser.
pub async fn set_session_persistence(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    persistent: bool,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set((
            sessions::persistent.eq(persistent),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends one session.
pub async fn delete_session(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> QueryResult<()> {
    diesel::delete(sessions::table.find(token_hash))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends every session of a member but the one given.
pub async fn delete_other_sessions(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    keep: &[u8],
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(keep)),
    )
    .execute(conn)
    .await
}

/// Deletes expired sessions, pending second steps and trusted devices.
pub async fn purge_expired(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    let sessions = diesel::delete(sessions::table.filter(sessions::expires_at.le(now)))
        .execute(conn)
        .await?;
    Ok(sessions + purge_expired_second_steps(conn, now).await?)
}

/// How the member list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOrder {
    Name,
    Role,
    Joined,
    /// By number of posts.
    Posts,
    /// By last activity.
    Seen,
}

/// One page of the member list (never e-mail addresses) and the number of matches.
pub async fn member_list(
    conn: &mut AsyncPgConnection,
    name: &str,
    order: MemberOrder,
    descending: bool,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Profile>, i64)> {
    let pattern = crate::text::contains_pattern(name);
    let query = users::table
        .left_join(avatars::table)
        .filter(users::username.ilike(&pattern))
        .filter(users::banned_at.is_null())
        .filter(users::deleted_at.is_null())
        .into_boxed();
    let query = match (order, descending) {
        (MemberOrder::Name, false) => query.order(lower(users::username).asc()),
        (MemberOrder::Name, true) => query.order(lower(users::username).desc()),
        (MemberOrder::Role, false) => {
            query.order((users::role.asc(), lower(users::username).asc()))
        }
        (MemberOrder::Role, true) => {
            query.order((users::role.desc(), lower(users::username).asc()))
        }
        (MemberOrder::Joined, false) => query.order(users::created_at.asc()),
        (MemberOrder::Joined, true) => query.order(users::created_at.desc()),
        (MemberOrder::Posts, false) => query.order((users::post_count.asc(), users::id.asc())),
        (MemberOrder::Posts, true) => query.order((users::post_count.desc(), users::id.asc())),
        (MemberOrder::Seen, false) => query.order(users::last_seen_at.asc().nulls_first()),
        (MemberOrder::Seen, true) => query.order(users::last_seen_at.desc().nulls_last()),
    };
    let members = query
        .select(profile_columns())
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?;
    let total = users::table
        .filter(users::username.ilike(&pattern))
        .filter(users::banned_at.is_null())
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)
        .await?;
    Ok((members, total))
}

// ---- e-mail tokens: confirmation, password reset and log-in links ----

/// Stores a single-use token for `purpose`, valid until `expires_at`.
pub async fn insert_token(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    user: UserId,
    purpose: TokenPurpose,
    email: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::token_hash.eq(hash),
            email_tokens::user_id.eq(user),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::email.eq(email),
            email_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Uses up a valid token: returns its member and address, once.
pub async fn use_token(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    purpose: TokenPurpose,
) -> QueryResult<Option<(UserId, String)>> {
    diesel::update(
        email_tokens::table
            .find(hash)
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(Utc::now())),
    )
    .set(email_tokens::used_at.eq(Some(Utc::now())))
    .returning((email_tokens::user_id, email_tokens::email))
    .get_result(conn)
    .await
    .optional()
}

/// Uses up every unused `purpose` token of `user`: a newer link, or the change it was
/// for, makes the older ones worthless.
pub async fn void_tokens(
    conn: &mut AsyncPgConnection,
    user: UserId,
    purpose: TokenPurpose,
) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(Utc::now())))
    .execute(conn)
    .await
}

/// The member a valid token belongs to (without using it).
pub async fn token_holder(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    purpose: TokenPurpose,
) -> QueryResult<Option<UserId>> {
    email_tokens::table
        .find(hash)
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(Utc::now()))
        .select(email_tokens::user_id)
        .first(conn)
        .await
        .optional()
}

/// True when a token is valid (without using it).
pub async fn token_valid(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    purpose: TokenPurpose,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        email_tokens::table
            .find(hash)
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(Utc::now())),
    ))
    .get_result(conn)
    .await
}

/// Up to `limit` names of members whose name starts with `prefix` (ignoring case), most
/// active first: what "@" in the composer suggests. One range scan of the prefix index.
pub async fn names_starting(
    conn: &mut AsyncPgConnection,
    prefix: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        username: String,
    }
    let pattern = format!(
        "{}%",
        prefix
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let names: Vec<Name> = db::sql(
        "SELECT username FROM users
          WHERE lower(username) LIKE $1 AND deleted_at IS NULL AND applied_at IS NULL
          ORDER BY post_count DESC, lower(username) LIMIT $2",
    )
    .bind::<diesel::sql_types::Text, _>(pattern)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(names.into_iter().map(|n| n.username).collect())
}
