//! The CSRF-checked form extractor and the hidden token input every POST form carries.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use maud::{Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::shell::ctx::Ctx;
use crate::web::error::AppError;
use crate::web::form::without_nul;

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

/// A urlencoded form whose CSRF token has been checked against the visitor's session.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(unreadable)?;
            let body = without_nul(body);
            let ctx = Ctx::extract(&req).await?;
            let token: TokenField =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::Csrf)?;
            if !ctx.csrf_matches(&token.csrf) {
                return Err(AppError::Csrf);
            }
            serde_urlencoded::from_bytes(&body)
                .map(CsrfForm)
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))
        })
    }
}

/// How a form body that could not be read answers: too large, or unreadable.
pub fn unreadable(e: actix_web::Error) -> AppError {
    if e.as_response_error().status_code() == 413 {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest("The form could not be read.".into())
    }
}

/// The hidden CSRF input every POST form carries.
pub fn csrf_input(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf_token()); }
}
