//! What every handler can reach: the pool, the settings and the first-run gate.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::accounts::cards::MemberCards;
use crate::accounts::setup::SetupGate;
use crate::config::Settings;
use crate::db::watch::DbWatch;
use crate::db::{DbConn, DbPool};
use crate::faq::FaqCache;
use crate::forums::places::ForumPlaces;
use crate::forums::view_counter::ViewCounter;
use crate::page_cache::PageCache;
use crate::search::strategy::LexemeCache;
use crate::stats::StatsCache;
use crate::web::error::{AppError, AppResult};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Database connections.
    pub pool: DbPool,
    /// Operator settings.
    pub settings: Arc<Settings>,
    /// The one-time link that creates the first admin.
    pub setup: Arc<SetupGate>,
    /// Thread views not yet written to the database.
    pub views: Arc<ViewCounter>,
    /// Wakes this node's mail worker when a request queued mail.
    pub mail_wake: Arc<Notify>,
    /// The statistics page's figures, recomputed at most once a minute.
    pub stats: Arc<StatsCache>,
    /// The FAQ page's lists, recomputed at most once a minute.
    pub faq: Arc<FaqCache>,
    /// Rendered pages for logged-out readers.
    pub pages: Arc<PageCache>,
    /// Member cards beside posts, kept current by the same announcements as the pages.
    pub members: Arc<MemberCards>,
    /// Where each forum sits, for thread pages, kept current the same way.
    pub places: Arc<ForumPlaces>,
    /// How common searched words are, for picking each search's way to its candidates.
    pub lexemes: Arc<LexemeCache>,
    /// This node's places in the password-hashing queue.
    pub hashing: crate::accounts::password::Admission,
    /// Whether the database answers (see [`crate::db::watch`]).
    pub db_watch: Arc<DbWatch>,
}

impl AppState {
    /// Builds the state around an existing pool.
    pub fn new(pool: DbPool, settings: Settings) -> AppState {
        let pages = Arc::new(PageCache::new(settings.page_cache_mb));
        AppState {
            pool,
            setup: Arc::new(SetupGate::closed()),
            views: Arc::new(ViewCounter::default()),
            mail_wake: Arc::new(Notify::new()),
            stats: Arc::new(StatsCache::new(crate::stats::MAX_AGE)),
            faq: Arc::new(FaqCache::new(crate::stats::MAX_AGE)),
            members: Arc::new(MemberCards::new(pages.clone())),
            places: Arc::new(ForumPlaces::new(pages.clone())),
            lexemes: Arc::new(LexemeCache::new(crate::search::strategy::MAX_AGE)),
            hashing: Default::default(),
            db_watch: Default::default(),
            pages,
            settings: Arc::new(settings),
        }
    }

    /// The same state reaching the database through `pool`.
    pub fn with_pool(&self, pool: DbPool) -> AppState {
        AppState {
            pool,
            ..self.clone()
        }
    }

    /// A pooled connection; a pool time-out becomes a 503 page, and so does a database
    /// the watch finds away, at once.
    pub async fn conn(&self) -> AppResult<DbConn> {
        if self.db_watch.away() {
            return Err(AppError::Unavailable("the database does not answer".into()));
        }
        Ok(self.pool.get().await?)
    }
}
