//! Parley: a discussion forum for customer-service professionals.
//!
//! [`build_app`] is the one place routes and middleware are assembled.

pub mod accounts;
pub mod cache;
pub mod config;
pub mod db;
pub mod faq;
pub mod feeds;
pub mod forums;
pub mod ids;
pub mod moderation;
pub mod notify;
pub mod page_cache;
pub mod search;
pub mod server;
pub mod state;
pub mod stats;
pub mod telemetry;
pub mod text;
pub mod web;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web as aw};
use tracing_actix_web::TracingLogger;

pub use state::AppState;
use web::error::AppError;
use web::form::MAX_FORM_BYTES;

/// The whole application: every feature's routes behind the shared middleware.
pub fn build_app(
    state: AppState,
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
        .app_data(aw::Data::new(state))
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
        .configure(accounts::routes)
        .configure(search::routes)
        .configure(stats::routes)
        .configure(faq::routes)
        .route("/healthz", aw::get().to(web::health::healthz))
        .route("/assets/{name}", aw::get().to(web::assets::serve))
        .default_service(aw::to(not_found))
        .wrap(from_fn(web::middleware::refuse_nul))
        .wrap(from_fn(web::middleware::keep_submitted_form))
        .wrap(web::middleware::error_pages())
        .wrap(from_fn(page_cache::middleware::serve_cached))
        .wrap(from_fn(web::cookies::visitor_cookies))
        .wrap(from_fn(web::middleware::etag))
        .wrap(actix_web::middleware::Compress::default())
        .wrap(web::middleware::security_headers())
        .wrap(from_fn(web::middleware::private_by_default))
        .wrap(TracingLogger::<telemetry::RequestSpan>::new())
        .wrap(from_fn(web::middleware::head_as_get))
}

async fn not_found(_ctx: web::ctx::Ctx) -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
