//! A value computed at most once per interval and served from memory in between.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The last value and when it was computed.
#[derive(Debug)]
pub struct Timed<T> {
    max_age: Duration,
    slot: Mutex<Option<(Instant, Arc<T>)>>,
    /// Held by the one request recomputing the value.
    refreshing: tokio::sync::Mutex<()>,
}

impl<T> Timed<T> {
    /// An empty cache whose values live `max_age`.
    pub fn new(max_age: Duration) -> Timed<T> {
        Timed {
            max_age,
            slot: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The fresh value, or one computed by `compute`. Only one caller computes at a time:
    /// while it does, the others get the previous value, or wait when there is none, so an
    /// expired value never sends every request to the database at once.
    pub async fn get_or_compute<E, Fut>(&self, compute: impl FnOnce() -> Fut) -> Result<Arc<T>, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        let _computing = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                if let Some(stale) = self.any() {
                    return Ok(stale);
                }
                self.refreshing.lock().await
            }
        };
        // Another caller may have finished while this one waited.
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        let value = Arc::new(compute().await?);
        self.store(value.clone());
        Ok(value)
    }

    /// The value, however old.
    fn any(&self) -> Option<Arc<T>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref().map(|(_, value)| value.clone())
    }

    /// The value, if computed less than `max_age` ago.
    fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.max_age)
            .map(|(_, value)| value.clone())
    }

    /// Keeps a newly computed value.
    fn store(&self, value: Arc<T>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((Instant::now(), value));
        }
    }

    /// Forgets the value, so the next reader computes it anew.
    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = None;
        }
    }
}
