//! Plain types of the notification feature.

use chrono::{DateTime, Utc};
use diesel::{Insertable, Queryable, Selectable};

use crate::db::schema::outbox;
use crate::ids::MailId;

/// A mail to put into the outbox.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMail {
    /// What kind of mail (confirm, reset, reply, …), for logs and the admin list.
    pub kind: String,
    /// The address it goes to.
    pub recipient: String,
    pub subject: String,
    /// Plain-text part.
    pub body_text: String,
    pub body_html: String,
    /// Extra headers, one `Name: value` a line.
    pub headers: String,
}

/// A row of the outbox.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: MailId,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub headers: String,
    /// Tries so far (counting the current one once claimed).
    pub attempts: i32,
    /// When the next try is due.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was given up.
    pub failed_at: Option<DateTime<Utc>>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

impl OutboxMail {
    /// The stored extra headers as (name, value) pairs.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .lines()
            .filter_map(|line| line.split_once(": "))
    }
}

impl NewMail {
    /// Adds a header (values never contain line breaks).
    pub fn with_header(mut self, name: &str, value: &str) -> NewMail {
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        self.headers.push_str(&format!("{name}: {value}\n"));
        self
    }
}
