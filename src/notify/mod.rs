//! E-mail: the outbox and its worker, account mail, subscriptions, notifications,
//! digests and one-click unsubscribe.

pub mod compose;
pub mod handlers;
pub mod mailer;
pub mod mails;
pub mod signing;
pub mod store;
pub mod types;
pub mod views;
pub mod worker;

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
