//! Where each forum sits (its URL name, its title, its category's heading), kept in memory:
//! every thread page shows them, and joining two more tables for them cost each page more
//! than reading its thread row. Every node drops its copy on the `forum-places`
//! announcement (migration `forum_places_announced`), so it is never staler than a cached
//! page.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::changes::{Changes, Tag};
use crate::forums::store;
use crate::forums::types::ForumPlace;
use crate::ids::ForumId;

/// What a change to a forum's name or place, or to a category's heading, announces.
pub const TAG: Tag = Tag::ForumPlaces;
/// The longest a copy is kept: bounds the harm of a change that was never announced.
const MAX_AGE: Duration = Duration::from_secs(300);

/// One copy of every forum's place and the sequence number from before it was read.
struct Kept {
    by_id: HashMap<ForumId, Arc<ForumPlace>>,
    seq: u64,
    read_at: Instant,
}

/// This node's copy of the forums' places.
pub struct ForumPlaces {
    kept: RwLock<Option<Kept>>,
    changes: Arc<Changes>,
}

impl ForumPlaces {
    /// An empty copy whose freshness is judged by the announcements `changes` hears.
    pub fn new(changes: Arc<Changes>) -> ForumPlaces {
        ForumPlaces {
            kept: RwLock::new(None),
            changes,
        }
    }

    /// The place of forum `id`. Every place is read again, in one statement, when the copy
    /// is stale or does not know `id` (a forum made since); a forum that does not exist is
    /// an error, since threads keep theirs by a foreign key.
    pub async fn of(
        &self,
        conn: &mut AsyncPgConnection,
        id: ForumId,
    ) -> QueryResult<Arc<ForumPlace>> {
        if let Some(place) = self.kept(|by_id| by_id.get(&id).cloned()) {
            return Ok(place);
        }
        self.read(conn)
            .await?
            .get(&id)
            .cloned()
            .ok_or(diesel::result::Error::NotFound)
    }

    /// Every Questions forum, for the site-wide question list.
    pub async fn question_forums(&self, conn: &mut AsyncPgConnection) -> QueryResult<Vec<ForumId>> {
        let questions = |by_id: &HashMap<ForumId, Arc<ForumPlace>>| {
            let mut ids: Vec<ForumId> = by_id
                .iter()
                .filter(|(_, place)| place.questions)
                .map(|(id, _)| *id)
                .collect();
            ids.sort_unstable();
            ids
        };
        if let Some(ids) = self.kept(|by_id| Some(questions(by_id))) {
            return Ok(ids);
        }
        Ok(questions(&self.read(conn).await?))
    }

    /// Reads every place, keeping the copy while the listener hears changes.
    async fn read(
        &self,
        conn: &mut AsyncPgConnection,
    ) -> QueryResult<HashMap<ForumId, Arc<ForumPlace>>> {
        // Taken before reading: a change announced after it makes this copy stale.
        let seq = self.changes.begin();
        let by_id: HashMap<ForumId, Arc<ForumPlace>> = store::forum_places(conn)
            .await?
            .into_iter()
            .map(|placed| (placed.forum_id, Arc::new(placed.place)))
            .collect();
        if self.changes.listening()
            && let Ok(mut kept) = self.kept.write()
        {
            *kept = Some(Kept {
                by_id: by_id.clone(),
                seq,
                read_at: Instant::now(),
            });
        }
        Ok(by_id)
    }

    /// What `look` finds in the kept copy, if the copy is still current.
    fn kept<T>(
        &self,
        look: impl FnOnce(&HashMap<ForumId, Arc<ForumPlace>>) -> Option<T>,
    ) -> Option<T> {
        if !self.changes.listening() {
            return None;
        }
        let kept = self.kept.read().ok()?;
        let kept = kept.as_ref()?;
        let current =
            kept.read_at.elapsed() < MAX_AGE && self.changes.unchanged_since(kept.seq, TAG);
        current.then(|| look(&kept.by_id)).flatten()
    }
}
