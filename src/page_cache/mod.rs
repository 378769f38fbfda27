//! Rendered pages for logged-out readers, kept in memory and dropped precisely when the
//! content they show changes.
//!
//! A handler marks a page cacheable by attaching [`PageTags`] to its response: the things
//! it shows (`thread:7`, `forum:2`, `user:42`, `forums`). PostgreSQL triggers announce every
//! change as such a tag with `NOTIFY parley_pages` at commit, and each node's [`listener`]
//! turns those into [`PageCache::invalidate`], so every `parley serve` on one database drops
//! the same pages. While the listener is not connected, nothing is served from the cache,
//! unless the database is away (see [`crate::db::watch`]): then what is kept is served.
//! The same announcements keep other in-memory copies honest (see
//! [`PageCache::unchanged_since`]); the listener runs even with the page cache off.
//!
//! Staleness is decided by sequence numbers rather than by searching the cache: every
//! invalidation takes the next number and remembers it per tag; a page stores the number
//! current when its rendering began, and is served only while none of its tags has a newer one.

pub mod listener;
pub mod middleware;
pub mod store;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

use crate::ids::ThreadId;

/// The longest a page is served from memory: relative times and view counts age, and no
/// change announces them.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Tags remembered before the whole cache is started afresh (bounds memory).
const MAX_TAGS: usize = 100_000;

/// Tags of pages a write changed without announcing them itself (a reply keeps its
/// triggers quiet); attached to the response by its handler, announced by the middleware
/// in the same statement as the settle marker, after the commit.
#[derive(Debug, Clone, Default)]
pub struct AnnounceAfterCommit(pub Vec<String>);

/// What a cacheable page shows; attached to the response by its handler.
#[derive(Debug, Clone, Default)]
pub struct PageTags {
    /// The tags whose change makes the page stale.
    pub tags: Vec<String>,
    /// A thread whose view count a reading from the cache still counts.
    pub counts_view_of: Option<ThreadId>,
}

impl PageTags {
    /// Tags for a page showing these things.
    pub fn new(tags: impl IntoIterator<Item = String>) -> PageTags {
        PageTags {
            tags: tags.into_iter().collect(),
            counts_view_of: None,
        }
    }
}

/// `response`, marked as a page logged-out readers may be served from the cache.
pub fn tagged(mut response: actix_web::HttpResponse, tags: PageTags) -> actix_web::HttpResponse {
    response.extensions_mut().insert(tags);
    response
}

/// One cached page: its body split where the visitor's own form token goes.
#[derive(Debug)]
pub struct CachedPage {
    /// The body around the token holes (one part when the page has no form).
    pub parts: Vec<Bytes>,
    /// A hash of the body without the token, for the `ETag`.
    pub hash: u64,
    /// The sequence number when rendering began.
    seq: u64,
    tags: Vec<String>,
    stored_at: Instant,
    /// See [`PageTags::counts_view_of`].
    pub counts_view_of: Option<ThreadId>,
}

/// Weighs entries by their size, so the bound is in bytes.
#[derive(Clone)]
struct BySize;

impl quick_cache::Weighter<String, std::sync::Arc<CachedPage>> for BySize {
    fn weight(&self, key: &String, page: &std::sync::Arc<CachedPage>) -> u64 {
        (key.len() + page.parts.iter().map(Bytes::len).sum::<usize>() + 256) as u64
    }
}

/// Invalidation state: the last sequence number of each tag.
#[derive(Default)]
struct Seen {
    by_tag: HashMap<String, u64>,
    /// Pages begun before this number are stale, whatever their tags.
    floor: u64,
}

impl Seen {
    /// Whether nothing tagged `tag` changed after sequence number `seq`.
    fn unchanged(&self, seq: u64, tag: &str) -> bool {
        seq >= self.floor && self.by_tag.get(tag).is_none_or(|&s| s <= seq)
    }
}

