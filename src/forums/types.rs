//! Read models of the forum pages.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamptz};

use crate::accounts::types::MemberCard;
use crate::ids::{CategoryId, ForumId, PostId, ThreadId, UserId};
use crate::web::urls;

/// Threads on a forum page.
pub const THREADS_PER_PAGE: i64 = 25;

/// A category on the forum start page.
#[derive(Debug, Clone, QueryableByName)]
pub struct Category {
    #[diesel(sql_type = BigInt)]
    pub id: CategoryId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Integer)]
    pub position: i32,
}

/// A forum as a choice in a form (search, moving a thread).
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumChoice {
    #[diesel(sql_type = BigInt)]
    pub id: ForumId,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
}

/// A forum with its counters and last post, as the start page lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumSummary {
    #[diesel(sql_type = BigInt)]
    pub id: ForumId,
    #[diesel(sql_type = BigInt)]
    pub category_id: CategoryId,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// What belongs here.
    #[diesel(sql_type = Text)]
    pub description: String,
    /// Sort key within the category.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Visible threads.
    #[diesel(sql_type = Integer)]
    pub thread_count: i32,
    /// Its threads are questions with a [`QuestionState`].
    #[diesel(sql_type = Bool)]
    pub questions: bool,
    /// Posts in visible threads.
    #[diesel(sql_type = Integer)]
    pub post_count: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_post_id: Option<PostId>,
    /// When it was written.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_post_at: Option<DateTime<Utc>>,
    /// Its thread's title.
    #[diesel(sql_type = Nullable<Text>)]
    pub last_thread_title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_author: Option<String>,
}

/// A forum and where it sits, for headers and breadcrumbs.
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumHeader {
    #[diesel(sql_type = BigInt)]
    pub id: ForumId,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// What belongs here.
    #[diesel(sql_type = Text)]
    pub description: String,
    /// Visible threads, for pagination.
    #[diesel(sql_type = Integer)]
    pub thread_count: i32,
    /// Its threads are questions with a [`QuestionState`].
    #[diesel(sql_type = Bool)]
    pub questions: bool,
    #[diesel(sql_type = BigInt)]
    pub category_id: CategoryId,
    #[diesel(sql_type = Text)]
    pub category_title: String,
}

/// A thread in a forum's list as its statement reads it: members by id, their names come
/// from [`crate::accounts::cards`].
#[derive(Debug, Clone, QueryableByName)]
pub struct ThreadListRow {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    /// Who started it.
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Posts, the opening one included.
    #[diesel(sql_type = Integer)]
    pub post_count: i32,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    /// Shown first.
    #[diesel(sql_type = Bool)]
    pub pinned: bool,
    /// Takes no replies.
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    /// Has an accepted answer.
    #[diesel(sql_type = Bool)]
    pub solved: bool,
    /// Someone other than the asker replied where everyone can read it.
    #[diesel(sql_type = Bool)]
    pub responded: bool,
    /// Members who pressed "Me too".
    #[diesel(sql_type = Integer)]
    pub me_too_count: i32,
    #[diesel(sql_type = Timestamptz)]
    pub last_post_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_post_id: Option<PostId>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub last_post_author_id: Option<UserId>,
    /// How far the viewer has read (None: never opened, or not logged in).
    #[diesel(sql_type = Nullable<Integer>)]
    pub read_position: Option<i32>,
}

/// A question of `/questions`, with the forum it is in.
#[derive(Debug, Clone)]
pub struct ListedQuestion {
    pub item: ThreadListItem,
    pub forum_slug: String,
    pub forum_title: String,
}

/// A thread in a forum's list, with the cards of who started it and who wrote last.
#[derive(Debug, Clone)]
pub struct ThreadListItem {
    pub row: ThreadListRow,
    /// Who started it.
    pub author: Arc<MemberCard>,
    /// Who wrote its latest post.
    pub last_author: Option<Arc<MemberCard>>,
}

impl ThreadListRow {
    /// Replies, not counting the opening post.
    pub fn replies(&self) -> i32 {
        (self.post_count - 1).max(0)
    }

    /// True when a logged-in viewer has posts here they have not seen.
    pub fn has_unread(&self, logged_in: bool) -> bool {
        logged_in && self.read_position.is_none_or(|p| p < self.post_count)
    }

    /// Where it stands as a question (shown only in a Questions forum).
    pub fn question_state(&self) -> QuestionState {
        QuestionState::of(self.solved, self.responded)
    }
}

impl ThreadRow {
    /// What the visibility rule needs of it.
    pub fn facts(&self) -> crate::forums::visibility::ThreadFacts {
        crate::forums::visibility::ThreadFacts {
            hidden: self.hidden,
            approved: self.approved,
            author: self.author_id,
        }
    }

