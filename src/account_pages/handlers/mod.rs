//! HTTP handlers of the accounts feature, one file per page.

pub mod avatar;
pub mod devices;
pub mod email;
pub mod joining;
pub mod login;
pub mod notices;
pub mod profile;
pub mod register;
pub mod second_step;
pub mod settings;
pub mod setup;
pub mod tokens;
pub mod two_factor;
