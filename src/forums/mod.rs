//! Categories, forums, threads and posts: reading, writing, quoting and administration.

pub use crate::markup;

pub mod admin_views;
pub mod demo;
pub mod drafts;
pub mod handlers;
pub mod page_parts;
pub mod pages;
pub mod places;
pub mod policy;
pub mod publishing;
pub mod question_views;
pub mod similar;
pub mod staff_views;
pub mod store;
pub mod tool_views;
pub mod types;
pub mod view_counter;
pub mod views;
pub mod visibility;
pub mod writing;

use actix_web::web;

use handlers::{admin, notes, questions, reading, writing as write};

/// Registers the forum routes outside the shared scopes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(reading::start)))
        .service(web::resource("/questions").route(web::get().to(questions::list)))
        .service(web::resource("/questions/similar").route(web::get().to(questions::similar)))
        .service(web::resource("/drafts").route(web::get().to(handlers::drafts::list)))
        .service(web::resource("/drafts/save").route(web::post().to(handlers::drafts::save)))
        .service(
            web::resource("/drafts/discard")
                .route(web::post().to(handlers::drafts::discard_from_list)),
        )
        .service(web::resource("/notes/{id}").route(web::get().to(notes::permalink)))
        .service(
            web::resource("/files/{id}/{hash}.jpg")
                .route(web::get().to(handlers::files::thumbnail)),
        )
        .service(
            web::resource("/files/{id}/{hash}/{name}").route(web::get().to(handlers::files::file)),
        )
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

/// Registers the routes under `/f/{slug}`.
pub fn forum_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("").route(web::get().to(reading::forum)))
        .service(
            web::resource("/new")
                .route(web::get().to(write::new_thread_form))
                .route(web::post().to(write::new_thread)),
        );
}

/// Registers the routes under `/t/{id}`, the thread page last: its slug would match the
/// other features' words.
pub fn thread_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("").route(web::get().to(reading::thread_short)))
        .service(web::resource("/unread").route(web::get().to(reading::first_unread)))
        .service(web::resource("/solution").route(web::post().to(write::solution)))
        .service(web::resource("/me-too").route(web::post().to(questions::me_too)))
        .service(web::resource("/note").route(web::post().to(notes::add)))
        .service(
            web::resource("/reply")
                .route(web::get().to(write::reply_form))
                .route(web::post().to(write::reply)),
        )
        .service(web::resource("/{slug}").route(web::get().to(reading::thread)));
}

/// Registers the routes under `/p/{id}`.
pub fn post_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("").route(web::get().to(reading::permalink)))
        .service(
            web::resource("/edit")
                .route(web::get().to(write::edit_form))
                .route(web::post().to(write::edit)),
        )
        .service(web::resource("/delete").route(web::post().to(write::delete)))
        .service(web::resource("/helpful").route(web::post().to(handlers::helpful::mark)));
}
