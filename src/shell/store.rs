//! The shell's statements: the rate limits' counters.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;

/// SQL: the uses in `$events` still inside the window of `$3` seconds, oldest first.
macro_rules! in_window {
    ($events:literal) => {
        concat!(
            "ARRAY(SELECT e FROM unnest(",
            $events,
            ") e WHERE e > now() - make_interval(secs => $3) ORDER BY e)"
        )
    };
}

/// Counts one use of `key` if fewer than `max` happened within the last `window_secs`, in
/// one statement on the key's locked row; returns whether it was counted.
pub async fn take_rate(
    conn: &mut AsyncPgConnection,
    key: &str,
    max: i64,
    window_secs: f64,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        #[allow(dead_code)]
        taken: bool,
    }
    // ON CONFLICT DO UPDATE reads the newest version of the row under its lock, so a use
    // counted by a parallel request is always seen.
    let taken: Option<Taken> = db::sql(concat!(
        "INSERT INTO rate_limits AS r (key, events) VALUES ($1, ARRAY[now()])
         ON CONFLICT (key) DO UPDATE SET events = ",
        in_window!("r.events"),
        " || now() WHERE cardinality(",
        in_window!("r.events"),
        ") < $2 RETURNING true AS taken"
    ))
    .bind::<Text, _>(key)
    .bind::<BigInt, _>(max)
    .bind::<diesel::sql_types::Double, _>(window_secs)
    .get_result(conn)
    .await
    .optional()?;
    Ok(taken.is_some())
}

/// Seconds until `key` may be used again under (`max`, `window_secs`).
pub async fn rate_wait(
    conn: &mut AsyncPgConnection,
    key: &str,
    max: i64,
    window_secs: f64,
) -> QueryResult<f64> {
    #[derive(QueryableByName)]
    struct Wait {
        #[diesel(sql_type = diesel::sql_types::Double)]
        wait: f64,
    }
    // With n uses in the window, the (n - max + 1)-th oldest has to leave it.
    let wait: Option<Wait> = db::sql(concat!(
        "SELECT coalesce(extract(epoch FROM w.events[cardinality(w.events) - $2 + 1]
                                 + make_interval(secs => $3) - now())::float8, 0) AS wait
           FROM (SELECT ",
        in_window!("events"),
        " AS events FROM rate_limits WHERE key = $1) w"
    ))
    .bind::<Text, _>(key)
    .bind::<BigInt, _>(max)
    .bind::<diesel::sql_types::Double, _>(window_secs)
    .get_result(conn)
    .await
    .optional()?;
    Ok(wait.map_or(0.0, |w| w.wait))
}

/// Forgets every use of `key` (a log-in that succeeded clears its failures).
pub async fn clear_rate(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<()> {
    db::sql("DELETE FROM rate_limits WHERE key = $1")
        .bind::<Text, _>(key)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Gives back the newest use of `key`, for an action that was counted and then did not
/// happen.
pub async fn refund_rate(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<()> {
    db::sql(
        "UPDATE rate_limits SET events = events[1:cardinality(events) - 1]
          WHERE key = $1 AND cardinality(events) > 0",
    )
    .bind::<Text, _>(key)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Forgets keys not used since `before`.
pub async fn purge_rate_limits(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    db::sql(
        "DELETE FROM rate_limits
          WHERE cardinality(events) = 0 OR events[cardinality(events)] < $1",
    )
    .bind::<Timestamptz, _>(before)
    .execute(conn)
    .await
}
