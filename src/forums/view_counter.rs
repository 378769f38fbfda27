//! Thread view counts, buffered in memory and written in one statement every few seconds,
//! never a write per view. A crash loses at most one interval of counts, never posts.

use std::collections::HashMap;
use std::sync::Mutex;

use diesel_async::AsyncPgConnection;

use crate::forums::store;
use crate::ids::ThreadId;

/// Views counted since the last flush.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<ThreadId, i64>>,
}

impl ViewCounter {
    /// Counts one view of `thread`.
    pub fn record(&self, thread: ThreadId) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending.entry(thread).or_insert(0) += 1;
        }
    }

    /// Writes the buffered counts; on failure they are kept for the next attempt.
    pub async fn flush(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<usize> {
        let batch: Vec<(ThreadId, i64)> = match self.pending.lock() {
            Ok(mut pending) => pending.drain().collect(),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        if let Err(e) = store::add_views(conn, &batch).await {
            if let Ok(mut pending) = self.pending.lock() {
                for (thread, n) in batch {
                    *pending.entry(thread).or_insert(0) += n;
                }
            }
            return Err(e);
        }
        Ok(batch.len())
    }
}
