//! Each node's subscriber to change announcements, on a thread of its own so that it keeps
//! up however busy the HTTP workers are.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::StreamExt;

use crate::changes::{Changes, store};

/// The longest pause between attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Starts listening for `changes` on `database_url`, reconnecting after every loss, until
/// the bus itself is dropped. It runs with the page cache off too: member cards rely on it.
pub fn spawn(changes: &Arc<Changes>, database_url: String) {
    crate::db::run_on_own_thread(
        "change-listener",
        run(Arc::downgrade(changes), database_url),
    );
}

/// How often a quiet listener checks that its cache still exists.
const CHECK_EVERY: Duration = Duration::from_secs(1);

async fn run(cache: Weak<Changes>, database_url: String) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match AsyncPgConnection::establish(&database_url).await {
            Ok(mut conn) => match store::listen(&mut conn).await {
                Ok(()) => {
                    let Some(live) = cache.upgrade() else { return };
                    live.set_listening(true);
                    drop(live);
                    tracing::debug!("changes: listening");
                    backoff = Duration::from_millis(100);
                    let mut announcements = std::pin::pin!(conn.notifications_stream());
                    loop {
                        let next = tokio::time::timeout(CHECK_EVERY, announcements.next()).await;
                        let Some(live) = cache.upgrade() else { return };
                        match next {
                            Err(_quiet) => continue,
                            Ok(Some(Ok(note))) => live.announced(&note.payload),
                            Ok(Some(Err(e))) => {
                                tracing::warn!("change listener: {e}");
                                live.set_listening(false);
                                break;
                            }
                            // The stream ends with the connection.
                            Ok(None) => {
                                live.set_listening(false);
                                break;
                            }
                        }
                    }
                    tracing::warn!(
                        "changes: lost the database; kept copies unused until it is back"
                    );
                }
                Err(e) => tracing::warn!("change listener: {e}"),
            },
            Err(e) => tracing::debug!("change listener: {e}"),
        }
        if cache.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}
