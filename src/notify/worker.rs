//! The mail worker inside `parley serve`: expands post events into mail for watchers,
//! quoted and mentioned members, sends daily digests, and delivers the outbox with
//! retries. Several workers (one per node) share the work through row locks. The loop
//! that runs the rounds is [`crate::jobs::background`].

use std::collections::{HashMap, HashSet};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::accounts::types::NotifyMode;
use crate::forums::writing::MENTIONS_MAX;
use crate::ids::{ForumId, PostId, SubscriptionId, ThreadId, UserId};
use crate::mail::compose::{self, DigestLine, PostMail, Reason, Site};
use crate::mail::mailer::Mailer;
use crate::mail::signing::{self, Target};
use crate::mail::types::NewMail;
use crate::markup;
use crate::notify::store::{self, PostContext, Recipient};
use crate::shell::state::AppState;
use crate::web::urls;

/// Waits before each retry: 1 min, 5 min, 30 min, 2 h, 12 h; then the mail is given up.
pub const BACKOFF: [i64; 5] = [60, 300, 1800, 7200, 43_200];
/// Mails sent in one round before the worker looks for new events again.
const DELIVERY_BATCH: usize = 20;
/// A member gets at most one digest in this many hours.
const DIGEST_HOURS: i64 = 24;

/// What one round of work did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub events: usize,
    pub sent: usize,
    /// Delivery attempts that failed.
    pub failed: usize,
}

/// What successive rounds of one worker remember. A fresh one sends due digests in its
/// first round.
#[derive(Default)]
pub struct MailRounds {
    /// The signing key never changes once made: read once, not every round.
    key: Option<Vec<u8>>,
    digests_checked: Option<std::time::Instant>,
}

/// How often the worker looks for due digests: they are due hours apart.
const DIGEST_CHECK_EVERY: StdDuration = StdDuration::from_secs(60);

impl MailRounds {
    /// One round on `conn`: events, digests when it is time to look, then delivery of
    /// everything due.
    pub async fn next(
        &mut self,
        state: &AppState,
        conn: &mut AsyncPgConnection,
        mailer: &Mailer,
    ) -> diesel::QueryResult<Round> {
        let key = match &self.key {
            Some(key) => key,
            None => self.key.insert(store::signing_key(conn).await?),
        };
        let digests = self
            .digests_checked
            .is_none_or(|at| at.elapsed() >= DIGEST_CHECK_EVERY);
        if digests {
            self.digests_checked = Some(std::time::Instant::now());
        }
        let site = site(state);
        let events = expand_events(conn, &site, key).await?;
        if digests {
            send_digests(conn, &site, key).await?;
        }
        let (sent, failed) = deliver(conn, mailer, &state.settings.mail_from).await?;
        Ok(Round {
            events,
            sent,
            failed,
        })
    }
}

fn site(state: &AppState) -> Site {
    Site {
        name: state.settings.site_name.clone(),
        base_url: state.settings.base_url(),
    }
}

/// Events claimed in one round. Their posts, watchers and quoted authors are read with a
/// few queries for the whole batch, not per event.
const EVENT_BATCH: i64 = 100;

