//! Solved questions: marking the answer, who may, what readers see and who is told.

use crate::common::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{outbox, posts, threads};

#[actix_web::test]
async fn the_asker_marks_the_answer_and_the_answerer_is_told() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    app.account("carol", Role::Member).await;
    let karen = app.logged_in("karen").await;
    karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "How to say no"),
                ("body", "Politely?"),
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
        &[
            ("body", "Offer what you *can* do instead."),
            ("action", "post"),
        ],
    )
    .await;
    let answer: i64 = posts::table
        .filter(posts::position.eq(2))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();

    // Only the asker (or a moderator) may mark it.
    let carol = app.logged_in("carol").await;
    carol.get("/").await;
    assert_eq!(
        carol
            .post(
                &format!("/t/{thread}/solution"),
                &[("post", &answer.to_string())]
            )
            .await
            .status,
        403
    );
    let page = karen.get(&format!("/t/{thread}/how-to-say-no")).await;
    assert!(page.text().contains("Mark as the answer"));
    let marked = karen
        .post(
            &format!("/t/{thread}/solution"),
            &[("post", &answer.to_string())],
        )
        .await;
    assert_eq!(marked.status, 303);

    let page = app
        .browser()
        .get(&format!("/t/{thread}/how-to-say-no"))
        .await;
    let box_text = page.texts("aside.solution").join(" ");
    assert!(
        box_text.contains("bob gave the answer")
            && box_text.contains("Offer what you can do instead."),
        "{box_text}"
    );
    assert_eq!(
        page.attr("aside.solution a", "href").unwrap(),
        format!("/p/{answer}")
    );
    let list = app.browser().get("/f/angry-customers").await;
    assert!(list.texts("table.threads tbody tr")[0].contains("Solved"));
    let subjects: Vec<String> = outbox::table
        .filter(outbox::recipient.eq("bob@example.com"))
        .select(outbox::subject)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("was marked as the solution")),
        "{subjects:?}"
    );
    assert!(
        app.browser()
            .get("/search?q=politely&solved=on")
            .await
            .texts("ol.results li")
            .len()
            == 1
    );

    // The opening post cannot be its own answer; the mark can be removed.
    let opening: i64 = posts::table
        .filter(posts::position.eq(1))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        karen
            .post(
                &format!("/t/{thread}/solution"),
                &[("post", &opening.to_string())]
            )
            .await
            .status,
        422
    );
    assert_eq!(
        karen
            .post(&format!("/t/{thread}/solution"), &[("post", "")])
            .await
            .status,
        303
    );
    assert!(
        !app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("Solved")
    );
    assert!(
        app.browser()
            .get("/search?q=politely&solved=on")
            .await
            .text()
            .contains("Nothing found")
    );
}
