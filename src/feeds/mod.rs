//! Atom 1.0 feeds: latest threads site-wide and per forum, replies in a thread. Entries
//! carry stable ids, author names (never addresses), update times and sanitized HTML;
//! repeated requests are answered 304 through `ETag` and `Last-Modified`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use self::store::FeedPost;
use crate::forums::pages::visible_thread;
use crate::ids::ThreadId;
use crate::shell::ctx::Ctx;
use crate::web::error::{AppError, AppResult};
use crate::web::urls;

pub mod store;

/// Entries a feed carries.
const ENTRIES: i64 = 30;

/// Registers the feed routes outside the shared scopes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/feeds/latest.atom").route(web::get().to(latest)))
        .service(web::resource("/faq/feed.atom").route(web::get().to(faq)));
}

/// Registers the routes under `/f/{slug}`.
pub fn forum_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/feed.atom").route(web::get().to(forum)));
}

/// Registers the routes under `/t/{id}` (before the thread page, whose slug would match).
pub fn thread_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/feed.atom").route(web::get().to(thread)));
}

/// `GET /feeds/latest.atom`.
async fn latest(req: HttpRequest, ctx: Ctx) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let posts = store::latest_threads(&mut conn, None, ENTRIES).await?;
    let title = format!("{}: latest threads", ctx.site_name());
    respond(
        &req,
        &ctx,
        "/feeds/latest.atom",
        "/",
        &title,
        &posts,
        Kind::Threads,
    )
}

/// `GET /f/{slug}/feed.atom`.
async fn forum(req: HttpRequest, ctx: Ctx, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let forum = crate::forums::store::forum_by_slug(&mut conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let posts = store::latest_threads(&mut conn, Some(forum.id), ENTRIES).await?;
    let title = format!("{}: {}", ctx.site_name(), forum.title);
    let page = urls::forum(&forum.slug).to_string();
    respond(
        &req,
        &ctx,
        &format!("{page}/feed.atom"),
        &page,
        &title,
        &posts,
        Kind::Threads,
    )
}

/// `GET /t/{id}/feed.atom`.
async fn thread(req: HttpRequest, ctx: Ctx, id: web::Path<ThreadId>) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let thread = visible_thread(&mut conn, *id).await?;
    let posts = store::latest_posts(&mut conn, thread.id, ENTRIES).await?;
    let title = format!("{}: {}", ctx.site_name(), thread.title);
    let page = thread.path();
    respond(
        &req,
        &ctx,
        &urls::thread_feed(thread.id).to_string(),
        &page,
        &title,
        &posts,
        Kind::Replies,
    )
}

/// `GET /faq/feed.atom`: the latest published FAQ articles.
async fn faq(req: HttpRequest, ctx: Ctx) -> AppResult<HttpResponse> {
    let mut conn = ctx.state.conn().await?;
    let posts: Vec<FeedPost> = crate::faq::store::latest_full(&mut conn, ENTRIES)
        .await?
        .into_iter()
        .map(|article| FeedPost {
            id: crate::ids::PostId(article.id.0),
            position: 0,
            title: format!("Solution #{}: {}", article.id, article.title),
            author: article.author,
            body_html: article.body_html,
            created_at: article.updated_at,
            updated_at: article.updated_at,
        })
        .collect();
    let title = format!("{}: FAQ", ctx.site_name());
    respond(
        &req,
        &ctx,
        "/faq/feed.atom",
        "/faq",
        &title,
        &posts,
        Kind::Articles,
    )
}

fn host(base: &str) -> &str {
    base.split_once("://")
        .map_or(base, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
}

/// What a feed's entries are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Opening posts of threads.
    Threads,
    /// Posts of one thread.
    Replies,
    Articles,
}

/// Builds the feed, or 304 when the client has this very version.
fn respond(
    req: &HttpRequest,
    ctx: &Ctx,
    self_path: &str,
    page_path: &str,
    title: &str,
    posts: &[FeedPost],
    kind: Kind,
) -> AppResult<HttpResponse> {
    let base = ctx.state.settings.base_url();
    let updated: DateTime<Utc> = posts
        .iter()
        .map(|p| p.updated_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(format!("{base}{self_path}"));
    feed.set_updated(updated.fixed_offset());
    feed.set_links(vec![
        link(&format!("{base}{page_path}"), "alternate", "text/html"),
        link(
            &format!("{base}{self_path}"),
            "self",
            "application/atom+xml",
        ),
    ]);
    let host = host(&base);
    feed.set_entries(
        posts
            .iter()
            .map(|post| {
                let mut entry = Entry::default();
                // Stable for ever: a post's id never changes, whatever happens to its thread.
                let (prefix, path) = match kind {
                    Kind::Articles => (
                        "faq",
                        urls::article(crate::ids::ArticleId(post.id.0)).to_string(),
                    ),
                    _ => ("post", urls::post(post.id).to_string()),
                };
                entry.set_id(format!("tag:{host},2026:{prefix}-{}", post.id));
                let entry_title = match kind {
                    Kind::Replies => {
                        format!("#{} by {} in {}", post.position, post.author, post.title)
                    }
                    _ => post.title.clone(),
                };
                entry.set_title(Text::plain(entry_title));
                entry.set_updated(post.updated_at.fixed_offset());
                entry.set_published(Some(post.created_at.fixed_offset()));
                entry.set_authors(vec![Person {
                    name: post.author.clone(),
                    ..Person::default()
                }]);
                entry.set_links(vec![link(
                    &format!("{base}{path}"),
                    "alternate",
                    "text/html",
                )]);
                let mut content = Content::default();
                content.set_content_type(Some("html".to_string()));
                content.set_value(Some(post.body_html.clone()));
                entry.set_content(Some(content));
                entry
            })
            .collect::<Vec<_>>(),
    );
    let body = feed.to_string();
    let etag = format!("\"{}\"", &hex(&Sha256::digest(body.as_bytes()))[..32]);
    let last_modified = updated.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if not_modified(req, &etag, updated) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::LAST_MODIFIED, last_modified))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, last_modified))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(body))
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(Some(mime.to_string()));
    link
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `If-None-Match` wins over `If-Modified-Since`, as HTTP says.
fn not_modified(req: &HttpRequest, etag: &str, updated: DateTime<Utc>) -> bool {
    let headers = req.headers();
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags.split(',').any(|t| t.trim() == etag || t.trim() == "*");
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| updated.timestamp() <= since.timestamp())
}
