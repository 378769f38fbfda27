//! The support desk: staff work on questions. Staff groups (`/admin/groups`), targets
//! (`/admin/targets`), "Assign",
//! "Claim" and "Unassign", the staff queue `/desk` with each Questions forum's targets,
//! the daily mail of questions past them, and the managers' figures at `/desk/stats`. Staff notes and canned replies, which the
//! thread page and composer show, live with the forums and in [`crate::canned`].

pub mod assigning;
pub mod handlers;
pub mod late;
pub mod stats;
pub mod stats_views;
pub mod store;
pub mod targets;
pub mod targets_form;
pub mod views;

use actix_web::web;

/// Registers `/desk`, `/desk/stats`, `/admin/groups` and `/admin/targets`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/desk").route(web::get().to(handlers::queue)))
        .service(web::resource("/desk/stats").route(web::get().to(handlers::stats)))
        .service(web::resource("/desk/stats.csv").route(web::get().to(handlers::stats_csv)))
        .service(
            web::resource("/admin/groups")
                .route(web::get().to(handlers::groups))
                .route(web::post().to(handlers::create_group)),
        )
        .service(web::resource("/admin/groups/{id}").route(web::post().to(handlers::change_group)))
        .service(web::resource("/admin/targets").route(web::get().to(targets_form::show)))
        .service(web::resource("/admin/targets/{id}").route(web::post().to(targets_form::save)));
}

/// Registers the routes under `/t/{id}`.
pub fn thread_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/assign")
            .route(web::get().to(handlers::assign_form))
            .route(web::post().to(handlers::assign)),
    );
}
