//! Statements about the database itself rather than any feature's rows.

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryResult, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

/// Arbitrary key of the advisory lock that serialises migrations across nodes.
const MIGRATION_LOCK: i64 = 0x7061_726c_6579;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Session settings every pooled connection starts with.
pub async fn configure_session(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    conn.batch_execute("SET statement_timeout = '30s'; SET lock_timeout = '10s'")
        .await
}

/// Creates `name` unless it exists. `name` is a constant of ours, never user input.
pub async fn create_database_if_missing(
    conn: &mut AsyncPgConnection,
    name: &str,
) -> QueryResult<()> {
    let found = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(name)
        .get_result::<Count>(conn)
        .await?;
    if found.n == 0 {
        conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    Ok(())
}

/// True when the database answers a trivial query.
pub async fn ping(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    conn.batch_execute("SELECT 1").await
}

/// Statements for the synchronous connection diesel's migration harness runs on.
pub mod blocking {
    use diesel::QueryResult;
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    use super::MIGRATION_LOCK;

    /// Takes the migration lock on a synchronous (migration-harness) connection.
    pub fn lock_migrations<C>(conn: &mut C) -> QueryResult<()>
    where
        C: diesel::Connection<Backend = diesel::pg::Pg> + diesel::connection::LoadConnection,
    {
        diesel::sql_query("SELECT pg_advisory_lock($1)")
            .bind::<BigInt, _>(MIGRATION_LOCK)
            .execute(conn)
            .map(|_| ())
    }

    /// Releases the migration lock.
    pub fn unlock_migrations<C>(conn: &mut C) -> QueryResult<()>
    where
        C: diesel::Connection<Backend = diesel::pg::Pg> + diesel::connection::LoadConnection,
    {
        diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<BigInt, _>(MIGRATION_LOCK)
            .execute(conn)
            .map(|_| ())
    }
}
