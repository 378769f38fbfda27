//! Writing buffered thread and article views (see [`crate::forums::view_counter`]).

use std::time::Duration;

use crate::Site;

/// How often buffered views are written.
const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Writes buffered views every [`FLUSH_EVERY`] until the process ends.
pub async fn run(site: Site) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    loop {
        tick.tick().await;
        flush(&site).await;
    }
}

/// Writes the buffered views once; on failure they stay buffered for the next try.
pub async fn flush(site: &Site) {
    let Ok(mut conn) = site.pool.get().await else {
        return;
    };
    if let Err(e) = site.views.flush(&mut conn).await {
        tracing::warn!("writing view counts failed (kept for the next try): {e}");
    }
}
