//! Headless Chromium driven through ChromeDriver (WebDriver), used as a person would: links
//! followed by their text, fields found by their labels, buttons pressed by their words.
//! A journey that fails leaves a screenshot and the page's HTML behind and prints where.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long a click that loads a page may take before the old page goes away.
const NAVIGATION_START: Duration = Duration::from_secs(3);

/// The flags this machine's Chromium needs headless: no sandbox (CI runs as root), and no
/// background connections to a network that is not there.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Chromium and ChromeDriver, installed from Debian's packages when missing and allowed
/// (as root with apt-get); otherwise the test fails saying what to install.
fn browser_programs() -> &'static (PathBuf, PathBuf) {
    static PROGRAMS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        let found = || Some((find_program("chromium")?, find_program("chromedriver")?));
        if let Some(found) = found() {
            return found;
        }
        let root = nix::unistd::Uid::effective().is_root();
        // Test runners that start a process per test would run apt-get side by side, and
        // all but one would find its lock taken: one installs, the others wait and look again.
        let lock = std::fs::File::create(std::env::temp_dir().join("parley-browser-install.lock"))
            .ok()
            .and_then(|file| nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive).ok());
        if let Some(found) = found() {
            return found;
        }
        if root && find_program("apt-get").is_some() {
            eprintln!("browser tests: installing Debian's chromium and chromium-driver");
            let apt = |args: &[&str]| {
                let status = Command::new("apt-get")
                    .args(args)
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .stdin(Stdio::null())
                    .status()
                    .expect("apt-get runs");
                assert!(status.success(), "apt-get {args:?} failed");
            };
            apt(&["update"]);
            apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]);
        }
        drop(lock);
        found().expect(
            "the browser tests need Chromium and ChromeDriver: apt-get install chromium chromium-driver",
        )
    })
}

/// The axe-core script, installed with npm from `tests/browser/package.json` when missing.
pub fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            eprintln!("browser tests: installing axe-core with npm");
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .stdin(Stdio::null())
                .status()
                .expect("npm runs (Node.js and npm are needed for the accessibility checks)");
            assert!(status.success(), "npm ci in tests/browser failed");
        }
        std::fs::read_to_string(&script).expect("axe-core script")
    })
}

/// One ChromeDriver process with one Chromium session and its own empty profile.
struct Session {
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// What kind of browser a person gets.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Turn JavaScript off in the browser's settings.
    pub javascript_off: bool,
}

/// A test's browsers, one per person; when the steps fail, a screenshot and the HTML of
/// each person's page are kept and their paths printed before the test fails.
pub struct Journey {
    name: String,
    people: Vec<(String, Session, Tab)>,
}

impl Journey {
    /// A journey named after its test (the name of the folder its evidence goes to).
    pub fn new(name: &str) -> Journey {
        Journey {
            name: name.to_string(),
            people: Vec::new(),
        }
    }

    /// A fresh browser for `who`.
    pub async fn person(&mut self, who: &str, options: Options) -> Tab {
        let (session, tab) = open(options).await;
        self.people.push((who.to_string(), session, tab.clone()));
        tab
    }

    /// Runs the steps; on failure keeps the evidence, then fails with the steps' panic.
    pub async fn run(self, steps: impl Future<Output = ()>) {
        let outcome = AssertUnwindSafe(steps).catch_unwind().await;
        if let Err(panic) = &outcome {
            let _ = panic;
            for (who, _, tab) in &self.people {
                tab.keep_evidence(&self.name, who).await;
            }
        }
        for (_, session, tab) in self.people {
            let _ = tab.client.close().await;
            drop(session);
        }
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}

async fn open(options: Options) -> (Session, Tab) {
    let (chromium, chromedriver) = browser_programs();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("addr").port()
    };
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::Builder::new()
        .prefix("parley-chromium-")
        .tempdir()
        .expect("profile dir");
    let session = Session {
        driver,
        _profile: profile,
    };
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
    args.push(format!(
        "--user-data-dir={}",
        session._profile.path().display()
    ));
    args.push("--window-size=1280,900".into());
    let mut chrome_options = json!({ "binary": chromium, "args": args });
    if options.javascript_off {
        chrome_options["prefs"] =
            json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), chrome_options);
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => break client,
            Err(e) if started.elapsed() < PATIENCE => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no Chromium session through ChromeDriver: {e}"),
        }
    };
    let scratch = std::sync::Arc::new(tempfile::tempdir().expect("scratch dir"));
    (session, Tab { client, scratch })
}

