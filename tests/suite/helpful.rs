//! "Helpful": members mark others' posts (not their own, not ones they may not read), take
//! it back, the author sees who, the profile counts it, and no mail is sent.

use crate::common::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::db::schema::{outbox, posts};

#[actix_web::test]
async fn members_mark_posts_helpful_and_the_author_sees_who() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    let bob = app.member("bobby").await;
    let dana = app.member("dana").await;
    let (thread, first) = app
        .thread(
            forum,
            karen_id,
            "Closing a call",
            "Thank them and summarise.",
        )
        .await;
    let thread_page = format!("/t/{thread}/closing-a-call");
    let mail_before: i64 = outbox::table
        .count()
        .get_result(&mut app.conn().await)
        .await
        .expect("count");

    // Karen cannot mark her own post; there is no button for her either.
    let own_page = karen.get(&thread_page).await;
    assert!(own_page.texts("form.helpful button").is_empty());
    let refused = karen
        .post(&format!("/p/{first}/helpful"), &[("action", "add")])
        .await;
    assert_eq!(refused.status, 422);

    for member in [&bob, &dana] {
        let page = member.get(&thread_page).await;
        assert_eq!(page.texts("form.helpful button").len(), 1);
        let done = member
            .fill(&thread_page, &format!("/p/{first}/helpful"), &[])
            .await;
        assert_eq!(done.status, 303, "{}", done.text());
    }
    // Twice is once.
    bob.get(&thread_page).await;
    bob.post(&format!("/p/{first}/helpful"), &[("action", "add")])
        .await;
    let page = bob.get(&thread_page).await;
    assert_eq!(page.texts("form.helpful button"), ["Helpful (2)"]);
    assert_eq!(
        page.attr("form.helpful button", "aria-pressed").as_deref(),
        Some("true")
    );

    let author_view = karen.get(&thread_page).await.text();
    assert!(
        author_view.contains("2 members found this helpful: bobby, dana"),
        "{author_view}"
    );
    let reader = app.browser().get(&thread_page).await.text();
    assert!(reader.contains("2 members found this helpful") && !reader.contains("bobby, dana"));
    assert!(
        app.browser()
            .get("/u/karen")
            .await
            .text()
            .contains("Helpful received 2")
    );

    // Taking it back.
    let back = bob
        .fill(&thread_page, &format!("/p/{first}/helpful"), &[])
        .await;
    assert_eq!(back.status, 303);
    assert_eq!(
        bob.get(&thread_page).await.texts("form.helpful button"),
        ["Helpful (1)"]
    );

    // A hidden post takes no mark, and nothing of it was mailed.
    let mut conn = app.conn().await;
    diesel::update(posts::table.find(first))
        .set(posts::hidden.eq(true))
        .execute(&mut conn)
        .await
        .expect("hide");
    bob.get("/").await;
    let hidden = bob
        .post(&format!("/p/{first}/helpful"), &[("action", "add")])
        .await;
    assert_eq!(hidden.status, 404);
    let mail_after: i64 = outbox::table
        .count()
        .get_result(&mut conn)
        .await
        .expect("count");
    assert_eq!(mail_after, mail_before);
}
