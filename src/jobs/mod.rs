//! Every loop a node runs beside answering requests, started in one place ([`start`]) and
//! finished in one place ([`finish`]): hearing the announcement bus, watching the database,
//! the background round (forum counters and mail), writing view counts, and upkeep.
//!
//! The loops sit above every feature: each calls down into the feature whose work it
//! does, and no feature knows it runs in a loop.

pub mod background;
pub mod upkeep;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use crate::Site;
use crate::mail::mailer::Mailer;

/// Starts this node's loops on the current runtime; they end with it.
pub fn start(site: &Site, database_url: &str, mailer: Arc<Mailer>) {
    crate::changes::listener::spawn(&site.changes, database_url.to_string());
    crate::db::watch::spawn(&site.db_watch, database_url.to_string());
    actix_web::rt::spawn(upkeep::run(site.pool.clone(), site.settings.clone()));
    actix_web::rt::spawn(views::run(site.clone()));
    actix_web::rt::spawn(background::run(
        site.state.clone(),
        mailer,
        site.mail_wake.clone(),
    ));
}

/// How long the last writes may take once serving has stopped.
const FINISH_WITHIN: Duration = Duration::from_secs(3);

/// The loops' last work once serving has stopped: buffered view counts are written. A
/// database that does not answer must not keep the process from ending.
pub async fn finish(site: &Site) {
    if tokio::time::timeout(FINISH_WITHIN, views::flush(site))
        .await
        .is_err()
    {
        tracing::warn!("view counts not written: the database did not answer");
    }
}
