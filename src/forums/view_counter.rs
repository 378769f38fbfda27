//! View counts of threads and FAQ articles, buffered in memory and written in one statement
//! per kind every few seconds, never a write per view. A crash loses at most one interval
//! of counts, never posts.

use std::collections::HashMap;
use std::sync::Mutex;

use diesel_async::AsyncPgConnection;

use crate::ids::{ArticleId, ThreadId};

/// What was viewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Viewed {
    Thread(i64),
    Article(ArticleId),
}

/// Views counted since the last flush.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<Viewed, i64>>,
}

impl ViewCounter {
    fn count(&self, what: Viewed) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending.entry(what).or_insert(0) += 1;
        }
    }

    /// Counts one view of `thread`.
    pub fn record(&self, thread: ThreadId) {
        self.count(Viewed::Thread(thread.0));
    }

    /// Counts one view of FAQ article `id`.
    pub fn record_article(&self, id: ArticleId) {
        self.count(Viewed::Article(id));
    }

    /// Writes the buffered counts; on failure they are kept for the next attempt.
    pub async fn flush(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<usize> {
        let batch: Vec<(Viewed, i64)> = match self.pending.lock() {
            Ok(mut pending) => pending.drain().collect(),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let threads: Vec<(ThreadId, i64)> = batch
            .iter()
            .filter_map(|(w, n)| match w {
                Viewed::Thread(id) => Some((ThreadId(*id), *n)),
                Viewed::Article(_) => None,
            })
            .collect();
        let articles: Vec<(ArticleId, i64)> = batch
            .iter()
            .filter_map(|(w, n)| match w {
                Viewed::Article(id) => Some((*id, *n)),
                Viewed::Thread(_) => None,
            })
            .collect();
        if let Err(e) = write(conn, &threads, &articles).await {
            if let Ok(mut pending) = self.pending.lock() {
                for (what, n) in batch {
                    *pending.entry(what).or_insert(0) += n;
                }
            }
            return Err(e);
        }
        Ok(threads.len() + articles.len())
    }
}

async fn write(
    conn: &mut AsyncPgConnection,
    threads: &[(ThreadId, i64)],
    articles: &[(ArticleId, i64)],
) -> diesel::QueryResult<()> {
    if !threads.is_empty() {
        crate::forums::store::add_views(conn, threads).await?;
    }
    if !articles.is_empty() {
        crate::forums::store::add_article_views(conn, articles).await?;
    }
    Ok(())
}
