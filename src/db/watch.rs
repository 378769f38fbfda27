//! Each node's watch on its database: a probe on a connection of its own, on a thread of
//! its own, tells when the database stops answering (a hung server or a lost network, not
//! only a refused connection) and when it answers again.
//!
//! While the database is away, requests fail at once with the 503 page (forms kept)
//! instead of each waiting out the request deadline, and logged-out readers are served
//! the pages the cache holds whatever their age.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::db::store;

/// How often the probe asks.
const EVERY: Duration = Duration::from_millis(500);
/// How long an answer (or a new connection) may take before the database counts as away.
const PATIENCE: Duration = Duration::from_secs(2);

/// Whether the database answers, as this node's probe last found.
#[derive(Debug, Default)]
pub struct DbWatch {
    away: AtomicBool,
    outages: AtomicU64,
}

impl DbWatch {
    /// True from the first probe that went unanswered until one is answered again.
    pub fn away(&self) -> bool {
        self.away.load(Ordering::Acquire)
    }

    /// How many times the database has gone away since this node started: a pool that
    /// sees the count move holds connections from before the outage, which look whole
    /// until their first statement fails.
    pub fn outages(&self) -> u64 {
        self.outages.load(Ordering::Acquire)
    }

    fn set_away(&self, away: bool) {
        if self.away.swap(away, Ordering::AcqRel) != away {
            if away {
                self.outages.fetch_add(1, Ordering::AcqRel);
                tracing::warn!("the database does not answer; serving what needs none of it");
            } else {
                tracing::info!("the database answers again");
            }
        }
    }
}

/// Starts probing `database_url` for `watch`, until the watch itself is dropped.
pub fn spawn(watch: &Arc<DbWatch>, database_url: String) {
    crate::db::run_on_own_thread("database-watch", run(Arc::downgrade(watch), database_url));
}

async fn run(watch: Weak<DbWatch>, database_url: String) {
    let mut conn: Option<AsyncPgConnection> = None;
    loop {
        let answered = match conn.as_mut() {
            Some(c) => matches!(
                tokio::time::timeout(PATIENCE, store::ping(c)).await,
                Ok(Ok(()))
            ),
            None => {
                let opened =
                    tokio::time::timeout(PATIENCE, AsyncPgConnection::establish(&database_url));
                match opened.await {
                    Ok(Ok(c)) => {
                        conn = Some(c);
                        true
                    }
                    _ => false,
                }
            }
        };
        // A connection that left a question unanswered is not asked again: the next round
        // opens a new one, which is also how a lost network is found to be back.
        if !answered {
            conn = None;
        }
        let Some(live) = watch.upgrade() else { return };
        live.set_away(!answered);
        drop(live);
        tokio::time::sleep(EVERY).await;
    }
}
