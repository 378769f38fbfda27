//! The page cache for logged-out readers: served from memory, dropped exactly when what a
//! page shows changes, on every node of one database.

use crate::common::{Browser, PASSWORD, Page, TestApp};
use crate::discussions::{reply, start_thread};
use parley::accounts::types::Role;

fn hit(page: &Page) -> bool {
    page.headers.get("x-cache").is_some_and(|v| v == "hit")
}

/// The newest thread's id and address.
async fn newest_thread(app: &TestApp) -> (i64, String) {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use parley::db::schema::threads;
    let mut conn = app.conn().await;
    let (id, slug): (i64, String) = threads::table
        .order(threads::id.desc())
        .select((threads::id, threads::slug))
        .first(&mut conn)
        .await
        .expect("a thread");
    (id, format!("/t/{id}/{slug}"))
}

#[actix_web::test]
async fn logged_out_readers_get_pages_from_memory_until_they_change() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    start_thread(
        &karen,
        "angry-customers",
        "Refund etiquette",
        "Say sorry first.",
    )
    .await;
    let (thread, path) = newest_thread(&app).await;

    let reader = app.browser();
    let first = reader.get(&path).await;
    assert!(!hit(&first));
    let second = reader.get(&path).await;
    assert!(hit(&second), "the second reading comes from memory");
    assert_eq!(
        first.body, second.body,
        "the same visitor sees the same bytes"
    );
    let forum_before = reader.get("/f/angry-customers").await;
    assert!(hit(&reader.get("/f/angry-customers").await));

    // Another visitor gets the cached page with a log-in form of their own, which works.
    let other = app.browser();
    let theirs = other.get(&path).await;
    assert!(hit(&theirs));
    assert_ne!(theirs.csrf(), second.csrf());
    let logged_in = other
        .post("/login", &[("identifier", "karen"), ("password", PASSWORD)])
        .await;
    assert_eq!(logged_in.status, 303, "{}", logged_in.text());

    // A reply makes the thread, its forum and the forum start fresh at once.
    reply(&karen, thread, "", "And explain what happens next.").await;
    let after = reader.get(&path).await;
    assert!(!hit(&after));
    assert!(after.text().contains("And explain what happens next."));
    let forum = reader.get("/f/angry-customers").await;
    assert!(!hit(&forum));
    assert_ne!(
        forum.body, forum_before.body,
        "the forum page shows the new reply"
    );
}

#[actix_web::test]
async fn a_browser_that_has_the_page_gets_not_modified() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    for path in ["/", "/f/angry-customers", "/faq", "/register"] {
        let url = format!("{}{path}", app.base);
        let first = http.get(&url).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        assert!(etag.starts_with("W/\""), "{path}: {etag}");
        drop(first.text().await);
        let again = http
            .get(&url)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert!(again.text().await.unwrap().is_empty());
    }
}

#[actix_web::test]
async fn two_nodes_on_one_database_see_each_others_writes_and_share_sessions() {
    let node_a = TestApp::spawn().await;
    let node_b = TestApp::spawn_on(&node_a.database_url, |_| {}).await;
    node_a.forum("angry-customers").await;
    node_a.account("karen", Role::Member).await;
    let karen_on_a = node_a.logged_in("karen").await;
    start_thread(&karen_on_a, "angry-customers", "Hold music", "Too loud?").await;
    let (thread, path) = newest_thread(&node_a).await;

    let reader: Browser = node_b.browser();
    reader.get(&path).await;
    assert!(
        hit(&reader.get(&path).await),
        "node B serves it from memory"
    );

    reply(&karen_on_a, thread, "", "Turn it down a notch.").await;
    let after = reader.get(&path).await;
    assert!(!hit(&after));
    assert!(
        after.text().contains("Turn it down a notch."),
        "the very next reading on B"
    );

    // The session made on node A works on node B, forms included.
    let karen_on_b = karen_on_a.at(&node_b.base);
    let landed = reply(&karen_on_b, thread, "", "Written through node B.").await;
    assert!(landed.text().contains("Written through node B."));
    assert!(
        node_a
            .browser()
            .get(&path)
            .await
            .text()
            .contains("Written through node B.")
    );
}

/// The first post of `thread`.
async fn first_post(app: &TestApp, thread: i64) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use parley::db::schema::posts;
    let mut conn = app.conn().await;
    posts::table
        .filter(posts::thread_id.eq(thread))
        .filter(posts::position.eq(1))
        .select(posts::id)
        .first(&mut conn)
        .await
        .expect("a first post")
}

/// Reads `path` until it is no longer served from memory (up to two seconds).
async fn fresh_within_moments(reader: &Browser, path: &str) -> Page {
    for _ in 0..40 {
        let page = reader.get(path).await;
        if !hit(&page) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} stayed cached");
}

