//! `/stats`: how the community is doing. Figures are computed at most once a minute per
//! node and served from memory in between, so the page never slows the forum down.

pub mod store;
pub mod views;

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::shell::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::html;

/// How old the figures may be.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Days in the posts-per-day chart.
pub const DAYS: i64 = 90;
/// Lines in each top list.
const TOP: i64 = 10;

/// Every figure of the page.
#[derive(Debug, Clone)]
pub struct Stats {
    pub totals: store::Totals,
    /// Most posts this month.
    pub active_members: Vec<store::Ranked>,
    /// Most posts this month.
    pub active_threads: Vec<store::Ranked>,
    pub most_viewed: Vec<store::Ranked>,
    pub busiest_forums: Vec<store::Ranked>,
    /// Posts per day, oldest first.
    pub per_day: Vec<store::Day>,
}

/// The last figures, kept for [`MAX_AGE`].
pub type StatsCache = crate::cache::Timed<Stats>;

/// Registers `/stats`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/stats").route(web::get().to(show)));
}

async fn compute(ctx: &Ctx) -> AppResult<Stats> {
    let mut conn = ctx.state.conn().await?;
    Ok(Stats {
        totals: store::totals(&mut conn).await?,
        active_members: store::active_members(&mut conn, TOP).await?,
        active_threads: store::active_threads(&mut conn, TOP).await?,
        most_viewed: store::most_viewed(&mut conn, TOP).await?,
        busiest_forums: store::busiest_forums(&mut conn, TOP).await?,
        per_day: store::posts_per_day(&mut conn, DAYS).await?,
    })
}

/// `GET /stats`.
async fn show(ctx: Ctx, cache: web::Data<StatsCache>) -> AppResult<HttpResponse> {
    let stats = cache.get_or_compute(|| compute(&ctx)).await?;
    Ok(html(StatusCode::OK, views::stats_page(&ctx, &stats)))
}
