//! Choices administrators make in the forum itself (`site_settings`), by name.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::site_settings;
use crate::ids::UserId;

/// The value of a site setting, if an administrator set one.
pub async fn site_setting(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Option<String>> {
    site_settings::table
        .find(name)
        .select(site_settings::value)
        .first(conn)
        .await
        .optional()
}

/// Sets a site setting, recording who changed it.
pub async fn set_site_setting(
    conn: &mut AsyncPgConnection,
    name: &str,
    value: &str,
    by: UserId,
) -> QueryResult<()> {
    diesel::insert_into(site_settings::table)
        .values((
            site_settings::name.eq(name),
            site_settings::value.eq(value),
            site_settings::changed_by.eq(by),
        ))
        .on_conflict(site_settings::name)
        .do_update()
        .set((
            site_settings::value.eq(value),
            site_settings::changed_by.eq(by),
            site_settings::changed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}
