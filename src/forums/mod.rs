//! Categories, forums, threads and posts: reading, writing, quoting and administration.

pub mod admin_views;
pub mod demo;
pub mod handlers;
pub mod markup;
pub mod pages;
pub mod store;
pub mod types;
pub mod view_counter;
pub mod views;
pub mod writing;

use actix_web::web;

use handlers::{admin, reading, writing as write};

/// Registers the forum routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(reading::start)))
        .service(web::resource("/f/{slug}").route(web::get().to(reading::forum)))
        .service(
            web::resource("/f/{slug}/new")
                .route(web::get().to(write::new_thread_form))
                .route(web::post().to(write::new_thread)),
        )
        .service(web::resource("/t/{id}").route(web::get().to(reading::thread_short)))
        .service(web::resource("/t/{id}/unread").route(web::get().to(reading::first_unread)))
        .service(web::resource("/t/{id}/solution").route(web::post().to(write::solution)))
        .service(
            web::resource("/t/{id}/reply")
                .route(web::get().to(write::reply_form))
                .route(web::post().to(write::reply)),
        )
        .service(web::resource("/t/{id}/{slug}").route(web::get().to(reading::thread)))
        .service(web::resource("/p/{id}").route(web::get().to(reading::permalink)))
        .service(
            web::resource("/p/{id}/edit")
                .route(web::get().to(write::edit_form))
                .route(web::post().to(write::edit)),
        )
        .service(web::resource("/p/{id}/delete").route(web::post().to(write::delete)))
        .service(
            web::resource("/admin/forums")
                .route(web::get().to(admin::show))
                .route(web::post().to(admin::create_forum)),
        )
        .service(web::resource("/admin/forums/{id}").route(web::post().to(admin::forum_action)))
        .service(web::resource("/admin/categories").route(web::post().to(admin::create_category)))
        .service(
            web::resource("/admin/categories/{id}").route(web::post().to(admin::category_action)),
        );
}