#[actix_web::test]
async fn a_reply_is_announced_after_its_commit_for_every_page_it_changes() {
    let node_a = TestApp::spawn().await;
    let node_b = TestApp::spawn_on(&node_a.database_url, |_| {}).await;
    node_a.forum("angry-customers").await;
    node_a.account("karen", Role::Member).await;
    let bob_id = node_a.account("bob", Role::Member).await;
    let karen = node_a.logged_in("karen").await;
    let bob = node_a.logged_in("bob").await;
    start_thread(&karen, "angry-customers", "Breaks", "How long?").await;
    let (breaks, breaks_path) = newest_thread(&node_a).await;
    reply(&bob, breaks, "", "Ten minutes.").await;
    start_thread(&karen, "angry-customers", "Hold music", "Too loud?").await;
    let (music, music_path) = newest_thread(&node_a).await;
    start_thread(&karen, "angry-customers", "Scripts", "Do they help?").await;
    let (scripts, scripts_path) = newest_thread(&node_a).await;

    let reader = node_b.browser();
    let pages = [
        "/",
        "/f/angry-customers",
        &music_path,
        &scripts_path,
        &breaks_path,
    ];
    for path in pages {
        reader.get(path).await;
        assert!(hit(&reader.get(path).await), "{path} is cached on node B");
    }
    // Bob replies in "Scripts", quoting the first post of "Hold music". The reply's own
    // statement announces nothing (its triggers are quiet); the node announces right after.
    let quote = format!("?quote={}", first_post(&node_a, music).await);
    reply(&bob, scripts, &quote, "Short ones do.").await;
    for path in pages {
        let page = reader.get(path).await;
        assert!(!hit(&page), "{path} is fresh on node B's next reading");
    }
    assert!(
        reader
            .get(&scripts_path)
            .await
            .text()
            .contains("Short ones do.")
    );

    // Had the node died between the commit and its announcement, the fold of the reply
    // log (any node's background round) announces the same pages.
    reader.get(&scripts_path).await;
    assert!(hit(&reader.get(&scripts_path).await));
    let mut conn = node_a.conn().await;
    let appended = parley::forums::store::append_reply(
        &mut conn,
        &parley::forums::store::Reply {
            post: parley::forums::store::NewPost {
                thread_id: parley::ids::ThreadId(scripts),
                author_id: bob_id,
                position: 0,
                body_source: "Written by a node that died.",
                body_html: "<p>Written by a node that died.</p>",
                created_at: chrono::Utc::now(),
                ip_address: None,
                approved: true,
            },
            moderator: false,
            submission: "died-before-announcing",
            quoted: &[],
            subscribe: None,
        },
    )
    .await
    .expect("reply");
    assert!(appended.post.is_some());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        hit(&reader.get(&scripts_path).await),
        "the statement itself announced nothing"
    );
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .expect("fold");
    let page = fresh_within_moments(&reader, &scripts_path).await;
    assert!(page.text().contains("Written by a node that died."));
    fresh_within_moments(&reader, "/").await;
}

/// Where a thread page shows its author cards (name, badge, joined, post count).
const CARDS: &str = "aside.author .who";

/// The author cards of a thread page, in order.
fn cards(page: &Page) -> Vec<String> {
    page.texts(CARDS)
}

/// Reads `path` until `wanted` holds for the texts of `selector` (up to two seconds): a
/// change made straight in the database is announced by its trigger, which the node hears
/// moments later.
async fn within_moments(
    reader: &Browser,
    path: &str,
    selector: &str,
    wanted: impl Fn(&[String]) -> bool,
) {
    let mut last = Vec::new();
    for _ in 0..40 {
        last = reader.get(path).await.texts(selector);
        if wanted(&last) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} kept showing {last:?}");
}

/// Two nodes on one database with the page cache off, both hearing announcements: what
/// the other in-memory copies rely on.
async fn two_listening_nodes_without_page_cache() -> (TestApp, TestApp) {
    let no_pages = |s: &mut parley::config::Settings| s.page_cache_mb = 0;
    let node_a = TestApp::spawn_with(no_pages).await;
    let node_b = TestApp::spawn_on(&node_a.database_url, no_pages).await;
    crate::discussions::wait_until_listening(&node_a).await;
    crate::discussions::wait_until_listening(&node_b).await;
    (node_a, node_b)
}

