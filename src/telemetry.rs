//! Logging: `tracing` to stderr, one span per request with a request id, the route pattern
//! (never the raw path, which may carry one-time tokens) and the status.

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` level.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Builds the per-request span.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // Field values are computed only when the span is enabled: finding the route pattern
        // walks the routing table, a large share of a page served from the cache.
        tracing::info_span!(
            "request",
            id = %request.extensions().get::<RequestId>().map(|id| id.to_string()).unwrap_or_default(),
            method = %request.method(),
            route = %request.match_pattern().unwrap_or_else(|| "(unmatched)".into()),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        let _entered = span.enter();
        if status >= 500 {
            tracing::warn!(status, "request failed");
        } else {
            tracing::debug!(status, "request done");
        }
    }
}
