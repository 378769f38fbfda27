//! Full-text search over threads and posts.

pub mod handlers;
pub mod snippet;
pub mod store;
pub mod strategy;
pub mod views;

use actix_web::web;

/// Registers the search route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/search").route(web::get().to(handlers::search)));
}
