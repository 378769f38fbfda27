//! The integration suite: one binary, so one PostgreSQL cluster serves every test in it.

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod answers;
mod api;
mod api_fuzz;
mod attachments;
mod canned;
mod composing;
mod crash;
mod desk;
mod devices;
mod discussions;
mod email;
mod faq;
mod feeds;
mod hardening;
mod helpful;
mod hostile;
mod joining;
mod leaving;
mod load;
mod moderation;
mod outage;
mod page_cache;
mod pages;
mod profiles;
mod questions;
mod reviews;
mod search;
mod soak;
mod stats;
mod supervisor;
mod two_factor;
mod visibility;
