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

/// Merges `from` into `into` through the moderator's thread tools.
async fn merge(moderator: &Browser, from: ThreadId, into: ThreadId) {
    let merged = moderator
        .post(
            &format!("/mod/t/{from}"),
            &[("action", "merge"), ("into", &into.to_string())],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.text());
}

/// A Questions forum "desk" made so by its administrator "boss", with karen's question
/// "How to say no" and bob, who has not answered yet.
struct Asked {
    admin: Browser,
    forum: ForumId,
    karen: parley::ids::UserId,
    bob: parley::ids::UserId,
    thread: ThreadId,
}

async fn asked(app: &TestApp) -> Asked {
    let forum = app.forum("desk").await;
    let admin = app.admin("boss").await;
    save_forum(&admin, app, forum, true).await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "How to say no", "Politely?").await;
    Asked {
        admin,
        forum,
        karen,
        bob,
        thread,
    }
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
    let Asked {
        admin,
        forum,
        karen,
        bob,
        thread,
    } = asked(&app).await;
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
    let Asked {
        forum, bob, thread, ..
    } = asked(&app).await;
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
    merge(&moderator, ThreadId(side), thread).await;
    expect_state(&app, thread, "Answered").await;

    // Moved to another Questions forum, it is still answered there.
    let other = questions_forum(&app, "billing", true).await;
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

/// A "Questions" forum at `/f/{slug}` (beside the one `app.forum` makes, if any).
async fn questions_forum(app: &TestApp, slug: &'static str, questions: bool) -> ForumId {
    let mut conn = app.conn().await;
    let category = parley::forums::store::insert_category(&mut conn, "Support")
        .await
        .unwrap();
    parley::forums::store::insert_forum(
        &mut conn,
        &parley::forums::store::NewForum {
            category_id: category,
            slug,
            title: slug,
            description: "",
            position: 1,
            questions,
        },
    )
    .await
    .unwrap()
}

/// The titles a question list at `path` shows, in order.
async fn titles_at(browser: &Browser, path: &str) -> Vec<String> {
    browser
        .get(path)
        .await
        .texts("table.threads tbody tr a.title")
}

/// Presses "Me too" (`want` "on", optionally asking to be told) or takes it back ("off").
async fn me_too(browser: &Browser, thread: ThreadId, want: &str, tell: bool) -> u16 {
    browser.get("/").await;
    let mut fields = vec![("want", want)];
    if tell {
        fields.push(("tell", "on"));
    }
    browser
        .post(&format!("/t/{thread}/me-too"), &fields)
        .await
        .status
}

