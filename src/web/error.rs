//! One error type for every handler: each variant maps to a status and a friendly page;
//! internals go to the log only.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

/// What went wrong, in terms a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request itself makes no sense.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 403: known person, not allowed.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 403: a form without a valid CSRF token.
    #[error("missing or wrong form token")]
    Csrf,
    /// 404.
    #[error("not found")]
    NotFound,
    /// 410: a link that worked once and no longer does.
    #[error("gone: {0}")]
    Gone(String),
    /// 409: the request clashes with the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 413: the request body is over the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 422: understood but refused.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 429 with `Retry-After`.
    #[error("too many requests: {message}")]
    TooManyRequests {
        /// When trying again makes sense.
        retry_after: Duration,
        /// What to tell the person.
        message: String,
    },
    /// Not logged in where that is needed: a redirect to the log-in page.
    #[error("login required")]
    LoginRequired {
        /// Where to come back to afterwards.
        next: String,
    },
    /// Staff without the second factor administrators require: a redirect to set it up.
    #[error("second factor required")]
    SecondFactorRequired {
        /// Where to come back to afterwards.
        next: String,
    },
    /// 503: the database or another dependency is not there right now.
    #[error("unavailable")]
    Unavailable(#[source] Cause),
    /// 500: a bug or an unexpected failure; details only in the log.
    #[error("internal error")]
    Internal(#[source] Cause),
}

/// What lies behind a 500 or 503: the original error, whose own sources stay reachable,
/// so the log names the whole chain (see [`chain`]).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// `error` and each of its sources, outermost first, joined with ": ".
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        // Wrappers that print their source themselves would repeat it.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

/// Result of handlers and store-using helpers.
pub type AppResult<T> = Result<T, AppError>;

/// Left in a response's extensions so the error-page middleware knows what to show.
#[derive(Debug, Clone)]
pub struct ErrorDetail {
    pub title: &'static str,
    /// What the person can do about it.
    pub message: String,
}

impl AppError {
    /// An internal error described by `what` (for failures that are no error value).
    pub fn internal(what: impl std::fmt::Display) -> AppError {
        AppError::Internal(what.to_string().into())
    }

    /// An internal error caused by `e`, its chain kept for the log.
    pub fn caused_by(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(e))
    }

    /// A 503 saying which dependency is away (`what`).
    pub fn unavailable(what: impl std::fmt::Display) -> AppError {
        AppError::Unavailable(what.to_string().into())
    }

    fn detail(&self) -> ErrorDetail {
        let (title, message) = match self {
            AppError::BadRequest(m) => ("Bad request", m.clone()),
            AppError::Forbidden(m) => ("Not allowed", m.clone()),
            AppError::Csrf => (
                "Form expired",
                "This form has expired or did not come from this site. Go back, reload the \
                 page and send it again."
                    .into(),
            ),
            AppError::NotFound => (
                "Page not found",
                "There is nothing here. The link may be old, or the page was removed.".into(),
            ),
            AppError::Conflict(m) => ("Conflict", m.clone()),
            AppError::Gone(m) => ("Link expired", m.clone()),
            AppError::PayloadTooLarge => (
                "Too large",
                "What you sent is too large for this forum (256 KiB at most). Go back and shorten it."
                    .into(),
            ),
            AppError::Unprocessable(m) => ("Cannot do that", m.clone()),
            AppError::TooManyRequests { message, .. } => ("Too many requests", message.clone()),
            AppError::LoginRequired { .. } => ("Log in required", "Please log in.".into()),
            AppError::SecondFactorRequired { .. } => (
                "Two-factor authentication required",
                "Set up two-factor authentication to use the staff pages.".into(),
            ),
            AppError::Unavailable(_) => (
                "Temporarily unavailable",
                "The forum cannot reach its database right now. Please try again in a moment."
                    .into(),
            ),
            AppError::Internal(_) => (
                "Something went wrong",
                "An unexpected error occurred. It has been logged; please try again.".into(),
            ),
        };
        ErrorDetail { title, message }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::LoginRequired { .. } | AppError::SecondFactorRequired { .. } => {
                StatusCode::SEE_OTHER
            }
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::LoginRequired { next } => {
                return crate::web::redirect::see_other(&crate::web::redirect::login_url(next));
            }
            AppError::SecondFactorRequired { next } => {
                return crate::web::redirect::see_other(&crate::web::redirect::with_next(
                    "/settings/two-factor?required=1",
                    next,
                ));
            }
            AppError::Internal(_) => tracing::error!("{}", chain(self)),
            AppError::Unavailable(_) => tracing::warn!("{}", chain(self)),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after, .. } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string())
        {
            response.insert_header((header::RETRY_AFTER, value));
        }
        let mut response = response.finish();
        response.extensions_mut().insert(self.detail());
        response
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => AppError::unavailable(info.message()),
            other => AppError::caused_by(other),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> AppError {
        AppError::Unavailable(Box::new(e))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> AppError {
        AppError::caused_by(e)
    }
}

/// Name of the unique index a diesel error violated, if it is a unique violation.
pub fn violated_unique(e: &diesel::result::Error) -> Option<&str> {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        ) => info.constraint_name(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reading the thread")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_log_names_every_cause() {
        let e = AppError::caused_by(Outer(std::io::Error::other("connection reset")));
        assert_eq!(
            chain(&e),
            "internal error: reading the thread: connection reset"
        );
        assert_eq!(
            chain(&AppError::unavailable("the database does not answer")),
            "unavailable: the database does not answer"
        );
    }
}
