//! Member cards (name, role, joined, post count) kept in memory: every post on a thread
//! page shows its author's, and looking twenty members up cost a page about a fifth of its
//! database time. A card is dropped by the same `user:ID` announcements that drop pages
//! (see [`crate::changes`]), on every node, so a card is never staler than a cached page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::accounts::store;
use crate::accounts::types::MemberCard;
use crate::changes::{Changes, Tag};
use crate::ids::UserId;

/// Members whose cards are kept; beyond it the least used make room.
const CAPACITY: usize = 50_000;
/// The longest a card is kept: bounds the harm of a change that was never announced.
const MAX_AGE: Duration = Duration::from_secs(300);

/// One kept card and the sequence number from before it was read.
#[derive(Clone)]
struct Kept {
    card: Arc<MemberCard>,
    seq: u64,
    read_at: Instant,
}

/// This node's member cards.
pub struct MemberCards {
    cards: quick_cache::sync::Cache<UserId, Kept>,
    changes: Arc<Changes>,
}

impl MemberCards {
    /// An empty set whose freshness is judged by the announcements `changes` hears.
    pub fn new(changes: Arc<Changes>) -> MemberCards {
        MemberCards {
            cards: quick_cache::sync::Cache::new(CAPACITY),
            changes,
        }
    }

    /// The card of every member in `ids`, in that order; those not kept (or changed since)
    /// are read in one statement. A member without a row is an error: posts keep their
    /// authors by a foreign key.
    pub async fn of(
        &self,
        conn: &mut AsyncPgConnection,
        ids: &[UserId],
    ) -> QueryResult<Vec<Arc<MemberCard>>> {
        self.find(conn, ids)
            .await?
            .into_iter()
            .map(|card| card.ok_or(diesel::result::Error::NotFound))
            .collect()
    }

    /// Like [`MemberCards::of`], with `None` for an id that names no member: for columns
    /// that keep a member without a foreign key.
    pub async fn find(
        &self,
        conn: &mut AsyncPgConnection,
        ids: &[UserId],
    ) -> QueryResult<Vec<Option<Arc<MemberCard>>>> {
        let mut found = self.kept(ids);
        let mut missing: Vec<UserId> = ids
            .iter()
            .zip(&found)
            .filter(|(_, card)| card.is_none())
            .map(|(&id, _)| id)
            .collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            // Taken before reading: a change announced after it makes these cards stale.
            let seq = self.changes.begin();
            let read = store::member_cards(conn, &missing).await?;
            let read_at = Instant::now();
            let read: std::collections::HashMap<UserId, Arc<MemberCard>> = read
                .into_iter()
                .map(|card| (card.id, Arc::new(card)))
                .collect();
            if self.changes.listening() {
                for card in read.values() {
                    let kept = Kept {
                        card: card.clone(),
                        seq,
                        read_at,
                    };
                    self.cards.insert(card.id, kept);
                }
            }
            for (id, slot) in ids.iter().zip(found.iter_mut()) {
                if slot.is_none() {
                    *slot = read.get(id).cloned();
                }
            }
        }
        Ok(found)
    }

    /// The kept cards of `ids` that are still current. A page asks for up to fifty at a
    /// time, so they are checked under one lock.
    fn kept(&self, ids: &[UserId]) -> Vec<Option<Arc<MemberCard>>> {
        if !self.changes.listening() {
            return vec![None; ids.len()];
        }
        let now = Instant::now();
        self.changes.checking(|unchanged| {
            ids.iter()
                .map(|&id| {
                    let kept = self.cards.get(&id)?;
                    let current = now.duration_since(kept.read_at) < MAX_AGE
                        && unchanged(kept.seq, Tag::User(id));
                    current.then_some(kept.card)
                })
                .collect()
        })
    }
}