async fn expand_events(
    conn: &mut AsyncPgConnection,
    site: &Site,
    key: &[u8],
) -> diesel::QueryResult<usize> {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let events = store::claim_events(conn, EVENT_BATCH).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let posts: Vec<PostId> = events.iter().map(|(_, _, post)| *post).collect();
        let contexts: HashMap<PostId, PostContext> = store::post_contexts(conn, &posts)
            .await?
            .into_iter()
            .filter(|ctx| !ctx.hidden && !ctx.thread_hidden)
            .map(|ctx| (ctx.post_id, ctx))
            .collect();
        let mut batch = Batch::default();
        let (threads, forums): (Vec<_>, Vec<_>) =
            events
                .iter()
                .fold((vec![], vec![]), |(mut t, mut f), (_, kind, post)| {
                    if let Some(ctx) = contexts.get(post) {
                        if kind == "thread" {
                            f.push(ctx.forum_id);
                        } else {
                            t.push(ctx.thread_id);
                        }
                    }
                    (t, f)
                });
        for w in store::watchers_of(conn, &threads, &forums).await? {
            let watched = match (w.thread_id, w.forum_id) {
                (Some(thread), _) => Watched::Thread(thread),
                (None, Some(forum)) => Watched::Forum(forum),
                (None, None) => continue,
            };
            batch.watchers.entry(watched).or_default().push(w.recipient);
        }
        for (_, kind, post) in &events {
            if let Some(ctx) = contexts.get(post) {
                expand(conn, site, key, kind, ctx, &mut batch).await?;
            }
        }
        store::enqueue_all(conn, &batch.mails).await?;
        let notified: Vec<SubscriptionId> = batch.notified.into_iter().collect();
        store::set_awaiting_visit(conn, &notified).await?;
        store::add_digest_items(conn, &batch.digest).await?;
        let ids: Vec<i64> = events.iter().map(|(id, _, _)| *id).collect();
        store::finish_events(conn, &ids).await?;
        Ok(ids.len())
    })
    .await
}

/// What a subscription watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Watched {
    Thread(ThreadId),
    Forum(ForumId),
}

/// What a round of events adds up to, written once at its end.
#[derive(Default)]
struct Batch {
    /// Watchers of the round's threads and forums.
    watchers: HashMap<Watched, Vec<Recipient>>,
    /// Mails to queue.
    mails: Vec<NewMail>,
    /// Thread subscriptions mailed in this round: their owners get no more until they
    /// visit, even for a later event of the same round.
    notified: HashSet<SubscriptionId>,
    /// (member, post) entries for daily digests.
    digest: Vec<(UserId, PostId)>,
}

/// Who hears about one post, and how: each person at most one mail, the most personal
/// reason winning (quoted, then mentioned, then watching).
async fn expand(
    conn: &mut AsyncPgConnection,
    site: &Site,
    key: &[u8],
    kind: &str,
    ctx: &PostContext,
    batch: &mut Batch,
) -> diesel::QueryResult<()> {
    let mut chosen: HashMap<UserId, (Recipient, Reason)> = HashMap::new();
    let (watched, watch_reason) = if kind == "thread" {
        (Watched::Forum(ctx.forum_id), Reason::WatchedForum)
    } else {
        (Watched::Thread(ctx.thread_id), Reason::WatchedThread)
    };
    for w in batch.watchers.get(&watched).into_iter().flatten() {
        chosen.insert(w.user_id, (w.clone(), watch_reason));
    }
    let quoted: Vec<UserId> = ctx.quoted_authors.iter().map(|id| UserId(*id)).collect();
    let mentioned = markup::mentioned_names(&ctx.body_source, MENTIONS_MAX);
    if !quoted.is_empty() || !mentioned.is_empty() {
        let personal = store::members_for_thread(conn, &quoted, &mentioned, ctx.thread_id).await?;
        for person in personal {
            let reason = if quoted.contains(&person.user_id) {
                Reason::Quoted
            } else {
                Reason::Mentioned
            };
            chosen.insert(person.user_id, (person, reason));
        }
    }
    chosen.remove(&ctx.author_id);

    let excerpt = markup::excerpt(&ctx.body_html, 600);
    let about = PostMail {
        post_id: ctx.post_id,
        thread_id: ctx.thread_id.0,
        thread_title: &ctx.thread_title,
        forum_title: &ctx.forum_title,
        author: &ctx.author,
        excerpt: &excerpt,
    };
    for (user, (person, reason)) in chosen {
        if person.notify_mode == NotifyMode::Off {
            continue;
        }
        let watching = matches!(reason, Reason::WatchedThread | Reason::WatchedForum);
        if watching {
            let awaiting = person.awaiting_visit == Some(true)
                || person
                    .subscription_id
                    .is_some_and(|id| batch.notified.contains(&id));
            match person.mode {
                Some(NotifyMode::Off) | None => continue,
                Some(NotifyMode::Daily) => {
                    batch.digest.push((user, ctx.post_id));
                    continue;
                }
                _ if awaiting && reason == Reason::WatchedThread => continue,
                _ => {}
            }
        }
        let target = match (watching, person.subscription_id) {
            (true, Some(id)) => Target::Subscription(id),
            _ => Target::Member(user),
        };
        let unsubscribe = site.link(&urls::unsubscribe(&signing::token(key, target)).to_string());
        batch.mails.push(compose::about_post(
            site,
            &person.email,
            &person.username,
            &about,
            reason,
            &unsubscribe,
        ));
        if let Some(id) = person.subscription_id.filter(|_| kind == "reply") {
            batch.notified.insert(id);
        }
    }
    Ok(())
}

