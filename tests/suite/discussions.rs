//! Categories, forums, threads, posts and quoted replies, end to end.

use std::sync::{Arc, Mutex};

use crate::common::{Browser, PASSWORD, Page, TestApp};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use parley::accounts::cards::MemberCards;
use parley::db::schema::{forums, post_quotes, post_revisions, posts, threads, users};
use parley::forums::pages;
use parley::forums::places::ForumPlaces;
use parley::ids::ThreadId;

/// Starts a thread through the new-thread form; returns the page the browser lands on.
pub(crate) async fn start_thread(browser: &Browser, slug: &str, title: &str, body: &str) -> Page {
    let page = browser
        .fill(
            &format!("/f/{slug}/new"),
            &format!("/f/{slug}/new"),
            &[("title", title), ("body", body), ("action", "post")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.text());
    let permalink = browser.follow(&page).await;
    assert_eq!(permalink.status, 302);
    browser.follow(&permalink).await
}

/// Replies through the reply form (optionally quoting); returns the landing page.
pub(crate) async fn reply(browser: &Browser, thread: i64, query: &str, body: &str) -> Page {
    let action = format!("/t/{thread}/reply");
    let page = browser.get(&format!("{action}{query}")).await;
    let existing = textarea(&page);
    let text = format!("{existing}{body}");
    let sent = browser
        .fill(
            &format!("{action}{query}"),
            &action,
            &[("body", &text), ("action", "post")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let permalink = browser.follow(&sent).await;
    browser.follow(&permalink).await
}

/// The raw text of the page's composer textarea.
fn textarea(page: &Page) -> String {
    let html = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("#f-body").unwrap();
    html.select(&selector)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

fn thread_id(page: &Page) -> i64 {
    let href = page
        .attr("form[action$='/reply']", "action")
        .unwrap_or_default();
    href.trim_start_matches("/t/")
        .trim_end_matches("/reply")
        .parse()
        .unwrap_or_else(|_| panic!("no reply form: {}", page.text()))
}

#[actix_web::test]
async fn admins_manage_categories_and_forums_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.browser()
            .get("/admin/forums")
            .await
            .location()
            .as_deref(),
        Some("/login?next=/admin/forums")
    );
    let member = app.member("karen").await;
    assert_eq!(member.get("/admin/forums").await.status, 403);

    let admin = app.admin("boss").await;
    let done = admin
        .fill(
            "/admin/forums",
            "/admin/categories",
            &[("title", "Working with customers")],
        )
        .await;
    assert_eq!(done.status, 303);
    let done = admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[
                ("forum_title", "Angry customers"),
                ("slug", "angry-customers"),
                ("description", "Calm them down."),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    let clash = admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[
                ("forum_title", "Again"),
                ("slug", "angry-customers"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(clash.status, 422);
    assert!(
        clash
            .field_error("slug")
            .unwrap()
            .contains("already has this address")
    );
    assert_eq!(
        clash.attr("#f-forum_title", "value").as_deref(),
        Some("Again")
    );
    let bad = admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[("forum_title", "Bad"), ("slug", "Not A Slug!")],
        )
        .await;
    assert_eq!(bad.status, 422);

    let home = app.browser().get("/").await;
    assert!(
        home.text().contains("Working with customers") && home.text().contains("Angry customers")
    );
    assert!(home.text().contains("Calm them down."));

    // A forum with a thread cannot be deleted; the category with a forum neither.
    start_thread(&member, "angry-customers", "First thread here", "Hello").await;
    let mut conn = app.conn().await;
    let (forum_id, category_id): (i64, i64) = forums::table
        .select((forums::id, forums::category_id))
        .first(&mut conn)
        .await
        .unwrap();
    admin.get("/admin/forums").await;
    assert_eq!(
        admin
            .post(
                &format!("/admin/forums/{forum_id}"),
                &[("action", "delete")]
            )
            .await
            .status,
        409
    );
    assert_eq!(
        admin
            .post(
                &format!("/admin/categories/{category_id}"),
                &[("action", "delete")]
            )
            .await
            .status,
        409
    );
    // Renaming keeps the slug.
    let renamed = admin
        .post(
            &format!("/admin/forums/{forum_id}"),
            &[
                ("action", "save"),
                ("title", "Difficult callers"),
                ("description", "x"),
                ("category_id", &category_id.to_string()),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303);
    assert!(
        app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("Difficult callers")
    );
    // Members cannot use the admin actions either.
    member.get("/").await;
    assert_eq!(
        member
            .post(
                &format!("/admin/forums/{forum_id}"),
                &[("action", "delete")]
            )
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn categories_and_forums_can_be_reordered_and_empty_ones_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.admin("boss").await;
    for title in ["First", "Second"] {
        admin
            .fill("/admin/forums", "/admin/categories", &[("title", title)])
            .await;
    }
    let order = |page: &Page| page.texts("section.category h2");
    admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[("forum_title", "In first"), ("slug", "in-first")],
        )
        .await;
    let mut conn = app.conn().await;
    let second: i64 = parley::db::schema::categories::table
        .filter(parley::db::schema::categories::title.eq("Second"))
        .select(parley::db::schema::categories::id)
        .first(&mut conn)
        .await
        .unwrap();
    admin.get("/admin/forums").await;
    admin
        .post(&format!("/admin/categories/{second}"), &[("action", "up")])
        .await;
    // The start page lists only categories that exist, in the new order.
    let home = app.browser().get("/").await;
    assert_eq!(order(&home), vec!["Second", "First"]);
    assert_eq!(
        admin
            .post(
                &format!("/admin/categories/{second}"),
                &[("action", "delete")]
            )
            .await
            .status,
        303
    );
    assert_eq!(order(&app.browser().get("/").await), vec!["First"]);
}

#[actix_web::test]
async fn a_thread_is_started_listed_counted_and_replied_to() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(
        &karen,
        "angry-customers",
        "How do you calm a shouting caller?",
        "They shout in the **first** ten seconds.",
    )
    .await;
    assert!(thread.text().contains("How do you calm a shouting caller?"));
    assert!(thread.body.contains("<strong>first</strong>"));
    assert!(thread.text().contains("#1"));
    let id = thread_id(&thread);

    let bob = app.member("bob").await;
    let after = reply(&bob, id, "", "Let them finish, then name the problem.").await;
    assert!(after.text().contains("Let them finish"));
    assert!(after.text().contains("#2"));

    let home = app.browser().get("/").await;
    assert_eq!(home.texts("td[data-label=Threads]"), vec!["1"]);
    assert_eq!(home.texts("td[data-label=Posts]"), vec!["2"]);
    let row = home
        .texts("table.listing tbody tr")
        .into_iter()
        .next()
        .unwrap();
    assert!(
        row.contains("How do you calm a shouting caller?") && row.contains("by bob"),
        "{row}"
    );
    let forum = app.browser().get("/f/angry-customers").await;
    let row = forum
        .texts("table.threads tbody tr")
        .into_iter()
        .next()
        .unwrap();
    assert!(row.contains("by karen") && row.contains("by bob"), "{row}");
    assert_eq!(
        forum.texts("table.threads td[data-label=Replies]"),
        vec!["1"]
    );

    let mut conn = app.conn().await;
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let (threads_n, posts_n): (i32, i32) = forums::table
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!((threads_n, posts_n), (1, 2));
    let karen_posts: i32 = users::table
        .filter(users::username.eq("karen"))
        .select(users::post_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(karen_posts, 1);
    assert!(
        app.browser()
            .get("/u/karen")
            .await
            .text()
            .contains("Posts 1")
    );

    // Canonical URLs.
    let short = app.browser().get(&format!("/t/{id}")).await;
    assert_eq!(short.status, 302);
    assert_eq!(
        short.location().unwrap(),
        format!("/t/{id}/how-do-you-calm-a-shouting-caller")
    );
    let wrong = app
        .browser()
        .get(&format!("/t/{id}/wrong-slug?page=1"))
        .await;
    assert_eq!(
        wrong.location().unwrap(),
        format!("/t/{id}/how-do-you-calm-a-shouting-caller")
    );
    assert_eq!(app.browser().get("/t/999999").await.status, 404);
    assert_eq!(app.browser().get("/f/no-such-forum").await.status, 404);
    // Pages are read together with their thread or forum; a page past the end is an
    // empty page, and one that is not a number from 1 up is page 1.
    for (page, posts) in [("2", 0), ("99999999999", 0), ("0", 2), ("-3", 2)] {
        let thread = format!("/t/{id}/how-do-you-calm-a-shouting-caller?page={page}");
        let shown = app.browser().get(&thread).await;
        assert_eq!(shown.status, 200, "{thread}");
        assert_eq!(shown.texts("article.post").len(), posts, "{thread}");
        let forum = format!("/f/angry-customers?page={page}");
        assert_eq!(app.browser().get(&forum).await.status, 200, "{forum}");
    }
}

#[actix_web::test]
async fn quotes_name_the_author_link_back_and_show_backlinks() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(
        &karen,
        "angry-customers",
        "Escalations",
        "Never say calm down.",
    )
    .await;
    let id = thread_id(&thread);
    let bob = app.member("bob").await;
    let second = reply(&bob, id, "", "Offer a call-back time.").await;
    let first_id = thread.attr("article.post", "id").unwrap()[1..].to_string();
    let second_id = second
        .attr("article.post:nth-of-type(2)", "id")
        .map(|s| s[1..].to_string())
        .unwrap_or_default();
    assert!(!second_id.is_empty());

    // Quoting one post pre-fills the form with a block naming the author.
    let form = bob.get(&format!("/t/{id}/reply?quote={first_id}")).await;
    assert!(
        textarea(&form).starts_with(&format!(
            "[quote=karen post={first_id}]\nNever say calm down.\n[/quote]"
        )),
        "{}",
        textarea(&form)
    );
    // Several quotes in one reply.
    let page = reply(
        &karen,
        id,
        &format!("?quote={first_id}&quote={second_id}"),
        "Both of these, yes.",
    )
    .await;
    let quotes = page.texts("article.post:last-of-type blockquote.quote .quote-head");
    assert_eq!(
        quotes,
        vec!["karen wrote:", "bob wrote:"],
        "{}",
        page.text()
    );
    assert_eq!(
        page.attr(
            "article.post:last-of-type blockquote.quote .quote-head a",
            "href"
        )
        .unwrap(),
        format!("/p/{first_id}")
    );
    // Each quoted post shows where it was quoted.
    let backlinks = page.texts("p.backlinks");
    assert_eq!(
        backlinks,
        vec!["Quoted in #3", "Quoted in #3"],
        "{}",
        page.text()
    );
    let mut conn = app.conn().await;
    let recorded: i64 = post_quotes::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(recorded, 2);
}

#[actix_web::test]
async fn quotes_work_across_pages_and_removed_posts_are_not_repeated() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(
        &karen,
        "angry-customers",
        "A long discussion",
        "Opening words that will be removed.",
    )
    .await;
    let id = thread_id(&thread);
    let first_id: i64 = thread.attr("article.post", "id").unwrap()[1..]
        .parse()
        .unwrap();
    fill_thread(&app, id, 44).await;
    let bob = app.member("bob").await;
    let last = reply(
        &bob,
        id,
        &format!("?quote={first_id}"),
        "Going back to the start.",
    )
    .await;
    // The reply is on page 3; its quote links to post 1, which the permalink puts on page 1.
    assert!(last.text().contains("#46"));
    let link = last
        .attr("article.post:last-of-type blockquote.quote a", "href")
        .unwrap();
    let target = app.browser().get(&link).await;
    assert_eq!(
        target.location().unwrap(),
        format!("/t/{id}/a-long-discussion#p{first_id}")
    );
    let page_one = app
        .browser()
        .get(&format!("/t/{id}/a-long-discussion"))
        .await;
    assert!(
        page_one.text().contains("Quoted in #46"),
        "{}",
        page_one.text()
    );

    // Karen deletes her opening post: the thread stays (it has replies), the quote stops repeating it.
    karen.get(&format!("/t/{id}/a-long-discussion")).await;
    let deleted = karen.post(&format!("/p/{first_id}/delete"), &[]).await;
    assert_eq!(deleted.status, 303);
    let page_three = app
        .browser()
        .get(&format!("/t/{id}/a-long-discussion?page=3"))
        .await;
    assert!(
        page_three.text().contains("The quoted post was removed."),
        "{}",
        page_three.text()
    );
    assert!(!page_three.text().contains("Opening words"));
    let page_one = app
        .browser()
        .get(&format!("/t/{id}/a-long-discussion"))
        .await;
    assert!(
        page_one
            .text()
            .contains("This post was deleted by its author.")
    );
    assert!(!page_one.text().contains("Opening words"));
}

/// Adds `n` replies by one member directly through the write path.
async fn fill_thread(app: &TestApp, thread: i64, n: usize) {
    let mut conn = app.conn().await;
    let existing: Option<parley::ids::UserId> = users::table
        .filter(users::username.eq("filler"))
        .select(users::id)
        .first(&mut conn)
        .await
        .ok();
    let author = match existing {
        Some(id) => id,
        None => {
            app.account("filler", parley::accounts::types::Role::Member)
                .await
        }
    };
    for i in 0..n {
        let body = format!("Reply number {i}");
        let token = format!("fill-{thread}-{i}-{}", rand_suffix());
        let draft = parley::forums::writing::Draft {
            files: &parley::attachments::NO_FILES,
            author,
            body: &body,
            submission: &token,
            subscribe: None,
            moderator: false,
            ip: None,
            held: false,
        };
        parley::forums::writing::reply(&mut conn, ThreadId(thread), &draft)
            .await
            .unwrap();
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

#[actix_web::test]
async fn the_permalink_of_post_45_of_60_is_on_page_3() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Sixty posts", "Post one").await;
    let id = thread_id(&thread);
    fill_thread(&app, id, 59).await;
    let mut conn = app.conn().await;
    let post45: i64 = posts::table
        .filter(posts::thread_id.eq(id))
        .filter(posts::position.eq(45))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    let jump = app.browser().get(&format!("/p/{post45}")).await;
    assert_eq!(jump.status, 302);
    assert_eq!(
        jump.location().unwrap(),
        format!("/t/{id}/sixty-posts?page=3#p{post45}")
    );
    let page = app
        .browser()
        .get(&format!("/t/{id}/sixty-posts?page=3"))
        .await;
    assert!(page.attr(&format!("#p{post45}"), "id").is_some());
    assert_eq!(page.texts("article.post").len(), 20);
    assert!(
        page.texts("nav.pagination .current")
            .contains(&"3".to_string())
    );
    let past = app
        .browser()
        .get(&format!("/t/{id}/sixty-posts?page=4"))
        .await;
    assert_eq!(past.status, 200);
    assert!(past.texts("article.post").is_empty(), "past the end: empty");
    assert_eq!(app.browser().get("/p/99999999").await.status, 404);
}

#[actix_web::test]
async fn concurrent_replies_keep_positions_and_counters_exact() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Busy thread", "Go!").await;
    let id = thread_id(&thread);
    let author = app
        .account("racer", parley::accounts::types::Role::Member)
        .await;
    let url = app.database_url.clone();
    let mut tasks = Vec::new();
    for task in 0..16 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            for i in 0..10 {
                let body = format!("task {task} reply {i}");
                let token = format!("race-{task}-{i}");
                let draft = parley::forums::writing::Draft {
                    files: &parley::attachments::NO_FILES,
                    author,
                    body: &body,
                    submission: &token,
                    subscribe: None,
                    moderator: false,
                    ip: None,
                    held: false,
                };
                parley::forums::writing::reply(&mut conn, ThreadId(id), &draft)
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut conn = app.conn().await;
    let positions: Vec<i32> = posts::table
        .filter(posts::thread_id.eq(id))
        .select(posts::position)
        .order(posts::position)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(positions, (1..=161).collect::<Vec<i32>>());
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let (count, forum_posts): (i32, i32) = threads::table
        .inner_join(forums::table)
        .filter(threads::id.eq(id))
        .select((threads::post_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!((count, forum_posts), (161, 161));
}

#[actix_web::test]
async fn hostile_input_is_inert_or_refused_with_the_text_kept() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let body = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> <b>unclosed \u{202E}txet\u{0007}\n\n![pic](https://example.com/p.png) [ok](https://example.com/x) [bad](javascript:alert(4))";
    let page = start_thread(
        &karen,
        "angry-customers",
        "<script>alert('t')</script> \u{202E}title",
        body,
    )
    .await;
    let post = page.texts("article.post .body").into_iter().next().unwrap();
    assert!(
        post.contains("<script>alert(1)</script>"),
        "shown as text: {post}"
    );
    assert!(!page.body.contains("<script>alert"), "no live script");
    assert!(
        page.attr("[onerror]", "onerror").is_none(),
        "no event handler attribute"
    );
    assert!(page.attr("img", "src").is_none(), "no hot-linked image");
    assert!(
        page.attr("a[href^='javascript']", "href").is_none(),
        "no javascript: link"
    );
    assert!(
        !page.body.contains('\u{202E}') && !page.body.contains('\u{0007}'),
        "no control or bidi characters"
    );
    assert!(
        page.body.contains("href=\"https://example.com/p.png\""),
        "images become links"
    );
    assert!(page.text().contains("<script>alert('t')</script> title"));

    // Too long: refused with a clear message and the text kept.
    let long = "x".repeat(50_001);
    let refused = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[("title", "Long one"), ("body", &long), ("action", "post")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .field_error("body")
            .unwrap()
            .contains("at most 50000 characters")
    );
    assert_eq!(textarea(&refused).len(), 50_001);
    assert_eq!(
        refused.attr("#f-title", "value").as_deref(),
        Some("Long one")
    );
    let short_title = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[("title", "Hi"), ("body", "text"), ("action", "post")],
        )
        .await;
    assert!(
        short_title
            .field_error("title")
            .unwrap()
            .contains("at least 3")
    );
    let mut conn = app.conn().await;
    let n: i64 = threads::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(n, 1, "refused forms left no rows");
}

#[actix_web::test]
async fn preview_renders_without_saving_and_double_submits_make_one_post() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let preview = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Preview me"),
                ("body", "Some *emphasis*"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("<em>emphasis</em>"));
    assert_eq!(
        preview.attr("#f-title", "value").as_deref(),
        Some("Preview me")
    );
    let token = preview
        .hidden_fields("/f/angry-customers/new")
        .into_iter()
        .find(|(k, _)| k == "submission")
        .unwrap()
        .1;
    for _ in 0..2 {
        let sent = karen
            .post(
                "/f/angry-customers/new",
                &[
                    ("title", "Preview me"),
                    ("body", "Some *emphasis*"),
                    ("submission", &token),
                    ("action", "post"),
                ],
            )
            .await;
        assert_eq!(sent.status, 303);
    }
    let mut conn = app.conn().await;
    let n: i64 = posts::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(n, 1);
}

#[actix_web::test]
async fn a_logged_out_draft_survives_logging_in() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Draft keeping", "Question?").await;
    let id = thread_id(&thread);
    app.member("bob").await;

    let reader = app.browser();
    let page = reader.get(&format!("/t/{id}/draft-keeping")).await;
    assert!(
        page.text()
            .contains("Only registered members can post — log in or register")
    );
    // A wrong password first: the draft is still in the box.
    let failed = reader
        .fill(
            &format!("/t/{id}/draft-keeping"),
            "/login",
            &[
                ("draft", "My careful answer"),
                ("identifier", "bob"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(failed.status, 422);
    assert_eq!(failed.texts("#f-draft"), vec!["My careful answer"]);
    let logged_in = reader
        .post(
            "/login",
            &[
                ("draft", "My careful answer"),
                ("identifier", "bob"),
                ("password", PASSWORD),
                ("next", &format!("/t/{id}/reply")),
            ],
        )
        .await;
    assert_eq!(logged_in.location().unwrap(), format!("/t/{id}/reply"));
    let form = reader.follow(&logged_in).await;
    assert_eq!(textarea(&form), "My careful answer");
}

#[actix_web::test]
async fn authors_edit_with_revisions_and_delete_their_posts() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Edit me", "First version").await;
    let id = thread_id(&thread);
    let post_id = thread.attr("article.post", "id").unwrap()[1..].to_string();
    let edited = karen
        .fill(
            &format!("/p/{post_id}/edit"),
            &format!("/p/{post_id}/edit"),
            &[("body", "Second version"), ("action", "post")],
        )
        .await;
    assert_eq!(edited.status, 303);
    let page = app.browser().get(&format!("/t/{id}/edit-me")).await;
    assert!(page.text().contains("Second version") && page.text().contains("edited"));
    let mut conn = app.conn().await;
    let old: Vec<String> = post_revisions::table
        .select(post_revisions::body_source)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(old, vec!["First version"]);

    let bob = app.member("bob").await;
    assert_eq!(bob.get(&format!("/p/{post_id}/edit")).await.status, 403);
    bob.get("/").await;
    assert_eq!(
        bob.post(&format!("/p/{post_id}/delete"), &[]).await.status,
        403
    );

    // The only post of a thread takes the thread with it.
    karen.get("/").await;
    let gone = karen.post(&format!("/p/{post_id}/delete"), &[]).await;
    assert_eq!(gone.status, 303);
    assert_eq!(
        app.browser().get(&format!("/t/{id}/edit-me")).await.status,
        404
    );
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let (n, p): (i32, i32) = forums::table
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!((n, p), (0, 0));
    assert!(
        app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("No threads yet")
    );
}

/// Runs one visit of `user` to `thread` at `position` in a transaction of its own; returns
/// whether they watch the thread, whether the visit wrote anything (took a transaction id)
/// and their read marker after it.
async fn visit_in_transaction(
    conn: &mut AsyncPgConnection,
    user: parley::ids::UserId,
    thread: ThreadId,
    position: i32,
) -> (bool, bool, Option<i32>) {
    use diesel::sql_types::{BigInt, Nullable};
    use diesel_async::SimpleAsyncConnection;
    conn.batch_execute("BEGIN").await.unwrap();
    let watching = parley::forums::store::visit_thread(conn, user, thread, position)
        .await
        .unwrap()
        .watching;
    let xid: Option<i64> = diesel::select(diesel::dsl::sql::<Nullable<BigInt>>(
        "txid_current_if_assigned()",
    ))
    .get_result(conn)
    .await
    .unwrap();
    conn.batch_execute("COMMIT").await.unwrap();
    let marker = parley::forums::store::read_position(conn, user, thread)
        .await
        .unwrap();
    (watching, xid.is_some(), marker)
}

#[actix_web::test]
async fn a_reading_that_moves_no_marker_writes_nothing() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app
        .account("karen", parley::accounts::types::Role::Member)
        .await;
    let (thread, _) = app
        .thread(forum, karen, "Calm callers", "First words")
        .await;
    let mut conn = app.conn().await;

    // The first reading records the marker; reading the same page again, or an earlier
    // one, writes nothing at all (a write would make every member's page view wait for
    // the WAL flush). Reading further moves it, and never back.
    for (position, writes, marker) in [(2, true, 2), (2, false, 2), (1, false, 2), (5, true, 5)] {
        assert_eq!(
            visit_in_transaction(&mut conn, karen, thread, position).await,
            (false, writes, Some(marker)),
            "reading up to #{position}"
        );
    }

    // The same statement tells whether the member watches the thread.
    let watcher = app.logged_in("karen").await;
    watcher.get(&format!("/t/{thread}/calm-callers")).await;
    let watched = watcher
        .post(&format!("/t/{thread}/watch"), &[("action", "watch")])
        .await;
    assert!(watched.status < 400, "{}", watched.status);
    assert_eq!(
        visit_in_transaction(&mut conn, karen, thread, 5).await,
        (true, false, Some(5))
    );
}

#[actix_web::test]
async fn unread_posts_are_marked_and_the_jump_lands_on_the_first() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Unread test", "Start").await;
    let id = thread_id(&thread);
    let bob = app.member("bob").await;
    let forum = bob.get("/f/angry-customers").await;
    assert!(forum.text().contains("new posts"));
    bob.get(&format!("/t/{id}/unread-test")).await;
    assert!(
        !bob.get("/f/angry-customers")
            .await
            .text()
            .contains("new posts")
    );
    reply(&karen, id, "", "Something new").await;
    assert!(
        bob.get("/f/angry-customers")
            .await
            .text()
            .contains("new posts")
    );
    let mut conn = app.conn().await;
    let second: i64 = posts::table
        .filter(posts::position.eq(2))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        bob.get(&format!("/t/{id}/unread"))
            .await
            .location()
            .unwrap(),
        format!("/p/{second}")
    );
    // Visitors see no unread markers.
    assert!(
        !app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("new posts")
    );
}

#[actix_web::test]
async fn views_are_buffered_and_written_in_batches() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let thread = start_thread(&karen, "angry-customers", "Counted", "Views please").await;
    let id = thread_id(&thread);
    for _ in 0..3 {
        app.browser().get(&format!("/t/{id}/counted")).await;
    }
    let mut conn = app.conn().await;
    let before: i64 = threads::table
        .find(id)
        .select(threads::view_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(before, 0, "no write per view");
    app.state.views.flush(&mut conn).await.unwrap();
    let after: i64 = threads::table
        .find(id)
        .select(threads::view_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(after, 4);
}

/// Waits (up to five seconds) until the node hears change announcements.
pub async fn wait_until_listening(app: &TestApp) {
    for _ in 0..100 {
        if app.state.pages.listening() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the node never started listening for changes");
}

#[actix_web::test]
async fn pages_run_a_fixed_number_of_statements_whatever_their_size() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.member("karen").await;
    let small = thread_id(&start_thread(&karen, "angry-customers", "One post", "Alone").await);
    let big = thread_id(&start_thread(&karen, "angry-customers", "Twenty posts", "Crowd").await);
    fill_thread(&app, big, 19).await;

    let statements = Arc::new(Mutex::new(0usize));
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let counter = statements.clone();
    conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
        if matches!(
            event,
            diesel::connection::InstrumentationEvent::StartQuery { .. }
        ) {
            *counter.lock().unwrap() += 1;
        }
    });
    // Cards of its own, so that none is kept from the readings while the threads were written.
    let members = MemberCards::new(app.state.changes.clone());
    let places = ForumPlaces::new(app.state.changes.clone());
    let count = async |conn: &mut AsyncPgConnection, thread: i64| {
        *statements.lock().unwrap() = 0;
        let data = pages::thread(
            conn,
            &members,
            &places,
            ThreadId(thread),
            1,
            pages::Reader::default(),
        )
        .await
        .unwrap();
        (data.posts.len(), *statements.lock().unwrap())
    };
    wait_until_listening(&app).await;
    // The first readings also read the cards of authors not met before (karen's, then the
    // filler's), in one statement whatever their number, and the first reads the forums'
    // places; later ones find them in memory.
    let (small_posts, small_statements) = count(&mut conn, small).await;
    let (big_posts, big_statements) = count(&mut conn, big).await;
    assert_eq!((small_posts, big_posts), (1, 20));
    assert_eq!((small_statements, big_statements), (5, 4));
    assert_eq!(count(&mut conn, small).await.1, 3);
    assert_eq!(count(&mut conn, big).await.1, 3);

    // The forum page names who started each thread and who wrote last from the same cards:
    // one more statement for members not met before, none once they are known.
    let forum_statements = async |conn: &mut AsyncPgConnection, members: &MemberCards| {
        *statements.lock().unwrap() = 0;
        let forum = pages::forum(conn, members, "angry-customers", 1, None)
            .await
            .unwrap();
        let names: Vec<(String, String)> = forum
            .threads
            .iter()
            .map(|t| {
                let last = t.last_author.as_ref().map(|c| c.name.clone());
                (t.author.name.clone(), last.unwrap_or_default())
            })
            .collect();
        (names, *statements.lock().unwrap())
    };
    let (names, counted) = forum_statements(&mut conn, &members).await;
    assert_eq!(counted, 2);
    let fresh = MemberCards::new(app.state.changes.clone());
    assert_eq!(
        forum_statements(&mut conn, &fresh).await,
        (names.clone(), 3)
    );
    assert_eq!(
        forum_statements(&mut conn, &fresh).await,
        (names.clone(), 2)
    );
    let named = |starter: &str, last: &str| (starter.to_owned(), last.to_owned());
    // The crowded thread moved last, so it comes first; its last post is the filler's.
    assert_eq!(names, [named("karen", "filler"), named("karen", "karen")]);
    *statements.lock().unwrap() = 0;
    pages::start(&mut conn).await.unwrap();
    assert_eq!(*statements.lock().unwrap(), 2);
}
