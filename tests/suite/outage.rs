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
    let refused = karen.post(&action, &form).await;
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
