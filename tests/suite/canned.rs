//! Canned replies: staff keep them at /desk/replies and insert them into replies, with
//! the asker's name and the title filled in; nobody else sees them.

use crate::common::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{canned_replies, posts};

#[actix_web::test]
async fn staff_keep_canned_replies_and_nobody_else_reaches_them() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.browser()
            .get("/desk/replies")
            .await
            .location()
            .as_deref(),
        Some("/login?next=/desk/replies")
    );
    let member = app.member("karen").await;
    assert_eq!(member.get("/desk/replies").await.status, 403);
    app.account("mod", Role::Moderator).await;
    let staff = app.logged_in("mod").await;

    let added = staff
        .fill(
            "/desk/replies",
            "/desk/replies",
            &[
                ("title", "Refund policy"),
                (
                    "body",
                    "Hello {asker}, about \"{title}\": refunds take 14 days.",
                ),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.text());
    // The same title again, in other letters, comes back with the text kept.
    let taken = staff
        .fill(
            "/desk/replies",
            "/desk/replies",
            &[("title", "refund POLICY"), ("body", "My own words")],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken
            .field_error("title")
            .unwrap()
            .contains("Another canned reply")
    );
    assert_eq!(
        taken.attr("#f-title", "value").as_deref(),
        Some("refund POLICY")
    );
    assert_eq!(taken.texts("#f-body"), vec!["My own words"]);
    let empty = staff
        .fill(
            "/desk/replies",
            "/desk/replies",
            &[("title", "Greeting"), ("body", " ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.attr("#f-title", "value").as_deref(), Some("Greeting"));

    let mut conn = app.conn().await;
    let id: i64 = canned_replies::table
        .select(canned_replies::id)
        .first(&mut conn)
        .await
        .unwrap();
    let page = staff.get("/desk/replies").await;
    assert!(page.text().contains("Changed") && page.text().contains("by mod"));
    // A change refused keeps what was typed in that template's form.
    let refused = staff
        .post(
            &format!("/desk/replies/{id}"),
            &[("action", "save"), ("title", ""), ("body", "Kept words")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.texts(&format!("#cr-body-{id}")), vec!["Kept words"]);
    let saved = staff
        .post(
            &format!("/desk/replies/{id}"),
            &[
                ("action", "save"),
                ("title", "Refunds"),
                ("body", "Hi {asker}: refunds take 14 days."),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let title: String = canned_replies::table
        .find(id)
        .select(canned_replies::title)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(title, "Refunds");
    // Members cannot change or delete them either.
    member.get("/").await;
    assert_eq!(
        member
            .post(&format!("/desk/replies/{id}"), &[("action", "delete")])
            .await
            .status,
        403
    );
    let deleted = staff
        .post(&format!("/desk/replies/{id}"), &[("action", "delete")])
        .await;
    assert_eq!(deleted.status, 303);
    assert!(
        staff
            .get("/desk/replies")
            .await
            .text()
            .contains("No canned replies yet.")
    );
}

#[actix_web::test]
async fn staff_insert_a_canned_reply_into_their_reply_and_the_draft_is_kept() {
    let app = TestApp::spawn().await;
    let forum = app.forum("desk").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "How to say no", "Politely?").await;
    app.account("mod", Role::Moderator).await;
    let staff = app.logged_in("mod").await;
    staff
        .fill(
            "/desk/replies",
            "/desk/replies",
            &[
                ("title", "Saying no"),
                (
                    "body",
                    "Hello {asker}, about \"{title}\": offer what you can do.",
                ),
            ],
        )
        .await;

    let reply = format!("/t/{thread}/reply");
    let form = staff.get(&reply).await;
    assert_eq!(form.texts("#f-canned option"), vec!["Saying no"]);
    let inserted = staff
        .fill(
            &reply,
            &reply,
            &[("body", "Thanks for asking."), ("action", "insert")],
        )
        .await;
    assert_eq!(inserted.status, 200, "{}", inserted.text());
    let text = inserted.texts("#f-body").concat();
    assert_eq!(
        text,
        "Thanks for asking. Hello karen, about \"How to say no\": offer what you can do."
    );
    let mut conn = app.conn().await;
    let count = || posts::table.filter(posts::thread_id.eq(thread.0)).count();
    assert_eq!(
        count().get_result::<i64>(&mut conn).await.unwrap(),
        1,
        "nothing posted"
    );
    // The composer that came back posts the combined text.
    let body: String = inserted
        .hidden_fields(&reply)
        .into_iter()
        .find(|(k, _)| k == "body")
        .map(|(_, v)| v)
        .unwrap();
    assert!(
        body.starts_with("Thanks for asking.\n\nHello karen"),
        "{body:?}"
    );
    let posted = staff
        .fill(&reply, &reply, &[("body", &body), ("action", "post")])
        .await;
    assert_eq!(posted.status, 303, "{}", posted.text());
    assert_eq!(count().get_result::<i64>(&mut conn).await.unwrap(), 2);

    // Members are offered none.
    let member = app.logged_in("karen").await;
    assert!(
        member
            .get(&reply)
            .await
            .texts("#f-canned option")
            .is_empty()
    );
}
