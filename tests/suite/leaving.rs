//! Leaving: "Delete my account" (by the member or an administrator) turns the member into
//! "former member N" without breaking threads, quotes or counts; "Download my data" gives
//! everything that is theirs behind a mailed link that works once.

use crate::common::{PASSWORD, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{moderation_log, posts, sessions, subscriptions, users};

#[actix_web::test]
async fn a_member_deletes_their_account_and_the_conversation_holds_together() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    let bob_id = app.account("bobby", Role::Member).await;
    let (thread, first) = app
        .thread(
            forum,
            karen_id,
            "Escalations at night",
            "Who takes the night shift calls?",
        )
        .await;
    let quote = format!(
        "[quote=karen post={first}]\nWho takes the night shift calls?\n[/quote]\nThe on-call lead does."
    );
    app.reply(thread, bob_id, &quote).await;
    let reader = app.browser();
    let thread_page = format!("/t/{thread}/escalations-at-night");
    let before = reader.get(&thread_page).await.text();
    assert!(before.contains("karen"));

    // A wrong password changes nothing and keeps the choice made.
    let form = karen.get("/settings/delete").await;
    assert!(form.text().contains(&format!("former member {karen_id}")));
    let refused = karen
        .post(
            "/settings/delete",
            &[
                ("current_password", "not my password"),
                ("hide_posts", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.field_error("current_password").is_some());
    assert!(
        refused.attr("#f-hide_posts", "checked").is_some(),
        "still ticked"
    );
    assert!(karen.get("/").await.text().contains("Logged in as karen"));

    let done = karen
        .post("/settings/delete", &[("current_password", PASSWORD)])
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    assert!(
        karen
            .follow(&done)
            .await
            .text()
            .contains("Your account was deleted")
    );
    assert!(!karen.get("/").await.text().contains("Logged in as"));

    // The thread, the post and bob's quote of it now name the former member.
    let former = format!("former member {karen_id}");
    let page = app.browser().get(&thread_page).await;
    let text = page.text();
    assert!(text.contains("Who takes the night shift calls?"), "{text}");
    assert!(text.contains(&former), "{text}");
    assert!(!text.contains("karen"), "{text}");
    assert!(!page.body.contains("karen@example.com"));

    // Nothing of hers is left but her posts; counts and the log hold.
    let mut conn = app.conn().await;
    let (name, email): (String, String) = users::table
        .find(karen_id)
        .select((users::username, users::email))
        .first(&mut conn)
        .await
        .expect("the row stays");
    assert_eq!(name, former);
    assert!(!email.contains("karen"));
    for count in [
        sessions::table
            .filter(sessions::user_id.eq(karen_id))
            .count()
            .get_result::<i64>(&mut conn)
            .await
            .expect("sessions"),
        subscriptions::table
            .filter(subscriptions::user_id.eq(karen_id))
            .count()
            .get_result::<i64>(&mut conn)
            .await
            .expect("subscriptions"),
    ] {
        assert_eq!(count, 0);
    }
    let kept: i64 = posts::table
        .filter(posts::author_id.eq(karen_id))
        .filter(posts::hidden.eq(false))
        .count()
        .get_result(&mut conn)
        .await
        .expect("posts");
    assert_eq!(kept, 1);
    let logged: Vec<String> = moderation_log::table
        .filter(moderation_log::target_user_id.eq(karen_id))
        .select(moderation_log::action)
        .load(&mut conn)
        .await
        .expect("log");
    assert_eq!(logged, ["delete own account"]);

    // She cannot log in, and her name and address are free again.
    assert_eq!(app.browser().log_in("karen", PASSWORD).await.status, 422);
    assert_eq!(
        app.browser()
            .log_in("karen@example.com", PASSWORD)
            .await
            .status,
        422
    );
    app.member("karen").await;
    assert_ne!(app.user_id("karen").await, karen_id);
}

#[actix_web::test]
async fn administrators_delete_members_with_their_posts_hidden_but_not_other_administrators() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let boss = app.admin("boss").await;
    let troll = app.account("troll", Role::Member).await;
    let (thread, _) = app
        .thread(forum, troll, "Buy cheap headsets", "Visit my shop today")
        .await;
    let other_admin = app.account("second", Role::Admin).await;

    let page = boss.get(&format!("/admin/users/{troll}/delete")).await;
    assert_eq!(page.status, 200);
    let done = boss
        .post(
            &format!("/admin/users/{troll}/delete"),
            &[("hide_posts", "on")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    let reader = app.browser().get(&format!("/t/{thread}")).await;
    assert!(
        !reader.text().contains("Visit my shop today"),
        "{}",
        reader.text()
    );
    let log = boss.get("/mod/log").await.text();
    assert!(log.contains("delete account") && log.contains(&format!("former member {troll}")));
    assert!(!log.contains("troll "), "{log}");

    boss.get("/admin/users").await;
    let refused = boss
        .post(&format!("/admin/users/{other_admin}/delete"), &[])
        .await;
    assert_ne!(refused.status, 303);
    let boss_id = app.user_id("boss").await;
    let own = boss
        .post(&format!("/admin/users/{boss_id}/delete"), &[])
        .await;
    assert_ne!(own.status, 303);

    // The only administrator left cannot delete their own account.
    let mut conn = app.conn().await;
    diesel::update(users::table.find(other_admin))
        .set(users::role.eq(Role::Member))
        .execute(&mut conn)
        .await
        .expect("demote");
    let alone = boss
        .fill(
            "/settings/delete",
            "/settings/delete",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_ne!(alone.status, 303);
    assert!(
        alone.text().contains("only administrator"),
        "{}",
        alone.text()
    );
}

#[actix_web::test]
async fn download_my_data_is_mailed_as_a_link_that_only_its_owner_uses_once() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    app.thread(
        forum,
        karen_id,
        "Refund scripts",
        "Here is the script we use for refunds.",
    )
    .await;

    let asked = karen.fill("/settings/data", "/settings/data", &[]).await;
    assert_eq!(asked.status, 303);
    let link = app
        .mailed_link("karen@example.com", "/settings/data/")
        .await;

    // Another member cannot use it, and trying does not use it up.
    let other = app.member("oscar").await;
    assert_eq!(other.get(&link).await.status, 404);
    let opened = karen.get(&link).await;
    assert_eq!(opened.status, 200);
    let file = karen.post(&link, &[]).await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let data: serde_json::Value = serde_json::from_str(&file.body).expect("JSON");
    assert_eq!(data["profile"]["username"], "karen");
    assert_eq!(data["profile"]["email"], "karen@example.com");
    assert_eq!(
        data["posts"][0]["source"],
        "Here is the script we use for refunds."
    );
    assert_eq!(data["posts"][0]["thread_title"], "Refund scripts");
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    assert!(data["subscriptions"].is_array());

    // Once only.
    assert_eq!(karen.get(&link).await.status, 404);
}
