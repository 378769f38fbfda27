//! `GET /healthz`: is this node alive and can it reach its database?

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::db::store;
use crate::shell::state::AppState;
use crate::web::middleware::RawResponse;

/// 200 `ok` when a database round trip succeeds within two seconds, 503 otherwise (at
/// once while the database watch finds it away).
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let check = async {
        if state.db_watch.away() {
            return Err("the database watch finds it away".to_string());
        }
        let mut conn = state.pool.get().await.map_err(|e| e.to_string())?;
        store::ping(&mut conn).await.map_err(|e| e.to_string())
    };
    let (mut response, body) = match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(())) => (HttpResponse::Ok(), "ok\n".to_string()),
        Ok(Err(e)) => {
            tracing::warn!("health check failed: {e}");
            (
                HttpResponse::ServiceUnavailable(),
                "database unreachable\n".into(),
            )
        }
        Err(_) => (
            HttpResponse::ServiceUnavailable(),
            "database unreachable\n".into(),
        ),
    };
    let mut response = response
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body);
    response.extensions_mut().insert(RawResponse);
    response
}
