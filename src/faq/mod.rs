//! The FAQ knowledge base: articles moderators write, or promote from solved threads.

pub mod store;
pub mod views;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::faq::views::ArticleForm;
use crate::forums::view_counter::ViewCounter;
use crate::forums::{markup, writing};
use crate::ids::{ArticleId, ThreadId};
use crate::shell::ctx::{Ctx, Moderator};
use crate::shell::form::CsrfForm;
use crate::web::error::{AppError, AppResult};
use crate::web::form::{FieldErrors, NoFields, is_checked};
use crate::web::urls;
use crate::web::{html, redirect};

/// Articles in the "most popular" and "latest" lists.
const LISTED: i64 = 10;

/// Registers the FAQ routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/faq").route(web::get().to(index)))
        .service(
            web::resource("/faq/new")
                .route(web::get().to(new_form))
                .route(web::post().to(create)),
        )
        .service(
            web::resource("/faq/{id}/edit")
                .route(web::get().to(edit_form))
                .route(web::post().to(save)),
        )
        .service(web::resource("/mod/t/{id}/promote").route(web::post().to(promote)))
        .service(web::resource("/faq/{key}").route(web::get().to(show)));
}

/// `?q=` of the FAQ page.
#[derive(Deserialize, Default)]
#[serde(default)]
struct FaqQuery {
    q: String,
}

/// The three lists of `/faq`, kept for up to a minute (view counts may lag that much);
/// saving an article clears them at once on this node.
pub type FaqCache = crate::cache::Timed<Lists>;

/// Sticky, most popular and latest articles.
#[derive(Debug)]
pub struct Lists {
    sticky: Vec<store::ArticleSummary>,
    popular: Vec<store::ArticleSummary>,
    latest: Vec<store::ArticleSummary>,
}

async fn lists(ctx: &Ctx, faq: &FaqCache) -> AppResult<Arc<Lists>> {
    faq.get_or_compute(|| async {
        let mut conn = ctx.state.conn().await?;
        Ok(Lists {
            sticky: store::sticky(&mut conn).await?,
            popular: store::popular(&mut conn, LISTED).await?,
            latest: store::latest(&mut conn, LISTED).await?,
        })
    })
    .await
}

/// `GET /faq`: the lists come from memory; only a search asks the database.
async fn index(
    ctx: Ctx,
    faq: web::Data<FaqCache>,
    query: web::Query<FaqQuery>,
) -> AppResult<HttpResponse> {
    let q = markup::clean_text(query.q.trim());
    let found = if q.is_empty() || q.chars().count() > 200 {
        None
    } else {
        let mut conn = ctx.state.conn().await?;
        Some(store::search(&mut conn, &q, 20).await?)
    };
    let lists = lists(&ctx, &faq).await?;
    Ok(html(
        StatusCode::OK,
        views::index(
            &ctx,
            &q,
            found.as_deref(),
            &lists.sticky,
            &lists.popular,
            &lists.latest,
        ),
    ))
}

/// `GET /faq/{id}-{slug}`: the article; other slugs lead to the right one.
async fn show(
    ctx: Ctx,
    views: web::Data<ViewCounter>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (id, slug) = key.split_once('-').unwrap_or((key.as_str(), ""));
    let id = ArticleId(id.parse().map_err(|_| AppError::NotFound)?);
    let mut conn = ctx.state.conn().await?;
    let article = store::article(&mut conn, id)
        .await?
        .filter(|a| a.published || ctx.is_moderator())
        .ok_or(AppError::NotFound)?;
    if slug != article.slug {
        return Ok(redirect::found(&format!(
            "/faq/{}-{}",
            article.id, article.slug
        )));
    }
    let see_also = store::see_also(&mut conn, id).await?;
    let related = store::related(&mut conn, id, 5).await?;
    views.record_article(id);
    Ok(html(
        StatusCode::OK,
        views::article(&ctx, &article, &see_also, &related),
    ))
}