#[actix_web::test]
async fn member_cards_follow_every_change_on_every_node_with_the_page_cache_off() {
    let (node_a, node_b) = two_listening_nodes_without_page_cache().await;
    node_a.forum("angry-customers").await;
    let karen_id = node_a.account("karen", Role::Member).await;
    let karen = node_a.logged_in("karen").await;
    start_thread(&karen, "angry-customers", "Hold music", "Too loud?").await;
    let (thread, path) = newest_thread(&node_a).await;

    let reader = node_b.browser();
    let first = cards(&reader.get(&path).await);
    assert!(first[0].starts_with("karen Joined"), "{first:?}");
    assert!(first[0].ends_with("Posts: 1"), "{first:?}");
    assert_eq!(cards(&reader.get(&path).await), first, "kept, unchanged");

    // A reply through node A counts on node B's very next reading, on both of her posts.
    reply(&karen, thread, "", "Turn it down a notch.").await;
    let after = cards(&reader.get(&path).await);
    assert_eq!(after.len(), 2);
    assert!(
        after.iter().all(|card| card.ends_with("Posts: 2")),
        "{after:?}"
    );

    // A promotion and a rename made in the database reach both nodes.
    let mut conn = node_a.conn().await;
    let change_karen = async |conn: &mut parley::db::DbConn, set: &str| {
        let sql = format!("UPDATE users SET {set} WHERE id = $1");
        diesel_async::RunQueryDsl::execute(
            diesel::sql_query(sql).bind::<diesel::sql_types::BigInt, _>(karen_id),
            conn,
        )
        .await
        .unwrap();
    };
    change_karen(&mut conn, "role = 'moderator'").await;
    for node in [&node_a, &node_b] {
        within_moments(&node.browser(), &path, CARDS, |cards| {
            cards.iter().all(|c| c.starts_with("karen Moderator"))
        })
        .await;
    }
    // The forum listing names the thread's starter and last writer from the same cards.
    let listing = "/f/angry-customers";
    let names = reader.get(listing).await.texts("td p.meta, td.last");
    assert!(
        names.len() == 2 && names.iter().all(|n| n.contains("by karen")),
        "{names:?}"
    );
    change_karen(&mut conn, "username = 'karen_m'").await;
    within_moments(&reader, &path, CARDS, |cards| {
        cards.iter().all(|c| c.starts_with("karen_m Moderator"))
    })
    .await;
    within_moments(&reader, listing, "td p.meta, td.last", |names| {
        names.len() == 2 && names.iter().all(|n| n.contains("by karen_m"))
    })
    .await;
}

#[actix_web::test]
async fn forum_places_follow_every_change_on_every_node_with_the_page_cache_off() {
    let (node_a, node_b) = two_listening_nodes_without_page_cache().await;
    let forum = node_a.forum("angry-customers").await;
    node_a.account("karen", Role::Member).await;
    let karen = node_a.logged_in("karen").await;
    start_thread(&karen, "angry-customers", "Hold music", "Too loud?").await;
    let (thread, path) = newest_thread(&node_a).await;
    const CRUMBS: &str = "nav.breadcrumbs li";
    let crumbs = |category: &str, forum: &str| {
        vec![
            "Forum start".to_owned(),
            category.to_owned(),
            forum.to_owned(),
        ]
    };
    for node in [&node_a, &node_b] {
        let shown = node.browser().get(&path).await.texts(CRUMBS);
        assert_eq!(shown, crumbs("General", "Handling angry customers"));
    }

    // Renames made straight in the database reach both nodes' kept copies.
    let mut conn = node_a.conn().await;
    let run = async |conn: &mut parley::db::DbConn, sql: String| {
        diesel_async::RunQueryDsl::execute(diesel::sql_query(sql), conn)
            .await
            .unwrap();
    };
    let forum_id = forum.0;
    run(
        &mut conn,
        format!("UPDATE forums SET title = 'Furious customers' WHERE id = {forum_id}"),
    )
    .await;
    run(
        &mut conn,
        format!(
            "UPDATE categories SET title = 'Front line'
              WHERE id = (SELECT category_id FROM forums WHERE id = {forum_id})"
        ),
    )
    .await;
    for node in [&node_a, &node_b] {
        within_moments(&node.browser(), &path, CRUMBS, |shown| {
            shown == crumbs("Front line", "Furious customers")
        })
        .await;
    }

    // A thread moved into a forum made after the copies were read is shown in its new place.
    let refunds = node_a.forum("refunds").await;
    run(
        &mut conn,
        format!(
            "UPDATE threads SET forum_id = {} WHERE id = {thread}",
            refunds.0
        ),
    )
    .await;
    for node in [&node_a, &node_b] {
        let page = node.browser().get(&path).await;
        assert_eq!(
            page.texts(CRUMBS),
            crumbs("General", "Handling angry customers")
        );
        let link = page.attr("nav.breadcrumbs a[href^='/f/']", "href");
        assert_eq!(link.as_deref(), Some("/f/refunds"));
    }
}
