//! Staff groups and their members.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::types::{Role, StaffGroup, StaffMember};
use crate::db::schema::{staff_group_members, staff_groups, users};
use crate::ids::{GroupId, UserId};

/// Why a group was not created or renamed.
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// Another group has this name (letter case aside).
    #[error("another group has this name")]
    NameTaken,
    #[error("the database failed")]
    Database(#[from] Error),
}

fn unique(result: QueryResult<usize>) -> Result<usize, GroupError> {
    result.map_err(|e| match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => GroupError::NameTaken,
        other => GroupError::Database(other),
    })
}

/// Every group by name, each with its members by name.
pub async fn staff_groups(conn: &mut AsyncPgConnection) -> QueryResult<Vec<StaffGroup>> {
    let groups: Vec<(GroupId, String)> = staff_groups::table
        .select((staff_groups::id, staff_groups::name))
        .order((staff_groups::name, staff_groups::id))
        .load(conn)
        .await?;
    let members: Vec<(GroupId, UserId, String)> = staff_group_members::table
        .inner_join(users::table)
        .select((staff_group_members::group_id, users::id, users::username))
        .order(users::username)
        .load(conn)
        .await?;
    Ok(groups
        .into_iter()
        .map(|(id, name)| StaffGroup {
            id,
            name,
            members: members
                .iter()
                .filter(|(group, _, _)| *group == id)
                .map(|(_, id, name)| StaffMember {
                    id: *id,
                    username: name.clone(),
                })
                .collect(),
        })
        .collect())
}

/// Creates a group.
pub async fn create_group(conn: &mut AsyncPgConnection, name: &str) -> Result<(), GroupError> {
    unique(
        diesel::insert_into(staff_groups::table)
            .values(staff_groups::name.eq(name))
            .execute(conn)
            .await,
    )
    .map(drop)
}

/// Renames a group; false when there is no such group.
pub async fn rename_group(
    conn: &mut AsyncPgConnection,
    id: GroupId,
    name: &str,
) -> Result<bool, GroupError> {
    unique(
        diesel::update(staff_groups::table.find(id))
            .set(staff_groups::name.eq(name))
            .execute(conn)
            .await,
    )
    .map(|n| n == 1)
}

/// Deletes a group; its questions become unassigned (the foreign key sets them free).
pub async fn delete_group(conn: &mut AsyncPgConnection, id: GroupId) -> QueryResult<bool> {
    diesel::delete(staff_groups::table.find(id))
        .execute(conn)
        .await
        .map(|n| n == 1)
}

/// Puts the member named `username` (letter case aside) into a group; their id, or `None`
/// when no such member (or no such group) exists. Adding someone twice changes nothing.
pub async fn add_group_member(
    conn: &mut AsyncPgConnection,
    group: GroupId,
    username: &str,
) -> QueryResult<Option<UserId>> {
    let Some(user) = users::table
        .filter(super::lower(users::username).eq(username.to_lowercase()))
        .filter(users::banned_at.is_null())
        .select(users::id)
        .first::<UserId>(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    let group_there = staff_groups::table
        .find(group)
        .select(staff_groups::id)
        .first::<GroupId>(conn)
        .await
        .optional()?;
    if group_there.is_none() {
        return Ok(None);
    }
    diesel::insert_into(staff_group_members::table)
        .values((
            staff_group_members::group_id.eq(group),
            staff_group_members::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(Some(user))
}

/// Takes a member out of a group.
pub async fn remove_group_member(
    conn: &mut AsyncPgConnection,
    group: GroupId,
    user: UserId,
) -> QueryResult<bool> {
    diesel::delete(
        staff_group_members::table
            .filter(staff_group_members::group_id.eq(group))
            .filter(staff_group_members::user_id.eq(user)),
    )
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// The groups a member is in.
pub async fn groups_of(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<Vec<GroupId>> {
    staff_group_members::table
        .filter(staff_group_members::user_id.eq(user))
        .select(staff_group_members::group_id)
        .load(conn)
        .await
}

/// The names of the groups a member is in, by name.
pub async fn group_names_of(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> QueryResult<Vec<String>> {
    staff_group_members::table
        .inner_join(staff_groups::table)
        .filter(staff_group_members::user_id.eq(user))
        .order(staff_groups::name)
        .select(staff_groups::name)
        .load(conn)
        .await
}

/// SQL condition: the member `users` row is staff (a moderator, an administrator or a
/// member of a group) and not banned.
#[diesel::dsl::auto_type]
fn is_staff_row() -> _ {
    let member: Role = Role::Member;
    users::banned_at
        .is_null()
        .and(users::role.ne(member).or(diesel::dsl::exists(
            staff_group_members::table.filter(staff_group_members::user_id.eq(users::id)),
        )))
}

/// Every staff member, by name: who a question may be assigned to.
pub async fn staff_members(conn: &mut AsyncPgConnection) -> QueryResult<Vec<StaffMember>> {
    users::table
        .filter(is_staff_row())
        .select((users::id, users::username))
        .order(users::username)
        .load::<(UserId, String)>(conn)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|(id, username)| StaffMember { id, username })
                .collect()
        })
}

/// Whether a member is staff now (for a choice made on a form that may be stale).
pub async fn is_staff(conn: &mut AsyncPgConnection, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::id.eq(user))
            .filter(is_staff_row()),
    ))
    .get_result(conn)
    .await
}

/// A group's name, if it exists.
pub async fn group_name(
    conn: &mut AsyncPgConnection,
    group: GroupId,
) -> QueryResult<Option<String>> {
    staff_groups::table
        .find(group)
        .select(staff_groups::name)
        .first(conn)
        .await
        .optional()
}

/// The ids of a group's members.
pub async fn group_member_ids(
    conn: &mut AsyncPgConnection,
    group: GroupId,
) -> QueryResult<Vec<UserId>> {
    staff_group_members::table
        .filter(staff_group_members::group_id.eq(group))
        .select(staff_group_members::user_id)
        .load(conn)
        .await
}

/// Staff with a confirmed address (all of them, or those of `only`): id, name, address.
pub async fn staff_addresses(
    conn: &mut AsyncPgConnection,
    only: Option<&[UserId]>,
) -> QueryResult<Vec<(UserId, String, String)>> {
    let mut query = users::table
        .filter(is_staff_row())
        .filter(users::email_confirmed_at.is_not_null())
        .select((users::id, users::username, users::email))
        .order(users::id)
        .into_boxed();
    if let Some(ids) = only {
        query = query.filter(users::id.eq_any(ids.to_vec()));
    }
    query.load(conn).await
}
