//! Rendering posts off the async workers: a CPU-bound render never holds up other
//! requests. Renders run on tokio's blocking threads, at most one per core at a time, and a
//! request waits for its render a bounded time.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::markup::{self, Context};
use crate::web::error::AppError;
use crate::web::form::FieldErrors;
use crate::web::form::WriteError;

/// How long a render may wait for a free core before the request gives up with 503.
const QUEUE_WAIT: Duration = Duration::from_secs(3);
/// How long a request waits for its render to finish.
const RENDER_WAIT: Duration = Duration::from_secs(2);

/// One permit per core: more renders at once would only queue for the same cores while
/// holding blocking threads.
static CORES: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

/// What a render does with text nesting past [`markup::NESTING_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Refuse it with a message (text being written).
    Refuse,
    /// Render it flattened (text already stored).
    Flatten,
}

/// Renders `source` with `context` on a rendering thread; gives the context back beside
/// the HTML. Measuring the nesting is itself a parse, so it happens there too.
pub async fn render(
    source: String,
    context: Context,
    nesting: Nesting,
) -> Result<(String, Context), WriteError> {
    let permit = tokio::time::timeout(QUEUE_WAIT, Arc::clone(&CORES).acquire_owned())
        .await
        .map_err(|_| AppError::unavailable("every rendering thread is busy"))?
        .map_err(|_| AppError::internal("the rendering semaphore was closed"))?;
    // The permit travels with the work: a render that outlives the wait below still counts
    // against the bound until it ends.
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let depth = markup::nesting(&source);
        if nesting == Nesting::Refuse && depth > markup::NESTING_MAX {
            return Err(depth);
        }
        Ok((markup::render(&source, &context), context))
    });
    match tokio::time::timeout(RENDER_WAIT, work).await {
        Ok(Ok(Ok(done))) => Ok(done),
        Ok(Ok(Err(depth))) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "body",
                format!(
                    "This post nests quotes, block quotes or lists {depth} levels deep; at most {} are allowed. Please flatten it.",
                    markup::NESTING_MAX
                ),
            );
            Err(WriteError::Invalid(errors))
        }
        Ok(Err(e)) => Err(AppError::internal(format!("a render failed: {e}")).into()),
        Err(_) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "body",
                "This post took too long to format. Please simplify its formatting.",
            );
            Err(WriteError::Invalid(errors))
        }
    }
}
