//! Cross-cutting response handling: security headers and friendly error pages.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpMessage, HttpResponse, web};
use maud::html;

use crate::state::AppState;
use crate::web::ctx::cached_viewer;
use crate::web::error::ErrorDetail;
use crate::web::layout::{self, Account};

/// Marks a response whose error status must reach the client untouched (e.g. `/healthz`).
#[derive(Clone, Copy)]
pub struct RawResponse;

/// Headers every response carries.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

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

/// A weak `ETag` on every successful HTML page, and `304 Not Modified` when the browser
/// already holds that version (pages from the page cache come with their own).
pub async fn etag(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.request().method() != actix_web::http::Method::GET
        || res.status() != StatusCode::OK
        || !is_html
        || res.headers().contains_key(header::ETAG)
    {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let tag = weak_etag(&body);
    let unchanged = if_none_match(&req, &tag);
    let value = HeaderValue::from_str(&tag).map_err(actix_web::error::ErrorInternalServerError)?;
    head.headers_mut().insert(header::ETAG, value);
    let response = if unchanged {
        let mut not_modified = HttpResponse::NotModified().finish();
        for (name, value) in head.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                not_modified
                    .headers_mut()
                    .append(name.clone(), value.clone());
            }
        }
        not_modified
    } else {
        head.set_body(BoxBody::new(body))
    };
    Ok(ServiceResponse::new(req, response))
}

/// A weak `ETag` value for whatever identifies a version of a page.
pub fn weak_etag(version: impl std::hash::Hash) -> String {
    use std::hash::Hasher;
    let mut hasher = content_hasher();
    version.hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// A hasher for page bodies: the same on every node of one build (a tag must not change
/// with the node that answers) and several times faster than SipHash on a 40 KB page.
pub fn content_hasher() -> impl std::hash::Hasher {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().build_hasher()
}

/// Whether the request's `If-None-Match` names `tag`.
pub fn if_none_match(req: &actix_web::HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// Answers `HEAD` as `GET` would, on every page: the request is routed as a `GET`, and
/// the HTTP codec, which read the method as `HEAD`, sends the headers without the body.
pub async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Marks every response that does not say otherwise as for this browser alone: pages,
/// error pages and redirects can carry a member's name, a session cookie or a form's
/// text, and a shared cache must never hand them to someone else. A response that sets a
/// cookie is private whatever it said.
pub async fn private_by_default(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let sets_cookie = headers.contains_key(header::SET_COOKIE);
    let public = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("public"));
    if !headers.contains_key(header::CACHE_CONTROL) || (sets_cookie && public) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    Ok(res)
}

/// Refuses a path or query string carrying a NUL character, which no page needs and
/// PostgreSQL cannot store, with a 400 page.
pub async fn refuse_nul(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    use crate::text::carries_nul;
    if carries_nul(req.uri().path().as_bytes()) || carries_nul(req.query_string().as_bytes()) {
        // A response, not an error, so that the error-page middleware dresses it.
        let refused =
            crate::web::error::AppError::BadRequest("The address contains a NUL character.".into());
        return Ok(req.into_response(actix_web::ResponseError::error_response(&refused)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// How long a posted form may take to arrive, from its first byte to its last.
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// The body of a posted form, kept so that a page about a failure can offer it again
/// (read into fields only then).
#[derive(Clone, Debug)]
pub struct SubmittedForm(pub web::Bytes);

/// Keeps the fields of every posted form (bodies are small: forms are capped at
/// `MAX_FORM_BYTES`) and hands the body on unchanged to the handler.
pub async fn keep_submitted_form(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_form = req.method() == actix_web::http::Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let mut body = web::BytesMut::new();
        let mut payload = req.take_payload();
        let mut too_large = false;
        // A client that sends its form slowly holds a connection and a worker's attention:
        // the whole body has to arrive within the deadline.
        let read = async {
            while let Some(chunk) = futures_util::StreamExt::next(&mut payload).await {
                let chunk = chunk?;
                if body.len() + chunk.len() > crate::web::form::MAX_FORM_BYTES {
                    too_large = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<(), actix_web::error::PayloadError>(())
        };
        match tokio::time::timeout(BODY_DEADLINE, read).await {
            Ok(read) => read?,
            Err(_) => {
                let mut slow = HttpResponse::RequestTimeout();
                slow.insert_header((header::CONNECTION, "close"));
                return Ok(req.into_response(slow.body("The form took too long to arrive.\n")));
            }
        }
        if too_large {
            let refused = crate::web::error::AppError::PayloadTooLarge;
            return Ok(req.into_response(actix_web::ResponseError::error_response(&refused)));
        }
        let body = body.freeze();
        req.extensions_mut().insert(SubmittedForm(body.clone()));
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The kept fields as a form that posts them again: the text fields shown, the rest hidden.
fn retry_form(action: &str, form: &SubmittedForm) -> maud::Markup {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&form.0).unwrap_or_default();
    html! {
        form.card method="post" action=(action) {
            p { strong { "Nothing was saved. Your text is kept below: send it again in a moment." } }
            @for (name, value) in &fields {
                @match name.as_str() {
                    "body" => {
                        div.field {
                            label for="retry-body" { "Message" }
                            textarea id="retry-body" name="body" rows="10" { (value) }
                        }
                    }
                    "title" => {
                        div.field {
                            label for="retry-title" { "Title" }
                            input id="retry-title" type="text" name="title" value=(value);
                        }
                    }
                    // Secrets are never written back into a page.
                    "password" | "confirmation" | "current_password" => {}
                    _ => { input type="hidden" name=(name) value=(value); }
                }
            }
            button type="submit" { "Try again" }
        }
    }
}
