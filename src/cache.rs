//! A value computed at most once per interval and served from memory in between.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The last value and when it was computed.
#[derive(Debug)]
pub struct Timed<T> {
    max_age: Duration,
    slot: Mutex<Option<(Instant, Arc<T>)>>,
}

impl<T> Timed<T> {
    /// An empty cache whose values live `max_age`.
    pub fn new(max_age: Duration) -> Timed<T> {
        Timed {
            max_age,
            slot: Mutex::new(None),
        }
    }

    /// The value, if computed less than `max_age` ago.
    pub fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.max_age)
            .map(|(_, value)| value.clone())
    }

    /// Keeps a newly computed value.
    pub fn store(&self, value: Arc<T>) {
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
