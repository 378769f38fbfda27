//! Cross-cutting behaviour: health, error pages, headers, assets, migrations and the CLI.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::{PASSWORD, TestApp, fresh_database};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::db::schema::users;

#[actix_web::test]
async fn health_says_whether_the_database_answers() {
    let app = TestApp::spawn().await;
    let page = app.browser().get("/healthz").await;
    assert_eq!((page.status, page.body.as_str()), (200, "ok\n"));

    // A node whose database does not exist answers 503 quickly, with no internals.
    let broken = TestApp::spawn_on(&crate::common::cluster_url("no_such_database"), |_| {}).await;
    let started = std::time::Instant::now();
    let page = broken.browser().get("/healthz").await;
    assert_eq!(page.status, 503);
    assert_eq!(page.body, "database unreachable\n");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let home = broken.browser().get("/u/karen").await;
    assert_eq!(home.status, 503);
    assert!(home.text().contains("Temporarily unavailable"));
}

#[actix_web::test]
async fn errors_are_friendly_pages_with_the_right_status() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let missing = browser.get("/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    assert!(
        missing.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    let client = reqwest::Client::new();
    let wrong_method = client
        .delete(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert!(
        wrong_method
            .text()
            .await
            .unwrap()
            .contains("cannot be used that way")
    );

    browser.get("/login").await;
    let huge = "x".repeat(300 * 1024);
    let too_big = browser.post("/login", &[("identifier", &huge)]).await;
    assert_eq!(too_big.status, 413);
    assert!(too_big.text().contains("too large"), "{}", too_big.text());
}

#[actix_web::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/login", "/register", "/no-such-page"] {
        let page = app.browser().get(path).await;
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
        assert_eq!(page.headers["referrer-policy"], "same-origin");
    }
}

#[actix_web::test]
async fn the_stylesheet_has_a_hashed_name_and_a_long_cache_life() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let home = browser.get("/").await;
    let href = home.attr("link[rel=stylesheet]", "href").unwrap();
    assert!(
        href.starts_with("/assets/style.") && href.ends_with(".css"),
        "{href}"
    );
    let css = browser.get(&href).await;
    assert_eq!(css.status, 200);
    assert!(
        css.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(css.body.contains("--brand"));
    assert_eq!(
        browser.get("/assets/style.0000000000.css").await.status,
        404
    );
    // Every form control has a visible label.
    for path in ["/register", "/login"] {
        let page = browser.get(path).await;
        for id in ["f-username", "f-email", "f-password", "f-identifier"] {
            if page.attr(&format!("#{id}"), "name").is_some() {
                assert!(
                    page.attr(&format!("label[for={id}]"), "for").is_some(),
                    "{path} {id}"
                );
            }
        }
    }
}

#[actix_web::test]
async fn migrations_run_down_and_up_again() {
    use diesel::Connection;
    use diesel_async::AsyncPgConnection;
    use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
    use diesel_migrations::MigrationHarness;

    let url = fresh_database().await;
    crate::common::on_own_runtime(async move {
        let url2 = url.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn =
                <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url2)
                    .unwrap();
            conn.revert_all_migrations(parley::db::MIGRATIONS).unwrap();
            assert!(conn.has_pending_migration(parley::db::MIGRATIONS).unwrap());
        })
        .await
        .unwrap();
        parley::db::migrate(&url).await.unwrap();
        parley::db::migrate(&url).await.unwrap();
    });
}

#[actix_web::test]
async fn the_cli_creates_accounts_with_a_password_from_stdin() {
    let app = TestApp::spawn().await;
    let run = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("PARLEY_CONFIG", "/nonexistent/parley.toml")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["user", "create", "boss", "boss@example.com", "--admin"],
        PASSWORD,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "create", "weak", "weak@example.com"], "short");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));

    let mut conn = app.conn().await;
    let role: String = users::table
        .filter(users::username.eq("boss"))
        .select(users::role)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(role, "admin");
    let browser = app.browser();
    assert_eq!(browser.log_in("boss", PASSWORD).await.status, 303);
}
