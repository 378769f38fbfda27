//! "Delete my account": the member becomes "former member N" in one transaction. Their
//! posts stay under that name (or are hidden, if they chose so), so threads, quotes,
//! counts and accepted answers hold together; everything else of theirs is erased.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::accounts::types::Role;
use crate::accounts::validate::name_skeleton;
use crate::forums::writing;
use crate::ids::UserId;
use crate::leaving::store::{self, Erased};
use crate::moderation::actions::ModerationError;
use crate::moderation::store as moderation_store;

/// The name a deleted account goes by: no member can register it (names have no spaces).
pub fn former_name(member: UserId) -> String {
    format!("former member {member}")
}

/// Deletes `member`'s account, done by `actor` (themselves, or an administrator), with
/// their posts hidden if `hide_posts`. Returns the name they go by now.
pub async fn delete_account(
    conn: &mut AsyncPgConnection,
    actor: UserId,
    member: UserId,
    hide_posts: bool,
) -> Result<String, ModerationError> {
    conn.transaction::<_, ModerationError, _>(async |conn| {
        let leaver = store::leaver(conn, member)
            .await?
            .ok_or(ModerationError::NotFound)?;
        if actor != member && leaver.role == Role::Admin {
            return Err(ModerationError::NotAllowed(
                "An administrator's account can be deleted only by its owner, or after their role is changed.",
            ));
        }
        if leaver.role == Role::Admin && store::administrators(conn).await? <= 1 {
            return Err(ModerationError::NotAllowed(
                "You are the only administrator: make another member an administrator first.",
            ));
        }
        let name = former_name(member);
        if hide_posts {
            moderation_store::hide_posts_of(conn, member, actor, "account deleted").await?;
        }
        let erased = Erased {
            username: &name,
            skeleton: &name_skeleton(&name),
            email: &format!("former-member-{member}@invalid"),
        };
        store::erase_member(conn, member, &leaver.email, &erased).await?;
        // Quotes of their posts name their author as rendered: render them again, under
        // the new name (or as removed, when the posts were hidden).
        let posts = store::post_ids_of(conn, member).await?;
        writing::rerender_quoting(conn, &posts)
            .await
            .map_err(ModerationError::Writing)?;
        let kept = if hide_posts { "posts hidden" } else { "posts kept" };
        let target = format!("member {name}");
        let action = if actor == member { "delete own account" } else { "delete account" };
        moderation_store::log(conn, actor, action, Some(member), &target, kept).await?;
        crate::changes::store::announce(conn, &[crate::changes::tag::Tag::All.to_string()])
            .await?;
        Ok(name)
    })
    .await
}
