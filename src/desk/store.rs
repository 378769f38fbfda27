//! Every query of the support desk: the staff queue, assigning, and the questions past
//! their targets.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int2, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{forums, threads};
use crate::desk::targets::{BusinessHours, Targets};
use crate::forums::types::assignee_name_column;
use crate::forums::visibility::public_thread;
use crate::ids::{ForumId, GroupId, ThreadId, UserId};

/// Which part of the queue staff look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    /// Open questions nobody has.
    Unassigned,
    /// Open questions assigned to the viewer.
    Mine,
    /// Open questions assigned to the viewer's groups.
    MyGroups,
    /// Every open question.
    All,
}

impl QueueView {
    /// Every view, in the order of the tabs.
    pub const ALL: [QueueView; 4] = [
        QueueView::Unassigned,
        QueueView::Mine,
        QueueView::MyGroups,
        QueueView::All,
    ];

    /// The word of `?show=`.
    pub fn word(self) -> &'static str {
        match self {
            QueueView::Unassigned => "unassigned",
            QueueView::Mine => "mine",
            QueueView::MyGroups => "groups",
            QueueView::All => "all",
        }
    }

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            QueueView::Unassigned => "Unassigned",
            QueueView::Mine => "Mine",
            QueueView::MyGroups => "My groups",
            QueueView::All => "All open",
        }
    }

    /// The view a word names; unassigned for anything else.
    pub fn from_word(word: &str) -> QueueView {
        QueueView::ALL
            .into_iter()
            .find(|v| v.word() == word)
            .unwrap_or(QueueView::Unassigned)
    }
}

/// The targets columns of a forum (`f`), read into [`Targets`].
#[derive(Debug, Clone, QueryableByName)]
pub struct TargetColumns {
    #[diesel(sql_type = Nullable<Integer>)]
    pub first_response_hours: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub solution_hours: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub business_zone: Option<String>,
    #[diesel(sql_type = Int2)]
    pub business_start: i16,
    #[diesel(sql_type = Int2)]
    pub business_end: i16,
}

impl TargetColumns {
    /// The forum's targets.
    pub fn targets(&self) -> Targets {
        Targets {
            first_response_hours: self.first_response_hours,
            solution_hours: self.solution_hours,
            business: self
                .business_zone
                .as_deref()
                .and_then(|zone| BusinessHours::new(zone, self.business_start, self.business_end)),
        }
    }
}

/// An open question in the staff queue.
#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRow {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub author_name: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub first_response_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Integer)]
    pub me_too_count: i32,
    /// Whoever has it (person or group).
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    #[diesel(sql_type = Bool)]
    pub assigned_to_group: bool,
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    #[diesel(sql_type = Text)]
    pub forum_title: String,
    #[diesel(sql_type = Text)]
    pub forum_slug: String,
    #[diesel(embed)]
    pub targets: TargetColumns,
    /// Rows in the whole view.
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// The columns of a forum's targets, for statements that read them (`f` is `forums`).
macro_rules! target_columns {
    () => {
        "f.first_response_hours, f.solution_hours, f.business_zone, f.business_start, f.business_end"
    };
}

/// One page (`limit` after `offset`) of the open (unsolved, public, not merged) questions
/// of `view` for `user` in `groups`, longest waiting first.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    view: QueueView,
    user: UserId,
    groups: &[GroupId],
    (limit, offset): (i64, i64),
) -> QueryResult<Vec<QueueRow>> {
    let which = match view {
        QueueView::Unassigned => "t.assigned_user_id IS NULL AND t.assigned_group_id IS NULL",
        QueueView::Mine => "t.assigned_user_id = $1",
        QueueView::MyGroups => "t.assigned_group_id = ANY($2)",
        QueueView::All => "TRUE",
    };
    let sql = format!(
        "SELECT t.id, t.title, t.slug, u.username AS author_name, t.created_at,
                t.first_response_at, t.me_too_count,
                {assignee},
                t.assigned_group_id IS NOT NULL AS assigned_to_group,
                f.id AS forum_id, f.title AS forum_title, f.slug AS forum_slug, {targets},
                count(*) OVER () AS total
           FROM threads t
           JOIN forums f ON f.id = t.forum_id
           JOIN users u ON u.id = t.author_id
          WHERE f.questions AND t.solution_post_id IS NULL AND t.merged_into IS NULL
            AND {public} AND ({which})
          ORDER BY t.created_at, t.id
          LIMIT $3 OFFSET $4",
        targets = target_columns!(),
        public = public_thread!("t"),
        assignee = assignee_name_column!(),
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(user)
        .bind::<Array<BigInt>, _>(groups)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)
        .await
}

/// Who has a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Person(UserId),
    Group(GroupId),
}

