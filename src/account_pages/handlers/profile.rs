//! `GET /u/{username}`: the public profile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::account_pages::views;
use crate::accounts::store;
use crate::shell::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::html;

/// Shows a member's public facts; never their e-mail address.
pub async fn show(ctx: Ctx, name: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let member = store::profile(&mut conn, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let avatar = store::avatar_hash(&mut conn, member.id).await?;
    drop(conn);
    let moderation = crate::moderation::handlers::member_panel(&ctx, member.id).await?;
    Ok(html(
        StatusCode::OK,
        views::profile(&ctx, &member, avatar.as_deref(), moderation),
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
