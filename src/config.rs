//! Settings: built-in defaults, then `parley.toml`, then the environment (`PARLEY_*`, `DATABASE_URL`).

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::kinds::word_enum;

/// Everything an operator can set; every field has a default that gives a working forum.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on (`PARLEY_BIND`).
    pub bind: String,
    /// Embedded cluster, mail files and other local state (`PARLEY_DATA_DIR`).
    pub data_dir: PathBuf,
    /// External PostgreSQL; `None` runs the embedded cluster (`DATABASE_URL`).
    pub database_url: Option<String>,
    /// Absolute URL used in mail and feeds (`PARLEY_BASE_URL`); defaults to `http://` + bind.
    pub base_url: Option<String>,
    /// Set the `Secure` cookie flag, for sites served over TLS (`PARLEY_SECURE_COOKIES`).
    pub secure_cookies: bool,
    /// Outgoing mail server (`PARLEY_SMTP_URL`); unset writes `.eml` files under the data dir.
    pub smtp_url: Option<String>,
    /// From address of outgoing mail (`PARLEY_MAIL_FROM`).
    pub mail_from: String,
    /// Name shown in the header, titles and mail (`PARLEY_SITE_NAME`).
    pub site_name: String,
    /// Take the client address from `X-Forwarded-For`; only behind a trusted proxy (`PARLEY_TRUST_PROXY`).
    pub trust_proxy: bool,
    /// How many trusted proxies stand in front (`PARLEY_PROXY_HOPS`): the client address is
    /// the `X-Forwarded-For` entry that many places from the right, the one the outermost
    /// trusted proxy wrote. Entries further left are whatever the client sent.
    pub proxy_hops: usize,
    /// Database connections for requests, shared out among the workers (`PARLEY_POOL_SIZE`).
    pub pool_size: usize,
    /// HTTP worker threads; 0 means one per CPU core (`PARLEY_WORKERS`).
    pub workers: usize,
    /// `off` disables the posting, registration and report limits, for load tests
    /// (`PARLEY_RATE_LIMITS`); the log-in throttle always stays on.
    pub rate_limits: RateLimits,
    /// Members with fewer posts than this count as new (stricter posting limit, approval
    /// queue) (`PARLEY_NEW_MEMBER_POSTS`).
    pub new_member_posts: i32,
    /// Which posts of new members wait for a moderator (`PARLEY_APPROVAL`).
    pub approval: Approval,
    /// Memory for rendered pages of logged-out readers, in MiB; 0 turns the cache off
    /// (`PARLEY_PAGE_CACHE_MB`).
    pub page_cache_mb: usize,
    /// Largest attached file, in MiB (`PARLEY_ATTACHMENT_MB`).
    pub attachment_mb: usize,
    /// Most files one post carries (`PARLEY_ATTACHMENTS_PER_POST`).
    pub attachments_per_post: usize,
    /// How much one member may upload in 24 hours, in MiB (`PARLEY_ATTACHMENT_DAILY_MB`).
    pub attachment_daily_mb: usize,
    /// Which files besides pictures may be attached, comma-separated from `pdf`, `txt`,
    /// `csv`, `log` and `zip` (`PARLEY_ATTACHMENT_TYPES`); pictures always may.
    pub attachment_types: String,
}

word_enum! {
    /// Which posts of new members wait for a moderator's approval.
    pub enum Approval {
        /// Those with links.
        Links = "links",
        /// All of them.
        All = "all",
        Off = "off",
    }
}

word_enum! {
    /// A kind of attached file, as decided from its content.
    pub enum FileKind {
        Png = "png",
        Jpeg = "jpeg",
        Gif = "gif",
        Webp = "webp",
        Pdf = "pdf",
        Txt = "txt",
        Csv = "csv",
        Log = "log",
        Zip = "zip",
    }
}

word_enum! {
    /// Whether the posting, registration and report limits apply.
    pub enum RateLimits {
        /// They apply (the default).
        On = "on",
        /// They do not: for load tests.
        Off = "off",
    }
}

impl FileKind {
    /// Pictures show inline; they are always accepted and always drawn again by Parley.
    pub fn is_picture(self) -> bool {
        matches!(
            self,
            FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp
        )
    }
}

/// Settings written in code (tests, load scenarios) by their word; a word that is not one
/// of the choices panics there and then, as a typo in code should.
macro_rules! from_word {
    ($($name:ident),+) => {$(
        impl From<&str> for $name {
            fn from(word: &str) -> Self {
                word.parse().unwrap_or_else(|e| panic!("{e}"))
            }
        }
    )+};
}
from_word!(Approval, RateLimits);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            base_url: None,
            secure_cookies: false,
            smtp_url: None,
            mail_from: "Parley <noreply@localhost>".into(),
            site_name: "Parley".into(),
            trust_proxy: false,
            proxy_hops: 1,
            pool_size: 16,
            workers: 0,
            rate_limits: RateLimits::On,
            new_member_posts: 3,
            approval: Approval::Links,
            page_cache_mb: 64,
            attachment_mb: 8,
            attachments_per_post: 10,
            attachment_daily_mb: 50,
            attachment_types: "pdf,txt,csv,log,zip".into(),
        }
    }
}

// Hand-written so that a password inside DATABASE_URL or PARLEY_SMTP_URL never reaches a log.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_ref().map(|_| "<set>"))
            .field("base_url", &self.base_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("site_name", &self.site_name)
            .field("trust_proxy", &self.trust_proxy)
            .field("proxy_hops", &self.proxy_hops)
            .field("pool_size", &self.pool_size)
            .field("workers", &self.workers)
            .field("rate_limits", &self.rate_limits)
            .field("new_member_posts", &self.new_member_posts)
            .field("approval", &self.approval)
            .field("page_cache_mb", &self.page_cache_mb)
            .field("attachment_mb", &self.attachment_mb)
            .field("attachments_per_post", &self.attachments_per_post)
            .field("attachment_daily_mb", &self.attachment_daily_mb)
            .field("attachment_types", &self.attachment_types)
            .finish()
    }
}

impl Settings {
    /// Loads defaults < `config_file` (when it exists) < environment.
    pub fn load(config_file: &Path) -> Result<Settings, Box<figment::Error>> {
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_file))
            .merge(Env::prefixed("PARLEY_"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .extract::<Settings>()
            .map_err(Box::new)
            .and_then(|settings| {
                settings
                    .attachment_kinds()
                    .map_err(|e| Box::new(e.into()))?;
                Ok(settings)
            })
    }

    /// The kinds of file besides pictures that may be attached, or which word is not one.
    /// (Naming a picture kind there changes nothing: pictures are always accepted.)
    pub fn attachment_kinds(&self) -> Result<Vec<FileKind>, String> {
        self.attachment_types
            .split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(|word| {
                word.to_ascii_lowercase().parse::<FileKind>().map_err(|_| {
                    format!(
                        "PARLEY_ATTACHMENT_TYPES: `{word}` is not one of pdf, txt, csv, log, zip"
                    )
                })
            })
            .collect()
    }

    /// The largest attached file, in bytes.
    pub fn attachment_bytes(&self) -> usize {
        self.attachment_mb.saturating_mul(1024 * 1024)
    }

    /// False when `PARLEY_RATE_LIMITS=off`.
    pub fn rate_limits_on(&self) -> bool {
        self.rate_limits == RateLimits::On
    }

    /// The site's absolute URL without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }
}
