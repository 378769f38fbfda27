//! Notifications: the worker that turns post events into mail for watchers, quoted and
//! mentioned members, digests, the notification settings and one-click unsubscribe.

pub mod handlers;
pub mod store;
pub mod views;
pub mod worker;

pub use crate::mail::{compose, mailer, signing, types};

use actix_web::web;

/// Registers the routes under `/t/{id}`.
pub fn thread_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/watch").route(web::post().to(handlers::watch_thread)));
}

/// Registers the routes under `/f/{slug}`.
pub fn forum_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/watch").route(web::post().to(handlers::watch_forum)));
}

/// Registers the notification routes outside the shared scopes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/unsubscribe/{token}")
            .route(web::get().to(handlers::unsubscribe_page))
            .route(web::post().to(handlers::unsubscribe)),
    )
    .service(
        web::resource("/settings/notifications").route(web::post().to(handlers::save_settings)),
    )
    .service(
        web::resource("/settings/subscriptions/{id}")
            .route(web::post().to(handlers::change_subscription)),
    )
    .service(web::resource("/admin/mail").route(web::get().to(handlers::failed_mail)))
    .service(web::resource("/admin/mail/{id}/retry").route(web::post().to(handlers::retry)));
}
