//! Reading: forum start, forum pages, thread pages, permalinks and "first unread".

use crate::page_cache::{PageTags, tagged};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::accounts::cards::MemberCards;
use crate::changes::Tag;
use crate::forums::handlers::questions::QuestionWords;
use crate::forums::pages::{self, POSTS_PER_PAGE, Reader};
use crate::forums::places::{self, ForumPlaces};
use crate::forums::store;
use crate::forums::types::ThreadHeader;
use crate::forums::view_counter::ViewCounter;
use crate::forums::views::{self, ThreadPage};
use crate::ids::{PostId, ThreadId};
use crate::shell::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::pagination::{PageQuery, page_of, page_url};
use crate::web::urls;
use crate::web::{html, redirect};

/// `GET /`.
pub async fn start(ctx: Ctx) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let (categories, forums) = pages::start(&mut conn).await?;
    let tags =
        PageTags::new(std::iter::once(Tag::Forums).chain(forums.iter().map(|f| Tag::Forum(f.id))));
    Ok(tagged(
        html(StatusCode::OK, views::start(&ctx, &categories, &forums)),
        tags,
    ))
}

/// `GET /f/{slug}`.
pub async fn forum(
    ctx: Ctx,
    members: web::Data<MemberCards>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
    words: web::Query<QuestionWords>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let viewer = ctx.user().map(|u| u.id);
    let filter = words.filter();
    let filtered = match filter {
        Some(filter) => {
            pages::forum_questions(&mut conn, &members, &slug, filter, query.number(), viewer)
                .await?
        }
        None => None,
    };
    let page = match filtered {
        Some(page) => page,
        None => pages::forum(&mut conn, &members, &slug, query.number(), viewer).await?,
    };
    let filter = filter.filter(|_| page.forum.questions);
    let watching = match ctx.user() {
        Some(user) => Some(
            store::subscription_mode(&mut conn, user.id, None, Some(page.forum.id))
                .await?
                .is_some(),
        ),
        None => None,
    };
    let tags = PageTags::new([Tag::Forum(page.forum.id)]);
    Ok(tagged(
        html(
            StatusCode::OK,
            views::forum(
                &ctx,
                &page.forum,
                &page.threads,
                page.pages,
                watching,
                filter,
            ),
        ),
        tags,
    ))
}

/// Loads a thread readers may see.
pub async fn visible_thread(ctx: &Ctx, id: ThreadId) -> AppResult<ThreadHeader> {
    let mut conn = ctx.state.conn().await?;
    Ok(pages::thread_for(&mut conn, id, Reader::of(ctx)).await?)
}

/// `GET /t/{id}`: to the canonical URL.
pub async fn thread_short(
    ctx: Ctx,
    id: web::Path<ThreadId>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let thread = visible_thread(&ctx, *id).await?;
    if let Some(into) = thread.merged_into {
        return Ok(redirect::found(&urls::thread(into).to_string()));
    }
    Ok(redirect::found(&page_url(&thread.path(), query.number())))
}

/// `GET /t/{id}/{slug}`.
pub async fn thread(
    ctx: Ctx,
    members: web::Data<MemberCards>,
    places: web::Data<ForumPlaces>,
    views: web::Data<ViewCounter>,
    path: web::Path<(ThreadId, String)>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (id, slug) = path.into_inner();
    let mut conn = ctx.state.conn().await?;
    let reader = Reader::of(&ctx);
    let data = pages::thread(&mut conn, &members, &places, id, query.number(), reader).await?;
    if let Some(into) = data.thread.merged_into {
        return Ok(redirect::found(&urls::thread(into).to_string()));
    }
    if slug != data.thread.slug {
        return Ok(redirect::found(&page_url(
            &data.thread.path(),
            query.number(),
        )));
    }
    let visit = pages::visit(&mut conn, &data, reader).await?;
    views.record(data.thread.id);
    let forums = if ctx.is_moderator() {
        store::forum_choices(&mut conn).await?
    } else {
        Vec::new()
    };
    let solution = match data.thread.solution_post_id {
        Some(post) if data.pages.current == 1 => {
            pages::post_view(&mut conn, &members, data.thread.id, post).await?
        }
        _ => None,
    };
    // A member's unfinished reply comes back in the reply box.
    let draft = match ctx.user() {
        Some(user) => store::draft(&mut conn, user.id, data.thread.id)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    let page = ThreadPage {
        thread: &data.thread,
        posts: &data.posts,
        backlinks: &data.backlinks,
        pages: data.pages,
        draft: &draft,
        visit,
        forums: &forums,
        solution: solution.as_ref(),
        notes: &data.notes,
    };
    // The page shows the thread, its forum's place (breadcrumbs; whether it asks
    // questions) and, beside each post, its author's name, role and count.
    let mut tags = PageTags::new(
        [Tag::Thread(data.thread.id), places::TAG]
            .into_iter()
            .chain(
                data.posts
                    .iter()
                    .chain(solution.as_ref())
                    .map(|p| Tag::User(p.author_id)),
            ),
    );
    tags.counts_view_of = Some(data.thread.id);
    Ok(tagged(
        html(StatusCode::OK, views::thread(&ctx, &page)),
        tags,
    ))
}

/// `GET /p/{id}`: 302 to the page and anchor of a post, in one query.
pub async fn permalink(ctx: Ctx, id: web::Path<PostId>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let post = *id;
    let location = store::post_location(&mut conn, post)
        .await?
        .filter(|l| Reader::of(&ctx).sees_place_of(l.facts.facts()))
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
    format!("{}#p{post}", post_page_url(slug, thread, position))
}

/// The thread page that shows post `#position`.
pub fn post_page_url(slug: &str, thread: ThreadId, position: i32) -> String {
    let page = page_of(i64::from(position), POSTS_PER_PAGE);
    page_url(&urls::thread_slug(thread, slug).to_string(), page)
}

/// `GET /t/{id}/unread`: to the first post the member has not seen.
pub async fn first_unread(ctx: Ctx, id: web::Path<ThreadId>) -> AppResult<HttpResponse> {
    let thread = visible_thread(&ctx, *id).await?;
    let Some(user) = ctx.user() else {
        return Ok(redirect::found(&thread.path()));
    };
    let mut conn = ctx.state.conn().await?;
    let read = store::read_position(&mut conn, user.id, thread.id)
        .await?
        .unwrap_or(0);
    match store::first_post_after(&mut conn, thread.id, read).await? {
        Some(post) => Ok(redirect::found(&urls::post(post).to_string())),
        None => Ok(redirect::found(&page_url(
            &thread.path(),
            page_of(i64::from(thread.post_count), POSTS_PER_PAGE),
        ))),
    }
}
