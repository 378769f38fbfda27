//! Files attached to posts: what is accepted (decided from the content), the limits
//! (size, files a post, a daily quota, none for new members), how uploads wait for their
//! post and become part of it in the post's own transaction, and how they are shown.
//!
//! An upload is stored as soon as it arrives (dropped or pasted with JavaScript, or sent
//! with a composer that comes back for a preview or an error), waiting for its post; the
//! composer carries its id. Writing the post attaches the waiting uploads and stores the
//! files sent with it in the same transaction. Uploads still waiting after a day are
//! purged by upkeep. Serving is the forum's (it follows the post's visibility).

pub mod files;
pub mod handlers;
pub mod store;
pub mod views;

use chrono::{Duration, Utc};
use diesel_async::AsyncPgConnection;

use crate::accounts::types::SessionUser;
use crate::config::Settings;
use crate::ids::{AttachmentId, PostId, UserId};
use crate::shell::upload::FilePart;
use files::{Prepared, Refusal, Rules};

/// How long an upload waits for its post before it is purged.
pub fn waiting_lifetime() -> Duration {
    Duration::days(1)
}

/// The rules the settings make.
pub fn rules(settings: &Settings) -> Rules {
    Rules {
        max_bytes: settings.attachment_bytes(),
        // Checked when the settings are loaded.
        kinds: settings.attachment_kinds().unwrap_or_default(),
    }
}

/// Whether `user` may attach files: not while they are new (fewer approved posts than the
/// setting), as a new account is how spam and malware arrive.
pub fn may_attach(user: &SessionUser, settings: &Settings) -> Result<(), String> {
    if user.post_count < settings.new_member_posts {
        let posts = crate::text::counted(
            i64::from(settings.new_member_posts),
            "approved post",
            "approved posts",
        );
        return Err(format!(
            "New members can attach files once they have {posts}."
        ));
    }
    Ok(())
}

/// What a post's files become when it is written.
#[derive(Debug, Default)]
pub struct Attach {
    /// The writer's uploads waiting for this post (files sent with the form included:
    /// they are stored to wait first, so that a form shown again keeps them).
    pub waiting: Vec<AttachmentId>,
    /// Files of the (edited) post to remove.
    pub remove: Vec<AttachmentId>,
}

/// A post without files.
pub static NO_FILES: Attach = Attach {
    waiting: Vec::new(),
    remove: Vec::new(),
};

impl Attach {
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.remove.is_empty()
    }
}

/// Makes `post`'s files what `attach` says; call it in the post's transaction, so that a
/// post is never written without its files or with some of them.
pub async fn attach(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    post: PostId,
    attach: &Attach,
) -> diesel::QueryResult<()> {
    store::remove_from_post(conn, post, &attach.remove).await?;
    store::claim(conn, uploader, post, &attach.waiting).await?;
    Ok(())
}

/// Files sent with a form, checked: those made ready, and why the others were refused.
#[derive(Debug, Default)]
pub struct Checked {
    pub ready: Vec<Prepared>,
    pub refused: Vec<String>,
}

