//! The FAQ knowledge base: writing, promotion from solved threads, lists, search, views, feed.

use crate::common::{Browser, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{faq_articles, posts, threads};

async fn write(moderator: &Browser, title: &str, body: &str, extra: &[(&str, &str)]) -> i64 {
    let mut fields = vec![("title", title), ("body", body)];
    fields.extend_from_slice(extra);
    let page = moderator.fill("/faq/new", "/faq/new", &fields).await;
    assert_eq!(page.status, 303, "{}", page.text());
    page.location()
        .unwrap()
        .trim_start_matches("/faq/")
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn moderators_write_articles_readers_find_and_count_them() {
    let app = TestApp::spawn().await;
    app.account("mod", Role::Moderator).await;
    app.account("karen", Role::Member).await;
    assert_eq!(
        app.logged_in("karen").await.get("/faq/new").await.status,
        403
    );
    let moderator = app.logged_in("mod").await;
    let refunds = write(
        &moderator,
        "How long do refunds take?",
        "Refunds take **five** working days.",
        &[("category", "Billing"), ("sticky", "on")],
    )
    .await;
    let angry = write(
        &moderator,
        "Calming an angry refund caller",
        "Listen first, then name the problem.",
        &[("see_also", &format!("faq:{refunds}"))],
    )
    .await;
    let draft = write(
        &moderator,
        "Unfinished draft",
        "Not ready",
        &[("published", "")],
    )
    .await;
    assert!(refunds >= 1001, "stable numbers like Solution #1001");

    let reader = app.browser();
    let faq = reader.get("/faq").await;
    let sections = faq.texts("section.card");
    assert!(
        sections.iter().any(|s| s.starts_with("Sticky")
            && s.contains(&format!("Solution #{refunds}: How long do refunds take?"))),
        "{sections:?}"
    );
    assert!(!faq.text().contains("Unfinished draft"));
    assert_eq!(
        reader.get(&format!("/faq/{draft}")).await.status,
        404,
        "drafts are the moderators'"
    );

    // The canonical address carries the slug; views are buffered and written in batches.
    let short = reader.get(&format!("/faq/{angry}")).await;
    assert_eq!(
        short.location().unwrap(),
        format!("/faq/{angry}-calming-an-angry-refund-caller")
    );
    for _ in 0..3 {
        reader
            .get(&format!("/faq/{angry}-calming-an-angry-refund-caller"))
            .await;
    }
    let article = reader
        .get(&format!("/faq/{angry}-calming-an-angry-refund-caller"))
        .await;
    assert!(article.text().contains(&format!("Solution #{angry}")));
    assert_eq!(
        article.texts("section.card:nth-of-type(1) li"),
        vec!["How long do refunds take?"]
    );
    assert!(
        article.text().contains("Related articles"),
        "both are about refunds"
    );
    let mut conn = app.conn().await;
    app.state.views.flush(&mut conn).await.unwrap();
    let views: i64 = faq_articles::table
        .find(angry)
        .select(faq_articles::view_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(views, 4);
    diesel::update(faq_articles::table.find(angry))
        .set(faq_articles::view_count.eq(134_103))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(
        !reader.get("/faq").await.text().contains("(134,103 views)"),
        "the lists come from a cache that lasts a minute"
    );
    app.state.faq.clear();
    assert!(reader.get("/faq").await.text().contains("(134,103 views)"));

    let found = reader.get("/faq?q=working+days").await;
    assert!(found.texts("section.card")[0].contains("How long do refunds take?"));
    let feed = feed_rs::parser::parse(reader.get("/faq/feed.atom").await.body.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 2);
    assert!(feed.entries.iter().all(|e| e.id.contains(":faq-")));
    assert!(reader.get("/stats").await.texts("dl.facts dd")[3] == "2");
}

#[actix_web::test]
async fn a_solved_thread_is_promoted_into_a_draft_article() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    app.account("mod", Role::Moderator).await;
    let karen = app.logged_in("karen").await;
    karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Saying no nicely"),
                ("body", "How do I refuse a refund?"),
                ("action", "post"),
            ],
        )
        .await;
    let mut conn = app.conn().await;
    let thread: i64 = threads::table
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();
    let bob = app.logged_in("bob").await;
    bob.fill(
        &format!("/t/{thread}/reply"),
        &format!("/t/{thread}/reply"),
        &[("body", "Offer an alternative."), ("action", "post")],
    )
    .await;
    let moderator = app.logged_in("mod").await;
    moderator.get("/").await;
    assert_eq!(
        moderator
            .post(&format!("/mod/t/{thread}/promote"), &[])
            .await
            .status,
        422,
        "needs an accepted answer"
    );
    let answer: i64 = posts::table
        .filter(posts::position.eq(2))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    karen.get("/").await;
    karen
        .post(
            &format!("/t/{thread}/solution"),
            &[("post", &answer.to_string())],
        )
        .await;
    let page = moderator
        .get(&format!("/t/{thread}/saying-no-nicely"))
        .await;
    assert!(page.text().contains("Promote to an FAQ article"));
    let promoted = moderator
        .post(&format!("/mod/t/{thread}/promote"), &[])
        .await;
    assert_eq!(promoted.status, 303);
    let editor = moderator.follow(&promoted).await;
    let body = editor.texts("#f-body").join("");
    assert!(
        body.contains("How do I refuse a refund?") && body.contains("Offer an alternative."),
        "{body}"
    );
    assert_eq!(
        editor.attr("#f-title", "value").as_deref(),
        Some("Saying no nicely")
    );
    let id: i64 = faq_articles::table
        .select(faq_articles::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        app.browser().get(&format!("/faq/{id}")).await.status,
        404,
        "a draft until published"
    );
    let published = moderator
        .fill(
            &format!("/faq/{id}/edit"),
            &format!("/faq/{id}/edit"),
            &[("published", "on")],
        )
        .await;
    assert_eq!(published.status, 303);
    let article = app
        .browser()
        .get(&format!("/faq/{id}-saying-no-nicely"))
        .await;
    assert!(article.text().contains("Offer an alternative."));
    assert!(
        article
            .texts("section.card li")
            .iter()
            .any(|l| l == "Saying no nicely"),
        "see also links the thread"
    );
}
