//! PostgreSQL going away under a running Parley: friendly 503s at once, a reply kept for
//! sending again, nothing half-written, and recovery without a restart.

use std::time::{Duration, Instant};

use crate::common::TestApp;
use crate::discussions::start_thread;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use parley::accounts::types::Role;
use parley::db::embedded::{Cluster, ClusterOptions};
use parley::db::schema::{posts, threads};

const KEPT: &str = "Written while the database was away, and kept.";

async fn count_kept(app: &TestApp) -> i64 {
    let mut conn = app.conn().await;
    posts::table
        .filter(posts::body_source.eq(KEPT))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_database_outage_answers_503_keeps_the_reply_and_heals_by_itself() {
    // A cluster of the test's own, to stop and start again.
    let dir = tempfile::Builder::new()
        .prefix("parley-outage-")
        .tempdir_in("/tmp")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let options = ClusterOptions {
        pg_dir: dir.path().join("pg"),
        log_file: dir.path().join("postgres.log"),
        durable: false,
    };
    let cluster = Cluster::start(&options).unwrap();
    let url = cluster.url("parley");
    AsyncPgConnection::establish(&cluster.url("postgres"))
        .await
        .unwrap()
        .batch_execute("CREATE DATABASE parley")
        .await
        .unwrap();
    parley::db::migrate(&url).await.unwrap();

    let app = TestApp::spawn_on(&url, |_| {}).await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    start_thread(
        &karen,
        "angry-customers",
        "Outage drill",
        "What if the lights go out?",
    )
    .await;
    let thread: i64 = {
        let mut conn = app.conn().await;
        threads::table
            .select(threads::id)
            .first(&mut conn)
            .await
            .unwrap()
    };
    let action = format!("/t/{thread}/reply");
    let composer = karen.get(&action).await;
    let mut fields = composer.hidden_fields(&action);
    fields.retain(|(name, _)| name != "body");

    cluster.stop().unwrap();

    let asked = Instant::now();
    let page = app.browser().get("/").await;
    assert_eq!(page.status, 503);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(page.text().contains("Temporarily unavailable"));
    assert_eq!(app.browser().get("/healthz").await.status, 503);

    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.push(("body", KEPT));
    form.push(("action", "post"));
    // As a browser sends the composer: multipart, as it may carry files.
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let refused = karen.post_multipart(&action, &form, &[]).await;
    assert_eq!(refused.status, 503);
    assert!(
        refused.text().contains("Nothing was saved"),
        "{}",
        refused.text()
    );
    let again = scraper::Html::parse_document(&refused.body);
    let textarea = scraper::Selector::parse("textarea[name=body]").unwrap();
    let kept: String = again
        .select(&textarea)
        .next()
        .expect("the text comes back in a form")
        .text()
        .collect();
    assert_eq!(kept, KEPT);

    let cluster = Cluster::start(&options).unwrap();
    let back = Instant::now();
    loop {
        if app.browser().get("/").await.status == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not healed after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count_kept(&app).await, 0, "nothing was half-written");

    // Sending the kept form again posts the reply, once.
    let mut resend = refused.hidden_fields(&action);
    resend.retain(|(name, _)| name != "body");
    resend.push(("body".into(), kept));
    let resend: Vec<(&str, &str)> = resend
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sent = karen.post(&action, &resend).await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    assert_eq!(count_kept(&app).await, 1);
    drop(app);
    cluster.stop().unwrap();
}

/// A stand-in for the network between the app and PostgreSQL that can stop carrying
/// bytes both ways while keeping every connection open: a hung server or a lost network,
/// as the app sees them.
struct HangingLink {
    paused: tokio::sync::watch::Sender<bool>,
    dir: tempfile::TempDir,
}

impl HangingLink {
    /// Listens on a socket of its own and carries each connection to `target_dir`'s.
    fn start(target_dir: std::path::PathBuf) -> HangingLink {
        let dir = tempfile::Builder::new()
            .prefix("parley-link-")
            .tempdir_in("/tmp")
            .unwrap();
        let socket = dir.path().join(".s.PGSQL.5432");
        let target = target_dir.join(".s.PGSQL.5432");
        let (paused, watch) = tokio::sync::watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::UnixListener::bind(&socket).unwrap();
                ready_tx.send(()).unwrap();
                while let Ok((client, _)) = listener.accept().await {
                    let Ok(server) = tokio::net::UnixStream::connect(&target).await else {
                        continue;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::spawn(carry(client_read, server_write, watch.clone()));
                    tokio::spawn(carry(server_read, client_write, watch.clone()));
                }
            });
        });
        ready_rx.recv().unwrap();
        HangingLink { paused, dir }
    }

    fn url(&self, database: &str) -> String {
        parley::db::embedded::socket_url(self.dir.path(), database)
    }

    fn hang(&self, hung: bool) {
        self.paused.send_replace(hung);
    }
}

