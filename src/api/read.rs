//! Reading through the API: categories and forums, a forum's threads, a thread and its
//! posts, a post, search, members and the FAQ. What a caller sees is what its member would
//! see on the pages: the same rule decides.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::accounts::cards::MemberCards;
use crate::api::caller::Caller;
use crate::api::error::{ApiError, ApiResult, CommonErrors};
use crate::api::paging::{Cursor, Paging, page};
use crate::api::store::{self, PostItem, ThreadItem};
use crate::api::types;
use crate::api::{json, link};
use crate::forums::pages;
use crate::forums::store as forums_store;
use crate::forums::types::{QuestionShow, ThreadHeader};
use crate::forums::visibility::Reader;
use crate::ids::{PostId, ThreadId};
use crate::search::store as search_store;
use crate::search::strategy::LexemeCache;
use crate::web::urls;

/// `GET /api/v1/categories`.
#[utoipa::path(get, path = "/api/v1/categories", tag = "read",
    description = "Every category with its forums, in display order.",
    responses((status = 200, description = "The categories", body = Vec<types::Category>), CommonErrors),
    security((), ("token" = [])))]
pub async fn categories(caller: Caller) -> ApiResult<HttpResponse> {
    caller.reader()?;
    let mut conn = caller.conn().await?;
    let (categories, forums) = forums_store::categories_and_forums(&mut conn).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    let answer: Vec<types::Category> = categories
        .into_iter()
        .map(|c| types::Category {
            id: c.id.0,
            title: c.title,
            forums: forums
                .iter()
                .filter(|f| f.category_id == c.id)
                .map(|f| types::Forum {
                    id: f.id.0,
                    slug: f.slug.clone(),
                    title: f.title.clone(),
                    description: f.description.clone(),
                    questions: f.questions,
                    thread_count: f.thread_count,
                    url: link(&base, &urls::forum(&f.slug).to_string()),
                })
                .collect(),
        })
        .collect();
    Ok(json(&answer))
}

/// Which threads a forum's list shows (Questions forums; `mine` needs a token).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    #[default]
    All,
    Unanswered,
    Unsolved,
    Solved,
    Mine,
}

/// `?show=…` with the paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// Which threads: all (the default), unanswered, unsolved, solved or mine.
    #[param(inline)]
    pub show: Option<Show>,
    /// `next_cursor` of the previous answer.
    pub cursor: Option<String>,
    /// How many (1–100, 25 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// `GET /api/v1/forums/{slug}/threads`.
#[utoipa::path(get, path = "/api/v1/forums/{slug}/threads", tag = "read",
    description = "A forum's public threads by latest activity, newest first.",
    params(("slug" = String, Path, description = "The forum's slug"), ThreadQuery),
    responses((status = 200, description = "Threads", body = types::ThreadList), CommonErrors),
    security((), ("token" = [])))]
pub async fn forum_threads(
    caller: Caller,
    slug: web::Path<String>,
    query: web::Query<ThreadQuery>,
) -> ApiResult<HttpResponse> {
    let reader = caller.reader()?;
    let query = query.into_inner();
    let paging = Paging {
        cursor: query.cursor,
        limit: query.limit,
    };
    let limit = paging.limit()?;
    let after = match Cursor::of(&paging, true)? {
        Some(Cursor::Activity { at, id }) => Some((at, id)),
        _ => None,
    };
    let show = match query.show.unwrap_or_default() {
        Show::All => QuestionShow::All,
        Show::Unanswered => QuestionShow::Unanswered,
        Show::Unsolved => QuestionShow::Unsolved,
        Show::Solved => QuestionShow::Solved,
        Show::Mine => QuestionShow::Mine,
    };
    let mut conn = caller.conn().await?;
    let forum = forums_store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows =
        store::forum_threads(&mut conn, forum.id, show, reader.user, after, limit + 1).await?;
    drop(conn);
    let (rows, next_cursor) = page(rows, limit, |t: &ThreadItem| Cursor::Activity {
        at: t.last_post_at,
        id: t.id.0,
    });
    let base = caller.state.settings.base_url();
    let threads = rows
        .into_iter()
        .map(|t| types::ThreadSummary {
            url: link(&base, &urls::thread_slug(t.id, &t.slug).to_string()),
            id: t.id.0,
            title: t.title,
            forum: t.forum_slug,
            author: t.author,
            created_at: t.created_at,
            last_post_at: t.last_post_at,
            replies: (t.post_count - 1).max(0),
            pinned: t.pinned,
            locked: t.locked,
            answer_post_id: t.solution_post_id.map(|p| p.0),
        })
        .collect();
    Ok(json(&types::ThreadList {
        threads,
        next_cursor,
    }))
}