    /// Where it stands as a question (shown only in a Questions forum).
    pub fn question_state(&self) -> QuestionState {
        QuestionState::of(
            self.solution_post_id.is_some(),
            self.first_response_at.is_some(),
        )
    }
}

/// A thread's own columns, as its pages read them.
#[derive(Debug, Clone, QueryableByName)]
pub struct ThreadRow {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    /// Who started it.
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    #[diesel(sql_type = Integer)]
    pub post_count: i32,
    #[diesel(sql_type = BigInt)]
    pub view_count: i64,
    /// Takes no replies.
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    /// Why it was locked.
    #[diesel(sql_type = Nullable<Text>)]
    pub lock_reason: Option<String>,
    /// Shown first in its forum.
    #[diesel(sql_type = Bool)]
    pub pinned: bool,
    /// Removed from view.
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    /// False while its opening post waits for a moderator.
    #[diesel(sql_type = Bool)]
    pub approved: bool,
    /// Set when merged into another thread: its address leads there.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub merged_into: Option<ThreadId>,
    /// The reply marked as the answer to the question.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub solution_post_id: Option<PostId>,
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    /// When someone other than the asker first replied where everyone can read it.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub first_response_at: Option<DateTime<Utc>>,
    /// Members who pressed "Me too".
    #[diesel(sql_type = Integer)]
    pub me_too_count: i32,
    /// The staff member who has the question, if a person has it.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assigned_user_id: Option<UserId>,
    /// The staff group that has the question, if a group has it.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assigned_group_id: Option<crate::ids::GroupId>,
    /// The name of whoever has it (person or group).
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    /// When a moderator found its accepted answer outdated ("Review").
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub answer_outdated_at: Option<DateTime<Utc>>,
}

/// Where a question in a Questions forum stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionState {
    /// Nobody but the asker has replied (where everyone can read it).
    Unanswered,
    /// Someone else has replied; no answer is accepted yet.
    Answered,
    /// An answer is accepted.
    Solved,
}

impl QuestionState {
    /// An accepted answer outranks any reply.
    pub fn of(solved: bool, responded: bool) -> QuestionState {
        match (solved, responded) {
            (true, _) => QuestionState::Solved,
            (false, true) => QuestionState::Answered,
            (false, false) => QuestionState::Unanswered,
        }
    }

    /// The word readers see.
    pub fn label(self) -> &'static str {
        match self {
            QuestionState::Unanswered => "Unanswered",
            QuestionState::Answered => "Answered",
            QuestionState::Solved => "Solved",
        }
    }

    /// The badge's class, which colours it.
    pub fn class(self) -> &'static str {
        match self {
            QuestionState::Unanswered => "unanswered",
            QuestionState::Answered => "answered",
            QuestionState::Solved => "solved",
        }
    }
}

/// Which questions a question list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuestionShow {
    #[default]
    All,
    /// Nobody but the asker has replied.
    Unanswered,
    /// No accepted answer yet.
    Unsolved,
    Solved,
    /// The reader's own questions.
    Mine,
}

/// How a question list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuestionSort {
    #[default]
    Newest,
    /// Unsolved questions first, the longest waiting first.
    Waiting,
    /// Most "Me too" presses first.
    MeToo,
}

impl QuestionShow {
    pub const ALL: [QuestionShow; 5] = [
        QuestionShow::All,
        QuestionShow::Unanswered,
        QuestionShow::Unsolved,
        QuestionShow::Solved,
        QuestionShow::Mine,
    ];

    /// Its word in the address (`?show=`).
    pub fn word(self) -> &'static str {
        match self {
            QuestionShow::All => "all",
            QuestionShow::Unanswered => "unanswered",
            QuestionShow::Unsolved => "unsolved",
            QuestionShow::Solved => "solved",
            QuestionShow::Mine => "mine",
        }
    }

    /// What the filter's link says.
    pub fn label(self) -> &'static str {
        match self {
            QuestionShow::All => "All",
            QuestionShow::Unanswered => "Unanswered",
            QuestionShow::Unsolved => "Unsolved",
            QuestionShow::Solved => "Solved",
            QuestionShow::Mine => "Mine",
        }
    }
}

impl QuestionSort {
    pub const ALL: [QuestionSort; 3] = [
        QuestionSort::Newest,
        QuestionSort::Waiting,
        QuestionSort::MeToo,
    ];

