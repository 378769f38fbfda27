//! Categories, forums, threads and posts. So far: the forum start page.

pub mod handlers;
pub mod markup;
pub mod views;

use actix_web::web;

/// Registers the forum routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(handlers::start)));
}