/// `GET /api/v1/threads/{id}`.
#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "read",
    description = "A thread: its title, forum, state and answer.",
    params(("id" = i64, Path, description = "The thread's number")),
    responses((status = 200, description = "The thread", body = types::Thread), CommonErrors),
    security((), ("token" = [])))]
pub async fn thread(
    caller: Caller,
    members: web::Data<MemberCards>,
    id: web::Path<ThreadId>,
) -> ApiResult<HttpResponse> {
    let reader = caller.reader()?;
    let mut conn = caller.conn().await?;
    thread_answer(&caller, &mut conn, &members, *id, reader).await
}

/// The thread `id` as `reader` sees it now, as the answer.
pub async fn thread_answer(
    caller: &Caller,
    conn: &mut diesel_async::AsyncPgConnection,
    members: &MemberCards,
    id: ThreadId,
    reader: Reader,
) -> ApiResult<HttpResponse> {
    let thread = pages::thread_for(conn, id, reader).await?;
    let author = members.of(conn, &[thread.author_id]).await?[0].name.clone();
    let base = caller.state.settings.base_url();
    Ok(json(&thread_json(&thread, author, &base)))
}

/// A thread as the API shows it; `author` is its starter's name.
pub fn thread_json(thread: &ThreadHeader, author: String, base: &str) -> types::Thread {
    types::Thread {
        id: thread.id.0,
        title: thread.title.clone(),
        forum: thread.place.forum_slug.clone(),
        author,
        posts: thread.post_count,
        pinned: thread.pinned,
        locked: thread.locked,
        hidden: thread.hidden,
        held: !thread.approved,
        answer_post_id: thread.solution_post_id.map(|p| p.0),
        merged_into: thread.merged_into.map(|t| t.0),
        url: link(base, &thread.path()),
    }
}

/// A post as `reader` may see it: `None` when it has no place for them, its words left out
/// when it is hidden from them.
pub fn post_json(item: PostItem, reader: Reader, base: &str) -> Option<types::Post> {
    let facts = item.facts();
    if !reader.sees_place_of(facts) {
        return None;
    }
    let words = reader.sees_post(facts);
    Some(types::Post {
        url: link(base, &urls::post(item.id).to_string()),
        id: item.id.0,
        thread_id: item.thread_id.0,
        position: item.position,
        author: item.author,
        created_at: item.created_at,
        edited_at: item.edited_at,
        hidden: item.hidden,
        held: !item.approved,
        body_html: words.then_some(item.body_html),
        body: words.then_some(item.body_source),
        is_answer: item.solution_post_id == Some(item.id),
    })
}

/// `GET /api/v1/threads/{id}/posts`.
#[utoipa::path(get, path = "/api/v1/threads/{id}/posts", tag = "read",
    description = "A thread's posts in order. A hidden post keeps its place with its words left out.",
    params(("id" = i64, Path, description = "The thread's number"), Paging),
    responses((status = 200, description = "Posts", body = types::PostList), CommonErrors),
    security((), ("token" = [])))]
pub async fn thread_posts(
    caller: Caller,
    id: web::Path<ThreadId>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let reader = caller.reader()?;
    let limit = paging.limit()?;
    let after = match Cursor::of(&paging, false)? {
        Some(Cursor::After(n)) => n,
        _ => 0,
    };
    let mut conn = caller.conn().await?;
    let thread = pages::thread_for(&mut conn, *id, reader).await?;
    let rows = store::thread_posts(&mut conn, thread.id, after, limit + 1).await?;
    drop(conn);
    let (rows, next_cursor) = page(rows, limit, |p: &PostItem| {
        Cursor::After(i64::from(p.position))
    });
    let base = caller.state.settings.base_url();
    let posts = rows
        .into_iter()
        .filter_map(|p| post_json(p, reader, &base))
        .collect();
    Ok(json(&types::PostList { posts, next_cursor }))
}

/// `GET /api/v1/posts/{id}`.
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "read",
    description = "One post.",
    params(("id" = i64, Path, description = "The post's number")),
    responses((status = 200, description = "The post", body = types::Post), CommonErrors),
    security((), ("token" = [])))]
pub async fn post(caller: Caller, id: web::Path<PostId>) -> ApiResult<HttpResponse> {
    let reader = caller.reader()?;
    let mut conn = caller.conn().await?;
    let item = store::post(&mut conn, *id).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    let post = item
        .and_then(|p| post_json(p, reader, &base))
        .ok_or_else(ApiError::not_found)?;
    Ok(json(&post))
}

