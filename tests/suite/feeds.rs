//! Atom feeds, parsed with a real feed parser and checked entry by entry.

use crate::common::TestApp;
use parley::accounts::types::Role;
use parley::forums::writing::{self, Draft};

fn parse(body: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body.as_bytes()).expect("a valid feed")
}

#[actix_web::test]
async fn feeds_list_visible_content_with_stable_ids_and_answer_304() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let mut conn = app.conn().await;
    let draft = |body: &'static str, token: &'static str| Draft {
        files: &parley::attachments::NO_FILES,
        author: karen,
        body,
        submission: token,
        subscribe: None,
        moderator: false,
        ip: None,
        held: false,
    };
    let (thread, _) = writing::create_thread(
        &mut conn,
        forum,
        "Refund delays",
        &draft("How do you *explain* them?", "f1"),
    )
    .await
    .unwrap();
    writing::create_thread(
        &mut conn,
        forum,
        "Second thread",
        &draft("Another one <script>alert(1)</script>", "f2"),
    )
    .await
    .unwrap();
    writing::reply(&mut conn, thread, &draft("Be honest about dates.", "f3"))
        .await
        .unwrap();
    let hidden = writing::reply(&mut conn, thread, &draft("Deleted words", "f4"))
        .await
        .unwrap()
        .post;
    writing::delete_by_author(&mut conn, hidden, karen)
        .await
        .unwrap();

    let browser = app.browser();
    let home = browser.get("/").await;
    assert_eq!(
        home.attr("link[rel=alternate]", "href").as_deref(),
        Some("/feeds/latest.atom")
    );
    let response = browser.get("/feeds/latest.atom").await;
    assert_eq!(response.status, 200);
    assert!(
        response.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = parse(&response.body);
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(titles, vec!["Second thread", "Refund delays"]);
    for entry in &feed.entries {
        assert!(
            entry.id.starts_with("tag:127.0.0.1,2026:post-"),
            "{}",
            entry.id
        );
        assert_eq!(entry.authors[0].name.as_deref(), Some("karen"));
        assert!(entry.authors[0].email.is_none());
        assert!(entry.updated.is_some());
        let html = entry.content.as_ref().unwrap().body.clone().unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(entry.links[0].href.contains("/p/"));
    }
    assert!(
        feed.entries[1]
            .content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .contains("<em>explain</em>")
    );

    let thread_feed = parse(&browser.get(&format!("/t/{thread}/feed.atom")).await.body);
    let bodies: Vec<String> = thread_feed
        .entries
        .iter()
        .map(|e| e.content.as_ref().unwrap().body.clone().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "the deleted reply is not in the feed");
    assert!(bodies[0].contains("Be honest about dates."));
    let forum_feed = parse(&browser.get("/f/angry-customers/feed.atom").await.body);
    assert_eq!(forum_feed.entries.len(), 2);
    assert_eq!(browser.get("/f/nowhere/feed.atom").await.status, 404);

    // The same feed again: 304 by ETag and by date.
    let etag = response.headers["etag"].to_str().unwrap().to_string();
    let modified = response.headers["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let client = reqwest::Client::new();
    let again = client
        .get(format!("{}/feeds/latest.atom", app.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let by_date = client
        .get(format!("{}/feeds/latest.atom", app.base))
        .header("If-Modified-Since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(by_date.status(), 304);
    let stale = client
        .get(format!("{}/feeds/latest.atom", app.base))
        .header("If-None-Match", "\"old\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}
