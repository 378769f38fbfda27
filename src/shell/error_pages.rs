//! Friendly pages for every error status, in the site's layout with the viewer's account.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpMessage, HttpResponse, web};
use maud::html;

use crate::shell::ctx::cached_viewer;
use crate::shell::layout::{self, Account};
use crate::shell::state::AppState;
use crate::web::error::ErrorDetail;
use crate::web::middleware::{RawResponse, SubmittedForm, retry_form};

/// Turns every error status (ours or actix's own 404/405/413…) into a full page.
pub fn error_pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render_error_page)
}

fn render_error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let already_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let raw = res.response().extensions().get::<RawResponse>().is_some();
    let detail = res.response().extensions().get::<ErrorDetail>().cloned();
    if raw || (already_page && detail.is_none()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let detail = detail.unwrap_or_else(|| default_detail(status));
    let (req, res) = res.into_parts();
    let site = req
        .app_data::<web::Data<AppState>>()
        .map_or_else(|| "Parley".to_string(), |s| s.settings.site_name.clone());
    let viewer = cached_viewer(&req);
    let account = match viewer.as_deref() {
        Some(v) => match &v.user {
            Some(user) => Account::Member {
                username: &user.username,
                csrf: v.csrf_token(),
                confirmed: true,
                suspension: None,
                role: user.role,
                staff: user.staff,
                unread_notices: user.unread_notices,
            },
            None => Account::Visitor { next: req.path() },
        },
        None => Account::Unknown,
    };
    // A form that could not be saved comes back whole, ready to be sent again.
    let kept = (status == StatusCode::SERVICE_UNAVAILABLE)
        .then(|| req.extensions().get::<SubmittedForm>().cloned())
        .flatten();
    let body = html! {
        section.error-page {
            h1 { (detail.title) }
            p { (detail.message) }
            @if let Some(form) = &kept {
                (retry_form(req.path(), form))
            }
            p { a href="/" { "Back to the forum start" } }
        }
    };
    let markup = layout::document(&site, detail.title, account, None, None, body);
    let mut new = HttpResponse::build(status);
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    new.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    ));
    new.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let response: HttpResponse<BoxBody> = new.body(markup.into_string());
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(
        req,
        response.map_body(|_, b| EitherBody::right(b)),
    )))
}

/// What to say for an error status that no handler described (actix's own 404, 405, 413…).
fn default_detail(status: StatusCode) -> ErrorDetail {
    let (title, message) = match status.as_u16() {
        400 => ("Bad request", "The request could not be understood."),
        403 => ("Not allowed", "You may not do that."),
        404 => (
            "Page not found",
            "There is nothing here. The link may be old, or the page was removed.",
        ),
        405 => ("Not allowed", "This page cannot be used that way."),
        413 => (
            "Too large",
            "What you sent is larger than the forum accepts.",
        ),
        422 => (
            "Cannot do that",
            "The request was understood but cannot be carried out.",
        ),
        429 => (
            "Too many requests",
            "Please slow down and try again in a moment.",
        ),
        503 => (
            "Temporarily unavailable",
            "The forum is busy or cannot reach its database. Please try again in a moment.",
        ),
        s if s >= 500 => (
            "Something went wrong",
            "An unexpected error occurred. Please try again.",
        ),
        _ => (
            "Something went wrong",
            "The request could not be completed.",
        ),
    };
    ErrorDetail {
        title,
        message: message.to_string(),
    }
}
