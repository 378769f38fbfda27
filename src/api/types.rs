//! What the API's JSON says: the shapes of answers and request bodies, documented in the
//! OpenAPI description from these same types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A category and its forums, in display order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    pub id: i64,
    pub title: String,
    pub forums: Vec<Forum>,
}

/// A forum.
#[derive(Debug, Serialize, ToSchema)]
pub struct Forum {
    pub id: i64,
    /// Its name in addresses: `/api/v1/forums/{slug}/threads`.
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Its threads are questions that can be marked solved.
    pub questions: bool,
    /// Visible threads.
    pub thread_count: i32,
    /// Its page.
    pub url: String,
}

/// A thread as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadSummary {
    pub id: i64,
    pub title: String,
    /// Its forum's slug.
    pub forum: String,
    /// Who started it.
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// When its latest post was written.
    pub last_post_at: DateTime<Utc>,
    /// Replies, not counting the opening post.
    pub replies: i32,
    pub pinned: bool,
    /// It takes no new replies.
    pub locked: bool,
    /// The post marked as its answer.
    pub answer_post_id: Option<i64>,
    /// Its page.
    pub url: String,
}

/// One stretch of a forum's threads.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    /// Pass as `cursor` for the threads after these; absent at the end.
    pub next_cursor: Option<String>,
}

/// A thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct Thread {
    pub id: i64,
    pub title: String,
    pub forum: String,
    pub author: String,
    pub posts: i32,
    pub pinned: bool,
    pub locked: bool,
    /// Hidden by a moderator (only moderators see such a thread).
    pub hidden: bool,
    /// Waiting for a moderator's approval (its author and moderators see it).
    pub held: bool,
    pub answer_post_id: Option<i64>,
    /// Where its address leads now, if it was merged into another.
    pub merged_into: Option<i64>,
    pub url: String,
}

/// A post.
#[derive(Debug, Serialize, ToSchema)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    /// Its number in the thread, from 1.
    pub position: i32,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Removed from view. Its words are left out, except for moderators.
    pub hidden: bool,
    /// Waiting for a moderator's approval.
    pub held: bool,
    /// The rendered, sanitized body (absent when hidden).
    pub body_html: Option<String>,
    /// The text as written (absent when hidden).
    pub body: Option<String>,
    /// It is marked as its thread's answer.
    pub is_answer: bool,
    /// Its permalink.
    pub url: String,
}

/// One stretch of a thread's posts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostList {
    pub posts: Vec<Post>,
    pub next_cursor: Option<String>,
}

/// A search result: a matching post.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub forum: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// The matching words in context, plain text.
    pub excerpt: String,
    pub url: String,
}

/// One stretch of search results, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub next_cursor: Option<String>,
}

/// A member's public profile (never their address).
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub username: String,
    /// `member`, `moderator` or `admin`.
    pub role: String,
    pub posts: i32,
    pub joined_at: DateTime<Utc>,
    /// Their "About", rendered.
    pub about_html: String,
    pub url: String,
}

/// An FAQ article, listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub updated_at: DateTime<Utc>,
    pub url: String,
}

/// The FAQ: pinned articles, then the newest.
#[derive(Debug, Serialize, ToSchema)]
pub struct Faq {
    pub sticky: Vec<Article>,
    pub latest: Vec<Article>,
}

/// A new thread.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewThread {
    /// 3–150 characters.
    #[schema(min_length = 1, max_length = 150)]
    pub title: String,
    /// Markdown, at most 50,000 characters.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// Sending the same key again returns the post the first request made instead of
    /// making another (16–64 characters).
    #[schema(min_length = 16, max_length = 64)]
    pub idempotency_key: Option<String>,
}

/// A reply, or an edit's new text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    /// Markdown, at most 50,000 characters.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// As for a new thread.
    #[schema(min_length = 16, max_length = 64)]
    pub idempotency_key: Option<String>,
}

/// An edit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEdit {
    /// The new text: Markdown, at most 50,000 characters.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// Why, shown in the post's history (needed when a moderator edits another's post).
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}

/// Which post answers a question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerChoice {
    /// A visible reply of the thread, or null to clear the answer.
    pub post_id: Option<i64>,
}

/// What a write made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Written {
    pub post_id: i64,
    pub thread_id: i64,
    /// It waits for a moderator's approval before others see it.
    pub held: bool,
    pub url: String,
}

/// A moderator's reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Kept in the moderation log.
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}
