//! Reading: forum start, forum pages, thread pages, permalinks and "first unread".

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::forums::store;
use crate::forums::types::ThreadHeader;
use crate::forums::views::{self, ThreadPage};
use crate::ids::{PostId, ThreadId};
use crate::web::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::pagination::{PageQuery, Pages, page_of, page_url};
use crate::web::{html, redirect};

/// Threads on a forum page.
pub const THREADS_PER_PAGE: i64 = 25;
/// Posts on a thread page.
pub const POSTS_PER_PAGE: i64 = 20;

/// `GET /`.
pub async fn start(ctx: Ctx) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let categories = store::categories(&mut conn).await?;
    let forums = store::forum_summaries(&mut conn).await?;
    Ok(html(
        StatusCode::OK,
        views::start(&ctx, &categories, &forums),
    ))
}

/// `GET /f/{slug}`.
pub async fn forum(
    ctx: Ctx,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let forum = store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let pages = Pages::new(
        i64::from(forum.thread_count),
        THREADS_PER_PAGE,
        query.number(),
    );
    if !pages.in_range() {
        return Err(AppError::NotFound);
    }
    let viewer = ctx.user().map(|u| u.id);
    let offset = (pages.current - 1) * THREADS_PER_PAGE;
    let threads = store::thread_list(&mut conn, forum.id, viewer, THREADS_PER_PAGE, offset).await?;
    Ok(html(
        StatusCode::OK,
        views::forum(&ctx, &forum, &threads, pages),
    ))
}

/// Loads a thread readers may see.
pub async fn visible_thread(ctx: &Ctx, id: ThreadId) -> AppResult<ThreadHeader> {
    let mut conn = ctx.state.conn().await?;
    store::thread_header(&mut conn, id)
        .await?
        .filter(|t| !t.hidden)
        .ok_or(AppError::NotFound)
}

/// `GET /t/{id}`: to the canonical URL.
pub async fn thread_short(
    ctx: Ctx,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let thread = visible_thread(&ctx, ThreadId(*id)).await?;
    Ok(redirect::found(&page_url(&thread.path(), query.number())))
}

/// `GET /t/{id}/{slug}`.
pub async fn thread(
    ctx: Ctx,
    path: web::Path<(i64, String)>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (id, slug) = path.into_inner();
    let thread = visible_thread(&ctx, ThreadId(id)).await?;
    if slug != thread.slug {
        return Ok(redirect::found(&page_url(&thread.path(), query.number())));
    }
    let pages = Pages::new(i64::from(thread.post_count), POSTS_PER_PAGE, query.number());
    if !pages.in_range() {
        return Err(AppError::NotFound);
    }
    let first = ((pages.current - 1) * POSTS_PER_PAGE + 1) as i32;
    let last = (pages.current * POSTS_PER_PAGE) as i32;
    let mut conn = ctx.state.conn().await?;
    let posts = store::posts_in_range(&mut conn, thread.id, first, last).await?;
    let ids: Vec<PostId> = posts.iter().map(|p| p.id).collect();
    let backlinks = store::backlinks(&mut conn, &ids).await?;
    if let (Some(user), Some(seen)) = (ctx.user(), posts.last()) {
        store::mark_read(&mut conn, user.id, thread.id, seen.position).await?;
    }
    ctx.state.views.record(thread.id);
    let page = ThreadPage {
        thread: &thread,
        posts: &posts,
        backlinks: &backlinks,
        pages,
        draft: "",
    };
    Ok(html(StatusCode::OK, views::thread(&ctx, &page)))
}

/// `GET /p/{id}`: 302 to the page and anchor of a post, in one query.
pub async fn permalink(ctx: Ctx, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let post = PostId(*id);
    let location = store::post_location(&mut conn, post)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(redirect::found(&post_url(
        post,
        &location.slug,
        location.thread_id,
        location.position,
    )))
}

/// The URL of a post on its thread page.
pub fn post_url(post: PostId, slug: &str, thread: ThreadId, position: i32) -> String {
    let page = page_of(i64::from(position), POSTS_PER_PAGE);
    format!("{}#p{post}", page_url(&format!("/t/{thread}/{slug}"), page))
}

/// `GET /t/{id}/unread`: to the first post the member has not seen.
pub async fn first_unread(ctx: Ctx, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let thread = visible_thread(&ctx, ThreadId(*id)).await?;
    let Some(user) = ctx.user() else {
        return Ok(redirect::found(&thread.path()));
    };
    let mut conn = ctx.state.conn().await?;
    let read = store::read_position(&mut conn, user.id, thread.id)
        .await?
        .unwrap_or(0);
    match store::first_post_after(&mut conn, thread.id, read).await? {
        Some(post) => Ok(redirect::found(&format!("/p/{post}"))),
        None => Ok(redirect::found(&page_url(
            &thread.path(),
            page_of(i64::from(thread.post_count), POSTS_PER_PAGE),
        ))),
    }
}
