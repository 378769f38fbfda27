//! Parley: a discussion forum for customer-service professionals.
//!
//! [`build_app`] is the one place routes and middleware are assembled.

pub mod account_pages;
pub mod accounts;
pub mod api;
pub mod attachments;
pub mod cache;
pub mod canned;
pub mod changes;
pub mod config;
pub mod db;
pub mod desk;
pub mod faq;
pub mod feeds;
pub mod forums;
pub mod ids;
pub mod images;
pub mod jobs;
pub mod kinds;
pub mod leaving;
pub mod mail;
pub mod markup;
pub mod moderation;
pub mod notify;
pub mod page_cache;
pub mod reviews;
pub mod search;
pub mod server;
pub mod shell;
pub mod stats;
pub mod telemetry;
pub mod text;
pub mod user_cli;
pub mod web;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web as aw};
use tracing_actix_web::TracingLogger;

pub use shell::state::AppState;
use std::sync::Arc;
use web::error::AppError;
use web::form::MAX_FORM_BYTES;

/// One node's application: the shell's state and every feature's in-memory copy. Each copy
/// is handed to the handlers as a `web::Data` of its own; the state is what they share.
#[derive(Clone)]
pub struct Site {
    /// The pool, settings, bus and bell every handler reaches.
    pub state: AppState,
    /// The one-time link that creates the first admin.
    pub setup: Arc<accounts::setup::SetupGate>,
    /// Thread and article views not yet written to the database.
    pub views: Arc<forums::view_counter::ViewCounter>,
    /// The statistics page's figures, recomputed at most once a minute.
    pub stats: Arc<stats::StatsCache>,
    /// The FAQ page's lists, recomputed at most once a minute.
    pub faq: Arc<faq::FaqCache>,
    /// Rendered pages for logged-out readers.
    pub pages: Arc<page_cache::PageCache>,
    /// Member cards beside posts, kept current by the same announcements as the pages.
    pub members: Arc<accounts::cards::MemberCards>,
    /// Where each forum sits, for thread pages, kept current the same way.
    pub places: Arc<forums::places::ForumPlaces>,
    /// Question titles for "Similar questions", kept current the same way.
    pub similar: Arc<forums::similar::SimilarIndex>,
    /// How common searched words are, for picking each search's way to its candidates.
    pub lexemes: Arc<search::strategy::LexemeCache>,
}

impl Site {
    /// A node's application around an existing pool, every copy empty.
    pub fn new(pool: db::DbPool, settings: config::Settings) -> Site {
        let page_cache_mb = settings.page_cache_mb;
        let state = AppState::new(pool, settings);
        let changes = state.changes.clone();
        let views = Arc::new(forums::view_counter::ViewCounter::default());
        let counter = views.clone();
        Site {
            setup: Arc::new(accounts::setup::SetupGate::closed()),
            views,
            stats: Arc::new(stats::StatsCache::new(stats::MAX_AGE)),
            faq: Arc::new(faq::FaqCache::new(stats::MAX_AGE)),
            pages: Arc::new(
                page_cache::PageCache::on(changes.clone(), page_cache_mb)
                    .counting_views(move |thread| counter.record(thread)),
            ),
            members: Arc::new(accounts::cards::MemberCards::new(changes.clone())),
            places: Arc::new(forums::places::ForumPlaces::new(changes.clone())),
            similar: Arc::new(forums::similar::SimilarIndex::new(changes)),
            lexemes: Arc::new(search::strategy::LexemeCache::new(
                search::strategy::MAX_AGE,
            )),
            state,
        }
    }

    /// The same application reaching the database through `pool`.
    pub fn with_pool(&self, pool: db::DbPool) -> Site {
        Site {
            state: self.state.with_pool(pool),
            ..self.clone()
        }
    }
}

impl std::ops::Deref for Site {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

/// The whole application: every feature's routes behind the shared middleware.
pub fn build_app(
    site: Site,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(aw::Data::from(site.settings.clone()))
        .app_data(aw::Data::from(site.setup))
        .app_data(aw::Data::from(site.views))
        .app_data(aw::Data::from(site.stats))
        .app_data(aw::Data::from(site.faq))
        .app_data(aw::Data::from(site.pages))
        .app_data(aw::Data::from(site.members))
        .app_data(aw::Data::from(site.places))
        .app_data(aw::Data::from(site.similar))
        .app_data(aw::Data::from(site.lexemes))
        .app_data(aw::Data::new(site.state))
        .app_data(aw::PayloadConfig::new(MAX_FORM_BYTES))
        .app_data(aw::FormConfig::default().limit(MAX_FORM_BYTES))
        .app_data(
            aw::QueryConfig::default().error_handler(|e, _| {
                AppError::BadRequest(format!("Bad query string: {e}.")).into()
            }),
        )
        .app_data(aw::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        // Each prefix that several features serve is one scope, matched once: the router
        // tries its patterns in turn, and the thread page came after twenty of them. Inside
        // a scope the forum routes come last, so `/t/{id}/watch` is not taken for a slug.
        .service(
            aw::scope("/t/{id}")
                .configure(notify::thread_routes)
                .configure(desk::thread_routes)
                .configure(feeds::thread_routes)
                .configure(forums::thread_routes),
        )
        .service(
            aw::scope("/f/{slug}")
                .configure(notify::forum_routes)
                .configure(feeds::forum_routes)
                .configure(forums::forum_routes),
        )
        .service(
            aw::scope("/p/{id}")
                .configure(moderation::post_routes)
                .configure(forums::post_routes),
        )
        .configure(notify::routes)
        .configure(moderation::routes)
        .configure(feeds::routes)
        .configure(forums::routes)
        .configure(canned::routes)
        .configure(attachments::handlers::routes)
        .configure(desk::routes)
        .configure(account_pages::routes)
        .configure(search::routes)
        .configure(stats::routes)
        .configure(faq::routes)
        .configure(reviews::routes)
        .configure(leaving::routes)
        .configure(api::routes)
        .route("/healthz", aw::get().to(shell::health::healthz))
        .route("/assets/{name}", aw::get().to(web::assets::serve))
        .default_service(aw::to(not_found))
        .wrap(from_fn(shell::middleware::wake_mail_worker))
        .wrap(from_fn(web::middleware::refuse_nul))
        .wrap(from_fn(web::middleware::keep_submitted_form))
        .wrap(shell::error_pages::error_pages())
        .wrap(from_fn(page_cache::middleware::serve_cached))
        .wrap(from_fn(web::cookies::visitor_cookies))
        .wrap(from_fn(web::middleware::etag))
        .wrap(actix_web::middleware::Compress::default())
        .wrap(web::middleware::security_headers())
        .wrap(from_fn(web::middleware::private_by_default))
        .wrap(TracingLogger::<telemetry::RequestSpan>::new())
        .wrap(from_fn(web::middleware::head_as_get))
}

async fn not_found(_ctx: shell::ctx::Ctx) -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
