//! Cross-cutting response handling: security headers, ETags, HEAD, private caching, NUL
//! refusal and forms kept when a write fails.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpMessage, HttpResponse, web};
use maud::html;

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

/// A weak `ETag` on every successful HTML page and JSON answer, and `304 Not Modified` when
/// the client already holds that version (pages from the page cache come with their own).
pub async fn etag(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let is_document = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if res.request().method() != actix_web::http::Method::GET
        || res.status() != StatusCode::OK
        || !is_document
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
/// with the node that answers) and faster than SipHash on pages (bench/PROFILE.md).
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
        const MESSAGE: &str = "The address contains a NUL character.";
        // The API answers in its own error shape, past the error pages.
        if req.path().starts_with("/api/") {
            let mut response = HttpResponse::BadRequest()
                .json(serde_json::json!({"code": "bad_request", "message": MESSAGE}));
            response.extensions_mut().insert(RawResponse);
            return Ok(req.into_response(response));
        }
        // A response, not an error, so that the error-page middleware dresses it.
        let refused = crate::web::error::AppError::BadRequest(MESSAGE.into());
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
pub fn retry_form(action: &str, form: &SubmittedForm) -> maud::Markup {
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
