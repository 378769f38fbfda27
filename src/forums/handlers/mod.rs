//! HTTP handlers of the forums feature.

pub mod admin;
pub mod drafts;
pub mod files;
pub mod helpful;
pub mod notes;
pub mod questions;
pub mod reading;
pub mod writing;

use crate::forums::pages::ReadError;
use crate::forums::writing::WriteError;
use crate::shell::domain_errors::joined;
use crate::web::error::AppError;

/// A write that failed, as an error page (handlers that can show the form again do so for
/// `Invalid` and `NotAllowed` first).
impl From<WriteError> for AppError {
    fn from(e: WriteError) -> AppError {
        match e {
            WriteError::Invalid(errors) => AppError::Unprocessable(joined(&errors)),
            WriteError::NotFound => AppError::NotFound,
            WriteError::NotAllowed(message) => AppError::Forbidden(message.into()),
            WriteError::NotPossible(message) => AppError::Unprocessable(message.into()),
            WriteError::Render(e) => e.into(),
            WriteError::Database(e) => e.into(),
        }
    }
}

/// Content a reader may not see answers exactly as content that is not there.
impl From<ReadError> for AppError {
    fn from(e: ReadError) -> AppError {
        match e {
            ReadError::NotFound => AppError::NotFound,
            ReadError::Database(e) => e.into(),
        }
    }
}
