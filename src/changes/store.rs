//! The page cache's statements: announcing changes and subscribing to the announcements.

use diesel::QueryResult;
use diesel::sql_types::{Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;

/// The channel the triggers of migration `page_notify` announce changes on.
pub const CHANNEL: &str = "parley_pages";

/// Announces `payloads` on the channel, in order (delivered to every listener when the
/// transaction commits).
pub async fn announce(conn: &mut AsyncPgConnection, payloads: &[String]) -> QueryResult<()> {
    // On its own, an announcement needs no durability: the change it speaks of is already on
    // disk, and a commit that waits for the WAL flush holds PostgreSQL's NOTIFY lock all that
    // time. Inside a transaction that has written (no XID yet means none), commit as it would.
    db::sql(
        "SELECT count(pg_notify($1, payload)) AS n
           FROM (SELECT set_config('synchronous_commit',
                                   CASE WHEN txid_current_if_assigned() IS NULL THEN 'off'
                                        ELSE current_setting('synchronous_commit') END,
                                   true)) AS commit_mode,
                unnest($2::text[]) AS payload",
    )
    .bind::<Text, _>(CHANNEL)
    .bind::<Array<Text>, _>(payloads)
    .execute(conn)
    .await
    .map(drop)
}

/// Subscribes this connection to the announcements.
pub async fn listen(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query(format!("LISTEN {CHANNEL}"))
        .execute(conn)
        .await
        .map(drop)
}
