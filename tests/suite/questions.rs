//! Questions forums: each thread is a question, "Unanswered" until someone other than the
//! asker replies where everyone can read it, "Answered" then, "Solved" once an answer is
//! accepted; the state follows hiding, approval, splits, merges and deletions.

use crate::common::{Browser, TestApp, draft};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{forums, posts, threads};
use parley::ids::{ForumId, ThreadId};

/// The state badge on the forum's list for its first thread, and on the thread's page
/// (both as a logged-out reader, so through the page cache).
async fn states(app: &TestApp, thread: ThreadId) -> (Vec<String>, Vec<String>) {
    states_in(app, "desk", thread).await
}

async fn states_in(app: &TestApp, forum: &str, thread: ThreadId) -> (Vec<String>, Vec<String>) {
    let list = app.browser().get(&format!("/f/{forum}")).await;
    // A row reads "<badges> <title> by …".
    let row = list
        .texts("table.threads tbody tr")
        .into_iter()
        .find_map(|row| Some(row.split_once("How to say no")?.0.trim().to_string()))
        .unwrap_or_else(|| panic!("no row: {}", list.text()));
    let row: Vec<String> = row.split_whitespace().map(str::to_string).collect();
    let page = app
        .browser()
        .get(&format!("/t/{thread}/how-to-say-no"))
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    (row, page.texts("h1 .badge"))
}

async fn expect_state(app: &TestApp, thread: ThreadId, state: &str) {
    let (row, heading) = states(app, thread).await;
    assert_eq!(row, vec![state.to_string()], "the list's badge");
    assert_eq!(heading, vec![state.to_string()], "the heading's badge");
}

/// Saves the forum in the admin panel with the "Questions forum" box ticked or not.
async fn save_forum(admin: &Browser, app: &TestApp, forum: ForumId, questions: bool) {
    let mut conn = app.conn().await;
    let category: i64 = forums::table
        .find(forum.0)
        .select(forums::category_id)
        .first(&mut conn)
        .await
        .unwrap();
    let category = category.to_string();
    let mut fields = vec![
        ("action", "save"),
        ("title", "Help desk"),
        ("description", "Ask here."),
        ("category_id", category.as_str()),
    ];
    if questions {
        fields.push(("questions", "true"));
    }
    admin.get("/admin/forums").await;
    let saved = admin.post(&format!("/admin/forums/{forum}"), &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    let page = admin.get("/admin/forums").await;
    assert_eq!(
        page.attr(&format!("#fq-{forum}"), "checked").is_some(),
        questions,
        "the box shows what was saved"
    );
}

/// A moderator's browser, ready to post (it holds a form token).
async fn moderator(app: &TestApp) -> Browser {
    app.account("mod", Role::Moderator).await;
    let moderator = app.logged_in("mod").await;
    moderator.get("/").await;
    moderator
}

#[actix_web::test]
async fn a_question_is_unanswered_until_someone_else_answers_and_solved_when_one_is_accepted() {
    let app = TestApp::spawn().await;
    let forum = app.forum("desk").await;
    let admin = app.admin("boss").await;
    save_forum(&admin, &app, forum, true).await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "How to say no", "Politely?").await;
    expect_state(&app, thread, "Unanswered").await;

    // The asker adding details does not answer the question.
    app.reply(thread, karen, "More details: it is a refund.")
        .await;
    expect_state(&app, thread, "Unanswered").await;

    // A reply waiting for approval is not an answer until it is approved.
    let mut conn = app.conn().await;
    let mut held = draft(bob, "Offer what you can do instead.", "held-1");
    held.held = true;
    let answer = parley::forums::writing::reply(&mut conn, thread, &held)
        .await
        .expect("held reply")
        .post;
    expect_state(&app, thread, "Unanswered").await;
    let moderator = moderator(&app).await;
    let approved = moderator
        .post(&format!("/mod/queue/{answer}"), &[("action", "approve")])
        .await;
    assert_eq!(approved.status, 303, "{}", approved.text());
    expect_state(&app, thread, "Answered").await;

    // A hidden answer is no answer; restored, it is again.
    let hidden = moderator
        .post(
            &format!("/mod/p/{answer}"),
            &[("action", "hide"), ("reason", "Checking a claim")],
        )
        .await;
    assert_eq!(hidden.status, 303);
    expect_state(&app, thread, "Unanswered").await;
    moderator
        .post(&format!("/mod/p/{answer}"), &[("action", "restore")])
        .await;
    expect_state(&app, thread, "Answered").await;

    // The asker accepts the answer.
    let asker = app.logged_in("karen").await;
    asker.get("/").await;
    let marked = asker
        .post(
            &format!("/t/{thread}/solution"),
            &[("post", &answer.to_string())],
        )
        .await;
    assert_eq!(marked.status, 303, "{}", marked.text());
    expect_state(&app, thread, "Solved").await;

    // No longer a Questions forum: pages kept for readers drop the state at once, and only
    // a solved thread keeps its "Solved" mark in the list.
    save_forum(&admin, &app, forum, false).await;
    let (row, heading) = states(&app, thread).await;
    assert_eq!(row, vec!["Solved".to_string()]);
    assert!(heading.is_empty(), "{heading:?}");
    save_forum(&admin, &app, forum, true).await;
    expect_state(&app, thread, "Solved").await;
}

