//! Facts about the client of a request.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The client's IP address: the peer, or the first `X-Forwarded-For` hop when the operator
/// says a trusted proxy sits in front.
pub fn ip(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy && let Some(ip) = req.connection_info().realip_remote_addr() {
        return strip_port(ip).to_string();
    }
    req.peer_addr()
        .map_or_else(|| "unknown".into(), |a| a.ip().to_string())
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