#[actix_web::test]
async fn me_too_is_counted_taken_back_carried_by_a_merge_and_told_of_the_solution() {
    let app = TestApp::spawn().await;
    let forum = questions_forum(&app, "desk", true).await;
    let plain = questions_forum(&app, "lounge", false).await;
    let karen = app.account("karen", Role::Member).await;
    let dave = app.account("dave", Role::Member).await;
    app.account("bob", Role::Member).await;
    app.account("carol", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "How to say no", "Politely?").await;
    let path = format!("/t/{thread}/how-to-say-no");
    let bob = app.logged_in("bob").await;
    let carol = app.logged_in("carol").await;
    let asker = app.logged_in("karen").await;

    let before = bob.get(&path).await;
    assert_eq!(
        before.attr(".me-too button", "aria-pressed").as_deref(),
        Some("false")
    );
    assert_eq!(me_too(&bob, thread, "on", true).await, 303);
    assert_eq!(me_too(&carol, thread, "on", false).await, 303);
    // Sent twice, a press still counts once.
    assert_eq!(me_too(&carol, thread, "on", false).await, 303);
    let page = app.browser().get(&path).await;
    assert_eq!(
        page.texts(".me-too .count"),
        vec!["2 members have this question too"]
    );
    let list = app.browser().get("/f/desk").await;
    assert!(
        list.texts("table.threads tbody tr .me-too-count") == vec!["2 \u{201c}Me too\u{201d}"],
        "{}",
        list.text()
    );
    let pressed = bob.get(&path).await;
    assert_eq!(
        pressed.attr(".me-too button", "aria-pressed").as_deref(),
        Some("true")
    );
    assert!(
        pressed
            .text()
            .contains("You will be told when it is solved.")
    );

    // Pressing again takes it back.
    assert_eq!(me_too(&carol, thread, "off", false).await, 303);
    assert_eq!(
        app.browser().get(&path).await.texts(".me-too .count"),
        vec!["1 member has this question too"]
    );

    // The asker has no button on their own question, and a plain forum takes no "Me too".
    assert!(
        asker
            .get(&path)
            .await
            .attr(".me-too button", "type")
            .is_none()
    );
    assert_eq!(me_too(&asker, thread, "on", false).await, 403);
    let (chat, _) = app.thread(plain, karen, "Coffee", "Anyone?").await;
    assert_eq!(me_too(&bob, chat, "on", false).await, 403);
    assert!(
        app.browser()
            .get(&format!("/t/{chat}/coffee"))
            .await
            .texts(".me-too")
            .is_empty()
    );

    // Merged into this question, another question's presses come along, once per member.
    let (twin, _) = app
        .thread(forum, dave, "Saying no nicely", "Same here")
        .await;
    assert_eq!(me_too(&bob, twin, "on", false).await, 303);
    assert_eq!(me_too(&carol, twin, "on", false).await, 303);
    merge(&moderator(&app).await, twin, thread).await;
    assert_eq!(
        app.browser().get(&path).await.texts(".me-too .count"),
        vec!["2 members have this question too"]
    );

    // Solved: bob asked to be told (and still does after the merge), carol did not.
    let answer = app.reply(thread, dave, "Offer an alternative.").await;
    asker.get("/").await;
    let marked = asker
        .post(
            &format!("/t/{thread}/solution"),
            &[("post", &answer.to_string())],
        )
        .await;
    assert_eq!(marked.status, 303);
    let mut conn = app.conn().await;
    let mails: Vec<(String, String)> = parley::db::schema::outbox::table
        .select((
            parley::db::schema::outbox::recipient,
            parley::db::schema::outbox::subject,
        ))
        .load(&mut conn)
        .await
        .unwrap();
    let to = |who: &str| {
        mails
            .iter()
            .filter(|(r, _)| r == &format!("{who}@example.com"))
            .map(|(_, s)| s.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("bob").len(), 1, "{mails:?}");
    assert!(
        to("bob")[0].contains("Solved: \"How to say no\""),
        "{mails:?}"
    );
    assert!(to("carol").is_empty(), "{mails:?}");
    assert!(
        to("dave")[0].contains("was marked as the solution"),
        "{mails:?}"
    );
}

#[actix_web::test]
async fn question_lists_filter_and_sort_in_a_forum_and_across_the_site() {
    let app = TestApp::spawn().await;
    let desk = questions_forum(&app, "desk", true).await;
    let billing = questions_forum(&app, "billing", true).await;
    let lounge = questions_forum(&app, "lounge", false).await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let carol = app.account("carol", Role::Member).await;
    app.account("dave", Role::Member).await;
    app.account("erin", Role::Member).await;

    let (waiting, _) = app.thread(desk, karen, "Waiting one", "?").await;
    let (answered, _) = app.thread(desk, karen, "Answered one", "?").await;
    app.reply(answered, bob, "Try this.").await;
    let (solved, _) = app.thread(desk, bob, "Solved one", "?").await;
    let answer = app.reply(solved, karen, "This works.").await;
    let (popular, _) = app.thread(desk, carol, "Popular one", "?").await;
    app.thread(billing, carol, "Billing one", "?").await;
    app.thread(lounge, carol, "Chat one", "?").await;
    let (gone, _) = app.thread(desk, carol, "Hidden one", "?").await;
    let mut conn = app.conn().await;
    diesel::update(threads::table.find(gone.0))
        .set(threads::hidden.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::update(threads::table.find(solved.0))
        .set(threads::solution_post_id.eq(Some(answer.0)))
        .execute(&mut conn)
        .await
        .unwrap();
    for name in ["dave", "erin"] {
        let member = app.logged_in(name).await;
        assert_eq!(me_too(&member, popular, "on", false).await, 303);
    }
    let dave = app.logged_in("dave").await;
    assert_eq!(me_too(&dave, waiting, "on", false).await, 303);

    let titles = |page: &crate::common::Page| page.texts("table.threads tbody tr a.title");
    let reader = app.browser();
    assert_eq!(
        titles_at(&reader, "/f/desk?show=unanswered").await,
        vec!["Popular one", "Waiting one"]
    );
    assert_eq!(
        titles_at(&reader, "/f/desk?show=unsolved").await,
        vec!["Popular one", "Answered one", "Waiting one"]
    );
    assert_eq!(
        titles_at(&reader, "/f/desk?show=solved").await,
        vec!["Solved one"]
    );
    assert_eq!(
        titles_at(&reader, "/f/desk?sort=waiting").await,
        vec!["Waiting one", "Answered one", "Popular one", "Solved one"]
    );
    assert_eq!(
        titles_at(&reader, "/f/desk?sort=me-too").await,
        vec!["Popular one", "Waiting one", "Solved one", "Answered one"]
    );
    // "Mine" is the reader's own questions; a logged-out reader has none.
    let asker = app.logged_in("karen").await;
    assert_eq!(
        titles(&asker.get("/f/desk?show=mine").await),
        vec!["Answered one", "Waiting one"]
    );
    assert!(titles_at(&reader, "/f/desk?show=mine").await.is_empty());
    // The filters keep each other in their links, and say which is chosen.
    let page = reader.get("/f/desk?show=unsolved").await;
    assert_eq!(
        page.attr(".question-filters a[aria-current]", "href")
            .as_deref(),
        Some("/f/desk?show=unsolved")
    );
    assert!(
        page.texts(".question-filters a")
            .contains(&"Oldest waiting".to_string())
    );
    assert_eq!(
        page.attr(".question-filters a[href*='sort=waiting']", "href")
            .as_deref(),
        Some("/f/desk?show=unsolved&sort=waiting")
    );

    // Site-wide: every Questions forum's public questions, no plain forum's threads.
    let everywhere = reader.get("/questions?show=unsolved").await;
    assert_eq!(
        titles(&everywhere),
        vec!["Billing one", "Popular one", "Answered one", "Waiting one"]
    );
    assert!(
        everywhere
            .texts("table.threads td[data-label=Forum]")
            .contains(&"billing".to_string())
    );
    assert_eq!(
        titles(&reader.get("/questions").await).len(),
        5,
        "the solved one too"
    );
    // A question asked through the site is in the list at once for readers served from
    // the page cache (the write waits for its announcement before answering).
    let asked = asker
        .fill(
            "/f/billing/new",
            "/f/billing/new",
            &[("title", "Fresh one"), ("body", "?"), ("action", "post")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.text());
    assert_eq!(
        titles(&reader.get("/questions?show=unsolved").await)[0],
        "Fresh one"
    );
}

#[actix_web::test]
async fn similar_questions_are_found_by_their_words_or_their_look_solved_ones_first() {
    let app = TestApp::spawn().await;
    let Asked {
        forum, karen, bob, ..
    } = asked(&app).await;
    let mut conn = app.conn().await;
    let (printer, _) = app
        .thread(forum, karen, "Printer error E-4521 when scanning", "Help")
        .await;
    let (unsolved, _) = app
        .thread(forum, karen, "Angry caller wants a refund", "What now?")
        .await;
    let (solved, _) = app
        .thread(forum, karen, "Refund for an angry caller", "What then?")
        .await;
    let answer = app.reply(solved, bob, "Refund it.").await;
    diesel::update(threads::table.find(solved.0))
        .set(threads::solution_post_id.eq(answer.0))
        .execute(&mut conn)
        .await
        .unwrap();
    let (hidden, _) = app
        .thread(forum, karen, "Printer error and a hidden secret", "Hm")
        .await;
    diesel::update(threads::table.find(hidden.0))
        .set(threads::hidden.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    let elsewhere = app.forum("chat").await;
    app.thread(elsewhere, karen, "Printer error in the chat forum", "Hm")
        .await;

    let visitor = app.browser();
    let similar = |title: &str| {
        visitor.get_owned(format!(
            "/questions/similar?title={}",
            title.replace(' ', "+")
        ))
    };
    // A typo and a product code written another way still find the printer question.
    let found = similar("printer eror E4521").await;
    let titles = found.texts("ul.similar-questions a");
    assert_eq!(
        titles,
        vec!["Printer error E-4521 when scanning"],
        "{}",
        found.text()
    );
    assert!(found.body.contains(&format!("/t/{printer}/")));
    // Solved first, each with its state.
    let found = similar("angry caller refund").await;
    let rows = found.texts("ul.similar-questions li");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].starts_with("Solved Refund for an angry caller"),
        "{rows:?}"
    );
    assert!(
        rows[1].starts_with("Unanswered Angry caller wants a refund"),
        "{rows:?}"
    );
    assert!(!found.body.contains(&format!("/t/{unsolved}/x")));
    // Short titles look for nothing; hidden questions and other forums are never listed.
    assert!(
        similar("printer")
            .await
            .text()
            .contains("ten characters or more")
    );
    let found = similar("printer error hidden secret chat").await.text();
    assert!(
        !found.contains("hidden secret") && !found.contains("chat forum"),
        "{found}"
    );
    assert!(
        similar("zzzzzzzzzzzz qqqqqqq")
            .await
            .text()
            .contains("No similar questions found.")
    );
    // The titles are kept in memory: a question hidden after they were read is still
    // never listed, and one asked since is found once the copy is read again.
    diesel::update(threads::table.find(printer.0))
        .set(threads::hidden.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(
        similar("printer eror E4521")
            .await
            .texts("ul.similar-questions a")
            .is_empty()
    );
    diesel::update(threads::table.find(printer.0))
        .set(threads::hidden.eq(false))
        .execute(&mut conn)
        .await
        .unwrap();
    app.thread(forum, karen, "Scanner error E-4521 again", "Hm")
        .await;
    tokio::time::sleep(parley::forums::similar::MIN_AGE + std::time::Duration::from_millis(200))
        .await;
    assert_eq!(
        similar("scanner eror E4521")
            .await
            .texts("ul.similar-questions a")
            .into_iter()
            .next()
            .as_deref(),
        Some("Scanner error E-4521 again")
    );

    // Without JavaScript: the button shows them with the draft kept, and posts nothing.
    let member = app.logged_in("bob").await;
    let form = member.get("/f/desk/new").await;
    assert_eq!(
        form.texts("#check-similar"),
        vec!["Check for similar questions"]
    );
    assert!(form.body.contains("/assets/similar."));
    let checked = member
        .post(
            "/f/desk/new",
            &[
                ("title", "Printer eror E4521"),
                ("body", "My printer says E4521."),
                ("action", "similar"),
                ("submission", "a-token-of-twenty-chars"),
            ],
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text());
    assert_eq!(
        checked.texts("ul.similar-questions a"),
        vec!["Printer error E-4521 when scanning"]
    );
    assert_eq!(
        checked.attr("#f-title", "value").as_deref(),
        Some("Printer eror E4521")
    );
    assert_eq!(checked.texts("#f-body"), vec!["My printer says E4521."]);
    let threads_now: i64 = threads::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(threads_now, 7, "nothing was posted");
    // A forum that takes no questions has no such box.
    let chat = member.get("/f/chat/new").await;
    assert!(chat.texts("#check-similar").is_empty());
}
