//! The announcement bus: every change is announced as a tag (`thread:7`, `forum:2`,
//! `user:42`, `forums`) with `NOTIFY parley_pages` at commit, by PostgreSQL triggers and by
//! writes that keep their triggers quiet, and each node's [`listener`] hears them all. What
//! a node keeps in memory (pages, member cards, forums' places) asks the bus whether its
//! copy is still current, so every `parley serve` on one database drops the same copies.
//!
//! Staleness is decided by sequence numbers rather than by searching the copies: every
//! announcement takes the next number and remembers it per tag; a copy keeps the number
//! current when it was read, and is current only while none of its tags has a newer one.

pub mod listener;
pub mod store;
pub mod tag;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

pub use tag::Tag;

/// Tags remembered before every copy is started afresh (bounds memory).
const MAX_TAGS: usize = 100_000;

/// Tags of pages a write changed without announcing them itself (a reply keeps its
/// triggers quiet); attached to the response by its handler, announced by the middleware
/// in the same statement as the settle marker, after the commit.
#[derive(Debug, Clone, Default)]
pub struct AnnounceAfterCommit(pub Vec<Tag>);

/// Invalidation state: the last sequence number of each tag.
#[derive(Default)]
struct Seen {
    by_tag: HashMap<Tag, u64>,
    /// Pages begun before this number are stale, whatever their tags.
    floor: u64,
}

impl Seen {
    /// Whether nothing tagged `tag` changed after sequence number `seq`.
    fn unchanged(&self, seq: u64, tag: Tag) -> bool {
        seq >= self.floor && self.by_tag.get(&tag).is_none_or(|&s| s <= seq)
    }
}

/// This node's view of the bus.
pub struct Changes {
    seq: AtomicU64,
    seen: Mutex<Seen>,
    listening: AtomicBool,
    /// Tells this node's own markers from other nodes'.
    node: u64,
    next_marker: AtomicU64,
    /// Writes waiting for the listener to reach their marker.
    settling: Mutex<HashMap<u64, tokio::sync::oneshot::Sender<()>>>,
}

impl Default for Changes {
    fn default() -> Self {
        Changes::new()
    }
}

/// How long a write waits for the listener to catch up before answering anyway.
const SETTLE_WAIT: Duration = Duration::from_millis(250);
/// Announcements starting with this are markers, not changes.
const MARKER: &str = "settled:";

impl Changes {
    /// A bus that has heard nothing and is not listening yet.
    pub fn new() -> Changes {
        Changes {
            seq: AtomicU64::new(1),
            seen: Mutex::new(Seen::default()),
            listening: AtomicBool::new(false),
            node: rand::random(),
            next_marker: AtomicU64::new(0),
            settling: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this node hears every change now, so copies checked with
    /// [`Changes::unchanged_since`] may be used.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// Whether nothing tagged `tag` changed after sequence number `seq` (from
    /// [`Changes::begin`] before the copy was read), as far as this node has heard.
    pub fn unchanged_since(&self, seq: u64, tag: Tag) -> bool {
        self.checking(|unchanged| unchanged(seq, tag))
    }

    /// Runs `f` with [`Changes::unchanged_since`] under one lock, for checking many copies
    /// at once. Nothing counts as unchanged while the lock is poisoned.
    pub fn checking<R>(&self, f: impl FnOnce(&dyn Fn(u64, Tag) -> bool) -> R) -> R {
        match self.seen.lock() {
            Ok(seen) => f(&|seq, tag| seen.unchanged(seq, tag)),
            Err(_) => f(&|_, _| false),
        }
    }

    /// The number to give a page whose rendering begins now.
    pub fn begin(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// Called after a write through this node: announces `pending` (see
    /// [`AnnounceAfterCommit`]) and a marker after the write's commit, and waits until this
    /// node's listener reads the marker. Announcements arrive in commit order, so by then
    /// every page the write changed is stale here, and the writer's next reading (or
    /// redirect) never meets an old page. Without a cache here, `pending` is still
    /// announced: other nodes may keep those pages.
    pub async fn settle(&self, pool: &crate::db::DbPool, pending: Vec<Tag>) {
        let mut pending: Vec<String> = pending.iter().map(Tag::to_string).collect();
        let mut marker = self.listening().then(|| {
            let n = self.next_marker.fetch_add(1, Ordering::Relaxed);
            let (reached, wait) = tokio::sync::oneshot::channel();
            if let Ok(mut settling) = self.settling.lock() {
                settling.insert(n, reached);
            }
            pending.push(format!("{MARKER}{}:{n}", self.node));
            (n, wait)
        });
        if pending.is_empty() {
            return;
        }
        match announce_with(pool, pending).await {
            Ok(()) => {
                if let Some((_, wait)) = &mut marker {
                    let _ = tokio::time::timeout(SETTLE_WAIT, wait).await;
                }
            }
            // A reply's pages are announced again by the reply log's fold within moments.
            Err(e) => tracing::warn!("announcing a write's pages failed: {e}"),
        }
        if let Some((n, _)) = marker
            && let Ok(mut settling) = self.settling.lock()
        {
            settling.remove(&n);
        }
    }

    /// Handles one announcement: a change's tag, or a marker of [`Changes::settle`].
    pub fn announced(&self, payload: &str) {
        match payload.strip_prefix(MARKER) {
            Some(marker) => {
                let mine = format!("{}:", self.node);
                let waiter = marker
                    .strip_prefix(&mine)
                    .and_then(|n| n.parse::<u64>().ok())
                    .and_then(|n| self.settling.lock().ok()?.remove(&n));
                if let Some(waiter) = waiter {
                    let _ = waiter.send(());
                }
            }
            None => self.invalidate(tag::parse_or_all(payload)),
        }
    }

    /// Makes every copy showing `tag` stale ([`Tag::All`]: every copy).
    pub fn invalidate(&self, tag: Tag) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        if tag == Tag::All || seen.by_tag.len() >= MAX_TAGS {
            seen.by_tag.clear();
            seen.floor = seq + 1;
            self.seq.store(seq + 1, Ordering::Release);
        } else {
            seen.by_tag.insert(tag, seq);
        }
    }

    /// Called by the listener: on connecting (after `LISTEN`, every earlier page is
    /// suspect) and on losing the connection (serve nothing until it is back).
    pub fn set_listening(&self, listening: bool) {
        // Whatever was announced while not listening went unheard: the pages kept from
        // before are stale once the listener is back. Until then they stay, for
        // [`crate::page_cache::PageCache::get_while_away`].
        if listening {
            self.invalidate(Tag::All);
        }
        self.listening.store(listening, Ordering::Release);
    }
}

/// Announces `payloads` on a connection of `pool`, given back before any waiting.
async fn announce_with(pool: &crate::db::DbPool, payloads: Vec<String>) -> Result<(), String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    store::announce(&mut conn, &payloads)
        .await
        .map_err(|e| e.to_string())
}
