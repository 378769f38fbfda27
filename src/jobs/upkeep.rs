//! Every node's upkeep: forgetting what is no longer needed.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::config::Settings;
use crate::db::DbPool;

/// How often an upkeep round runs.
const EVERY: Duration = Duration::from_secs(600);

/// How long moderators see the address a post came from.
pub const ADDRESS_DAYS: i64 = 90;

/// Runs [`round`] every [`EVERY`] until the process ends.
pub async fn run(pool: DbPool, settings: Arc<Settings>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        round(&pool, &settings).await;
    }
}

/// One round: forgets unused rate-limit rows, expired sessions and uploads that waited a
/// day for a post, erases the addresses of posts older than [`ADDRESS_DAYS`], and queues the day's mail of questions past their
/// targets once a day. Failures are logged and tried again next round.
pub async fn round(pool: &DbPool, settings: &Settings) {
    let Ok(mut conn) = pool.get().await else {
        return;
    };
    let now = Utc::now();
    if let Err(e) =
        crate::shell::store::purge_rate_limits(&mut conn, now - chrono::Duration::days(1)).await
    {
        tracing::warn!("purging rate limits failed: {e}");
    }
    match crate::accounts::store::purge_expired(&mut conn, now).await {
        Ok(purged) if purged > 0 => {
            tracing::info!(purged, "purged expired sessions and second steps")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("purging expired sessions failed: {e}"),
    }
    let before = now - chrono::Duration::days(ADDRESS_DAYS);
    match crate::forums::store::erase_old_addresses(&mut conn, before).await {
        Ok(erased) if erased > 0 => tracing::info!(erased, "erased old post addresses"),
        Ok(_) => {}
        Err(e) => tracing::warn!("erasing old post addresses failed: {e}"),
    }
    let waited = now - crate::attachments::waiting_lifetime();
    match crate::attachments::store::purge_waiting(&mut conn, waited).await {
        Ok(purged) if purged > 0 => tracing::info!(purged, "purged uploads no post took"),
        Ok(_) => {}
        Err(e) => tracing::warn!("purging uploads no post took failed: {e}"),
    }
    match crate::desk::late::send_due(&mut conn, settings, now).await {
        Ok(mails) if mails > 0 => tracing::info!(mails, "queued the daily mail of late questions"),
        Ok(_) => {}
        Err(e) => tracing::warn!("queueing the daily mail of late questions failed: {e}"),
    }
}
