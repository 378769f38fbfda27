//! `GET /u/{username}`: the public profile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::account_pages::views::{self, Activity};
use crate::accounts::store;
use crate::forums::store as forums_store;
use crate::shell::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::html;

/// Threads and posts a profile lists.
const RECENT: i64 = 5;

/// Shows a member's public facts, "About", counts and newest public threads and posts;
/// never their e-mail address.
pub async fn show(ctx: Ctx, name: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let member = store::profile(&mut conn, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let activity = Activity {
        about_html: store::about_of(&mut conn, member.id).await?.1,
        groups: store::group_names_of(&mut conn, member.id).await?,
        answers: forums_store::answers_accepted(&mut conn, member.id).await?,
        helpful: forums_store::helpful_received(&mut conn, member.id).await?,
        threads: forums_store::threads_started(&mut conn, member.id, RECENT).await?,
        posts: forums_store::posts_written(&mut conn, member.id, RECENT).await?,
    };
    drop(conn);
    let moderation = crate::moderation::handlers::member_panel(&ctx, member.id).await?;
    Ok(html(
        StatusCode::OK,
        views::profile(&ctx, &member, &activity, moderation),
    ))
}

/// Members a page of the list shows.
const MEMBERS_PER_PAGE: i64 = 50;

/// `GET /members`: sortable by each column, searchable by name, paginated.
pub async fn list(ctx: Ctx, query: web::Query<views::MemberQuery>) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let order = match query.sort.as_str() {
        "role" => store::MemberOrder::Role,
        "joined" => store::MemberOrder::Joined,
        "posts" => store::MemberOrder::Posts,
        "seen" => store::MemberOrder::Seen,
        _ => store::MemberOrder::Name,
    };
    let page = crate::web::pagination::PageQuery {
        page: query.page.clone(),
    }
    .number();
    let mut conn = ctx.state.conn().await?;
    let name = query.q.trim().chars().take(32).collect::<String>();
    let (members, total) = store::member_list(
        &mut conn,
        &name,
        order,
        query.dir == "desc",
        MEMBERS_PER_PAGE,
        crate::web::pagination::items_before(page, MEMBERS_PER_PAGE),
    )
    .await?;
    let pages = crate::web::pagination::Pages::new(total, MEMBERS_PER_PAGE, page);
    Ok(html(
        StatusCode::OK,
        views::members(&ctx, &query, &members, pages),
    ))
}

/// What "@" suggestions ask for.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NamesQuery {
    q: String,
}

/// `GET /members/names?q=…`: up to eight member names starting with `q`, as JSON, for the
/// composer's "@" suggestions (members only: the list is not for harvesting names).
pub async fn names(
    member: crate::shell::ctx::CurrentUser,
    query: web::Query<NamesQuery>,
) -> AppResult<HttpResponse> {
    let prefix: String = query
        .q
        .trim()
        .trim_start_matches('@')
        .chars()
        .take(32)
        .collect();
    if prefix.is_empty() {
        return Ok(HttpResponse::Ok().json(Vec::<String>::new()));
    }
    let mut conn = member.state.conn().await?;
    let names = store::names_starting(&mut conn, &prefix, 8).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, max-age=60"))
        .json(names))
}
