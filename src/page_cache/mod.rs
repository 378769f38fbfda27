//! Rendered pages for logged-out readers, kept in memory and dropped precisely when the
//! content they show changes.
//!
//! A handler marks a page cacheable by attaching [`PageTags`] to its response: the things
//! it shows (`thread:7`, `forum:2`, `user:42`, `forums`). A page keeps the sequence number
//! of [`crate::changes`] current when its rendering began and is served only while none of
//! its tags was announced since. While the listener is not connected, nothing is served
//! from the cache, unless the database is away (see [`crate::db::watch`]): then what is
//! kept is served.

pub mod middleware;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

use crate::changes::{Changes, Tag};
use crate::ids::ThreadId;

/// The longest a page is served from memory: relative times and view counts age, and no
/// change announces them.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// What a cacheable page shows; attached to the response by its handler.
#[derive(Debug, Clone, Default)]
pub struct PageTags {
    /// The tags whose change makes the page stale.
    pub tags: Vec<Tag>,
    /// A thread whose view count a reading from the cache still counts.
    pub counts_view_of: Option<ThreadId>,
}

impl PageTags {
    /// Tags for a page showing these things.
    pub fn new(tags: impl IntoIterator<Item = Tag>) -> PageTags {
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
    tags: Vec<Tag>,
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

/// The node's page cache.
pub struct PageCache {
    pages: Option<quick_cache::sync::Cache<String, std::sync::Arc<CachedPage>, BySize>>,
    changes: Arc<Changes>,
    /// Counts a view of a thread whose page was served from here (see
    /// [`PageTags::counts_view_of`]); the counter belongs to the forums, above this layer.
    count_view: Option<Box<dyn Fn(ThreadId) + Send + Sync>>,
}

impl PageCache {
    /// A cache holding up to `megabytes` of pages (0 turns it off), on a bus of its own.
    pub fn new(megabytes: usize) -> PageCache {
        PageCache::on(Arc::new(Changes::new()), megabytes)
    }

    /// A cache holding up to `megabytes` of pages (0 turns it off), whose pages the
    /// announcements `changes` hears make stale.
    pub fn on(changes: Arc<Changes>, megabytes: usize) -> PageCache {
        let bytes = megabytes as u64 * 1024 * 1024;
        PageCache {
            pages: (bytes > 0)
                .then(|| quick_cache::sync::Cache::with_weighter(4096, bytes, BySize)),
            changes,
            count_view: None,
        }
    }

    /// The same cache, counting with `count` the thread views it serves.
    pub fn counting_views(self, count: impl Fn(ThreadId) + Send + Sync + 'static) -> PageCache {
        PageCache {
            count_view: Some(Box::new(count)),
            ..self
        }
    }

    /// Counts a view of `thread` served from the cache.
    pub fn count_view(&self, thread: ThreadId) {
        if let Some(count) = &self.count_view {
            count(thread);
        }
    }

    /// The announcements this cache follows.
    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// Whether the operator turned the cache on.
    pub fn enabled(&self) -> bool {
        self.pages.is_some()
    }

    /// Whether pages are served and kept: on, and the listener is connected.
    pub fn active(&self) -> bool {
        self.pages.is_some() && self.listening()
    }

    /// A page still fresh for `key`.
    pub fn get(&self, key: &str) -> Option<std::sync::Arc<CachedPage>> {
        if !self.active() {
            return None;
        }
        let page = self.pages.as_ref()?.get(key)?;
        let fresh = page.stored_at.elapsed() < MAX_AGE && self.unchanged(&page);
        fresh.then_some(page)
    }

    /// A kept page for a reader while the database is away, however old, unless a change
    /// to it was heard: an old page is better than none when no page can be made.
    pub fn get_while_away(&self, key: &str) -> Option<std::sync::Arc<CachedPage>> {
        let page = self.pages.as_ref()?.get(key)?;
        self.unchanged(&page).then_some(page)
    }

    /// Whether none of `page`'s tags changed since it was rendered.
    fn unchanged(&self, page: &CachedPage) -> bool {
        self.changes
            .checking(|unchanged| page.tags.iter().all(|&tag| unchanged(page.seq, tag)))
    }

    /// Whether this node hears every change now (see [`Changes::listening`]).
    pub fn listening(&self) -> bool {
        self.changes.listening()
    }

    /// See [`Changes::begin`].
    pub fn begin(&self) -> u64 {
        self.changes.begin()
    }

    /// See [`Changes::invalidate`].
    pub fn invalidate(&self, tag: Tag) {
        self.changes.invalidate(tag)
    }

    /// See [`Changes::unchanged_since`].
    pub fn unchanged_since(&self, seq: u64, tag: Tag) -> bool {
        self.changes.unchanged_since(seq, tag)
    }

    /// See [`Changes::set_listening`].
    pub fn set_listening(&self, listening: bool) {
        self.changes.set_listening(listening)
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

    fn tag(word: &str) -> Tag {
        word.parse().expect("a tag")
    }

    fn page(cache: &PageCache, key: &str, tags: &[&str]) {
        let seq = cache.begin();
        cache.put(
            key.into(),
            seq,
            vec![Bytes::from_static(b"body")],
            PageTags::new(tags.iter().map(|t| tag(t))),
        );
    }

    #[test]
    fn a_change_drops_exactly_the_pages_that_show_it() {
        let cache = cache();
        page(&cache, "/t/1", &["thread:1", "user:5"]);
        page(&cache, "/t/2", &["thread:2"]);
        cache.invalidate(tag("user:5"));
        assert!(cache.get("/t/1").is_none());
        assert!(cache.get("/t/2").is_some());
        page(&cache, "/t/1", &["thread:1", "user:5"]);
        assert!(cache.get("/t/1").is_some(), "rendered after the change");
    }

    #[test]
    fn a_page_rendered_while_its_content_changed_is_never_kept_fresh() {
        let cache = cache();
        let seq = cache.begin();
        cache.invalidate(tag("thread:1"));
        cache.put(
            "/t/1".into(),
            seq,
            vec![Bytes::from_static(b"old")],
            PageTags::new([tag("thread:1")]),
        );
        assert!(cache.get("/t/1").is_none());
    }

    #[test]
    fn a_copy_read_before_a_change_of_its_tag_is_stale_even_with_pages_off() {
        let changes = PageCache::new(0);
        changes.set_listening(true);
        assert!(changes.listening() && !changes.active());
        let seq = changes.begin();
        assert!(changes.unchanged_since(seq, tag("user:5")));
        changes.invalidate(tag("user:6"));
        assert!(changes.unchanged_since(seq, tag("user:5")));
        changes.invalidate(tag("user:5"));
        assert!(!changes.unchanged_since(seq, tag("user:5")));
        let later = changes.begin();
        assert!(changes.unchanged_since(later, tag("user:5")));
        changes.invalidate(tag("all"));
        assert!(!changes.unchanged_since(later, tag("user:7")));
    }

    #[test]
    fn nothing_is_served_without_the_listener_or_after_all() {
        let cache = cache();
        page(&cache, "/", &["forums"]);
        cache.invalidate(tag("all"));
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
