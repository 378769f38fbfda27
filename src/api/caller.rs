//! Who calls the API: the member behind an `Authorization: Bearer` token, or nobody. Cookies
//! are never read here, so a page elsewhere cannot make a browser act through the API.
//! Every call counts against a rate limit: the token's, or the address's without one.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::accounts::api_tokens::{self, ApiCaller, Scope};
use crate::accounts::types::{Role, SessionUser};
use crate::api::error::{ApiError, ApiResult};
use crate::forums::visibility::Reader;
use crate::shell::limits::{self, Limit};
use crate::shell::state::AppState;
use crate::web::client;

/// A request's caller and the application state.
pub struct Caller {
    pub state: AppState,
    /// The token's member and scopes; `None` without a token.
    pub token: Option<ApiCaller>,
    /// The client's address.
    pub ip: String,
}

impl Caller {
    /// Who reads, for the visibility rule: a token with the `read` scope reads as its
    /// member; without a token, as a visitor.
    pub fn reader(&self) -> ApiResult<Reader> {
        let Some(token) = &self.token else {
            return Ok(Reader::default());
        };
        if !token.may(Scope::Read) {
            return Err(missing(Scope::Read));
        }
        Ok(Reader::of_member(&token.user))
    }

    /// The member, when the token carries `scope`; 401 without a token, 403 without the
    /// scope.
    pub fn with(&self, scope: Scope) -> ApiResult<&SessionUser> {
        let token = self.token.as_ref().ok_or_else(|| {
            ApiError::unauthorized("This needs a token: Authorization: Bearer TOKEN.")
        })?;
        if !token.may(scope) {
            return Err(missing(scope));
        }
        Ok(&token.user)
    }

    /// The member as a moderator: a token with `moderate` whose member moderates.
    pub fn moderator(&self) -> ApiResult<&SessionUser> {
        let user = self.with(Scope::Moderate)?;
        if user.role < Role::Moderator {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Only moderators may do this.",
            ));
        }
        Ok(user)
    }

    /// A database connection.
    pub async fn conn(&self) -> ApiResult<crate::db::DbConn> {
        Ok(self.state.conn().await?)
    }

    async fn resolve(req: &HttpRequest) -> ApiResult<Caller> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| ApiError::from(crate::web::error::AppError::internal("no state")))?
            .get_ref()
            .clone();
        let ip = client::ip(req, &state.settings);
        let bearer = match req.headers().get(header::AUTHORIZATION) {
            None => None,
            Some(value) => {
                let value = value.to_str().unwrap_or_default();
                let token = value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
                    .map(str::trim)
                    .ok_or_else(|| {
                        ApiError::unauthorized("Send the token as Authorization: Bearer TOKEN.")
                    })?;
                Some(token.to_string())
            }
        };
        let mut conn = state.conn().await?;
        let token = match bearer {
            None => None,
            Some(bearer) => Some(api_tokens::lookup(&mut conn, &bearer).await?.ok_or_else(
                || ApiError::unauthorized("This token is unknown, revoked or expired."),
            )?),
        };
        let limit = match &token {
            Some(token) => Limit::ApiToken(token.token),
            None => Limit::ApiFrom(&ip),
        };
        let actor = token.as_ref().map(|t| &t.user);
        limits::take(&mut conn, &state.settings, actor, limit).await?;
        drop(conn);
        Ok(Caller { state, token, ip })
    }
}

/// 403 naming the scope a token lacks.
fn missing(scope: Scope) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        format!("This token may not do this: it needs the “{scope}” scope."),
    )
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Caller::resolve(&req).await })
    }
}