#[actix_web::test]
async fn splits_merges_and_deletions_count_the_answers_again() {
    let app = TestApp::spawn().await;
    let forum = app.forum("desk").await;
    let admin = app.admin("boss").await;
    save_forum(&admin, &app, forum, true).await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "How to say no", "Politely?").await;
    let answer = app
        .reply(thread, bob, "Offer what you can do instead.")
        .await;
    expect_state(&app, thread, "Answered").await;

    // Split off, bob's reply opens a thread of its own (bob asks there): both unanswered.
    let moderator = moderator(&app).await;
    let split = moderator
        .post(
            &format!("/mod/t/{thread}/split"),
            &[
                ("title", "Offering alternatives"),
                ("forum_id", &forum.to_string()),
                (&format!("post_{answer}"), "on"),
            ],
        )
        .await;
    assert_eq!(split.status, 303, "{}", split.text());
    let mut conn = app.conn().await;
    let side: i64 = threads::table
        .filter(threads::title.eq("Offering alternatives"))
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();
    let responded = |id: i64| {
        threads::table
            .find(id)
            .select(threads::first_response_at.is_not_null())
    };
    assert!(!responded(side).first::<bool>(&mut conn).await.unwrap());
    expect_state(&app, thread, "Unanswered").await;

    // Merged back, bob's post answers karen's question again.
    let merged = moderator
        .post(
            &format!("/mod/t/{side}"),
            &[("action", "merge"), ("into", &thread.to_string())],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.text());
    expect_state(&app, thread, "Answered").await;

    // Moved to another Questions forum, it is still answered there.
    let category: i64 = forums::table
        .find(forum.0)
        .select(forums::category_id)
        .first(&mut conn)
        .await
        .unwrap();
    let other = parley::forums::store::insert_forum(
        &mut conn,
        &parley::forums::store::NewForum {
            category_id: parley::ids::CategoryId(category),
            slug: "billing",
            title: "Billing questions",
            description: "",
            position: 2,
            questions: true,
        },
    )
    .await
    .unwrap();
    let moved = moderator
        .post(
            &format!("/mod/t/{thread}"),
            &[("action", "move"), ("forum_id", &other.to_string())],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.text());
    let (row, heading) = states_in(&app, "billing", thread).await;
    assert_eq!(
        (row, heading),
        (vec!["Answered".into()], vec!["Answered".into()])
    );
    assert!(
        app.browser()
            .get("/f/desk")
            .await
            .text()
            .contains("No threads yet")
    );

    // A later answer is not the first response; deleting the first leaves the later one.
    let carol = app.account("carol", Role::Member).await;
    let later = app.reply(thread, carol, "Or say it kindly.").await;
    let first_at = || {
        threads::table
            .find(thread.0)
            .select(threads::first_response_at)
    };
    let before: Option<chrono::DateTime<chrono::Utc>> = first_at().first(&mut conn).await.unwrap();
    let answered_at: chrono::DateTime<chrono::Utc> = posts::table
        .find(answer.0)
        .select(posts::created_at)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(before, Some(answered_at));
    diesel::delete(posts::table.find(answer.0))
        .execute(&mut conn)
        .await
        .unwrap();
    let later_at: chrono::DateTime<chrono::Utc> = posts::table
        .find(later.0)
        .select(posts::created_at)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        first_at().first::<Option<_>>(&mut conn).await.unwrap(),
        Some(later_at)
    );
    diesel::delete(posts::table.find(later.0))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        first_at()
            .first::<Option<chrono::DateTime<chrono::Utc>>>(&mut conn)
            .await
            .unwrap(),
        None
    );
}

#[actix_web::test]
async fn a_new_forum_form_sent_back_keeps_its_questions_box() {
    let app = TestApp::spawn().await;
    app.forum("desk").await;
    let admin = app.admin("boss").await;
    let bad = admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[
                ("forum_title", "Questions"),
                ("slug", "Not A Slug!"),
                ("questions", "true"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.attr("#f-questions", "checked").is_some());
    let made = admin
        .fill(
            "/admin/forums",
            "/admin/forums",
            &[
                ("forum_title", "Questions"),
                ("slug", "questions"),
                ("questions", "true"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.text());
    let mut conn = app.conn().await;
    let questions: bool = forums::table
        .filter(forums::slug.eq("questions"))
        .select(forums::questions)
        .first(&mut conn)
        .await
        .unwrap();
    assert!(questions);
}