/// Makes the files sent with a form ready (off the request threads) and applies the
/// limits: the member may attach, each file is of an accepted kind and size, the post
/// carries at most the set number (`already` it has or waits for), and the day's quota
/// holds.
pub async fn check(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    settings: &Settings,
    sent: Vec<FilePart>,
    already: usize,
) -> Result<Checked, crate::web::error::AppError> {
    let mut checked = Checked::default();
    if sent.is_empty() {
        return Ok(checked);
    }
    if let Err(message) = may_attach(user, settings) {
        checked.refused.push(message);
        return Ok(checked);
    }
    let room = settings.attachments_per_post.saturating_sub(already);
    if sent.len() > room {
        checked.refused.push(format!(
            "A post may carry at most {} files; {} of these were not taken.",
            settings.attachments_per_post,
            sent.len() - room
        ));
    }
    let rules = rules(settings);
    let sent: Vec<FilePart> = sent.into_iter().take(room).collect();
    let prepared = actix_web::web::block(move || {
        sent.into_iter()
            .map(|part| {
                if part.cut {
                    let name = files::clean_name(&part.name);
                    return Err(Refusal::TooLarge(name, rules.max_bytes / (1024 * 1024)));
                }
                files::prepare(&part.name, part.bytes, &rules)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(crate::web::error::AppError::caused_by)?;
    let since = Utc::now() - Duration::days(1);
    let mut used = usize::try_from(store::uploaded_since(conn, user.id, since).await?).unwrap_or(0);
    let quota = settings.attachment_daily_mb.saturating_mul(1024 * 1024);
    for outcome in prepared {
        match outcome {
            Ok(file) if used + file.bytes.len() > quota => checked.refused.push(format!(
                "“{}” would take you past today's upload allowance of {} MB; please try again tomorrow.",
                file.name, settings.attachment_daily_mb
            )),
            Ok(file) => {
                used += file.bytes.len();
                checked.ready.push(file);
            }
            Err(refusal) => checked.refused.push(refusal.to_string()),
        }
    }
    Ok(checked)
}

/// Stores files to wait for their post (the form is shown again); returns their ids.
pub async fn keep_waiting(
    conn: &mut AsyncPgConnection,
    uploader: UserId,
    ready: &[Prepared],
) -> diesel::QueryResult<Vec<AttachmentId>> {
    let mut ids = Vec::with_capacity(ready.len());
    for file in ready {
        ids.push(store::insert(conn, uploader, None, file).await?);
    }
    Ok(ids)
}

/// A size as people read it: "820 bytes", "14 KB", "2.4 MB".
pub fn size_label(bytes: i64) -> String {
    const KB: i64 = 1024;
    match bytes {
        b if b < KB => format!("{b} bytes"),
        b if b < KB * KB => format!("{} KB", (b + KB / 2) / KB),
        b => format!("{:.1} MB", b as f64 / (KB * KB) as f64),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_naturally() {
        assert_eq!(super::size_label(820), "820 bytes");
        assert_eq!(super::size_label(14 * 1024 + 100), "14 KB");
        assert_eq!(super::size_label(2_516_582), "2.4 MB");
    }
}

/// A composer's files as posted: the ids it carries and the files sent with it.
pub struct Posted {
    /// Uploads the composer lists as waiting for this post (`attachment` fields).
    pub waiting: Vec<AttachmentId>,
    /// Files ticked "Remove" (`remove` fields).
    pub remove: Vec<AttachmentId>,
    /// Files sent with the form.
    pub sent: Vec<FilePart>,
}

impl Posted {
    /// Nothing about files came with the form.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.remove.is_empty() && self.sent.is_empty()
    }

    /// The files part of a posted form: its name–value pairs and files.
    pub fn of(pairs: &[(String, String)], sent: Vec<FilePart>) -> Posted {
        let ids = |name: &str| -> Vec<AttachmentId> {
            let mut ids: Vec<AttachmentId> = pairs
                .iter()
                .filter(|(n, _)| n == name)
                .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
                .map(AttachmentId)
                .take(100)
                .collect();
            ids.dedup();
            ids
        };
        let (waiting, remove) = (ids("attachment"), ids("remove"));
        Posted {
            waiting,
            remove,
            sent,
        }
    }
}

/// A composer's files after a submission: what it lists and what the post will carry.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Uploads waiting for the post, the ones just sent included.
    pub waiting: Vec<store::AttachmentRow>,
    /// The edited post's files.
    pub existing: Vec<store::AttachmentRow>,
    /// Of those, the ones ticked "Remove" (removed when the edit is saved).
    pub removing: Vec<AttachmentId>,
    /// Why files were refused, for the form.
    pub refused: Option<String>,
}

impl Gathered {
    /// What writing the post does with its files.
    pub fn attach(&self) -> Attach {
        Attach {
            waiting: self.waiting.iter().map(|f| f.id).collect(),
            remove: self.removing.clone(),
        }
    }
}

/// Takes a composer's files: uploads ticked "Remove" are forgotten at once, files sent
/// are checked and stored to wait for the post, and the limits count the edited post's
/// files (`existing`) too.
pub async fn gather(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    settings: &Settings,
    posted: Posted,
    existing: Vec<store::AttachmentRow>,
) -> Result<Gathered, crate::web::error::AppError> {
    let dropped: Vec<AttachmentId> = posted
        .waiting
        .iter()
        .copied()
        .filter(|id| posted.remove.contains(id))
        .collect();
    store::discard_waiting(conn, user.id, &dropped).await?;
    let mut waiting: Vec<AttachmentId> = posted
        .waiting
        .into_iter()
        .filter(|id| !dropped.contains(id))
        .collect();
    let removing: Vec<AttachmentId> = existing
        .iter()
        .map(|f| f.id)
        .filter(|id| posted.remove.contains(id))
        .collect();
    let already = waiting.len() + existing.len() - removing.len();
    let checked = check(conn, user, settings, posted.sent, already).await?;
    waiting.extend(keep_waiting(conn, user.id, &checked.ready).await?);
    let waiting = store::waiting(conn, user.id, &waiting).await?;
    let refused = (!checked.refused.is_empty()).then(|| checked.refused.join(" "));
    Ok(Gathered {
        waiting,
        existing,
        removing,
        refused,
    })
}
