//! The test harness: one private PostgreSQL cluster per test binary (the same supervisor as
//! `parley serve`), a migrated template database, a fresh copy of it per test, the real app
//! on a loopback port, and a cookie-keeping client that reads pages as a person would.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use actix_web::dev::ServerHandle;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use parley::config::Settings;
use parley::db::embedded::{Cluster, ClusterOptions, socket_url};
use parley::{Site, build_app, db};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use scraper::{Html, Selector};

pub mod smtp;

const TEMPLATE: &str = "parley_template";
const DIR_PREFIX: &str = "parley-test-";

/// The shared cluster of this test binary.
struct Shared {
    socket_dir: PathBuf,
}

static SHARED: OnceLock<Shared> = OnceLock::new();
static POSTMASTER: Mutex<Option<(i32, PathBuf)>> = Mutex::new(None);
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" {
    fn atexit(callback: extern "C" fn()) -> i32;
}

/// Stops the cluster and removes its directory when the test binary exits, pass or fail.
extern "C" fn stop_cluster() {
    let Ok(mut guard) = POSTMASTER.lock() else {
        return;
    };
    if let Some((pid, dir)) = guard.take() {
        let pid = nix::unistd::Pid::from_raw(pid);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let _ = nix::sys::wait::waitpid(pid, None);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Removes directories of earlier runs whose test binary was killed before cleaning up.
fn sweep_leftovers() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let owner = std::fs::read_to_string(entry.path().join("owner")).unwrap_or_default();
        let alive = owner
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn shared() -> &'static Shared {
    SHARED.get_or_init(|| {
        sweep_leftovers();
        let root = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir_in("/tmp")
            .expect("temp dir")
            .keep();
        std::fs::write(root.join("owner"), std::process::id().to_string()).expect("owner file");
        // The unprivileged cluster user must be able to reach its directory inside.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("chmod");

        let options = ClusterOptions {
            pg_dir: root.join("pg"),
            log_file: root.join("postgres.log"),
            durable: false,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        // The postmaster's parent-death signal follows the thread that spawned it: this
        // thread lives as long as the test binary.
        std::thread::spawn(move || match Cluster::start(&options) {
            Ok(cluster) => {
                let pid = cluster.pid().expect("running") as i32;
                *POSTMASTER.lock().expect("lock") = Some((pid, root.clone()));
                tx.send(Ok(cluster.socket_dir().to_path_buf()))
                    .expect("send");
                let _keep = cluster;
                loop {
                    std::thread::park();
                }
            }
            Err(e) => tx.send(Err(e.to_string())).expect("send"),
        });
        let socket_dir = rx.recv().expect("cluster thread").expect("cluster starts");
        unsafe {
            atexit(stop_cluster);
        }
        let admin_url = socket_url(&socket_dir, "postgres");
        let template_url = socket_url(&socket_dir, TEMPLATE);
        on_own_runtime(async move {
            let mut conn = AsyncPgConnection::establish(&admin_url)
                .await
                .expect("connect");
            conn.batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
                .await
                .expect("create template");
            db::migrate(&template_url).await.expect("migrate template");
        });
        Shared { socket_dir }
    })
}

/// Runs a future to completion on a fresh runtime in a thread of its own.
pub fn on_own_runtime<F: Future<Output = ()> + Send + 'static>(future: F) {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    })
    .join()
    .expect("harness thread");
}

/// A new database, copied from the migrated template; returns its URL.
pub async fn fresh_database() -> String {
    let shared = shared();
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = AsyncPgConnection::establish(&socket_url(&shared.socket_dir, "postgres"))
        .await
        .expect("connect");
    conn.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .await
        .expect("create test database");
    socket_url(&shared.socket_dir, &name)
}

/// The directory of the shared cluster's socket (for tests that stand between it and
/// the app).
pub fn cluster_socket_dir() -> PathBuf {
    shared().socket_dir.clone()
}

/// URL of a database in the shared cluster by name (for tests that manage their own).
pub fn cluster_url(database: &str) -> String {
    socket_url(&shared().socket_dir, database)
}

/// Settings for a test app: production defaults, except that the posting, registration
/// and report limits and the approval queue are off (tests act faster than people and
/// start as new members); the tests of those turn them on.
pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        database_url: Some(database_url.to_string()),
        pool_size: 4,
        workers: 1,
        rate_limits: "off".into(),
        approval: "off".into(),
        ..Settings::default()
    }
}

