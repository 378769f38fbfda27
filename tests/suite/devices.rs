//! `/settings/sessions`: each signed-in device with its browser, system and address, and
//! logging one or all the others out.

use crate::common::{Browser, PASSWORD, TestApp};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

#[actix_web::test]
async fn the_sessions_page_names_each_device_and_logs_one_or_all_others_out() {
    let app = TestApp::spawn_with(|s| s.trust_proxy = true).await;
    app.account("karen", parley::accounts::types::Role::Member)
        .await;
    let device = |agent, address| {
        Browser::with_headers(
            &app.base,
            &[("user-agent", agent), ("x-forwarded-for", address)],
        )
    };
    let laptop = device(CHROME, "198.51.100.4");
    let phone = device(FIREFOX, "203.0.113.7");
    for browser in [&laptop, &phone] {
        assert_eq!(browser.log_in("karen", PASSWORD).await.status, 303);
    }

    let page = laptop.get("/settings/sessions").await;
    assert_eq!(page.status, 200);
    let rows = page.texts("table.devices tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let phone_row = rows
        .iter()
        .position(|r| r.contains("Firefox on Linux"))
        .expect("the phone");
    let laptop_row = rows
        .iter()
        .position(|r| r.contains("Chrome on Windows 10"))
        .expect("the laptop");
    assert!(rows[phone_row].contains("203.0.113.7"), "{rows:?}");
    assert!(rows[laptop_row].contains("198.51.100.4") && rows[laptop_row].contains("This device"));
    assert!(!rows[phone_row].contains("This device"));

    // Another member cannot end karen's sessions by number.
    let actions: Vec<String> = {
        let html = scraper::Html::parse_document(&page.body);
        let forms = scraper::Selector::parse("table.devices tbody tr form").expect("selector");
        html.select(&forms)
            .filter_map(|f| f.value().attr("action").map(str::to_string))
            .collect()
    };
    let stranger = app.member("zed").await;
    stranger.get("/").await;
    let refused = stranger.post(&actions[phone_row], &[]).await;
    assert_eq!(refused.status, 303);
    assert!(
        stranger
            .follow(&refused)
            .await
            .text()
            .contains("already logged out")
    );
    assert!(phone.logged_in_as("karen").await);

    // "Log out" on the phone's row ends only that session.
    laptop.get("/settings/sessions").await;
    let out = laptop.post(&actions[phone_row], &[]).await;
    assert_eq!(out.status, 303);
    assert!(!phone.logged_in_as("karen").await);
    assert!(laptop.logged_in_as("karen").await);

    // "Log out all other devices" keeps only this one.
    assert_eq!(phone.log_in("karen", PASSWORD).await.status, 303);
    let tablet = device(FIREFOX, "192.0.2.9");
    assert_eq!(tablet.log_in("karen", PASSWORD).await.status, 303);
    let page = laptop.get("/settings/sessions").await;
    assert_eq!(page.texts("table.devices tbody tr").len(), 3);
    let all = laptop.post("/settings/sessions/others/logout", &[]).await;
    assert!(
        laptop
            .follow(&all)
            .await
            .text()
            .contains("Logged out 2 other devices")
    );
    assert!(!phone.logged_in_as("karen").await);
    assert!(!tablet.logged_in_as("karen").await);
    assert!(laptop.logged_in_as("karen").await);
    assert_eq!(
        laptop
            .get("/settings/sessions")
            .await
            .texts("table.devices tbody tr")
            .len(),
        1
    );
}
