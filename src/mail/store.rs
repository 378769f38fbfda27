//! The outbox and the site's signing key: mail waits here, inside the transaction of what
//! caused it, until a worker delivers it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared as db;
use crate::db::schema::{outbox, site_secrets};
use crate::ids::MailId;
use crate::mail::types::{NewMail, OutboxMail};

#[derive(QueryableByName)]
struct OutboxRow {
    #[diesel(sql_type = BigInt)]
    id: MailId,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    recipient: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    body_text: String,
    #[diesel(sql_type = Text)]
    body_html: String,
    #[diesel(sql_type = Text)]
    headers: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    next_attempt_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    sent_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    failed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    last_error: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

impl OutboxRow {
    fn into_mail(self) -> OutboxMail {
        OutboxMail {
            id: self.id,
            kind: self.kind,
            recipient: self.recipient,
            subject: self.subject,
            body_text: self.body_text,
            body_html: self.body_html,
            headers: self.headers,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
            sent_at: self.sent_at,
            failed_at: self.failed_at,
            last_error: self.last_error,
            created_at: self.created_at,
        }
    }
}

/// Queues a mail (call inside the transaction of what caused it).
pub async fn enqueue(conn: &mut AsyncPgConnection, mail: &NewMail) -> QueryResult<()> {
    enqueue_all(conn, std::slice::from_ref(mail)).await
}

/// Queues several mails in one statement.
pub async fn enqueue_all(conn: &mut AsyncPgConnection, mails: &[NewMail]) -> QueryResult<()> {
    if mails.is_empty() {
        return Ok(());
    }
    diesel::insert_into(outbox::table)
        .values(mails)
        .execute(conn)
        .await?;
    crate::mail::wake::queued();
    Ok(())
}

/// Takes the next due mail, locked for this transaction: other workers skip it while it is
/// being sent, and if this worker dies the lock goes with its connection, so the mail is
/// due again at once. `attempts` counts the try being made.
pub async fn claim_next(conn: &mut AsyncPgConnection) -> QueryResult<Option<OutboxMail>> {
    db::sql(
        "SELECT id, kind, recipient, subject, body_text, body_html, headers, attempts + 1 AS attempts,
                next_attempt_at, sent_at, failed_at, last_error, created_at
           FROM outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
          ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .get_result::<OutboxRow>(conn)
    .await
    .optional()
    .map(|row| row.map(OutboxRow::into_mail))
}

/// Marks a mail delivered.
pub async fn mark_sent(conn: &mut AsyncPgConnection, id: MailId) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(Some(Utc::now())),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records a failed try: retry at `retry_at`, or give up when it is `None`.
pub async fn mark_failed_try(
    conn: &mut AsyncPgConnection,
    id: MailId,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(outbox::table.find(id))
        .set((
            outbox::last_error.eq(Some(error)),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at.unwrap_or(now)),
            outbox::failed_at.eq(retry_at.is_none().then_some(now)),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Mails given up on, newest first.
pub async fn failed_mails(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order(outbox::failed_at.desc())
        .limit(limit)
        .select(OutboxMail::as_select())
        .load(conn)
        .await
}

/// Puts a failed mail back into the queue for an immediate try.
pub async fn retry_mail(conn: &mut AsyncPgConnection, id: MailId) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::failed_at.is_not_null()),
    )
    .set((
        outbox::failed_at.eq(None::<DateTime<Utc>>),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await
    .inspect(|&retried| {
        if retried > 0 {
            crate::mail::wake::queued();
        }
    })
}

/// How many mails wait to be sent.
pub async fn pending_count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// The key that signs unsubscribe links, created by the first node that asks.
pub async fn signing_key(conn: &mut AsyncPgConnection) -> QueryResult<Vec<u8>> {
    use rand::RngCore;
    let mut fresh = [0u8; 32];
    rand::rng().fill_bytes(&mut fresh);
    diesel::insert_into(site_secrets::table)
        .values((
            site_secrets::name.eq("signing_key"),
            site_secrets::value.eq(fresh.to_vec()),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    site_secrets::table
        .find("signing_key")
        .select(site_secrets::value)
        .first(conn)
        .await
}
