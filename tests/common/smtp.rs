//! A real SMTP server on a loopback port (mailin-embedded), keeping every message it
//! accepts so tests can read them as a mail client would.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mail_parser::{MessageParser, MimeHeaders};
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The raw message.
    pub raw: Vec<u8>,
}

impl Received {
    /// Parses the message as MIME.
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(&self.raw)
            .expect("a MIME message")
    }

    /// The subject line.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }

    /// The plain-text part.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// The HTML part.
    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// A header's value as sent (unfolded), from the raw message.
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = self.parsed();
        let header = parsed
            .headers()
            .iter()
            .find(|h| h.name().eq_ignore_ascii_case(name))?;
        let raw = self
            .raw
            .get(header.offset_start as usize..header.offset_end as usize)?;
        let value = String::from_utf8_lossy(raw)
            .replace("\r\n", "")
            .replace('\n', "");
        Some(value.trim().trim_matches(['<', '>']).to_string())
    }

    /// The first link in the text part that starts with `prefix` (made relative to the site).
    pub fn link(&self, base: &str, prefix: &str) -> Option<String> {
        let text = self.text();
        text.split_whitespace()
            .filter_map(|w| w.strip_prefix(base))
            .find(|path| path.starts_with(prefix))
            .map(str::to_string)
    }

    /// True when the message has a text/plain and a text/html part.
    pub fn is_multipart_alternative(&self) -> bool {
        let parsed = self.parsed();
        parsed
            .content_type()
            .is_some_and(|c| c.subtype() == Some("alternative"))
            && parsed.text_body.len() == 1
            && parsed.html_body.len() == 1
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_string());
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Received {
            to: std::mem::take(&mut self.to),
            raw: std::mem::take(&mut self.data),
        };
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.push(message);
        }
        response::OK
    }
}

/// A running SMTP server and everything it received.
#[derive(Clone)]
pub struct SmtpSink {
    /// The port it listens on.
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts a server on a free loopback port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        SmtpSink::serve(listener)
    }

    /// Starts a server on `port` (to bring a "down" server back).
    pub fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
        SmtpSink::serve(listener)
    }

    fn serve(listener: TcpListener) -> SmtpSink {
        let port = listener.local_addr().expect("addr").port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Collector {
            inbox: inbox.clone(),
            to: Vec::new(),
            data: Vec::new(),
        };
        let mut server = Server::new(handler);
        server.with_name("parley-test").with_tcp_listener(listener);
        // Lives until the test binary exits.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { port, inbox }
    }

    /// The URL for `PARLEY_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// Waits (up to 10 s) for a mail to `address` whose subject contains `subject`.
    pub async fn wait_for(&self, address: &str, subject: &str) -> Received {
        let started = std::time::Instant::now();
        loop {
            if let Some(mail) = self
                .to(address)
                .into_iter()
                .find(|m| m.subject().contains(subject))
            {
                return mail;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "no mail to {address} about {subject:?}; received: {:?}",
                self.received()
                    .iter()
                    .map(Received::subject)
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// What `address` received.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}
