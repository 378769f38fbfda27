//! Leaving, and what we keep: "Download my data" (a JSON file behind a mailed one-time
//! link) and "Delete my account" (the member becomes "former member N"; posts stay or are
//! hidden), by the member or an administrator.

pub mod erase;
pub mod export;
pub mod handlers;
pub mod store;
pub mod views;

use actix_web::web;

/// Registers the routes of leaving.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/settings/data")
            .route(web::get().to(handlers::data_page))
            .route(web::post().to(handlers::request_data)),
    )
    .service(
        web::resource("/settings/data/{token}")
            .route(web::get().to(handlers::download_page))
            .route(web::post().to(handlers::download)),
    )
    .service(
        web::resource("/settings/delete")
            .route(web::get().to(handlers::delete_page))
            .route(web::post().to(handlers::delete_own)),
    )
    .service(
        web::resource("/admin/users/{id}/delete")
            .route(web::get().to(handlers::admin_delete_page))
            .route(web::post().to(handlers::admin_delete)),
    );
}
