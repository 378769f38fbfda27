//! HTTP handlers of the forums feature.

pub mod admin;
pub mod reading;
pub mod writing;
