//! The background round: logged replies folded into their forums' counters (see the reply
//! log's migration), then a round of the mail worker ([`crate::notify::worker`]). A reply
//! or queued mail wakes it, so both happen within moments of the request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel_async::AsyncPgConnection;
use tokio::sync::Notify;

use crate::mail::mailer::Mailer;
use crate::notify::worker::{MailRounds, Round};
use crate::shell::state::AppState;
use crate::web::error::{AppError, chain};

/// How long an idle node waits for a wake before looking anyway.
const IDLE_WAIT: Duration = Duration::from_secs(2);
/// How long a woken round lets further requests arrive: a burst of posts wakes it once per
/// post, and they are gathered into one round.
const GATHER: Duration = Duration::from_millis(50);
/// How often a busy node vacuums the reply log it folds.
const REPLY_LOG_VACUUM_EVERY: Duration = Duration::from_secs(10);

/// Runs rounds until the process ends: at once when `wake` is notified, otherwise every
/// [`IDLE_WAIT`]; straight on while there is work left.
pub async fn run(state: AppState, mailer: Arc<Mailer>, wake: Arc<Notify>) {
    let mut rounds = Rounds::default();
    loop {
        match rounds.next(&state, &mailer).await {
            Ok(done) if done.events + done.sent + done.failed > 0 => {
                tracing::debug!(?done, "background round");
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("background round failed: {}", chain(&e)),
        }
        let _ = tokio::time::timeout(IDLE_WAIT, wake.notified()).await;
        tokio::time::sleep(GATHER).await;
    }
}

/// One round with every part due, digests included: what tests and one-off runs use.
pub async fn round(state: &AppState, mailer: &Mailer) -> Result<Round, AppError> {
    Rounds::default().next(state, mailer).await
}

/// What successive rounds of one loop remember.
#[derive(Default)]
struct Rounds {
    mail: MailRounds,
    log_vacuumed: Option<Instant>,
}

impl Rounds {
    async fn next(&mut self, state: &AppState, mailer: &Mailer) -> Result<Round, AppError> {
        let mut conn = state.conn().await?;
        if crate::forums::store::fold_reply_counts(&mut conn).await? > 0 {
            self.vacuum_reply_log_now_and_then(&mut conn).await;
        }
        Ok(self.mail.next(state, &mut conn, mailer).await?)
    }

    /// Vacuums the reply log at most every [`REPLY_LOG_VACUUM_EVERY`].
    async fn vacuum_reply_log_now_and_then(&mut self, conn: &mut AsyncPgConnection) {
        if self
            .log_vacuumed
            .is_some_and(|at| at.elapsed() < REPLY_LOG_VACUUM_EVERY)
        {
            return;
        }
        self.log_vacuumed = Some(Instant::now());
        if let Err(e) = crate::forums::store::vacuum_reply_log(conn).await {
            tracing::warn!("vacuuming the reply log failed: {e}");
        }
    }
}
