//! Waking the mail worker when a request has queued mail or a notification event.
//!
//! The writes that queue work mark the request they run in ([`queued`]); one middleware
//! ([`wake_after`]) wakes the worker once the handler has answered, so after its commit.
//! Outside a request (the worker itself, the command line) marking does nothing: the
//! worker finds such rows on its next round.

use std::cell::Cell;
use std::future::Future;

use tokio::sync::Notify;

tokio::task_local! {
    static QUEUED: Cell<bool>;
}

/// Notes that the current request queued something for the mail worker.
pub fn queued() {
    let _ = QUEUED.try_with(|queued| queued.set(true));
}

/// Runs `request`, then wakes `worker` if the request queued anything.
pub async fn wake_after<F: Future>(worker: &Notify, request: F) -> F::Output {
    let (output, queued) = QUEUED
        .scope(Cell::new(false), async {
            let output = request.await;
            (output, QUEUED.with(Cell::get))
        })
        .await;
    if queued {
        worker.notify_one();
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_a_request_that_queued_wakes_the_worker() {
        let worker = Notify::new();
        wake_after(&worker, async {}).await;
        let idle = tokio::time::timeout(std::time::Duration::from_millis(20), worker.notified());
        assert!(idle.await.is_err(), "nothing queued, nothing woken");

        wake_after(&worker, async { queued() }).await;
        let woken = tokio::time::timeout(std::time::Duration::from_millis(20), worker.notified());
        assert!(woken.await.is_ok());

        // Outside a request it is a no-op rather than a panic.
        queued();
    }
}
