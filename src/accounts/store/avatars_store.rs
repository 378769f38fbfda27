//! Queries of avatars.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::avatars;
use crate::ids::UserId;

/// Puts the member's new avatar in place of any earlier one, and tells every node's
/// pages and member cards that the member changed.
pub async fn set_avatar(
    conn: &mut AsyncPgConnection,
    user: UserId,
    hash: &str,
    large: &[u8],
    small: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(avatars::table)
        .values((
            avatars::user_id.eq(user),
            avatars::hash.eq(hash),
            avatars::large.eq(large),
            avatars::small.eq(small),
        ))
        .on_conflict(avatars::user_id)
        .do_update()
        .set((
            avatars::hash.eq(hash),
            avatars::large.eq(large),
            avatars::small.eq(small),
            avatars::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    announce_member(conn, user).await
}

/// Removes the member's avatar (their initials show again); false if there was none.
pub async fn remove_avatar(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    let removed = diesel::delete(avatars::table.find(user))
        .execute(conn)
        .await?;
    announce_member(conn, user).await?;
    Ok(removed == 1)
}

async fn announce_member(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<()> {
    let tag = crate::changes::Tag::User(user).to_string();
    crate::changes::store::announce(conn, &[tag]).await
}

/// The picture of the member's avatar with this hash, large or small.
pub async fn avatar_image(
    conn: &mut AsyncPgConnection,
    user: UserId,
    hash: &str,
    large: bool,
) -> QueryResult<Option<Vec<u8>>> {
    let query = avatars::table.find(user).filter(avatars::hash.eq(hash));
    match large {
        true => query.select(avatars::large).first(conn).await.optional(),
        false => query.select(avatars::small).first(conn).await.optional(),
    }
}

/// The hash naming the member's avatar, if they have one.
pub async fn avatar_hash(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Option<String>> {
    avatars::table
        .find(user)
        .select(avatars::hash)
        .first(conn)
        .await
        .optional()
}
