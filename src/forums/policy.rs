//! Who may write what: one set of rules for new posts, previews, edits and deletions, so
//! that no way of changing a post skips a rule another way keeps.

use crate::accounts::types::{Role, SessionUser};
use crate::config::{Approval, Settings};
use crate::forums::types::{ThreadHeader, ThreadRow};
use crate::forums::writing;

/// Whether `user` may press "Me too" on `thread` (or take it back): a question of a
/// Questions forum, asked by someone else, and a member who may write.
pub fn may_say_me_too(user: &SessionUser, thread: &ThreadHeader) -> Result<(), String> {
    if !thread.place.questions || thread.merged_into.is_some() {
        return Err("Only questions in a Questions forum take a \"Me too\".".into());
    }
    if thread.author_id == user.id {
        return Err("This is your own question.".into());
    }
    user.may_write().map_err(|_| {
        "Please confirm your e-mail address, and wait for any suspension to end, before pressing \"Me too\".".to_string()
    })
}

/// Whether `user` may change (edit or delete) a post of theirs in `thread`. Moderators
/// may always; an author not while suspended, and not once the thread is locked.
pub fn may_change(user: &SessionUser, thread: &ThreadRow) -> Result<(), String> {
    if user.role >= Role::Moderator {
        return Ok(());
    }
    user.may_write()?;
    if thread.locked {
        return Err(match &thread.lock_reason {
            Some(reason) if !reason.is_empty() => {
                format!("This thread is locked ({reason}), so its posts can no longer be changed.")
            }
            _ => "This thread is locked, so its posts can no longer be changed.".into(),
        });
    }
    Ok(())
}

/// Whether a post with `body` by `user` waits for a moderator's approval: posts of new
/// members with links (or all of them, with `PARLEY_APPROVAL=all`); never a moderator's.
pub fn held(user: &SessionUser, settings: &Settings, body: &str) -> bool {
    if user.role >= Role::Moderator || user.post_count >= settings.new_member_posts {
        return false;
    }
    match settings.approval {
        Approval::All => true,
        Approval::Off => false,
        Approval::Links => writing::has_link(body),
    }
}