/// The node's page cache.
pub struct PageCache {
    pages: Option<quick_cache::sync::Cache<String, std::sync::Arc<CachedPage>, BySize>>,
    seq: AtomicU64,
    seen: Mutex<Seen>,
    listening: AtomicBool,
    /// Tells this node's own markers from other nodes'.
    node: u64,
    next_marker: AtomicU64,
    /// Writes waiting for the listener to reach their marker.
    settling: Mutex<HashMap<u64, tokio::sync::oneshot::Sender<()>>>,
}

/// How long a write waits for the listener to catch up before answering anyway.
const SETTLE_WAIT: Duration = Duration::from_millis(250);
/// Announcements starting with this are markers, not changes.
const MARKER: &str = "settled:";

impl PageCache {
    /// A cache holding up to `megabytes` of pages; 0 turns it off.
    pub fn new(megabytes: usize) -> PageCache {
        let bytes = megabytes as u64 * 1024 * 1024;
        PageCache {
            pages: (bytes > 0)
                .then(|| quick_cache::sync::Cache::with_weighter(4096, bytes, BySize)),
            seq: AtomicU64::new(1),
            seen: Mutex::new(Seen::default()),
            listening: AtomicBool::new(false),
            node: rand::random(),
            next_marker: AtomicU64::new(0),
            settling: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the operator turned the cache on.
    pub fn enabled(&self) -> bool {
        self.pages.is_some()
    }

    /// Whether pages are served and kept: on, and the listener is connected.
    pub fn active(&self) -> bool {
        self.pages.is_some() && self.listening()
    }

    /// Whether this node hears every change now, so copies checked with
    /// [`PageCache::unchanged_since`] may be used.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// Whether nothing tagged `tag` changed after sequence number `seq` (from
    /// [`PageCache::begin`] before the copy was read), as far as this node has heard.
    pub fn unchanged_since(&self, seq: u64, tag: &str) -> bool {
        self.checking(|unchanged| unchanged(seq, tag))
    }

    /// Runs `f` with [`PageCache::unchanged_since`] under one lock, for checking many copies
    /// at once. Nothing counts as unchanged while the lock is poisoned.
    pub fn checking<R>(&self, f: impl FnOnce(&dyn Fn(u64, &str) -> bool) -> R) -> R {
        match self.seen.lock() {
            Ok(seen) => f(&|seq, tag| seen.unchanged(seq, tag)),
            Err(_) => f(&|_, _| false),
        }
    }

    /// The number to give a page whose rendering begins now.
    pub fn begin(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// A page still fresh for `key`.
    pub fn get(&self, key: &str) -> Option<std::sync::Arc<CachedPage>> {
        if !self.active() {
            return None;
        }
        let page = self.pages.as_ref()?.get(key)?;
        let fresh = page.stored_at.elapsed() < MAX_AGE && {
            let seen = self.seen.lock().ok()?;
            page.tags.iter().all(|tag| seen.unchanged(page.seq, tag))
        };
        fresh.then_some(page)
    }

    /// A kept page for a reader while the database is away, however old, unless a change
    /// to it was heard: an old page is better than none when no page can be made.
    pub fn get_while_away(&self, key: &str) -> Option<std::sync::Arc<CachedPage>> {
        let page = self.pages.as_ref()?.get(key)?;
        let seen = self.seen.lock().ok()?;
        page.tags
            .iter()
            .all(|tag| seen.unchanged(page.seq, tag))
            .then_some(page.clone())
    }

    /// Keeps a page rendered from sequence number `seq` on.
    pub fn put(&self, key: String, seq: u64, parts: Vec<Bytes>, tags: PageTags) {
        let Some(pages) = self.pages.as_ref().filter(|_| self.active()) else {
            return;
        };
        let hash = hash_parts(&parts);
        pages.insert(
            key,
            std::sync::Arc::new(CachedPage {
                parts,
                hash,
                seq,
                tags: tags.tags,
                stored_at: Instant::now(),
                counts_view_of: tags.counts_view_of,
            }),
        );
    }

    /// Called after a write through this node: announces `pending` (see
    /// [`AnnounceAfterCommit`]) and a marker after the write's commit, and waits until this
    /// node's listener reads the marker. Announcements arrive in commit order, so by then
    /// every page the write changed is stale here, and the writer's next reading (or
    /// redirect) never meets an old page. Without a cache here, `pending` is still
    /// announced: other nodes may keep those pages.
    pub async fn settle(&self, pool: &crate::db::DbPool, mut pending: Vec<String>) {
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

    /// Handles one announcement: a change's tag, or a marker of [`PageCache::settle`].
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
            None => self.invalidate(payload),
        }
    }

    /// Makes every page showing `tag` stale (`all`: every page).
    pub fn invalidate(&self, tag: &str) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        if tag == "all" || seen.by_tag.len() >= MAX_TAGS {
            seen.by_tag.clear();
            seen.floor = seq + 1;
            self.seq.store(seq + 1, Ordering::Release);
        } else {
            seen.by_tag.insert(tag.to_string(), seq);
        }
    }

    /// Called by the listener: on connecting (after `LISTEN`, every earlier page is
    /// suspect) and on losing the connection (serve nothing until it is back).
    pub fn set_listening(&self, listening: bool) {
        // Whatever was announced while not listening went unheard: the pages kept from
        // before are stale once the listener is back. Until then they stay, for
        // [`PageCache::get_while_away`].
        if listening {
            self.invalidate("all");
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

/// A hash of a page body, for its `ETag`.
pub fn hash_parts(parts: &[Bytes]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::web::middleware::content_hasher();
    for part in parts {
        part.hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> PageCache {
        let cache = PageCache::new(1);
        cache.set_listening(true);
        cache
    }

    fn page(cache: &PageCache, key: &str, tags: &[&str]) {
        let seq = cache.begin();
        cache.put(
            key.into(),
            seq,
            vec![Bytes::from_static(b"body")],
            PageTags::new(tags.iter().map(|t| t.to_string())),
        );
    }

    #[test]
    fn a_change_drops_exactly_the_pages_that_show_it() {
        let cache = cache();
        page(&cache, "/t/1", &["thread:1", "user:5"]);
        page(&cache, "/t/2", &["thread:2"]);
        cache.invalidate("user:5");
        assert!(cache.get("/t/1").is_none());
        assert!(cache.get("/t/2").is_some());
        page(&cache, "/t/1", &["thread:1", "user:5"]);
        assert!(cache.get("/t/1").is_some(), "rendered after the change");
    }

    #[test]
    fn a_page_rendered_while_its_content_changed_is_never_kept_fresh() {
        let cache = cache();
        let seq = cache.begin();
        cache.invalidate("thread:1");
        cache.put(
            "/t/1".into(),
            seq,
            vec![Bytes::from_static(b"old")],
            PageTags::new(["thread:1".to_string()]),
        );
        assert!(cache.get("/t/1").is_none());
    }

    #[test]
    fn a_copy_read_before_a_change_of_its_tag_is_stale_even_with_pages_off() {
        let changes = PageCache::new(0);
        changes.set_listening(true);
        assert!(changes.listening() && !changes.active());
        let seq = changes.begin();
        assert!(changes.unchanged_since(seq, "user:5"));
        changes.invalidate("user:6");
        assert!(changes.unchanged_since(seq, "user:5"));
        changes.invalidate("user:5");
        assert!(!changes.unchanged_since(seq, "user:5"));
        let later = changes.begin();
        assert!(changes.unchanged_since(later, "user:5"));
        changes.invalidate("all");
        assert!(!changes.unchanged_since(later, "user:7"));
    }

    #[test]
    fn nothing_is_served_without_the_listener_or_after_all() {
        let cache = cache();
        page(&cache, "/", &["forums"]);
        cache.invalidate("all");
        assert!(cache.get("/").is_none());
        page(&cache, "/", &["forums"]);
        cache.set_listening(false);
        assert!(cache.get("/").is_none());
        page(&cache, "/", &["forums"]);
        cache.set_listening(true);
        assert!(cache.get("/").is_none());
        assert!(!PageCache::new(0).active());
    }
}
