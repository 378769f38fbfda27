//! Moderation: roles, thread and post tools, reports, sanctions, rate limits and the log.

pub mod limits;
pub mod store;