/// `?q=…&forum=…` with the paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find; "quoted phrases", -excluded, or.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// Only this forum (its slug).
    pub forum: Option<String>,
    /// `next_cursor` of the previous answer.
    pub cursor: Option<String>,
    /// How many (1–100, 25 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Longest search, in characters.
const QUERY_MAX: usize = 200;

/// `GET /api/v1/search`.
#[utoipa::path(get, path = "/api/v1/search", tag = "read",
    description = "Public posts matching the words, best first.",
    params(SearchQuery),
    responses((status = 200, description = "Matches", body = types::SearchResults), CommonErrors),
    security((), ("token" = [])))]
pub async fn search(
    caller: Caller,
    lexemes: web::Data<LexemeCache>,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    caller.reader()?;
    let query = query.into_inner();
    let paging = Paging {
        cursor: query.cursor,
        limit: query.limit,
    };
    let limit = paging.limit()?;
    let offset = match Cursor::of(&paging, false)? {
        Some(Cursor::After(n)) => n,
        _ => 0,
    };
    let words = crate::markup::clean_text(query.q.trim());
    if words.is_empty() || words.chars().count() > QUERY_MAX {
        return Err(ApiError::bad_request(format!(
            "q holds 1 to {QUERY_MAX} characters."
        )));
    }
    let filters = search_store::Filters {
        forum: query.forum.filter(|f| !f.trim().is_empty()),
        ..Default::default()
    };
    let mut conn = caller.conn().await?;
    let stats = lexemes
        .get_or_compute(|| search_store::lexeme_stats(&mut conn))
        .await?;
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let found = search_store::find(&mut conn, &stats, &words, &filters, wanted, skip).await?;
    drop(conn);
    let mut hits = found.hits;
    let more = hits.len() > wanted - 1;
    hits.truncate(wanted - 1);
    let next_cursor = more.then(|| Cursor::After(offset + limit).encode());
    let base = caller.state.settings.base_url();
    let hits = hits
        .into_iter()
        .map(|h| types::SearchHit {
            url: link(&base, &urls::post(h.post_id).to_string()),
            post_id: h.post_id.0,
            thread_id: h.thread_id.0,
            thread_title: h.title,
            forum: h.forum,
            author: h.author,
            created_at: h.created_at,
            excerpt: h
                .snippet
                .replace([search_store::MARK_START, search_store::MARK_END], ""),
        })
        .collect();
    Ok(json(&types::SearchResults { hits, next_cursor }))
}

/// `GET /api/v1/members/{username}`.
#[utoipa::path(get, path = "/api/v1/members/{username}", tag = "read",
    description = "A member's public profile.",
    params(("username" = String, Path, description = "Their name")),
    responses((status = 200, description = "The member", body = types::Member), CommonErrors),
    security((), ("token" = [])))]
pub async fn member(caller: Caller, name: web::Path<String>) -> ApiResult<HttpResponse> {
    caller.reader()?;
    let mut conn = caller.conn().await?;
    let member = crate::accounts::store::profile(&mut conn, &name)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (_, about_html) = crate::accounts::store::about_of(&mut conn, member.id).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    Ok(json(&types::Member {
        url: link(&base, &urls::profile(&member.username).to_string()),
        username: member.username,
        role: member.role.to_string(),
        posts: member.post_count,
        joined_at: member.created_at,
        about_html,
    }))
}

/// Newest articles the FAQ lists.
const FAQ_LATEST: i64 = 50;

/// `GET /api/v1/faq`.
#[utoipa::path(get, path = "/api/v1/faq", tag = "read",
    description = "The FAQ's pinned articles and its newest.",
    responses((status = 200, description = "The FAQ", body = types::Faq), CommonErrors),
    security((), ("token" = [])))]
pub async fn faq(caller: Caller) -> ApiResult<HttpResponse> {
    caller.reader()?;
    let mut conn = caller.conn().await?;
    let sticky = crate::faq::store::sticky(&mut conn).await?;
    let latest = crate::faq::store::latest(&mut conn, FAQ_LATEST).await?;
    drop(conn);
    let base = caller.state.settings.base_url();
    let article = |a: crate::faq::store::ArticleSummary| types::Article {
        url: link(&base, &a.path()),
        id: a.id.0,
        title: a.title,
        category: a.category,
        updated_at: a.updated_at,
    };
    Ok(json(&types::Faq {
        sticky: sticky.into_iter().map(article).collect(),
        latest: latest.into_iter().map(article).collect(),
    }))
}
