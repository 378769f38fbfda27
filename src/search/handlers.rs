//! `GET /search`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::forums::store as forums_store;
use crate::search::store;
use crate::search::strategy::LexemeCache;
use crate::search::views::{self, SearchForm};
use crate::shell::ctx::Ctx;
use crate::web::error::AppResult;
use crate::web::html;
use crate::web::pagination::{PageQuery, Pages, items_before};

/// Results a page shows.
const PER_PAGE: usize = 20;
/// Longest query accepted, in characters.
const QUERY_MAX: usize = 200;

/// Searches; empty, overlong or word-less queries get a clear message, never an error.
pub async fn search(
    ctx: Ctx,
    lexemes: web::Data<LexemeCache>,
    form: web::Query<SearchForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut conn = ctx.state.conn().await?;
    let query = crate::markup::clean_text(form.q.trim());
    let page = PageQuery {
        page: form.page.clone(),
    }
    .number();
    let mut problem = None;
    let mut forums = None;
    let mut hits = Vec::new();
    let mut pages = Pages {
        current: 1,
        total: 1,
    };
    if query.chars().count() > QUERY_MAX {
        problem = Some(format!(
            "Please search with at most {QUERY_MAX} characters."
        ));
    } else if !query.is_empty() {
        let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        // An unreadable date is ignored rather than refused: the browser's date field sends ISO days.
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let filters = store::Filters {
            forum: blank(&form.forum),
            author: blank(&form.author),
            solved_only: crate::web::form::is_checked(&form.solved),
            from: day(&form.from),
            to: day(&form.to),
            by_thread: form.group == "thread",
        };
        let lexemes = lexemes
            .get_or_compute(|| store::lexeme_stats(&mut conn))
            .await?;
        let found = store::find(
            &mut conn,
            &lexemes,
            &query,
            &filters,
            PER_PAGE + 1,
            usize::try_from(items_before(page, PER_PAGE as i64)).unwrap_or(usize::MAX),
        )
        .await?;
        if !found.searchable {
            problem =
                Some("There are no searchable words in this query. Try a word or two.".to_string());
        }
        forums = Some(found.forums);
        let mut found = found.hits;
        // One extra row tells whether there is a next page without counting every match.
        let more = found.len() > PER_PAGE;
        found.truncate(PER_PAGE);
        pages = Pages {
            current: page,
            total: page + i64::from(more),
        };
        hits = found;
    }
    let forums = match forums {
        Some(forums) => forums,
        None => forums_store::forum_choices(&mut conn).await?,
    };
    Ok(html(
        StatusCode::OK,
        views::search_page(&ctx, &form, &forums, problem.as_deref(), &hits, pages),
    ))
}
