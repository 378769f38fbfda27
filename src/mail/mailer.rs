//! Sending one mail: over SMTP (lettre, tokio, rustls), or, with no SMTP server
//! configured, as an `.eml` file under the data directory.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;
use crate::mail::types::OutboxMail;

/// Where mail goes.
pub enum Mailer {
    /// A real SMTP server.
    Smtp {
        /// The connection to it.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The longest one mail may take.
        deadline: Duration,
    },
    /// `.eml` files in a directory, for development without a mail server.
    Files(PathBuf),
}

/// How long an SMTP server may take to answer each command.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Headers the outbox may carry; anything else is dropped rather than sent.
const KNOWN_HEADERS: &[&str] = &[
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "X-Parley-Kind",
];

impl Mailer {
    /// The SMTP server of `PARLEY_SMTP_URL`, or `.eml` files in `data/mail/`.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        match &settings.smtp_url {
            Some(url) => Mailer::smtp(url, SMTP_TIMEOUT),
            None => Ok(Mailer::Files(settings.data_dir.join("mail"))),
        }
    }

    /// The SMTP server at `url`, waited for at most `timeout` for each answer, and twice
    /// that for a whole mail: a server that takes the connection and then says nothing
    /// costs one failed try (retried later), not a worker stuck for good.
    pub fn smtp(url: &str, timeout: Duration) -> Result<Mailer, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Mailer::Smtp {
                transport: b.timeout(Some(timeout)).build(),
                deadline: timeout * 2,
            })
            .map_err(|e| format!("invalid PARLEY_SMTP_URL: {e}"))
    }

    /// Sends `mail` from `from`; the error text is what the outbox records.
    pub async fn send(&self, mail: &OutboxMail, from: &str) -> Result<(), String> {
        let message = build(mail, from)?;
        match self {
            Mailer::Smtp {
                transport,
                deadline,
            } => match tokio::time::timeout(*deadline, transport.send(message)).await {
                Ok(sent) => sent.map(|_| ()).map_err(|e| e.to_string()),
                Err(_) => Err(format!(
                    "the SMTP server did not finish within {deadline:?}"
                )),
            },
            Mailer::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(
                    file = %dir.join(format!("{id}.eml")).display(),
                    kind = %mail.kind,
                    "mail written (no PARLEY_SMTP_URL set)"
                );
                Ok(())
            }
        }
    }
}

/// The MIME message of an outbox row: multipart text and HTML with its stored headers.
pub fn build(mail: &OutboxMail, from: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("invalid From address: {e}"))?;
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| format!("invalid recipient address: {e}"))?;
    let mut builder = Message::builder().from(from).to(to).subject(&mail.subject);
    for (name, value) in mail.header_pairs() {
        builder = match name {
            "Message-ID" => builder.message_id(Some(value.to_string())),
            "In-Reply-To" => builder.in_reply_to(value.to_string()),
            "References" => builder.references(value.to_string()),
            other => match KNOWN_HEADERS.iter().find(|k| **k == other) {
                Some(known) => builder.raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str(known),
                    value.to_string(),
                )),
                None => builder,
            },
        };
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.body_text.clone(),
            mail.body_html.clone(),
        ))
        .map_err(|e| e.to_string())
}
