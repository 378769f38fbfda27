//! The JSON API, `/api/v1`: reading, writing and moderating as a member, through personal
//! tokens (see [`crate::accounts::api_tokens`]). It goes through the same rules as the pages
//! (visibility, approval, limits, locks, roles); its description, `/api/v1/openapi.json`, is
//! generated from the handlers and types below.

pub mod caller;
pub mod error;
pub mod moderate;
pub mod paging;
pub mod read;
pub mod store;
pub mod types;
pub mod write;

use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use error::ApiError;

/// The description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parley API",
        version = "1",
        description = "Read, write and moderate a Parley forum. Send a personal token (made in Settings → API tokens) as `Authorization: Bearer TOKEN`; reading public content needs none. Errors answer with a stable `code`. Lists are paged by `cursor`."
    ),
    paths(
        read::categories,
        read::forum_threads,
        read::thread,
        read::thread_posts,
        read::post,
        read::search,
        read::member,
        read::faq,
        write::new_thread,
        write::reply,
        write::edit,
        write::answer,
        moderate::thread,
        moderate::post,
    ),
    components(schemas(error::ErrorBody, error::FieldProblem)),
    modifiers(&BearerToken),
    tags(
        (name = "read", description = "What the caller may read"),
        (name = "write", description = "Posting as the token's member"),
        (name = "moderate", description = "Moderator actions"),
    )
)]
pub struct ApiDoc;

/// Declares the `token` security scheme the routes name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Registers `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .app_data(
                web::JsonConfig::default()
                    .limit(256 * 1024)
                    .error_handler(|e, _| {
                        ApiError::bad_request(format!("The JSON body could not be read: {e}."))
                            .into()
                    }),
            )
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                ApiError::bad_request(format!("A query parameter could not be read: {e}.")).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
            .wrap(from_fn(error::json_errors))
            .route("/openapi.json", web::get().to(openapi))
            .route("/categories", web::get().to(read::categories))
            .service(
                web::resource("/forums/{slug}/threads")
                    .get(read::forum_threads)
                    .post(write::new_thread),
            )
            .route("/threads/{id}", web::get().to(read::thread))
            .service(
                web::resource("/threads/{id}/posts")
                    .get(read::thread_posts)
                    .post(write::reply),
            )
            .route("/threads/{id}/answer", web::put().to(write::answer))
            .route("/threads/{id}/moderation", web::post().to(moderate::thread))
            .service(
                web::resource("/posts/{id}")
                    .get(read::post)
                    .patch(write::edit),
            )
            .route("/posts/{id}/moderation", web::post().to(moderate::post))
            .route("/search", web::get().to(read::search))
            .route("/members/{username}", web::get().to(read::member))
            .route("/faq", web::get().to(read::faq))
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(ApiError::not_found())
            })),
    );
}

/// `GET /api/v1/openapi.json`.
async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(ApiDoc::openapi().to_json().unwrap_or_default())
}

/// 200 with `value` as JSON.
pub fn json<T: Serialize>(value: &T) -> HttpResponse {
    json_status(StatusCode::OK, value)
}

/// `value` as JSON with `status`.
pub fn json_status<T: Serialize>(status: StatusCode, value: &T) -> HttpResponse {
    HttpResponse::build(status).json(value)
}

/// An absolute address on this site.
pub fn link(base: &str, path: &str) -> String {
    format!("{base}{path}")
}
