//! Middleware that needs the application's state.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use crate::shell::state::AppState;

/// Wakes the mail worker after a write that queued mail or a notification event (see
/// [`crate::mail::wake`]); readings pass straight through.
pub async fn wake_mail_worker(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let worker = match req.method() {
        &Method::GET | &Method::HEAD => None,
        _ => req
            .app_data::<web::Data<AppState>>()
            .map(|state| state.mail_wake.clone()),
    };
    match worker {
        Some(worker) => crate::mail::wake::wake_after(&worker, next.call(req)).await,
        None => next.call(req).await,
    }
}
