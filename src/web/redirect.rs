//! Redirects, and the one check that keeps `?next=` from leaving the site.

use actix_web::HttpResponse;
use actix_web::http::header;

/// 303 See Other to `location` (after a POST, the browser GETs the new page).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// 302 Found to `location`.
pub fn found(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `next` when it is a path on this site, otherwise `/`: no open redirects.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_local_path(path) => path,
        _ => "/",
    }
}

/// True for `/something` but not for `//host`, `/\host`, schemes or control characters.
pub fn is_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/') | Some(b'\\'))
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && path.len() <= 2000
}

/// The log-in page that returns to `next` afterwards.
pub fn login_url(next: &str) -> String {
    if next == "/" || !is_local_path(next) {
        return "/login".into();
    }
    let encoded: String = url_encode(next);
    format!("/login?next={encoded}")
}

/// `base` (which has a query already) with `&next=` when `next` is a local path worth
/// coming back to.
pub fn with_next(base: &str, next: &str) -> String {
    if next == "/" || !is_local_path(next) {
        return base.into();
    }
    format!("{base}&next={}", url_encode(next))
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn url_encode(text: &str) -> String {
    crate::text::percent_encode(text, b"/")
}

/// [`url_encode`] written straight into a page: what it writes needs no HTML escaping.
pub struct UrlEncoded<'a>(pub &'a str);

impl maud::Render for UrlEncoded<'_> {
    fn render_to(&self, out: &mut String) {
        crate::text::push_percent_encoded(out, self.0, b"/");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/t/1?page=2")), "/t/1?page=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil",
            "/a\r\nLocation: x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn login_url_encodes_next() {
        assert_eq!(login_url("/t/1?page=2"), "/login?next=/t/1%3Fpage%3D2");
        assert_eq!(login_url("/"), "/login");
    }
}
