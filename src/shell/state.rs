//! What every handler can reach: the pool, the settings, the announcement bus and the mail
//! worker's bell. Each feature's own cache is registered beside it as a `web::Data` of its
//! own (see [`crate::Site`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

use crate::changes::Changes;
use crate::config::Settings;
use crate::db::watch::DbWatch;
use crate::db::{DbConn, DbPool};
use crate::web::error::{AppError, AppResult};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    /// Wakes this node's mail worker when a request queued mail.
    pub mail_wake: Arc<Notify>,
    /// The changes this node hears announced.
    pub changes: Arc<Changes>,
    /// This node's places in the password-hashing queue.
    pub hashing: crate::accounts::password::Admission,
    /// Whether the database answers (see [`crate::db::watch`]).
    pub db_watch: Arc<DbWatch>,
    /// The watch's outage count when this pool last dropped its idle connections.
    outages_seen: Arc<AtomicU64>,
}

impl AppState {
    /// Builds the state around an existing pool.
    pub fn new(pool: DbPool, settings: Settings) -> AppState {
        AppState {
            pool,
            mail_wake: Arc::new(Notify::new()),
            changes: Arc::new(Changes::new()),
            hashing: Default::default(),
            db_watch: Default::default(),
            outages_seen: Default::default(),
            settings: Arc::new(settings),
        }
    }

    /// The same state reaching the database through `pool`.
    pub fn with_pool(&self, pool: DbPool) -> AppState {
        AppState {
            outages_seen: Arc::new(AtomicU64::new(self.db_watch.outages())),
            pool,
            ..self.clone()
        }
    }

    /// A pooled connection; a pool time-out becomes a 503 page, and so does a database
    /// the watch finds away, at once.
    pub async fn conn(&self) -> AppResult<DbConn> {
        if self.db_watch.away() {
            return Err(AppError::unavailable("the database does not answer"));
        }
        // After an outage the idle connections are dead without knowing it: the first
        // request to take one would fail, so they go before any is handed out.
        let outages = self.db_watch.outages();
        if self.outages_seen.swap(outages, Ordering::AcqRel) != outages {
            self.pool.retain(|_, _| false);
        }
        Ok(self.pool.get().await?)
    }
}