    /// Its word in the address (`?sort=`).
    pub fn word(self) -> &'static str {
        match self {
            QuestionSort::Newest => "newest",
            QuestionSort::Waiting => "waiting",
            QuestionSort::MeToo => "me-too",
        }
    }

    /// What the order's link says.
    pub fn label(self) -> &'static str {
        match self {
            QuestionSort::Newest => "Newest",
            QuestionSort::Waiting => "Oldest waiting",
            QuestionSort::MeToo => "Most \"Me too\"",
        }
    }
}

/// What a question list shows, and in which order, as the address asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuestionFilter {
    pub show: QuestionShow,
    pub sort: QuestionSort,
}

impl QuestionFilter {
    /// The filter of `?show=…&sort=…`; a word it does not know counts as not given.
    pub fn from_words(show: Option<&str>, sort: Option<&str>) -> QuestionFilter {
        QuestionFilter {
            show: QuestionShow::ALL
                .into_iter()
                .find(|s| Some(s.word()) == show)
                .unwrap_or_default(),
            sort: QuestionSort::ALL
                .into_iter()
                .find(|s| Some(s.word()) == sort)
                .unwrap_or_default(),
        }
    }

    /// The query of `path` with this filter (nothing for the default), for links.
    pub fn query(self) -> String {
        let mut parts = Vec::new();
        if self.show != QuestionShow::All {
            parts.push(format!("show={}", self.show.word()));
        }
        if self.sort != QuestionSort::Newest {
            parts.push(format!("sort={}", self.sort.word()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A question in a list across forums: the thread's row, its forum, and how many
/// questions the whole list holds.
#[derive(Debug, Clone, QueryableByName)]
pub struct QuestionRow {
    #[diesel(embed)]
    pub thread: ThreadListRow,
    #[diesel(sql_type = Text)]
    pub forum_slug: String,
    #[diesel(sql_type = Text)]
    pub forum_title: String,
    /// Questions in the whole list (all its pages).
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// Where a forum sits: what a thread's breadcrumbs show of it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ForumPlace {
    /// Forum URL name.
    #[diesel(sql_type = Text)]
    pub forum_slug: String,
    #[diesel(sql_type = Text)]
    pub forum_title: String,
    #[diesel(sql_type = Text)]
    pub category_title: String,
    /// A Questions forum: its threads show their [`QuestionState`].
    #[diesel(sql_type = Bool)]
    pub questions: bool,
}

/// A forum's place with its id, as [`crate::forums::places`] reads them all.
#[derive(Debug, Clone, QueryableByName)]
pub struct PlacedForum {
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
    #[diesel(embed)]
    pub place: ForumPlace,
}

/// A thread and where it sits; the thread's columns are reached through `Deref`.
#[derive(Debug, Clone, QueryableByName)]
pub struct ThreadHeader {
    /// The thread's own columns.
    #[diesel(embed)]
    pub columns: ThreadRow,
    /// Its forum and category.
    #[diesel(embed)]
    pub place: ForumPlace,
}

impl std::ops::Deref for ThreadHeader {
    type Target = ThreadRow;

    fn deref(&self) -> &ThreadRow {
        &self.columns
    }
}

impl ThreadHeader {
    /// The canonical path of page 1.
    pub fn path(&self) -> String {
        urls::thread_slug(self.id, &self.slug).to_string()
    }
}

/// A post's own columns, as the thread page reads them.
#[derive(Debug, Clone, QueryableByName)]
pub struct PostRow {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    /// `#N` in the thread.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// Rendered, sanitized body.
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// When last edited.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    /// Removed by its own author (otherwise by a moderator).
    #[diesel(sql_type = Bool)]
    pub hidden_by_author: bool,
    /// Who removed it (shown to moderators).
    #[diesel(sql_type = Nullable<Text>)]
    pub hidden_by_name: Option<String>,
    /// Why (shown to moderators).
    #[diesel(sql_type = Nullable<Text>)]
    pub hidden_reason: Option<String>,
    /// Where it was posted from (shown to moderators; erased after 90 days).
    #[diesel(sql_type = Nullable<Text>)]
    pub ip_address: Option<String>,
    /// False while it waits in the approval queue.
    #[diesel(sql_type = Bool)]
    pub approved: bool,
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    /// Members who marked it "Helpful".
    #[diesel(sql_type = Integer)]
    pub helpful_count: i32,
    /// Files it carries.
    #[diesel(sql_type = Integer)]
    pub attachment_count: i32,
}

/// A post as the thread page shows it: its row (reached through `Deref`) and its author's
/// card, which is shared by every post of that author.
#[derive(Debug, Clone)]
pub struct PostView {
    /// The post's own columns.
    pub row: PostRow,
    /// Who wrote it.
    pub author: std::sync::Arc<MemberCard>,
    /// The reader marked it "Helpful".
    pub helpful_mine: bool,
    /// Who marked it "Helpful", read only for its author.
    pub helpful_by: Vec<String>,
    /// Its files, read only when it has some.
    pub files: Vec<crate::attachments::store::AttachmentRow>,
}

impl std::ops::Deref for PostView {
    type Target = PostRow;

    fn deref(&self) -> &PostRow {
        &self.row
    }
}

/// "Quoted in": a post that quotes one shown on the page.
#[derive(Debug, Clone, QueryableByName)]
pub struct Backlink {
    /// The quoted post (on this page).
    #[diesel(sql_type = BigInt)]
    pub quoted_post_id: PostId,
    #[diesel(sql_type = BigInt)]
    pub post_id: PostId,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
}

/// Where a post lives, for permalinks.
#[derive(Debug, Clone, QueryableByName)]
pub struct PostLocation {
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    /// The thread's URL name.
    #[diesel(sql_type = Text)]
    pub slug: String,
    /// Its `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    /// What visibility depends on.
    #[diesel(embed)]
    pub facts: PostFactsRow,
}

/// The columns the visibility rule reads for a post and its thread (`p`, `t`).
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct PostFactsRow {
    /// The post is hidden.
    #[diesel(sql_type = Bool)]
    pub post_hidden: bool,
    /// The post is out of the approval queue.
    #[diesel(sql_type = Bool)]
    pub post_approved: bool,
    #[diesel(sql_type = BigInt)]
    pub post_author_id: UserId,
    /// Its thread is hidden.
    #[diesel(sql_type = Bool)]
    pub thread_hidden: bool,
    /// Its thread is out of the approval queue.
    #[diesel(sql_type = Bool)]
    pub thread_approved: bool,
    /// Who started its thread.
    #[diesel(sql_type = BigInt)]
    pub thread_author_id: UserId,
}

/// The select list of [`PostFactsRow`] (`p` is `posts`, `t` is `threads`).
macro_rules! post_facts_columns {
    () => {
        "p.hidden AS post_hidden, p.approved AS post_approved, p.author_id AS post_author_id,
         t.hidden AS thread_hidden, t.approved AS thread_approved, t.author_id AS thread_author_id"
    };
}
pub(crate) use post_facts_columns;

/// `assignee_name`: the name of whoever has the question (`t` is `threads`), a person or a
/// group; looked up only for questions someone has.
macro_rules! assignee_name_column {
    () => {
        "CASE WHEN t.assigned_user_id IS NOT NULL
                   THEN (SELECT a.username FROM users a WHERE a.id = t.assigned_user_id)
              WHEN t.assigned_group_id IS NOT NULL
                   THEN (SELECT g.name FROM staff_groups g WHERE g.id = t.assigned_group_id)
         END AS assignee_name"
    };
}
pub(crate) use assignee_name_column;

impl PostFactsRow {
    /// As the visibility rule takes them.
    pub fn facts(self) -> crate::forums::visibility::PostFacts {
        crate::forums::visibility::PostFacts {
            hidden: self.post_hidden,
            approved: self.post_approved,
            author: self.post_author_id,
            thread: crate::forums::visibility::ThreadFacts {
                hidden: self.thread_hidden,
                approved: self.thread_approved,
                author: self.thread_author_id,
            },
        }
    }
}

/// A post as the edit, delete and quote actions need it.
#[derive(Debug, Clone, QueryableByName)]
pub struct PostForEdit {
    #[diesel(sql_type = BigInt)]
    pub id: PostId,
    #[diesel(sql_type = BigInt)]
    pub thread_id: ThreadId,
    #[diesel(sql_type = BigInt)]
    pub author_id: UserId,
    #[diesel(sql_type = Text)]
    pub author: String,
    /// `#N`.
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = Text)]
    pub body_source: String,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    /// What visibility depends on.
    #[diesel(embed)]
    pub facts: PostFactsRow,
}

/// A question whose title is like one being typed ("Similar questions").
#[derive(Debug, Clone, QueryableByName)]
pub struct SimilarQuestion {
    #[diesel(sql_type = BigInt)]
    pub id: ThreadId,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Bool)]
    pub solved: bool,
    #[diesel(sql_type = Bool)]
    pub responded: bool,
    #[diesel(sql_type = BigInt)]
    pub forum_id: ForumId,
}

impl SimilarQuestion {
    /// Where it stands.
    pub fn state(&self) -> QuestionState {
        QuestionState::of(self.solved, self.responded)
    }
}
