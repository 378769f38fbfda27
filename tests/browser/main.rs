//! Browser tests: real Chromium, driven through ChromeDriver, against the real app on a
//! loopback port with its own database and a real SMTP server. Journeys click and type as
//! people do; the accessibility checks run axe-core inside the pages.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod chrome;
mod composer;
mod journeys;
