//! How the errors of the layers below (accounts, markup) answer over HTTP. The domain
//! says what went wrong in its own words; only here does that become a status and a page.

use std::time::Duration;

use crate::accounts::password::HashError;
use crate::accounts::registration::{EMAIL_TAKEN, RegisterError};
use crate::markup::render_pool::RenderError;
use crate::web::error::AppError;
use crate::web::form::FieldErrors;

/// The messages of a form's errors as one sentence, for a page with no form to show them.
pub fn joined(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(_, m)| m.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> AppError {
        match e {
            RenderError::Refused(errors) => AppError::Unprocessable(joined(&errors)),
            busy @ RenderError::Busy => AppError::Unavailable(Box::new(busy)),
            crashed @ RenderError::Crashed(_) => AppError::caused_by(crashed),
        }
    }
}

impl From<HashError> for AppError {
    fn from(e: HashError) -> AppError {
        match e {
            HashError::Busy => AppError::TooManyRequests {
                retry_after: Duration::from_secs(2),
                message:
                    "The server is busy checking passwords. Please try again in a few seconds."
                        .into(),
            },
            failed @ HashError::Failed(_) => AppError::caused_by(failed),
        }
    }
}

impl From<RegisterError> for AppError {
    fn from(e: RegisterError) -> AppError {
        match e {
            RegisterError::Invalid(errors) => AppError::Unprocessable(joined(&errors)),
            RegisterError::AddressInUse => AppError::Conflict(EMAIL_TAKEN.into()),
            RegisterError::Hash(e) => e.into(),
            RegisterError::Database(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use actix_web::http::StatusCode;

    use super::*;
    use crate::web::error::chain;

    #[test]
    fn busy_parts_answer_as_busy_and_keep_their_cause() {
        let busy = AppError::from(RenderError::Busy);
        assert_eq!(busy.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(chain(&busy).contains("every rendering thread is busy"));
        let queue = AppError::from(HashError::Busy);
        assert_eq!(queue.status_code(), StatusCode::TOO_MANY_REQUESTS);
        let broken = AppError::from(RegisterError::Hash(HashError::Failed("no threads".into())));
        assert_eq!(broken.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(chain(&broken).ends_with("password hashing failed: no threads"));
    }

    #[test]
    fn refused_text_names_every_reason() {
        let mut errors = FieldErrors::new();
        errors.add("body", "Too deep.");
        errors.add("title", "Too short.");
        let refused = AppError::from(RenderError::Refused(errors));
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.to_string(), "unprocessable: Too deep. Too short.");
    }
}
