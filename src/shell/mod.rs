//! The shell every page stands in: the state with infrastructure only, the request context
//! and role extractors, how the domain's errors answer, the CSRF-checked form, the layout,
//! error pages, health and limits.

pub mod avatar;
pub mod ctx;
pub mod domain_errors;
pub mod error_pages;
pub mod form;
pub mod health;
pub mod layout;
pub mod limits;
pub mod login_form;
pub mod middleware;
pub mod reauth;
pub mod state;
pub mod store;
pub mod upload;