/// Copies `from` to `to`, holding every byte while the link hangs.
async fn carry(
    mut from: impl tokio::io::AsyncRead + Unpin,
    mut to: impl tokio::io::AsyncWrite + Unpin,
    mut paused: tokio::sync::watch::Receiver<bool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let Ok(n) = from.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        if paused.wait_for(|hung| !hung).await.is_err() || to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// How long `f` took, with what it gave.
async fn timed<T>(f: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = f.await;
    (out, started.elapsed())
}

#[actix_web::test]
async fn a_database_that_stops_answering_is_met_with_quick_503s_and_cached_pages() {
    let fresh = crate::common::fresh_database().await;
    let name = fresh
        .rsplit_once('/')
        .and_then(|(_, tail)| tail.split('?').next())
        .unwrap()
        .to_string();
    let link = HangingLink::start(crate::common::cluster_socket_dir());
    let app = TestApp::spawn_on(&link.url(&name), |_| {}).await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    start_thread(&karen, "angry-customers", "Hang drill", "What if it hangs?").await;
    let thread: i64 = threads::table
        .select(threads::id)
        .first(&mut app.conn().await)
        .await
        .unwrap();
    let action = format!("/t/{thread}/reply");
    let composer = karen.get(&action).await;
    let mut form: Vec<(String, String)> = composer.hidden_fields(&action);
    form.retain(|(name, _)| name != "body");
    form.push(("body".into(), KEPT.into()));
    form.push(("action".into(), "post".into()));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // A reader's visit keeps the front page in the cache.
    let reader = app.browser();
    assert_eq!(reader.get("/").await.status, 200);

    link.hang(true);
    // Every answer within 5 s, whether the node has noticed yet or not.
    for round in 0..2 {
        let (page, took) = timed(karen.get("/")).await;
        assert_eq!(page.status, 503, "round {round}");
        assert!(
            took < Duration::from_secs(5),
            "a member's page took {took:?}"
        );
        let (refused, took) = timed(karen.post(&action, &form)).await;
        assert_eq!(refused.status, 503);
        assert!(took < Duration::from_secs(5), "a reply took {took:?}");
        assert!(
            refused.text().contains("Nothing was saved"),
            "{}",
            refused.text()
        );
        assert!(refused.body.contains(KEPT), "the text comes back");
        let (health, took) = timed(app.browser().get("/healthz")).await;
        assert_eq!(health.status, 503);
        assert!(health.body.contains("database unreachable"));
        assert!(took < Duration::from_secs(3), "/healthz took {took:?}");
        // The logged-out reader still gets the kept front page, at once.
        let (front, took) = timed(reader.get("/")).await;
        assert_eq!(front.status, 200, "{}", front.text());
        assert!(
            took < Duration::from_secs(1),
            "the cached page took {took:?}"
        );
        let (uncached, took) = timed(app.browser().get("/members")).await;
        assert_eq!(uncached.status, 503);
        assert!(
            took < Duration::from_secs(5),
            "an uncached page took {took:?}"
        );
    }

    link.hang(false);
    let back = Instant::now();
    while karen.get("/").await.status != 200 {
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not healed after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.browser().get("/healthz").await.status, 200);
    assert_eq!(count_kept(&app).await, 0, "nothing was half-written");
    let sent = karen.post(&action, &form).await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    assert_eq!(count_kept(&app).await, 1);
}