/// Checks and renders an article form; the "see also" lines become article and thread ids.
async fn prepare(
    ctx: &Ctx,
    form: &ArticleForm,
) -> AppResult<Result<(String, String, Vec<ArticleId>, Vec<ThreadId>), FieldErrors>> {
    let mut errors = FieldErrors::new();
    let title = writing::check_title(&form.title, &mut errors);
    let body = writing::check_body(&form.body, &mut errors);
    if form.category.chars().count() > 60 {
        errors.add(
            "category",
            "The category may be at most 60 characters long.",
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut conn = ctx.state.conn().await?;
    let html = match writing::render(&mut conn, &body).await {
        Ok((html, _)) => html,
        Err(writing::WriteError::Invalid(e)) => return Ok(Err(e)),
        Err(other) => return Err(other.into()),
    };
    let (mut articles, mut threads) = (Vec::new(), Vec::new());
    for line in form
        .see_also
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(20)
    {
        let tail = line.rsplit(['/', ':']).next().unwrap_or("");
        let id: Option<i64> = tail.split('-').next().and_then(|n| n.parse().ok());
        match (line.starts_with("faq") || line.contains("/faq/"), id) {
            (true, Some(id)) => articles.push(ArticleId(id)),
            (false, Some(id)) => threads.push(ThreadId(id)),
            _ => {}
        }
    }
    Ok(Ok((title, html, articles, threads)))
}

async fn write_article(
    moderator: &Moderator,
    faq: &FaqCache,
    id: Option<ArticleId>,
    form: &ArticleForm,
    source: Option<ThreadId>,
) -> AppResult<Result<ArticleId, FieldErrors>> {
    let (title, html, articles, threads) = match prepare(moderator, form).await? {
        Ok(parts) => parts,
        Err(errors) => return Ok(Err(errors)),
    };
    let body = markup::clean_text(&form.body);
    let input = store::ArticleInput {
        title: &title,
        slug: &writing::slugify(&title),
        category: form.category.trim(),
        body_source: &body,
        body_html: &html,
        sticky: is_checked(&form.sticky),
        published: is_checked(&form.published),
    };
    let mut conn = moderator.state.conn().await?;
    let id = match id {
        Some(id) => {
            if store::update(&mut conn, id, &input).await? == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => store::insert(&mut conn, &input, moderator.user().id, source).await?,
    };
    store::set_see_also(&mut conn, id, &articles, &threads).await?;
    faq.clear();
    Ok(Ok(id))
}

/// `GET /faq/new`.
async fn new_form(moderator: Moderator) -> AppResult<HttpResponse> {
    let form = ArticleForm {
        published: Some("on".into()),
        ..ArticleForm::default()
    };
    Ok(html(
        StatusCode::OK,
        views::editor(&moderator, "/faq/new", &form, &FieldErrors::new()),
    ))
}

/// `POST /faq/new`.
async fn create(
    moderator: Moderator,
    faq: web::Data<FaqCache>,
    CsrfForm(form): CsrfForm<ArticleForm>,
) -> AppResult<HttpResponse> {
    match write_article(&moderator, &faq, None, &form, None).await? {
        Ok(id) => {
            Ok(moderator.redirect_with_flash(&urls::article(id).to_string(), "Article saved."))
        }
        Err(errors) => Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::editor(&moderator, "/faq/new", &form, &errors),
        )),
    }
}

/// `GET /faq/{id}/edit`.
async fn edit_form(moderator: Moderator, id: web::Path<ArticleId>) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let article = store::article(&mut conn, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    let see_also = store::see_also(&mut conn, *id).await?;
    let form = ArticleForm {
        title: article.title,
        category: article.category,
        body: article.body_source,
        sticky: article.sticky.then(|| "on".into()),
        published: article.published.then(|| "on".into()),
        see_also: see_also
            .into_iter()
            .map(|s| s.reference)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let action = urls::article_edit(*id).to_string();
    Ok(html(
        StatusCode::OK,
        views::editor(&moderator, &action, &form, &FieldErrors::new()),
    ))
}

/// `POST /faq/{id}/edit`.
async fn save(
    moderator: Moderator,
    faq: web::Data<FaqCache>,
    id: web::Path<ArticleId>,
    CsrfForm(form): CsrfForm<ArticleForm>,
) -> AppResult<HttpResponse> {
    match write_article(&moderator, &faq, Some(*id), &form, None).await? {
        Ok(id) => {
            Ok(moderator.redirect_with_flash(&urls::article(id).to_string(), "Article saved."))
        }
        Err(errors) => {
            let action = urls::article_edit(*id).to_string();
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::editor(&moderator, &action, &form, &errors),
            ))
        }
    }
}

/// `POST /mod/t/{id}/promote`: a solved thread becomes a draft article (question and
/// accepted answer) that the moderator then edits and publishes.
async fn promote(
    moderator: Moderator,
    faq: web::Data<FaqCache>,
    id: web::Path<ThreadId>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let mut conn = moderator.state.conn().await?;
    let thread = crate::forums::pages::visible_thread(&mut conn, *id).await?;
    let answer_id = thread.solution_post_id.ok_or_else(|| {
        AppError::Unprocessable(
            "Only a thread with an accepted answer can become an FAQ article.".into(),
        )
    })?;
    let opening =
        crate::forums::store::posts_in_range(&mut conn, thread.id, 1, 1, Default::default())
            .await?
            .pop()
            .ok_or(AppError::NotFound)?;
    let answer = crate::forums::store::post_for_edit(&mut conn, answer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let question_source = crate::forums::store::post_for_edit(&mut conn, opening.id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let form = ArticleForm {
        title: thread.title.clone(),
        category: thread.place.forum_title.clone(),
        body: format!(
            "## The question\n\n{}\n\n## The answer\n\n{}\n",
            question_source.body_source.trim(),
            answer.body_source.trim()
        ),
        sticky: None,
        published: None,
        see_also: format!("t:{}", thread.id),
    };
    match write_article(&moderator, &faq, None, &form, Some(thread.id)).await? {
        Ok(id) => Ok(moderator.redirect_with_flash(
            &urls::article_edit(id).to_string(),
            "Draft article created from the thread: edit it, then publish.",
        )),
        Err(_) => Err(AppError::Unprocessable(
            "This thread cannot become an article as it is.".into(),
        )),
    }
}
