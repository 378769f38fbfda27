//! Serving logged-out readers from the page cache, and filling it.
//!
//! Anonymous pages carry one visitor-specific thing: the CSRF token of the log-in form,
//! derived from the visitor's pre-session cookie. A page is kept split at that token and
//! joined with each visitor's own token when served.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpRequest, HttpResponse};

use crate::changes::AnnounceAfterCommit;
use crate::page_cache::{PageCache, PageTags, hash_parts};
use crate::shell::ctx::{anonymous_csrf_secret, csrf_token_for};
use crate::shell::state::AppState;
use crate::web::cookies;
use crate::web::middleware::{if_none_match, weak_etag};

/// Answers from the cache when it can; keeps cacheable pages on the way out.
pub async fn serve_cached(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(state), Some(cache)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<PageCache>>().cloned(),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = next.call(req).await?;
        if res.status().is_success() || res.status().is_redirection() {
            let pending = res
                .response_mut()
                .extensions_mut()
                .remove::<AnnounceAfterCommit>()
                .unwrap_or_default();
            cache.changes().settle(&state.pool, pending.0).await;
        }
        return Ok(res.map_into_boxed_body());
    }
    if !cache.enabled() || !anonymous_read(req.request()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = match req.query_string() {
        "" => req.path().to_string(),
        query => format!("{}?{query}", req.path()),
    };
    let token = visitor_token(req.request());
    let kept = cache.get(&key).or_else(|| {
        state
            .db_watch
            .away()
            .then(|| cache.get_while_away(&key))
            .flatten()
    });
    if let Some(page) = kept {
        if let Some(thread) = page.counts_view_of {
            cache.count_view(thread);
        }
        let mut response = respond(req.request(), page.hash, &token, || {
            join(&page.parts, &token)
        });
        response.headers_mut().insert(
            header::HeaderName::from_static("x-cache"),
            header::HeaderValue::from_static("hit"),
        );
        return Ok(req.into_response(response));
    }
    if !cache.active() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let seq = cache.begin();
    let res = next.call(req).await?;
    let tags = res.response().extensions().get::<PageTags>().cloned();
    let Some(tags) = tags.filter(|_| {
        res.status() == StatusCode::OK && !res.headers().contains_key(header::SET_COOKIE)
    }) else {
        return Ok(res.map_into_boxed_body());
    };
    let (req, res) = res.into_parts();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let parts = split(&body, &token);
    let hash = hash_parts(&parts);
    cache.put(key, seq, parts, tags);
    let response = respond(&req, hash, &token, || body);
    Ok(ServiceResponse::new(req, response))
}

/// A GET from a visitor who is not logged in and has no message waiting.
fn anonymous_read(req: &HttpRequest) -> bool {
    req.method() == Method::GET
        && req.cookie(cookies::SESSION).is_none()
        && req.cookie(cookies::FLASH).is_none()
}

/// The CSRF token this visitor's forms carry.
fn visitor_token(req: &HttpRequest) -> String {
    csrf_token_for(&anonymous_csrf_secret(req))
}

/// 200 with the page, or 304 when the browser already has these bytes.
fn respond(
    req: &HttpRequest,
    hash: u64,
    token: &str,
    body: impl FnOnce() -> Bytes,
) -> HttpResponse {
    let etag = weak_etag((hash, token));
    let unchanged = if_none_match(req, &etag);
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if unchanged {
        response.finish()
    } else {
        response
            .content_type("text/html; charset=utf-8")
            .body(body())
    }
}

/// The body cut around every occurrence of the token.
fn split(body: &Bytes, token: &str) -> Vec<Bytes> {
    let mut parts = Vec::new();
    let mut start = 0;
    if !token.is_empty() {
        let needle = token.as_bytes();
        let mut i = 0;
        while i + needle.len() <= body.len() {
            if &body[i..i + needle.len()] == needle {
                parts.push(body.slice(start..i));
                i += needle.len();
                start = i;
            } else {
                i += 1;
            }
        }
    }
    parts.push(body.slice(start..));
    parts
}

/// The parts joined with this visitor's token.
fn join(parts: &[Bytes], token: &str) -> Bytes {
    if let [only] = parts {
        return only.clone();
    }
    let size = parts.iter().map(Bytes::len).sum::<usize>() + token.len() * (parts.len() - 1);
    let mut body = BytesMut::with_capacity(size);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(token.as_bytes());
        }
        body.extend_from_slice(part);
    }
    body.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_splits_at_each_token_and_joins_with_another() {
        let body = Bytes::from_static(b"<form>TOKEN</form><form>TOKEN</form>!");
        let parts = split(&body, "TOKEN");
        assert_eq!(parts.len(), 3);
        assert_eq!(join(&parts, "TOKEN"), body);
        assert_eq!(
            &join(&parts, "other")[..],
            b"<form>other</form><form>other</form>!"
        );
        assert_eq!(split(&body, "absent").len(), 1);
    }
}