/// Gives a question to `to` (or to nobody), in the caller's transaction; false when the
/// thread is gone.
pub async fn assign(
    conn: &mut AsyncPgConnection,
    thread: ThreadId,
    to: Option<Assignee>,
) -> QueryResult<bool> {
    let (person, group) = match to {
        Some(Assignee::Person(user)) => (Some(user), None),
        Some(Assignee::Group(group)) => (None, Some(group)),
        None => (None, None),
    };
    diesel::update(threads::table.find(thread))
        .set((
            threads::assigned_user_id.eq(person),
            threads::assigned_group_id.eq(group),
            threads::assigned_at.eq(to.map(|_| Utc::now())),
        ))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// A question past a target, for the daily mail.
#[derive(Debug, Clone, QueryableByName)]
pub struct LateRow {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub first_response_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
}

/// A Questions forum with targets, whose daily mail has not gone out on `today`.
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumDue {
    #[diesel(sql_type = BigInt)]
    pub id: ForumId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(embed)]
    pub targets: TargetColumns,
}

/// The Questions forums with a target whose daily mail is due on `today`, each locked
/// until the caller's transaction ends (so two nodes never send the same mail).
pub async fn forums_due(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
) -> QueryResult<Vec<ForumDue>> {
    diesel::sql_query(concat!(
        "SELECT f.id, f.title, ",
        target_columns!(),
        " FROM forums f
          WHERE f.questions
            AND (f.first_response_hours IS NOT NULL OR f.solution_hours IS NOT NULL)
            AND (f.targets_mailed_on IS NULL OR f.targets_mailed_on < $1)
          ORDER BY f.id
          FOR UPDATE SKIP LOCKED"
    ))
    .bind::<diesel::sql_types::Date, _>(today)
    .load(conn)
    .await
}

/// Records that a forum's daily mail went out on `today`.
pub async fn forum_mailed(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
    today: NaiveDate,
) -> QueryResult<()> {
    diesel::update(forums::table.find(forum))
        .set(forums::targets_mailed_on.eq(today))
        .execute(conn)
        .await
        .map(drop)
}

/// The open public questions of a forum, oldest first (the caller finds the late ones).
pub async fn open_questions(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
) -> QueryResult<Vec<LateRow>> {
    diesel::sql_query(format!(
        "SELECT t.id, t.title, t.slug, t.created_at, t.first_response_at,
                {assignee}
           FROM threads t
          WHERE t.forum_id = $1 AND t.solution_post_id IS NULL AND t.merged_into IS NULL
            AND {public}
          ORDER BY t.created_at, t.id",
        public = public_thread!("t"),
        assignee = assignee_name_column!(),
    ))
    .bind::<BigInt, _>(forum)
    .load(conn)
    .await
}

/// A Questions forum with its targets, for the targets page.
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumTargets {
    #[diesel(sql_type = BigInt)]
    pub id: ForumId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(embed)]
    pub targets: TargetColumns,
}

/// Every Questions forum with its targets, in the order of the forum start.
pub async fn question_forums(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ForumTargets>> {
    diesel::sql_query(concat!(
        "SELECT f.id, f.title, ",
        target_columns!(),
        " FROM forums f JOIN categories c ON c.id = f.category_id
          WHERE f.questions
          ORDER BY c.position, f.position, f.id"
    ))
    .load(conn)
    .await
}

/// Sets a Questions forum's targets; false when there is no such Questions forum.
pub async fn set_targets(
    conn: &mut AsyncPgConnection,
    forum: ForumId,
    targets: &TargetColumns,
) -> QueryResult<bool> {
    diesel::update(forums::table.find(forum).filter(forums::questions))
        .set((
            forums::first_response_hours.eq(targets.first_response_hours),
            forums::solution_hours.eq(targets.solution_hours),
            forums::business_zone.eq(&targets.business_zone),
            forums::business_start.eq(targets.business_start),
            forums::business_end.eq(targets.business_end),
        ))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// A question as the managers' figures need it.
#[derive(Debug, Clone, QueryableByName)]
pub struct AskedRow {
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub first_response_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub solved_at: Option<DateTime<Utc>>,
}

/// Every public question (not merged away) asked since `since` in a Questions forum, by
/// forum.
pub async fn asked_since(
    conn: &mut AsyncPgConnection,
    since: DateTime<Utc>,
) -> QueryResult<Vec<AskedRow>> {
    diesel::sql_query(concat!(
        "SELECT t.forum_id, t.created_at, t.first_response_at, t.solved_at
           FROM threads t JOIN forums f ON f.id = t.forum_id
          WHERE f.questions AND t.merged_into IS NULL AND t.created_at >= $1 AND ",
        public_thread!("t"),
        " ORDER BY t.forum_id"
    ))
    .bind::<Timestamptz, _>(since)
    .load(conn)
    .await
}