/// XPath string literal for any text (XPath 1.0 has no escapes).
fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The browser window a journey works in.
#[derive(Clone)]
pub struct Tab {
    client: Client,
    /// Where mails opened in the browser are written.
    scratch: std::sync::Arc<tempfile::TempDir>,
}

impl Tab {
    /// The WebDriver client, for what the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens a URL, as a person typing an address (only the first page of a journey).
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("page opens");
    }

    /// The address now shown.
    pub async fn url(&self) -> String {
        self.client.current_url().await.expect("url").to_string()
    }

    /// Logs in through the header's "Log in" link of the page now shown.
    pub async fn log_in(&self, name: &str) {
        self.follow("Log in").await;
        self.type_into("User name or e-mail address", name).await;
        self.type_into("Password", crate::common::PASSWORD).await;
        self.press_in("main", "Log in").await;
        self.expect_text("Log out").await;
    }

    /// Follows the first link whose text is `text`.
    pub async fn follow(&self, text: &str) {
        self.follow_in("body", text).await;
    }

    /// Follows a link by its text inside the first element matching `within` (CSS).
    pub async fn follow_in(&self, within: &str, text: &str) {
        self.click_in(within, "a", text).await;
    }

    /// Presses the button whose text is `text`.
    pub async fn press(&self, text: &str) {
        self.press_in("body", text).await;
    }

    /// Presses a button by its text inside the first element matching `within` (CSS).
    pub async fn press_in(&self, within: &str, text: &str) {
        self.click_in(within, "button", text).await;
    }

    /// Clicks the first `tag` element reading `text` inside `within`, and waits for the
    /// page it loads.
    async fn click_in(&self, within: &str, tag: &str, text: &str) {
        let xpath = format!(".//{tag}[normalize-space()={}]", literal(text));
        let element = self.find_in(within, &xpath, tag, text).await;
        self.click_and_wait(element).await;
    }

    /// Types `text` into the field labelled `label` (replacing what was there).
    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field.clear().await.expect("clear field");
        field.send_keys(text).await.expect("type");
    }

    /// Ticks or picks the checkbox or radio button labelled `label`.
    pub async fn choose(&self, label: &str) {
        self.field(label).await.click().await.expect("click");
    }

    /// The value now in the field labelled `label`.
    pub async fn value_of(&self, label: &str) -> String {
        self.field(label)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// The form control a `<label>` with this text names.
    async fn field(&self, label: &str) -> fantoccini::elements::Element {
        let label_element = self
            .find_in(
                "body",
                &format!(".//label[normalize-space()={}]", literal(label)),
                "label",
                label,
            )
            .await;
        let id = label_element
            .attr("for")
            .await
            .expect("attr")
            .unwrap_or_else(|| panic!("the label {label:?} names no field"));
        self.client
            .find(Locator::Id(&id))
            .await
            .unwrap_or_else(|_| panic!("no field #{id} for the label {label:?}"))
    }

    /// Waits for an element of `within` to hold a match of `xpath` (relative to it).
    async fn find_in(
        &self,
        within: &str,
        xpath: &str,
        what: &str,
        text: &str,
    ) -> fantoccini::elements::Element {
        let started = Instant::now();
        loop {
            if let Ok(scope) = self.client.find(Locator::Css(within)).await
                && let Ok(found) = scope.find(Locator::XPath(xpath)).await
            {
                return found;
            }
            if started.elapsed() > PATIENCE {
                panic!("no {what} {text:?} in {within} on {}", self.url().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether an element matches `css` now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .is_empty()
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.text_of("body").await
    }

    /// The visible text of the first element matching `css` (empty when there is none).
    pub async fn text_of(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            // A page being replaced reads as empty; the callers poll.
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the page shows `text`, failing the journey if it never does.
    pub async fn expect_text(&self, text: &str) {
        let started = Instant::now();
        while !self.text().await.contains(text) {
            if started.elapsed() > PATIENCE {
                panic!("the page at {} never showed {text:?}", self.url().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks a link or button that loads a page, and waits for that page.
    async fn click_and_wait(&self, element: fantoccini::elements::Element) {
        let before = self.document().await;
        element.click().await.expect("click");
        self.wait_for_new_page(before).await;
    }

    /// The current document's root element, to tell when it has been replaced.
    async fn document(&self) -> Option<fantoccini::elements::Element> {
        self.client.find(Locator::Css("html")).await.ok()
    }

    /// Waits until `before` is no longer the page shown (or a short while, for actions that
    /// stay on the page), then until the new page has loaded.
    async fn wait_for_new_page(&self, before: Option<fantoccini::elements::Element>) {
        let started = Instant::now();
        if let Some(before) = before {
            while started.elapsed() < NAVIGATION_START && before.tag_name().await.is_ok() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        while started.elapsed() < PATIENCE {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            match state {
                Ok(Value::String(s)) if s == "complete" => return,
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    /// Runs a script in the page and returns its value.
    pub async fn script(&self, source: &str) -> Value {
        self.client
            .execute(source, vec![])
            .await
            .expect("script runs")
    }

    /// Presses Tab until the focused element's text or accessible label is `name`, then
    /// returns how many presses it took (failing after `limit`).
    pub async fn tab_to(&self, name: &str, limit: usize) -> usize {
        for presses in 1..=limit {
            self.key("\u{e004}").await;
            let focused = self.focused().await;
            if focused["name"].as_str() == Some(name) {
                return presses;
            }
        }
        panic!("{name:?} never got the focus in {limit} presses of Tab");
    }

    /// Presses one key (a WebDriver key code such as Enter `\u{e007}`) on the focused element.
    pub async fn key(&self, key: &str) {
        let element = self.client.active_element().await.expect("focused element");
        element.send_keys(key).await.expect("key");
    }

    /// Presses Enter on the focused element and waits for what it loads.
    pub async fn enter(&self) {
        let before = self.document().await;
        self.key("\u{e007}").await;
        self.wait_for_new_page(before).await;
    }

    /// The focused element: its name (text, label or value), tag and whether its focus
    /// is drawn (an outline or a shadow).
    pub async fn focused(&self) -> Value {
        self.script(
            "const e = document.activeElement;
             const label = e.id ? document.querySelector('label[for=\"' + e.id + '\"]') : null;
             const style = getComputedStyle(e);
             return {
               name: (e.getAttribute('aria-label') || (label && label.innerText) || e.innerText || e.value || '').trim(),
               tag: e.tagName.toLowerCase(),
               drawn: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                      || style.boxShadow !== 'none',
             };",
        )
        .await
    }

    /// Opens a received mail's HTML in the browser, as a mail client would show it.
    pub async fn read_mail(&self, html: &str) {
        let file = tempfile::Builder::new()
            .prefix("mail-")
            .suffix(".html")
            .tempfile_in(self.scratch.path())
            .expect("mail file");
        std::fs::write(file.path(), html).expect("write mail");
        let (_, path) = file.keep().expect("keep mail file");
        self.open(&format!("file://{}", path.display())).await;
    }

    /// Saves a screenshot and the page HTML under the target directory and prints where.
    async fn keep_evidence(&self, name: &str, who: &str) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("browser-failures")
            .join(name)
            .join(who);
        let _ = std::fs::create_dir_all(&dir);
        let url = self.client.current_url().await.map(|u| u.to_string());
        if let Ok(png) = self.client.screenshot().await {
            let path = dir.join("screenshot.png");
            if std::fs::write(&path, png).is_ok() {
                eprintln!(
                    "journey {name} failed: {who}'s screenshot at {}",
                    path.display()
                );
            }
        }
        if let Ok(html) = self.client.source().await {
            let path = dir.join("page.html");
            if std::fs::write(&path, html).is_ok() {
                eprintln!(
                    "journey {name} failed: {who}'s page HTML ({}) at {}",
                    url.unwrap_or_default(),
                    path.display()
                );
            }
        }
    }
}
