//! The API's errors: the right status, a stable `code` programs can branch on, words for
//! people, and the fields a refused body got wrong. Every answer of `/api/v1` that is not a
//! success is one of these, including actix's own (unknown route, unreadable JSON).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};

use crate::forums::pages::ReadError;
use crate::forums::publishing::Refused;
use crate::forums::writing::WriteError;
use crate::moderation::actions::ModerationError;
use crate::web::error::{AppError, chain};
use crate::web::form::FieldErrors;
use crate::web::middleware::RawResponse;

/// What every error answer holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable across releases: `bad_request`, `unauthorized`, `insufficient_scope`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `conflict`, `gone`, `too_large`,
    /// `invalid`, `rate_limited`, `unavailable` or `internal`.
    #[schema(example = "not_found")]
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// For `invalid`: each refused field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// One field of a refused body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name in the request body.
    pub field: String,
    pub message: String,
}

/// An error answer of the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds until trying again makes sense (429).
    pub retry_after: Option<u64>,
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with no field problems.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                fields: Vec::new(),
            },
            retry_after: None,
        }
    }

    /// 404: not there, or not for this caller to see (the two answer alike).
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here.")
    }

    /// 400 with a reason.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422 naming each refused field.
    pub fn invalid(errors: &FieldErrors) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The request breaks a rule; see fields.",
        );
        e.body.fields = errors
            .iter()
            .map(|(field, message)| FieldProblem {
                field: field.to_string(),
                message: message.to_string(),
            })
            .collect();
        e
    }

    /// 401: no token, or one that is not (or no longer) valid.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status, self.body.code, self.body.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"api\""));
        }
        let mut response = response.json(&self.body);
        response.extensions_mut().insert(RawResponse);
        response
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let (status, code, message) = match e {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Not allowed through the API.".into(),
            ),
            AppError::NotFound => return ApiError::not_found(),
            AppError::Gone(m) => (StatusCode::GONE, "gone", m),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "The request body is too large.".into(),
            ),
            AppError::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", m),
            AppError::TooManyRequests {
                retry_after,
                message,
            } => {
                let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
                e.retry_after = Some(retry_after.as_secs().max(1));
                return e;
            }
            AppError::LoginRequired { .. } => {
                return ApiError::unauthorized("This needs a token: Authorization: Bearer TOKEN.");
            }
            AppError::SecondFactorRequired { .. } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account needs a second factor first; set it up in your settings.".into(),
            ),
            e @ AppError::Unavailable(_) => {
                tracing::warn!("api: {}", chain(&e));
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The forum cannot answer just now; try again shortly.".into(),
                )
            }
            e @ AppError::Internal(_) => {
                tracing::error!("api: {}", chain(&e));
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side.".into(),
                )
            }
        };
        ApiError::new(status, code, message)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        AppError::from(e).into()
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> ApiError {
        AppError::from(e).into()
    }
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> ApiError {
        AppError::from(e).into()
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> ApiError {
        match e {
            WriteError::Invalid(errors) => ApiError::invalid(&errors),
            other => AppError::from(other).into(),
        }
    }
}

impl From<ModerationError> for ApiError {
    fn from(e: ModerationError) -> ApiError {
        match e {
            ModerationError::Settled(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            other => AppError::from(other).into(),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(e: Refused) -> ApiError {
        match e {
            Refused::MayNotWrite(message) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            Refused::TooMany {
                retry_after,
                message,
            } => AppError::TooManyRequests {
                retry_after,
                message,
            }
            .into(),
            Refused::Write(e) => e.into(),
            Refused::App(e) => e.into(),
        }
    }
}

/// The code of a status actix answered by itself.
fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        410 => "gone",
        413 => "too_large",
        415 => "bad_request",
        422 => "invalid",
        429 => "rate_limited",
        503 => "unavailable",
        _ => "internal",
    }
}

/// Makes every error answer under `/api/v1` an [`ErrorBody`], and keeps the site's error
/// pages away from them.
pub async fn json_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        let mut res = res.map_into_boxed_body();
        res.response_mut().extensions_mut().insert(RawResponse);
        return Ok(res);
    }
    let message = status.canonical_reason().unwrap_or("Error").to_string();
    let error = ApiError::new(status, code_of(status), message);
    let (req, old) = res.into_parts();
    let mut response = error.error_response();
    if let Some(allow) = old.headers().get(header::ALLOW) {
        response.headers_mut().insert(header::ALLOW, allow.clone());
    }
    Ok(ServiceResponse::new(req, response))
}

/// The error answers a route documents; each holds an [`ErrorBody`].
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum CommonErrors {
    /// A parameter or the body could not be read.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The token is missing, unknown, revoked or expired.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The token lacks the scope, or its member may not do this.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Not there, or not for this caller to see.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Too many requests: wait `Retry-After` seconds.
    #[response(status = 429, headers(("Retry-After" = u64, description = "Seconds to wait")))]
    RateLimited(ErrorBody),
    /// The database is away for a moment.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The extra error answers of routes that write.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum WriteErrors {
    /// The action clashes with the current state (e.g. an approval already settled).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body breaks a rule: `fields` says which.
    #[response(status = 422)]
    Invalid(ErrorBody),
}
