//! Facts about the client of a request.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::config::Settings;

/// The client's IP address: the peer, or, when the operator says trusted proxies sit in
/// front, the `X-Forwarded-For` entry the outermost of them added ([`Settings::proxy_hops`]
/// from the right). The client can write any entries left of those, so they are never
/// taken.
pub fn ip(req: &HttpRequest, settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(ip) = forwarded_for(req, settings.proxy_hops.max(1))
    {
        return strip_port(&ip).to_string();
    }
    req.peer_addr()
        .map_or_else(|| "unknown".into(), |a| a.ip().to_string())
}

/// The entry `hops` places from the right of every `X-Forwarded-For` header, read as one
/// list (a proxy may append a header of its own rather than extend the last one); the
/// leftmost when the list is shorter.
fn forwarded_for(req: &HttpRequest, hops: usize) -> Option<String> {
    let entries: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let at = entries.len().saturating_sub(hops);
    entries.get(at).map(|entry| entry.to_string())
}

fn strip_port(addr: &str) -> &str {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(_) => addr.rsplit_once(':').map_or(addr, |(host, _)| host),
        Err(_) => addr,
    }
}

/// The `User-Agent` header, or empty.
pub fn user_agent(req: &HttpRequest) -> &str {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn settings(hops: usize) -> Settings {
        Settings {
            trust_proxy: true,
            proxy_hops: hops,
            ..Settings::default()
        }
    }

    #[test]
    fn the_address_is_the_one_the_trusted_proxy_wrote() {
        let req = TestRequest::default()
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7"))
            .peer_addr("10.0.0.1:4000".parse().unwrap())
            .to_http_request();
        assert_eq!(ip(&req, &settings(1)), "203.0.113.7");
        assert_eq!(ip(&req, &settings(2)), "6.6.6.6");
        // Not trusted: the peer, whatever the header says.
        assert_eq!(ip(&req, &Settings::default()), "10.0.0.1");
    }

    #[test]
    fn headers_appended_by_proxies_count_as_one_list() {
        let req = TestRequest::default()
            .append_header(("x-forwarded-for", "6.6.6.6"))
            .append_header(("x-forwarded-for", "198.51.100.2"))
            .to_http_request();
        assert_eq!(ip(&req, &settings(1)), "198.51.100.2");
        assert_eq!(ip(&req, &settings(5)), "6.6.6.6");
    }
}
