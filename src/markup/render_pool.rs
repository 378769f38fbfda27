//! Rendering posts off the async workers: a CPU-bound render never holds up other
//! requests. Renders run on tokio's blocking threads, at most one per core at a time, and a
//! request waits for its render a bounded time.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::markup::{self, Context};
use crate::web::form::FieldErrors;

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

/// Why a render gave no HTML.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The text nests too deeply or took too long to format: the writer is told why, on
    /// the form.
    #[error("the text cannot be formatted as it is")]
    Refused(FieldErrors),
    /// Every rendering thread stayed busy for the whole wait: try again shortly.
    #[error("every rendering thread is busy")]
    Busy,
    /// The renderer itself failed: a bug.
    #[error("a render failed: {0}")]
    Crashed(String),
}

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
) -> Result<(String, Context), RenderError> {
    let permit = tokio::time::timeout(QUEUE_WAIT, Arc::clone(&CORES).acquire_owned())
        .await
        .map_err(|_| RenderError::Busy)?
        .map_err(|_| RenderError::Crashed("the rendering semaphore was closed".into()))?;
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
            Err(RenderError::Refused(errors))
        }
        Ok(Err(e)) => Err(RenderError::Crashed(e.to_string())),
        Err(_) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "body",
                "This post took too long to format. Please simplify its formatting.",
            );
            Err(RenderError::Refused(errors))
        }
    }
}
