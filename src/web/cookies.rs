//! The cookies Parley sets: the session, the anonymous pre-session (CSRF) secret,
//! one-shot flash messages, a log-in waiting for its second step and a trusted device;
//! and the middleware that mints and clears them.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::Settings;

/// Holds the session token.
pub const SESSION: &str = "parley_session";
/// Holds the anonymous visitor's CSRF secret.
pub const PRE_SESSION: &str = "parley_pre";
/// Holds a message for the next page.
pub const FLASH: &str = "parley_flash";
/// Names a log-in whose password was right and whose second step is to come.
pub const LOGIN_STEP: &str = "parley_login_step";
/// Marks a browser its owner trusts to skip the second step.
pub const TRUSTED: &str = "parley_trusted";

/// A cookie with the flags every Parley cookie carries.
pub fn build(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = build(name, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The session token the browser sent, if any.
pub fn session_token(req: &HttpRequest) -> Option<String> {
    value(req, SESSION)
}

/// The value of cookie `name` the browser sent, if any and not empty.
pub fn value(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// The pre-session secret the browser sent, if any.
pub fn pre_session(req: &HttpRequest) -> Option<String> {
    req.cookie(PRE_SESSION)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32)
}

/// The flash message the browser sent, if any.
pub fn read_flash(req: &HttpRequest) -> Option<String> {
    let cookie = req.cookie(FLASH)?;
    let bytes = URL_SAFE_NO_PAD.decode(cookie.value()).ok()?;
    String::from_utf8(bytes).ok().filter(|m| !m.is_empty())
}

/// Adds a flash message for the page the browser goes to next.
pub fn set_flash(response: &mut HttpResponse, message: &str, secure: bool) {
    let mut cookie = build(FLASH, URL_SAFE_NO_PAD.encode(message), secure);
    cookie.set_max_age(CookieDuration::minutes(5));
    let _ = response.add_cookie(&cookie);
}

/// A random 256-bit value, URL-safe base64.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh pre-session secret minted by the cookie middleware for a first-time visitor.
#[derive(Clone)]
pub struct PreSession(pub String);

/// Gives first-time visitors a pre-session secret (so anonymous forms have a CSRF token)
/// and forgets a flash message once a page has shown it.
pub async fn visitor_cookies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secure = req
        .app_data::<web::Data<Settings>>()
        .is_some_and(|s| s.secure_cookies);
    let minted = if pre_session(req.request()).is_none() {
        let secret = random_token();
        req.extensions_mut().insert(PreSession(secret.clone()));
        Some(secret)
    } else {
        None
    };
    let had_flash = req.cookie(FLASH).is_some();
    let mut res = next.call(req).await?;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let Some(secret) = minted
        && is_html
    {
        res.response_mut()
            .add_cookie(&build(PRE_SESSION, secret, secure))?;
    }
    let sets_flash = res.response().cookies().any(|c| c.name() == FLASH);
    if had_flash && is_html && !sets_flash {
        res.response_mut().add_cookie(&removal(FLASH, secure))?;
    }
    Ok(res)
}
