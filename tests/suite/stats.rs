//! `/stats` against a known data set.

use crate::common::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{threads, users};
use parley::forums::writing::{self, Draft};

#[actix_web::test]
async fn statistics_match_a_known_data_set() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    app.account("zoe", Role::Member).await;
    let mut conn = app.conn().await;
    let draft = |author, body: &'static str, token: &'static str| Draft {
        files: &parley::attachments::NO_FILES,
        author,
        body,
        submission: token,
        subscribe: None,
        moderator: false,
        ip: None,
        held: false,
    };
    let (first, _) = writing::create_thread(&mut conn, forum, "Busy one", &draft(karen, "a", "s1"))
        .await
        .unwrap();
    writing::reply(&mut conn, first, &draft(bob, "b", "s2"))
        .await
        .unwrap();
    writing::reply(&mut conn, first, &draft(karen, "c", "s3"))
        .await
        .unwrap();
    let (second, _) = writing::create_thread(&mut conn, forum, "Quiet one", &draft(bob, "d", "s4"))
        .await
        .unwrap();
    diesel::update(threads::table.filter(threads::id.eq(second.0)))
        .set(threads::view_count.eq(99))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::update(users::table.filter(users::username.eq("zoe")))
        .set(users::last_seen_at.eq(Some(chrono::Utc::now())))
        .execute(&mut conn)
        .await
        .unwrap();

    let page = app.browser().get("/stats").await;
    assert_eq!(page.status, 200);
    let facts = page.texts("dl.facts dd");
    assert_eq!(facts[0], "3", "members");
    assert_eq!(facts[1], "2", "threads");
    assert_eq!(facts[2], "4", "posts");
    assert_eq!(facts[3], "0", "FAQ articles");
    assert!(facts[4].starts_with('1'), "online: {}", facts[4]);
    assert!(facts[5].starts_with("zoe"), "newest: {}", facts[5]);
    let lists = page.texts("div.stats-grid section");
    assert!(
        lists[0].contains("karen (2 posts)") && lists[0].contains("bob (2 posts)"),
        "{}",
        lists[0]
    );
    assert!(
        lists[1].starts_with("Most active threads this month Busy one (3 posts)"),
        "{}",
        lists[1]
    );
    assert!(lists[2].contains("Quiet one (99 views)"), "{}", lists[2]);
    assert!(
        lists[3].contains("Handling angry customers (4 posts)"),
        "{}",
        lists[3]
    );
    let bars = page.texts("svg.chart g title");
    assert_eq!(bars.len(), 90);
    assert!(bars.last().unwrap().ends_with(": 4"), "{:?}", bars.last());
    assert_eq!(
        page.texts("details table tbody tr").len(),
        90,
        "the same figures as a table"
    );

    // Served from memory for a minute: a new post shows only after the cache expires.
    writing::reply(&mut conn, first, &draft(bob, "e", "s5"))
        .await
        .unwrap();
    assert_eq!(
        app.browser().get("/stats").await.texts("dl.facts dd")[2],
        "4"
    );
    app.state.stats.clear();
    assert_eq!(
        app.browser().get("/stats").await.texts("dl.facts dd")[2],
        "5"
    );
}