/// The real application on a loopback port with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The app: its state for direct database access in assertions, and its caches.
    pub state: Site,
    /// The database URL.
    pub database_url: String,
    handle: ServerHandle,
}

impl TestApp {
    /// Starts the app with default test settings.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Starts the app after `adjust` has changed the settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp::spawn_on(&fresh_database().await, adjust).await
    }

    /// Starts another node of the app on an existing database.
    pub async fn spawn_on(database_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let database_url = database_url.to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let mut settings = test_settings(&database_url);
        settings.base_url = Some(base.clone());
        adjust(&mut settings);
        // As in `parley serve`: requests on a pool of their own; the tests' direct work
        // (seeding, assertions) on one with the background patience.
        let pool = db::build_background_pool(&database_url, settings.pool_size).expect("pool");
        let state = Site::new(pool, settings);
        let server_state = state.with_pool(
            db::build_pool(&database_url, state.settings.pool_size).expect("request pool"),
        );
        let server = actix_web::HttpServer::new(move || build_app(server_state.clone()))
            .workers(1)
            .disable_signals()
            .listen(listener)
            .expect("listen")
            .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        // Like `parley serve`: the page cache listens for changes, and serves once it does
        // (never, on a database that cannot be reached).
        parley::changes::listener::spawn(&state.changes, database_url.clone());
        parley::db::watch::spawn(&state.db_watch, database_url.clone());
        for _ in 0..100 {
            if !state.pages.enabled() || state.pages.active() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        TestApp {
            base,
            state,
            database_url,
            handle,
        }
    }

    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A pooled connection to the app's database.
    pub async fn conn(&self) -> parley::db::DbConn {
        self.state.pool.get().await.expect("connection")
    }

    /// Registers `name` through the register page, opens the mailed confirmation link
    /// (which logs them in) and returns their browser.
    pub async fn member(&self, name: &str) -> Browser {
        let browser = self.registered(name).await;
        let link = self
            .mailed_link(&format!("{name}@example.com"), "/confirm/")
            .await;
        let confirmed = browser.get(&link).await;
        assert_eq!(confirmed.status, 303, "confirming {name}");
        browser
    }

    /// Registers `name` through the register page and returns the browser that did, still
    /// logged out (registering logs nobody in; the confirmation link does).
    pub async fn registered(&self, name: &str) -> Browser {
        let browser = self.browser();
        browser.get("/register").await;
        let page = browser
            .post(
                "/register",
                &[
                    ("username", name),
                    ("email", &format!("{name}@example.com")),
                    ("password", PASSWORD),
                    ("confirmation", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "registering {name}: {}", page.text());
        browser
    }

    /// Registers `name` and logs them in with the password, the address still unconfirmed.
    pub async fn unconfirmed(&self, name: &str) -> Browser {
        let browser = self.registered(name).await;
        assert_eq!(
            browser.log_in(name, PASSWORD).await.status,
            303,
            "{name} logs in"
        );
        browser
    }

    /// The newest link starting with `prefix` in mail queued for `address` (read from the
    /// outbox, as the mail worker would send it).
    pub async fn mailed_link(&self, address: &str, prefix: &str) -> String {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::outbox;
        let mut conn = self.conn().await;
        let bodies: Vec<String> = outbox::table
            .filter(outbox::recipient.eq(address))
            .order(outbox::id.desc())
            .select(outbox::body_text)
            .load(&mut conn)
            .await
            .expect("outbox");
        bodies
            .iter()
            .flat_map(|b| b.split_whitespace())
            .filter_map(|w| w.strip_prefix(&self.base))
            .find(|path| path.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} link mailed to {address}"))
            .to_string()
    }

    /// Runs the mail worker against `mailer` until it has nothing left to do.
    pub async fn deliver(
        &self,
        mailer: &parley::notify::mailer::Mailer,
    ) -> parley::notify::worker::Round {
        let mut total = parley::notify::worker::Round::default();
        loop {
            let round = parley::jobs::background::round(&self.state, mailer)
                .await
                .expect("mail round");
            total.events += round.events;
            total.sent += round.sent;
            total.failed += round.failed;
            if round.events + round.sent + round.failed == 0 {
                return total;
            }
        }
    }

    /// Runs the real mail worker, sending to `smtp`, until [`MailWorker::stop`].
    pub fn send_mail_to(&self, smtp: &smtp::SmtpSink) -> MailWorker {
        let mailer = std::sync::Arc::new(self.mailer_for(smtp));
        MailWorker(actix_web::rt::spawn(parley::jobs::background::run(
            self.state.state.clone(),
            mailer,
            self.state.mail_wake.clone(),
        )))
    }

    /// A mailer that sends to `smtp`.
    pub fn mailer_for(&self, smtp: &smtp::SmtpSink) -> parley::notify::mailer::Mailer {
        let mut settings = (*self.state.settings).clone();
        settings.smtp_url = Some(smtp.url());
        parley::notify::mailer::Mailer::from_settings(&settings).expect("mailer")
    }
}

impl TestApp {
    /// A browser logged in as the existing account `name` (password [`PASSWORD`]).
    pub async fn logged_in(&self, name: &str) -> Browser {
        let browser = self.browser();
        assert_eq!(
            browser.log_in(name, PASSWORD).await.status,
            303,
            "{name} logs in"
        );
        browser
    }

    /// Creates `name` as an administrator and returns their logged-in browser.
    pub async fn admin(&self, name: &str) -> Browser {
        self.account(name, parley::accounts::types::Role::Admin)
            .await;
        let browser = self.browser();
        assert_eq!(browser.log_in(name, PASSWORD).await.status, 303);
        browser
    }

    /// An account with a confirmed `{name}@example.com` and [`PASSWORD`], made directly.
    pub async fn account(
        &self,
        name: &str,
        role: parley::accounts::types::Role,
    ) -> parley::ids::UserId {
        let mut conn = self.conn().await;
        let input = parley::accounts::registration::NewAccount {
            username: name.into(),
            email: format!("{name}@example.com"),
            password: PASSWORD.into(),
            confirmation: PASSWORD.into(),
        };
        parley::accounts::registration::create_account(&mut conn, &input, role, true)
            .await
            .expect("account")
    }

    /// A forum at `/f/{slug}` with one thread, started by a new member karen; returns
    /// the thread's number and first post.
    pub async fn karens_thread(
        &self,
        slug: &str,
        title: &str,
        body: &str,
    ) -> (parley::ids::ThreadId, parley::ids::PostId) {
        let forum = self.forum(slug).await;
        let karen = self
            .account("karen", parley::accounts::types::Role::Member)
            .await;
        self.thread(forum, karen, title, body).await
    }

    /// A thread started directly by `author` in `forum`; returns its number and first post.
    pub async fn thread(
        &self,
        forum: parley::ids::ForumId,
        author: parley::ids::UserId,
        title: &str,
        body: &str,
    ) -> (parley::ids::ThreadId, parley::ids::PostId) {
        let mut conn = self.conn().await;
        let submission = parley::web::cookies::random_token();
        parley::forums::writing::create_thread(
            &mut conn,
            forum,
            title,
            &draft(author, body, &submission),
        )
        .await
        .expect("thread")
    }

    /// A reply written directly by `author`.
    pub async fn reply(
        &self,
        thread: parley::ids::ThreadId,
        author: parley::ids::UserId,
        body: &str,
    ) -> parley::ids::PostId {
        let mut conn = self.conn().await;
        let submission = parley::web::cookies::random_token();
        let replied =
            parley::forums::writing::reply(&mut conn, thread, &draft(author, body, &submission))
                .await
                .expect("reply");
        replied.announce(&mut conn).await.expect("announce");
        replied.post
    }

    /// The id of the member called `name`.
    pub async fn user_id(&self, name: &str) -> parley::ids::UserId {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::users;
        let mut conn = self.conn().await;
        users::table
            .filter(users::username.eq(name))
            .select(users::id)
            .first(&mut conn)
            .await
            .expect("a member of that name")
    }

    /// A category with one forum at `/f/{slug}`.
    pub async fn forum(&self, slug: &str) -> parley::ids::ForumId {
        let mut conn = self.conn().await;
        let category = parley::forums::store::insert_category(&mut conn, "General")
            .await
            .expect("category");
        let new = parley::forums::store::NewForum {
            category_id: category,
            slug,
            title: "Handling angry customers",
            description: "De-escalation and difficult calls.",
            position: 1,
            questions: false,
        };
        parley::forums::store::insert_forum(&mut conn, &new)
            .await
            .expect("forum")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the returned future only waits for completion.
        drop(self.handle.stop(false));
    }
}

/// What a member writes, as the composer hands it over (approved, no subscription).
pub fn draft<'a>(
    author: parley::ids::UserId,
    body: &'a str,
    submission: &'a str,
) -> parley::forums::writing::Draft<'a> {
    parley::forums::writing::Draft {
        files: &parley::attachments::NO_FILES,
        author,
        body,
        submission,
        subscribe: None,
        moderator: false,
        ip: None,
        held: false,
    }
}

