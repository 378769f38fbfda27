//! The page cache's one statement: subscribing to the change announcements.

use diesel::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// The channel the triggers of migration `page_notify` announce changes on.
pub const CHANNEL: &str = "parley_pages";

/// Announces `payload` on the channel (delivered to every listener after this statement's
/// transaction commits).
pub async fn announce(conn: &mut AsyncPgConnection, payload: &str) -> QueryResult<()> {
    // A marker needs no durability: committing it without waiting for the WAL flush spares
    // every write a second fsync wait.
    diesel::sql_query("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(CHANNEL)
        .bind::<diesel::sql_types::Text, _>(payload)
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
