//! Moderation: roles, thread and post tools, reports, sanctions, rate limits and the log.

pub mod actions;
pub mod handlers;
pub mod store;
pub mod views;

use actix_web::web;

/// Registers the routes under `/p/{id}`.
pub fn post_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/report")
            .route(web::get().to(handlers::report_form))
            .route(web::post().to(handlers::report)),
    );
}

/// Registers the moderation routes outside the shared scopes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mod/t/{id}").route(web::post().to(handlers::thread_tool)))
        .service(
            web::resource("/mod/t/{id}/split")
                .route(web::get().to(handlers::split_form))
                .route(web::post().to(handlers::split)),
        )
        .service(web::resource("/mod/p/{id}").route(web::post().to(handlers::post_tool)))
        .service(web::resource("/mod/p/{id}/revisions").route(web::get().to(handlers::revisions)))
        .service(web::resource("/mod/queue").route(web::get().to(handlers::queue)))
        .service(web::resource("/mod/queue/{id}").route(web::post().to(handlers::decide)))
        .service(web::resource("/mod/queue/edit/{id}").route(web::post().to(handlers::decide_edit)))
        .service(web::resource("/mod/reports").route(web::get().to(handlers::reports)))
        .service(web::resource("/mod/reports/{id}").route(web::post().to(handlers::resolve)))
        .service(web::resource("/mod/u/{name}").route(web::post().to(handlers::sanction)))
        .service(web::resource("/mod/log").route(web::get().to(handlers::log)))
        .service(web::resource("/admin/users").route(web::get().to(handlers::users)))
        .service(web::resource("/admin/users/{id}/role").route(web::post().to(handlers::set_role)))
        .service(
            web::resource("/admin/users/{id}/two-factor")
                .route(web::post().to(handlers::reset_two_factor)),
        );
}