/// The mail worker of a test app, running in the test's runtime.
pub struct MailWorker(tokio::task::JoinHandle<()>);

impl MailWorker {
    /// Stops the worker while the runtime still runs (its SMTP pool closes in a task).
    pub async fn stop(self) {
        self.0.abort();
        let _ = self.0.await;
    }
}

/// The password every test member gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A person with a browser: keeps cookies, does not follow redirects by itself, and puts
/// the CSRF token of the last page it saw into the forms it posts.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    csrf: Mutex<Option<String>>,
}

impl Browser {
    /// A fresh browser for the site at `base`.
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            csrf: Mutex::new(None),
        }
    }

    /// A fresh browser whose requests reach the site through a proxy that names `address`
    /// as the client (in `X-Forwarded-For`).
    pub fn from_address(base: &str, address: &str) -> Browser {
        Browser::with_headers(base, &[("x-forwarded-for", address)])
    }

    /// A fresh browser that sends these headers with every request (a `User-Agent`, or a
    /// proxy's `X-Forwarded-For`).
    pub fn with_headers(base: &str, pairs: &[(&'static str, &str)]) -> Browser {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().expect("a header value"));
        }
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .expect("client"),
            csrf: Mutex::new(None),
        }
    }

    /// The underlying HTTP client (with this browser's cookies), for hand-made requests.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The CSRF token of the last page that carried one.
    pub fn last_csrf(&self) -> Option<String> {
        self.csrf.lock().expect("lock").clone()
    }

    /// The same browser (cookies shared) pointed at another node of the site.
    pub fn at(&self, base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: self.client.clone(),
            csrf: Mutex::new(None),
        }
    }

    /// The absolute address of `path` on this browser's site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        self.try_read(response).await.expect("body")
    }

    async fn try_read(&self, response: reqwest::Response) -> Option<Page> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.ok()?;
        let page = Page {
            status,
            headers,
            body,
        };
        if let Some(token) = page.csrf() {
            *self.csrf.lock().expect("lock") = Some(token);
        }
        Some(page)
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        self.read(response).await
    }

    /// [`Browser::get`] of a path built on the spot.
    pub async fn get_owned(&self, path: String) -> Page {
        self.get(&path).await
    }

    /// POST a form with the CSRF token of the last page seen (unless `fields` has one).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            let token = self.csrf.lock().expect("lock").clone().unwrap_or_default();
            form.push(("csrf".into(), token));
        }
        let response = self
            .client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST");
        self.read(response).await
    }

    /// Opens `path` and submits its form whose action is `action`, as a person would: every
    /// hidden field the page put in the form is sent along with `fields`.
    pub async fn fill(&self, path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        self.try_fill(path, action, fields)
            .await
            .expect("the site answers")
    }

    /// Like [`Browser::fill`], but `None` when the site does not answer (it was stopped).
    pub async fn try_fill(
        &self,
        path: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Option<Page> {
        let page = self.try_get(path).await?;
        assert_eq!(page.status, 200, "opening {path}: {}", page.text());
        let mut form: Vec<(String, String)> = page.hidden_fields(action);
        form.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let response = self
            .client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .ok()?;
        self.try_read(response).await
    }

    /// Like [`Browser::fill`], for a form that takes files: sent as `multipart/form-data`,
    /// as a browser sends it, with `files` (field, file name, bytes).
    pub async fn fill_with_files(
        &self,
        path: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "opening {path}: {}", page.text());
        let mut pairs: Vec<(String, String)> = page.hidden_fields(action);
        pairs.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        pairs.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post_multipart(action, &pairs, files).await
    }

    /// POSTs `pairs` and `files` (field, file name, bytes) as `multipart/form-data`.
    pub async fn post_multipart(
        &self,
        action: &str,
        pairs: &[(String, String)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in pairs {
            form = form.text(k.clone(), v.clone());
        }
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
            );
        }
        let response = self
            .client
            .post(self.url(action))
            .multipart(form)
            .send()
            .await
            .expect("POST");
        self.read(response).await
    }

    /// GETs a path with extra request headers, keeping the body as bytes (files).
    pub async fn get_bytes(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, HeaderMap, Vec<u8>) {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body").to_vec();
        (status, headers, body)
    }

    /// GET a path; `None` when the site does not answer.
    pub async fn try_get(&self, path: &str) -> Option<Page> {
        let response = self.client.get(self.url(path)).send().await.ok()?;
        self.try_read(response).await
    }

    /// Follows a redirect answer to its target.
    pub async fn follow(&self, page: &Page) -> Page {
        let location = page.location().expect("a redirect");
        self.get(&location).await
    }

    /// Whether the front page greets this browser as logged in as `name`.
    pub async fn logged_in_as(&self, name: &str) -> bool {
        self.get("/")
            .await
            .text()
            .contains(&format!("Logged in as {name}"))
    }

    /// Logs in through the log-in page.
    pub async fn log_in(&self, identifier: &str, password: &str) -> Page {
        self.get("/login").await;
        self.post(
            "/login",
            &[("identifier", identifier), ("password", password)],
        )
        .await
    }
}