async fn send_digests(
    conn: &mut AsyncPgConnection,
    site: &Site,
    key: &[u8],
) -> diesel::QueryResult<()> {
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let entries = store::due_digests(conn, Duration::hours(DIGEST_HOURS)).await?;
        let mut by_user: Vec<(UserId, String, String, Vec<DigestLine>)> = Vec::new();
        for e in entries {
            let line = DigestLine {
                thread_title: e.thread_title,
                author: e.author,
                post_id: e.post_id,
                excerpt: markup::excerpt(&e.body_html, 240),
            };
            match by_user.last_mut() {
                Some((id, _, _, lines)) if *id == e.user_id => lines.push(line),
                _ => by_user.push((e.user_id, e.username, e.email, vec![line])),
            }
        }
        if by_user.is_empty() {
            return Ok(());
        }
        let users: Vec<UserId> = by_user.iter().map(|(id, ..)| *id).collect();
        for (user, name, email, lines) in by_user {
            let unsubscribe = site.link(&format!(
                "/unsubscribe/{}",
                signing::token(key, Target::Member(user))
            ));
            store::enqueue(
                conn,
                &compose::digest(site, &email, &name, &lines, &unsubscribe),
            )
            .await?;
        }
        store::digests_sent(conn, &users).await?;
        Ok(())
    })
    .await
}

/// Sends what is due, each mail in a transaction that holds its row; returns (sent,
/// failed tries).
async fn deliver(
    conn: &mut AsyncPgConnection,
    mailer: &Mailer,
    from: &str,
) -> diesel::QueryResult<(usize, usize)> {
    let (mut sent, mut failed) = (0, 0);
    for _ in 0..DELIVERY_BATCH {
        let outcome = conn
            .transaction::<_, diesel::result::Error, _>(async |conn| {
                let Some(mail) = store::claim_next(conn).await? else {
                    return Ok(None);
                };
                let Err(error) = mailer.send(&mail, from).await else {
                    store::mark_sent(conn, mail.id).await?;
                    return Ok(Some(true));
                };
                let retry_at = BACKOFF
                    .get(usize::try_from(mail.attempts - 1).unwrap_or(0))
                    .map(|seconds| Utc::now() + Duration::seconds(*seconds));
                match retry_at {
                    Some(at) => {
                        tracing::warn!(id = mail.id.0, attempt = mail.attempts, retry = %at, "sending mail failed: {error}")
                    }
                    None => tracing::error!(
                        id = mail.id.0,
                        "giving up on a mail after {} tries: {error}",
                        mail.attempts
                    ),
                }
                store::mark_failed_try(conn, mail.id, &error, retry_at).await?;
                Ok(Some(false))
            })
            .await?;
        match outcome {
            None => break,
            Some(true) => sent += 1,
            Some(false) => failed += 1,
        }
    }
    Ok((sent, failed))
}
