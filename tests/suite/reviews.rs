//! "Review": accepted answers and FAQ articles come up for review 12 months after they
//! were accepted, edited, written or changed; moderators say "Still right" or "Outdated",
//! and readers see the outdated mark (through the page cache too).

use crate::common::TestApp;
use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{faq_articles, forums, posts, threads};

fn in_twelve_months() -> NaiveDate {
    parley::reviews::next_review(Utc::now().date_naive())
}

async fn answer_review_on(app: &TestApp, thread: parley::ids::ThreadId) -> Option<NaiveDate> {
    let mut conn = app.conn().await;
    threads::table
        .find(thread.0)
        .select(threads::answer_review_on)
        .first(&mut conn)
        .await
        .unwrap()
}

async fn article_review_on(app: &TestApp, article: parley::ids::ArticleId) -> NaiveDate {
    let mut conn = app.conn().await;
    faq_articles::table
        .find(article.0)
        .select(faq_articles::review_on)
        .first(&mut conn)
        .await
        .unwrap()
}

#[actix_web::test]
async fn answers_and_articles_come_up_for_review_and_readers_see_what_is_outdated() {
    let app = TestApp::spawn().await;
    let forum = app.forum("desk").await;
    let mut conn = app.conn().await;
    diesel::update(forums::table.find(forum.0))
        .set(forums::questions.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let moderator_id = app.account("mod", Role::Moderator).await;
    let (thread, _) = app
        .thread(forum, karen, "Refund after 30 days", "Allowed?")
        .await;
    let answer = app.reply(thread, bob, "Yes, with a receipt.").await;
    let asker = app.logged_in("karen").await;
    let path = format!("/t/{thread}/refund-after-30-days");
    asker.get(&path).await;
    let marked = asker
        .post(
            &format!("/t/{thread}/solution"),
            &[("post", &answer.0.to_string())],
        )
        .await;
    assert_eq!(marked.status, 303);
    let review_on = answer_review_on(&app, thread).await;
    assert_eq!(
        review_on,
        Some(in_twelve_months()),
        "12 months after the solution"
    );

    let article = parley::faq::store::insert(
        &mut conn,
        &parley::faq::store::ArticleInput {
            title: "Refund rules",
            slug: "refund-rules",
            category: "",
            body_source: "Thirty days.",
            body_html: "<p>Thirty days.</p>",
            sticky: false,
            published: true,
        },
        moderator_id,
        None,
    )
    .await
    .unwrap();
    let article_review = article_review_on(&app, article).await;
    assert_eq!(article_review, in_twelve_months());

    // Nothing is due yet; then a year passes (the dates move back instead of the clock).
    let moderator = app.logged_in("mod").await;
    assert!(
        moderator
            .get("/mod/reviews")
            .await
            .text()
            .contains("Nothing is due")
    );
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    diesel::update(threads::table.find(thread.0))
        .set(threads::answer_review_on.eq(yesterday))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::update(faq_articles::table.find(article.0))
        .set(faq_articles::review_on.eq(yesterday))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        app.logged_in("bob").await.get("/mod/reviews").await.status,
        403
    );
    let list = moderator.get("/mod/reviews").await;
    let rows = list.texts("table.reviews tbody tr.due");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.contains("Answer in Refund after 30 days") && r.contains("(due)"))
    );
    assert!(rows.iter().any(|r| r.contains("FAQ article Refund rules")));

    // "Outdated" on the answer: readers are told, the cached page too.
    let visitor = app.browser();
    assert!(!visitor.get(&path).await.text().contains("Outdated"));
    let outdated = moderator
        .post(
            &format!("/mod/reviews/answer/{thread}"),
            &[("action", "outdated")],
        )
        .await;
    assert_eq!(outdated.status, 303);
    let page = visitor.get(&path).await;
    assert!(
        page.text()
            .contains("a moderator found this answer out of date"),
        "{}",
        page.text()
    );
    assert_eq!(
        page.texts(&format!("#p{answer} .badge.outdated")),
        vec!["Outdated"]
    );
    // "Still right" on the article: its next review is in 12 months, and it leaves the list.
    moderator.get("/mod/reviews").await;
    let right = moderator
        .post(
            &format!("/mod/reviews/article/{article}"),
            &[("action", "still-right")],
        )
        .await;
    assert_eq!(right.status, 303);
    let article_review = article_review_on(&app, article).await;
    assert_eq!(article_review, in_twelve_months());
    let rows = moderator
        .get("/mod/reviews")
        .await
        .texts("table.reviews tbody tr");
    assert_eq!(rows.len(), 1, "the outdated answer stays listed: {rows:?}");
    // An outdated article tells its readers too.
    moderator
        .post(
            &format!("/mod/reviews/article/{article}"),
            &[("action", "outdated")],
        )
        .await;
    let page = visitor.get(&format!("/faq/{article}-refund-rules")).await;
    let page = if page.status == 200 {
        page
    } else {
        visitor.follow(&page).await
    };
    assert!(
        page.text()
            .contains("a moderator found this article out of date"),
        "{}",
        page.text()
    );

    // An edit of the answer moves its review date; "Still right" clears the mark.
    diesel::update(posts::table.find(answer.0))
        .set(posts::edited_at.eq(Utc::now()))
        .execute(&mut conn)
        .await
        .unwrap();
    let review_on = answer_review_on(&app, thread).await;
    assert_eq!(review_on, Some(in_twelve_months()));
    moderator
        .post(
            &format!("/mod/reviews/answer/{thread}"),
            &[("action", "still-right")],
        )
        .await;
    assert!(!visitor.get(&path).await.text().contains("out of date"));
    // A thread without an accepted answer has nothing to review.
    let (plain, _) = app.thread(forum, karen, "Just a chat", "Hi").await;
    let none = moderator
        .post(
            &format!("/mod/reviews/answer/{plain}"),
            &[("action", "outdated")],
        )
        .await;
    assert_eq!(none.status, 404);
    // The moderation log keeps each review.
    let log = moderator.get("/mod/log").await.text();
    assert!(
        log.contains("review: outdated") && log.contains("review: still-right"),
        "{log}"
    );
}
