//! Every query of leaving: erasing a member down to "former member N", and reading
//! everything that is theirs for "Download my data".

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::accounts::types::Role;
use crate::db::prepared as db;
use crate::db::schema::{
    attachments, avatars, digest_items, email_tokens, login_challenges, notices, outbox,
    pending_edits, post_submissions, posts, recovery_codes, reply_drafts, sessions,
    staff_group_members, subscriptions, thread_drafts, thread_reads, threads, trusted_devices,
    users,
};
use crate::ids::{PostId, UserId};

/// A member who may leave: not already a former member.
#[derive(Debug, Queryable)]
pub struct Leaver {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub role: Role,
}

/// The member, unless the account is already deleted.
pub async fn leaver(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<Option<Leaver>> {
    users::table
        .find(user)
        .filter(users::deleted_at.is_null())
        .select((users::id, users::username, users::email, users::role))
        .first(conn)
        .await
        .optional()
}

/// Administrators whose accounts are not deleted.
pub async fn administrators(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Every post the member wrote.
pub async fn post_ids_of(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<Vec<PostId>> {
    posts::table
        .filter(posts::author_id.eq(user))
        .select(posts::id)
        .load(conn)
        .await
}

/// What a former member's row becomes.
pub struct Erased<'a> {
    /// "former member N".
    pub username: &'a str,
    /// Its confusable-name skeleton.
    pub skeleton: &'a str,
    /// An address that reaches nobody and is unique.
    pub email: &'a str,
}

/// Erases everything that is the member's own but their posts: their name, address,
/// password, avatar, "About", second factor, sessions, subscriptions, drafts, notices, tokens, read marks,
/// staff groups, mail to them and the addresses their posts came from. Assignments to
/// them go back to the queue. Run inside the transaction that does the rest.
pub async fn erase_member(
    conn: &mut AsyncPgConnection,
    user: UserId,
    old_email: &str,
    erased: &Erased<'_>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set((
            users::username.eq(erased.username),
            users::name_skeleton.eq(erased.skeleton),
            users::email.eq(erased.email),
            users::email_confirmed_at.eq(None::<DateTime<Utc>>),
            // No hash verifies against an empty string; the log-in never asks anyway.
            users::password_hash.eq(""),
            users::role.eq(Role::Member),
            users::suspended_until.eq(None::<DateTime<Utc>>),
            users::suspension_reason.eq(None::<String>),
            users::banned_at.eq(None::<DateTime<Utc>>),
            users::ban_reason.eq(None::<String>),
            users::time_zone.eq("UTC"),
            users::notify_default.eq(false),
            users::last_seen_at.eq(None::<DateTime<Utc>>),
            users::digest_sent_at.eq(None::<DateTime<Utc>>),
            users::confirmation_sent_at.eq(None::<DateTime<Utc>>),
            users::totp_secret.eq(None::<Vec<u8>>),
            users::totp_pending_secret.eq(None::<Vec<u8>>),
            users::totp_enabled_at.eq(None::<DateTime<Utc>>),
            users::totp_last_step.eq(0),
            users::about_source.eq(""),
            users::about_html.eq(""),
            users::deleted_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    macro_rules! delete_where_user {
        ($($table:ident),+) => {$(
            diesel::delete($table::table.filter($table::user_id.eq(user)))
                .execute(conn)
                .await?;
        )+};
    }
    delete_where_user!(
        avatars,
        sessions,
        subscriptions,
        reply_drafts,
        email_tokens,
        notices,
        thread_reads,
        recovery_codes,
        trusted_devices,
        login_challenges,
        staff_group_members,
        digest_items,
        post_submissions,
        thread_drafts
    );
    // Uploads no post took go with them; files on posts stay with the posts.
    diesel::delete(
        attachments::table
            .filter(attachments::uploader_id.eq(user))
            .filter(attachments::post_id.is_null()),
    )
    .execute(conn)
    .await?;
    let theirs = posts::table
        .filter(posts::author_id.eq(user))
        .select(posts::id);
    diesel::delete(pending_edits::table.filter(pending_edits::post_id.eq_any(theirs)))
        .execute(conn)
        .await?;
    diesel::update(posts::table.filter(posts::author_id.eq(user)))
        .set(posts::ip_address.eq(None::<String>))
        .execute(conn)
        .await?;
    diesel::update(threads::table.filter(threads::assigned_user_id.eq(user)))
        .set((
            threads::assigned_user_id.eq(None::<i64>),
            threads::assigned_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    diesel::delete(outbox::table.filter(outbox::recipient.eq(old_email)))
        .execute(conn)
        .await?;
    // Throttle counts name the member in their keys (`post:N`, `login:user:N@address`).
    db::sql(
        "DELETE FROM rate_limits
          WHERE key ~ ('^[a-z-]+:' || $1 || '$') OR key LIKE ('login:user:' || $1 || '@%')",
    )
    .bind::<Text, _>(user.to_string())
    .execute(conn)
    .await
    .map(drop)
}

/// The account as "Download my data" gives it.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportProfile {
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Timestamptz)]
    pub joined: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub time_zone: String,
    #[diesel(sql_type = Text)]
    pub notify_mode: String,
    #[diesel(sql_type = Bool)]
    pub two_factor: bool,
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
}

/// The member's account.
pub async fn export_profile(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<ExportProfile> {
    db::sql(
        "SELECT username, email, role, created_at AS joined, time_zone, notify_mode,
                totp_enabled_at IS NOT NULL AS two_factor,
                (SELECT count(*) FROM posts WHERE author_id = $1) AS posts
           FROM users WHERE id = $1",
    )
    .bind::<BigInt, _>(user)
    .get_result(conn)
    .await
}

/// One post, with its source as the member wrote it.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportPost {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub thread: i64,
    /// The thread's title, when the member may read the thread (or started it).
    #[diesel(sql_type = Nullable<Text>)]
    pub thread_title: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub written: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    #[diesel(sql_type = Text)]
    pub source: String,
}

/// Every post of the member, oldest first.
pub async fn export_posts(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportPost>> {
    db::sql(
        "SELECT p.id, p.thread_id AS thread,
                CASE WHEN t.author_id = $1 OR (NOT t.hidden AND t.approved) THEN t.title END
                    AS thread_title,
                p.created_at AS written, p.edited_at AS edited, p.hidden, p.body_source AS source
           FROM posts p JOIN threads t ON t.id = p.thread_id
          WHERE p.author_id = $1
          ORDER BY p.id",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// A thread or forum the member follows.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportSubscription {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub thread: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub forum: Option<i64>,
    /// The thread's title (when the member may read it) or the forum's.
    #[diesel(sql_type = Nullable<Text>)]
    pub title: Option<String>,
    #[diesel(sql_type = Text)]
    pub mode: String,
    #[diesel(sql_type = Timestamptz)]
    pub since: DateTime<Utc>,
}

/// The member's subscriptions.
pub async fn export_subscriptions(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportSubscription>> {
    db::sql(
        "SELECT s.thread_id AS thread, s.forum_id AS forum,
                COALESCE(CASE WHEN t.author_id = $1 OR (NOT t.hidden AND t.approved)
                              THEN t.title END, f.title) AS title,
                s.mode, s.created_at AS since
           FROM subscriptions s
           LEFT JOIN threads t ON t.id = s.thread_id
           LEFT JOIN forums f ON f.id = s.forum_id
          WHERE s.user_id = $1
          ORDER BY s.id",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// One signed-in device.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportSession {
    #[diesel(sql_type = Text)]
    pub user_agent: String,
    #[diesel(sql_type = Text)]
    pub address: String,
    #[diesel(sql_type = Timestamptz)]
    pub started: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub last_seen: DateTime<Utc>,
}

/// The member's live sessions.
pub async fn export_sessions(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportSession>> {
    db::sql(
        "SELECT user_agent, ip AS address, created_at AS started, last_seen_at AS last_seen
           FROM sessions WHERE user_id = $1 AND expires_at > now()
          ORDER BY created_at",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// A reply being written.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportDraft {
    #[diesel(sql_type = BigInt)]
    pub thread: i64,
    #[diesel(sql_type = Text)]
    pub text: String,
    #[diesel(sql_type = Timestamptz)]
    pub saved: DateTime<Utc>,
}

/// The member's reply drafts.
pub async fn export_drafts(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportDraft>> {
    db::sql(
        "SELECT thread_id AS thread, body AS text, updated_at AS saved
           FROM reply_drafts WHERE user_id = $1 ORDER BY updated_at",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// A new thread being written.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportThreadDraft {
    #[diesel(sql_type = Text)]
    pub forum: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub text: String,
    #[diesel(sql_type = Timestamptz)]
    pub saved: DateTime<Utc>,
}

/// The member's new-thread drafts.
pub async fn export_thread_drafts(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportThreadDraft>> {
    db::sql(
        "SELECT f.slug AS forum, d.title, d.body AS text, d.updated_at AS saved
           FROM thread_drafts d JOIN forums f ON f.id = d.forum_id
          WHERE d.user_id = $1 ORDER BY d.updated_at",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}

/// A file the member uploaded.
#[derive(Debug, Serialize, QueryableByName)]
pub struct ExportFile {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub bytes: i32,
    /// The post it is attached to, if any yet.
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    pub post: Option<i64>,
    #[diesel(sql_type = Timestamptz)]
    pub uploaded: DateTime<Utc>,
}

/// The member's uploads.
pub async fn export_files(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<ExportFile>> {
    db::sql(
        "SELECT name, kind, size AS bytes, post_id AS post, created_at AS uploaded
           FROM attachments WHERE uploader_id = $1 ORDER BY id",
    )
    .bind::<BigInt, _>(user)
    .load(conn)
    .await
}