/// A response as a person (and a test) reads it.
pub struct Page {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body text (HTML for pages).
    pub body: String,
}

impl Page {
    /// The `Location` of a redirect.
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(LOCATION)
            .map(|v| v.to_str().expect("ascii").to_string())
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ascii").to_string())
            .collect()
    }

    /// The visible text of the page, whitespace folded.
    pub fn text(&self) -> String {
        let html = Html::parse_document(&self.body);
        let body = Selector::parse("body").expect("selector");
        let text: Vec<String> = html
            .select(&body)
            .flat_map(|b| b.text())
            .map(str::to_string)
            .collect();
        text.join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Text of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(css).expect("selector");
        html.select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Value of attribute `attr` of the first element matching `css`.
    pub fn attr(&self, css: &str, attr: &str) -> Option<String> {
        let html = Html::parse_document(&self.body);
        let selector = Selector::parse(css).expect("selector");
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr(attr))
            .map(str::to_string)
    }

    /// What the form posting to `action` sends when nothing is typed: hidden and filled
    /// inputs, textareas, ticked checkboxes and the selected (or first) option of each list.
    pub fn hidden_fields(&self, action: &str) -> Vec<(String, String)> {
        let html = Html::parse_document(&self.body);
        let form = format!("form[action=\"{action}\"]");
        let hidden = Selector::parse(&format!("{form} input[type=hidden]")).expect("selector");
        let mut fields: Vec<(String, String)> = html
            .select(&hidden)
            .filter_map(|e| {
                Some((
                    e.value().attr("name")?.to_string(),
                    e.value().attr("value").unwrap_or("").to_string(),
                ))
            })
            .collect();
        // What a browser sends without typing: filled inputs, textareas, ticked boxes and
        // the chosen radio buttons.
        let inputs = Selector::parse(&format!(
            "{form} input[type=text], {form} input[type=email], {form} input:not([type]), {form} input[type=checkbox][checked], {form} input[type=radio][checked]"
        ))
        .expect("selector");
        for input in html.select(&inputs) {
            if let Some(name) = input.value().attr("name") {
                let value = input.value().attr("value").unwrap_or("");
                fields.push((name.to_string(), value.to_string()));
            }
        }
        let textareas = Selector::parse(&format!("{form} textarea")).expect("selector");
        for area in html.select(&textareas) {
            if let Some(name) = area.value().attr("name") {
                fields.push((name.to_string(), area.text().collect()));
            }
        }
        let selects = Selector::parse(&format!("{form} select")).expect("selector");
        let selected = Selector::parse("option[selected]").expect("selector");
        let any = Selector::parse("option").expect("selector");
        for select in html.select(&selects) {
            let option = select
                .select(&selected)
                .next()
                .or_else(|| select.select(&any).next());
            if let (Some(name), Some(option)) = (select.value().attr("name"), option) {
                fields.push((
                    name.to_string(),
                    option.value().attr("value").unwrap_or("").to_string(),
                ));
            }
        }
        fields
    }

    /// The CSRF token in the page's forms.
    pub fn csrf(&self) -> Option<String> {
        self.attr("input[name=csrf]", "value")
    }

    /// The error message shown for form field `name`.
    pub fn field_error(&self, name: &str) -> Option<String> {
        self.texts(&format!("#f-{name}-error")).into_iter().next()
    }
}
