//! The account domain: members and roles, registration, passwords, sessions, e-mail
//! tokens and their mail, two-factor log-in, the first-admin gate and member cards. Its pages live in
//! [`crate::account_pages`].

pub mod admission;
pub mod api_tokens;
pub mod avatars;
pub mod cards;
pub mod mails;
pub mod password;
pub mod registration;
pub mod sessions;
pub mod setup;
pub mod store;
pub mod two_factor;
pub mod types;
pub mod validate;
