//! Moderation end to end: every tool, reports, sanctions, the log, roles and rate limits.

use crate::common::{Browser, PASSWORD, Page, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{forums, moderation_log, posts, reports, threads, users};

/// A forum with one thread by karen (two posts); returns (thread id, first post id, second post id).
async fn scene(app: &TestApp) -> (i64, i64, i64) {
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    let karen = app.logged_in("karen").await;
    let page = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Calm callers"),
                ("body", "First words"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let bob = app.logged_in("bob").await;
    let mut conn = app.conn().await;
    let thread: i64 = threads::table
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();
    let reply = bob
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "Rude words from bob"), ("action", "post")],
        )
        .await;
    assert_eq!(reply.status, 303);
    let ids: Vec<i64> = posts::table
        .order(posts::position)
        .select(posts::id)
        .load(&mut conn)
        .await
        .unwrap();
    (thread, ids[0], ids[1])
}

async fn moderator(app: &TestApp) -> Browser {
    app.account("mod", Role::Moderator).await;
    app.logged_in("mod").await
}

async fn tool(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Page {
    browser.get("/").await;
    browser.post(path, fields).await
}

/// Adds a second forum, "team", in the first forum's category and moves `thread` there
/// through the moderator panel.
async fn move_to_team(app: &TestApp, moderator: &Browser, thread: i64) -> parley::ids::ForumId {
    let mut conn = app.conn().await;
    let category: i64 = forums::table
        .select(forums::category_id)
        .first(&mut conn)
        .await
        .unwrap();
    let team = parley::forums::store::insert_forum(
        &mut conn,
        &parley::forums::store::NewForum {
            category_id: parley::ids::CategoryId(category),
            slug: "team",
            title: "Team",
            description: "",
            position: 2,
            questions: false,
        },
    )
    .await
    .unwrap();
    tool(
        moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "move"), ("forum_id", &team.0.to_string())],
    )
    .await;
    team
}

#[actix_web::test]
async fn every_mod_and_admin_route_checks_the_role() {
    let app = TestApp::spawn().await;
    let (thread, post, _) = scene(&app).await;
    let visitor = app.browser();
    let member = app.logged_in("bob").await;
    let moderator = moderator(&app).await;
    let admin = app.admin("boss").await;
    // (method, path, visitor, member, moderator, admin)
    let routes: Vec<(&str, String, u16, u16, u16, u16)> = vec![
        ("GET", "/mod/reports".into(), 303, 403, 200, 200),
        ("GET", "/mod/queue".into(), 303, 403, 200, 200),
        ("GET", format!("/mod/t/{thread}/split"), 303, 403, 200, 200),
        ("POST", format!("/mod/queue/{post}"), 303, 403, 400, 400),
        (
            "POST",
            format!("/mod/queue/edit/{post}"),
            303,
            403,
            400,
            400,
        ),
        ("POST", format!("/mod/t/{thread}/split"), 303, 403, 422, 422),
        ("GET", "/mod/log".into(), 303, 403, 200, 200),
        (
            "GET",
            format!("/mod/p/{post}/revisions"),
            303,
            403,
            200,
            200,
        ),
        ("GET", "/admin/users".into(), 303, 403, 403, 200),
        ("GET", "/admin/forums".into(), 303, 403, 403, 200),
        ("GET", "/admin/mail".into(), 303, 403, 403, 200),
        ("POST", format!("/mod/t/{thread}"), 303, 403, 400, 400),
        ("POST", format!("/mod/p/{post}"), 303, 403, 400, 400),
        ("POST", format!("/mod/reports/{post}"), 303, 403, 400, 400),
        ("POST", "/mod/u/karen".into(), 303, 403, 400, 400),
        ("POST", "/admin/users/1/role".into(), 303, 403, 403, 400),
        ("POST", "/admin/categories".into(), 303, 403, 403, 422),
        ("POST", "/admin/forums".into(), 303, 403, 403, 422),
        ("POST", "/admin/categories/1".into(), 303, 403, 403, 400),
        ("POST", "/admin/forums/1".into(), 303, 403, 403, 400),
        ("POST", "/admin/mail/1/retry".into(), 303, 403, 403, 404),
    ];
    for (method, path, expected_visitor, expected_member, expected_moderator, expected_admin) in
        routes
    {
        for (who, browser, expected) in [
            ("visitor", &visitor, expected_visitor),
            ("member", &member, expected_member),
            ("moderator", &moderator, expected_moderator),
            ("admin", &admin, expected_admin),
        ] {
            let page = if method == "GET" {
                browser.get(&path).await
            } else {
                browser.get("/").await;
                browser.post(&path, &[]).await
            };
            assert_eq!(page.status, expected, "{method} {path} as {who}");
            if expected == 303 {
                assert!(
                    page.location().unwrap().starts_with("/login"),
                    "{method} {path} as {who}"
                );
            }
        }
    }
}

#[actix_web::test]
async fn a_locked_thread_says_why_and_takes_no_member_replies() {
    let app = TestApp::spawn().await;
    let (thread, _, _) = scene(&app).await;
    let moderator = moderator(&app).await;
    let missing = tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "lock")],
    )
    .await;
    assert_eq!(missing.status, 422, "a lock needs a reason");
    let done = tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "lock"), ("reason", "Settled, thanks all")],
    )
    .await;
    assert_eq!(done.status, 303);
    let bob = app.logged_in("bob").await;
    let page = bob.get(&format!("/t/{thread}/calm-callers")).await;
    assert!(
        page.text().contains("This thread is locked")
            && page.text().contains("Settled, thanks all")
    );
    assert!(
        page.attr("form[action$='/reply']", "action").is_none(),
        "no reply box"
    );
    let refused = bob
        .post(
            &format!("/t/{thread}/reply"),
            &[
                ("body", "But wait"),
                ("action", "post"),
                ("csrf", &page.csrf().unwrap()),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.text().contains("locked"));
    assert!(
        refused.texts("#f-body").contains(&"But wait".to_string()),
        "the text is kept"
    );
    let by_mod = moderator
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "Closing note"), ("action", "post")],
        )
        .await;
    assert_eq!(by_mod.status, 303, "moderators may still reply");
    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "unlock")],
    )
    .await;
    assert!(
        bob.get(&format!("/t/{thread}/calm-callers"))
            .await
            .attr("form[action$='/reply']", "action")
            .is_some()
    );
}

#[actix_web::test]
async fn pin_rename_move_and_hide_keep_lists_and_counters_right() {
    let app = TestApp::spawn().await;
    let (thread, _, _) = scene(&app).await;
    let moderator = moderator(&app).await;
    let karen = app.logged_in("karen").await;
    karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "A newer thread"),
                ("body", "x"),
                ("action", "post"),
            ],
        )
        .await;
    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "pin")],
    )
    .await;
    let list = app.browser().get("/f/angry-customers").await;
    let titles = list.texts("table.threads a.title");
    assert_eq!(titles[0], "Calm callers", "{titles:?}");
    assert!(list.texts("table.threads tbody tr")[0].contains("Pinned"));

    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "rename"), ("title", "Calming angry callers")],
    )
    .await;
    assert_eq!(
        app.browser()
            .get(&format!("/t/{thread}"))
            .await
            .location()
            .unwrap(),
        format!("/t/{thread}/calming-angry-callers")
    );

    // Move to a second forum: both forums' counters follow.
    let mut conn = app.conn().await;
    let other = move_to_team(&app, &moderator, thread).await;
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let counts: Vec<(String, i32, i32)> = forums::table
        .order(forums::id)
        .select((forums::slug, forums::thread_count, forums::post_count))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![("angry-customers".into(), 1, 1), ("team".into(), 1, 2)]
    );
    let home = app.browser().get("/").await;
    assert!(
        home.text().contains("Calming angry callers") && home.text().contains("A newer thread")
    );

    // Hidden: gone for members and from the counters, still there for moderators.
    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "hide"), ("reason", "Spam thread")],
    )
    .await;
    assert_eq!(
        app.browser()
            .get(&format!("/t/{thread}/calming-angry-callers"))
            .await
            .status,
        404
    );
    let seen = moderator
        .get(&format!("/t/{thread}/calming-angry-callers"))
        .await;
    assert_eq!(seen.status, 200);
    assert!(seen.text().contains("hidden from members"));
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let team: (i32, i32) = forums::table
        .find(other.0)
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(team, (0, 0));
    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "restore")],
    )
    .await;
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let team: (i32, i32) = forums::table
        .find(other.0)
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(team, (1, 2));
    assert_eq!(
        app.browser()
            .get(&format!("/t/{thread}/calming-angry-callers"))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn hidden_posts_show_members_a_placeholder_and_moderators_the_reason() {
    let app = TestApp::spawn().await;
    let (thread, _, rude) = scene(&app).await;
    let moderator = moderator(&app).await;
    let done = tool(
        &moderator,
        &format!("/mod/p/{rude}"),
        &[("action", "hide"), ("reason", "Insulting a member")],
    )
    .await;
    assert_eq!(done.status, 303);
    let member_view = app
        .browser()
        .get(&format!("/t/{thread}/calm-callers"))
        .await;
    assert!(
        member_view
            .text()
            .contains("This post was removed by a moderator.")
    );
    assert!(!member_view.text().contains("Rude words from bob"));
    let mod_view = moderator.get(&format!("/t/{thread}/calm-callers")).await;
    assert!(mod_view.text().contains("Rude words from bob"));
    let note = mod_view.texts(".mod-note p").join(" ");
    assert!(
        note.contains("Hidden by mod") && note.contains("Insulting a member"),
        "{note}"
    );
    tool(
        &moderator,
        &format!("/mod/p/{rude}"),
        &[("action", "restore")],
    )
    .await;
    assert!(
        app.browser()
            .get(&format!("/t/{thread}/calm-callers"))
            .await
            .text()
            .contains("Rude words from bob")
    );
}

#[actix_web::test]
async fn moderators_edit_any_post_with_a_reason_and_see_the_history() {
    let app = TestApp::spawn().await;
    let (thread, _, rude) = scene(&app).await;
    let moderator = moderator(&app).await;
    let form = moderator.get(&format!("/p/{rude}/edit")).await;
    assert!(form.attr("#f-reason", "name").is_some());
    let no_reason = moderator
        .fill(
            &format!("/p/{rude}/edit"),
            &format!("/p/{rude}/edit"),
            &[("body", "Polite words"), ("action", "post")],
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(
        no_reason
            .field_error("reason")
            .unwrap()
            .contains("why you edit")
    );
    let done = moderator
        .fill(
            &format!("/p/{rude}/edit"),
            &format!("/p/{rude}/edit"),
            &[
                ("body", "Polite words"),
                ("reason", "Removed an insult"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let page = app
        .browser()
        .get(&format!("/t/{thread}/calm-callers"))
        .await;
    assert!(page.text().contains("Polite words") && page.text().contains("edited"));
    let history = moderator.get(&format!("/mod/p/{rude}/revisions")).await;
    assert!(history.text().contains("Edit by mod") && history.text().contains("Removed an insult"));
    assert_eq!(history.texts("pre.diff del"), vec!["- Rude words from bob"]);
    assert_eq!(history.texts("pre.diff ins"), vec!["+ Polite words"]);
    assert_eq!(
        app.logged_in("karen")
            .await
            .get(&format!("/mod/p/{rude}/revisions"))
            .await
            .status,
        403
    );
    let log = moderator.get("/mod/log?action=edit+post").await;
    assert!(log.text().contains("Removed an insult"));
}

#[actix_web::test]
async fn reports_reach_the_queue_and_are_resolved_with_one_click() {
    let app = TestApp::spawn().await;
    let (_, _, rude) = scene(&app).await;
    let karen = app.logged_in("karen").await;
    let other = karen
        .fill(
            &format!("/p/{rude}/report"),
            &format!("/p/{rude}/report"),
            &[("reason", "other")],
        )
        .await;
    assert_eq!(other.status, 422, "\"other\" needs details");
    let sent = karen
        .fill(
            &format!("/p/{rude}/report"),
            &format!("/p/{rude}/report"),
            &[("reason", "abusive"), ("details", "Calls me names")],
        )
        .await;
    assert_eq!(sent.status, 303);
    assert!(karen.follow(&sent).await.status == 302);
    let again = karen
        .fill(
            &format!("/p/{rude}/report"),
            &format!("/p/{rude}/report"),
            &[("reason", "spam")],
        )
        .await;
    assert_eq!(again.status, 303);
    let mut conn = app.conn().await;
    let open: i64 = reports::table
        .filter(reports::resolved_at.is_null())
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(open, 1, "one open report per member per post");

    let moderator = moderator(&app).await;
    let queue = moderator.get("/mod/reports").await;
    assert!(
        queue.text().contains("abusive")
            && queue.text().contains("karen")
            && queue.text().contains("Calls me names")
    );
    let done = tool(
        &moderator,
        &format!("/mod/reports/{rude}"),
        &[("outcome", "hide_suspend")],
    )
    .await;
    assert_eq!(done.status, 303);
    let (hidden, resolved): (bool, Option<chrono::DateTime<chrono::Utc>>) = posts::table
        .inner_join(reports::table)
        .filter(posts::id.eq(rude))
        .select((posts::hidden, reports::resolved_at))
        .first(&mut conn)
        .await
        .unwrap();
    assert!(hidden && resolved.is_some());
    let suspended: Option<chrono::DateTime<chrono::Utc>> = users::table
        .filter(users::username.eq("bob"))
        .select(users::suspended_until)
        .first(&mut conn)
        .await
        .unwrap();
    assert!(suspended.unwrap() > chrono::Utc::now() + chrono::Duration::days(6));
    assert!(
        moderator
            .get("/mod/reports")
            .await
            .text()
            .contains("No open reports")
    );
}

#[actix_web::test]
async fn a_suspended_member_reads_but_cannot_post_or_report_until_it_ends() {
    let app = TestApp::spawn().await;
    let (thread, first, _) = scene(&app).await;
    let moderator = moderator(&app).await;
    let done = tool(
        &moderator,
        "/mod/u/bob",
        &[
            ("action", "suspend"),
            ("days", "3"),
            ("reason", "Cooling off"),
        ],
    )
    .await;
    assert_eq!(done.status, 303);
    let bob = app.logged_in("bob").await;
    let page = bob.get(&format!("/t/{thread}/calm-callers")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Your account is suspended until")
            && page.text().contains("Cooling off")
    );
    let refused = bob
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "Let me speak"), ("action", "post")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .texts("#f-body")
            .contains(&"Let me speak".to_string())
    );
    let report = bob
        .fill(
            &format!("/p/{first}/report"),
            &format!("/p/{first}/report"),
            &[("reason", "spam")],
        )
        .await;
    assert_eq!(report.status, 403);

    // Moderators see the history on the profile; members do not.
    let profile = moderator.get("/u/bob").await;
    assert!(
        profile.text().contains("suspend by mod") && profile.text().contains("Cooling off"),
        "{}",
        profile.text()
    );
    assert!(
        !app.logged_in("karen")
            .await
            .get("/u/bob")
            .await
            .text()
            .contains("Cooling off")
    );

    // It ends by itself.
    let mut conn = app.conn().await;
    diesel::update(users::table.filter(users::username.eq("bob")))
        .set(users::suspended_until.eq(Some(chrono::Utc::now() - chrono::Duration::seconds(1))))
        .execute(&mut conn)
        .await
        .unwrap();
    let allowed = bob
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "Back again"), ("action", "post")],
        )
        .await;
    assert_eq!(allowed.status, 303);
}

#[actix_web::test]
async fn a_ban_ends_open_sessions_at_once_and_can_hide_every_post() {
    let app = TestApp::spawn().await;
    let (thread, _, _) = scene(&app).await;
    let bob = app.logged_in("bob").await;
    assert!(bob.get("/").await.text().contains("Logged in as bob"));
    let moderator = moderator(&app).await;
    let done = tool(
        &moderator,
        "/mod/u/bob",
        &[
            ("action", "ban"),
            ("reason", "Repeated abuse"),
            ("hide_posts", "on"),
        ],
    )
    .await;
    assert_eq!(done.status, 303);
    assert!(
        !bob.get("/").await.text().contains("Logged in as bob"),
        "the open session is refused on the next request"
    );
    let login = app.browser().log_in("bob", PASSWORD).await;
    assert_eq!(login.status, 403);
    assert!(login.text().contains("banned"));
    let page = app
        .browser()
        .get(&format!("/t/{thread}/calm-callers"))
        .await;
    assert!(!page.text().contains("Rude words from bob"));
    // Moderators and admins cannot be banned by moderators.
    app.account("other_mod", Role::Moderator).await;
    assert_eq!(
        tool(
            &moderator,
            "/mod/u/other_mod",
            &[("action", "ban"), ("reason", "x")]
        )
        .await
        .status,
        403
    );
    tool(&moderator, "/mod/u/bob", &[("action", "unban")]).await;
    assert_eq!(app.browser().log_in("bob", PASSWORD).await.status, 303);
}

#[actix_web::test]
async fn the_log_records_every_action_and_filters() {
    let app = TestApp::spawn().await;
    let (thread, _, rude) = scene(&app).await;
    let moderator = moderator(&app).await;
    tool(
        &moderator,
        &format!("/mod/t/{thread}"),
        &[("action", "pin")],
    )
    .await;
    tool(
        &moderator,
        &format!("/mod/p/{rude}"),
        &[("action", "hide"), ("reason", "Rude")],
    )
    .await;
    tool(
        &moderator,
        "/mod/u/bob",
        &[
            ("action", "suspend"),
            ("days", "1"),
            ("reason", "Rude again"),
        ],
    )
    .await;
    let admin = app.admin("boss").await;
    let mut conn = app.conn().await;
    let karen: i64 = users::table
        .filter(users::username.eq("karen"))
        .select(users::id)
        .first(&mut conn)
        .await
        .unwrap();
    tool(
        &admin,
        &format!("/admin/users/{karen}/role"),
        &[("role", "moderator")],
    )
    .await;
    let boss: i64 = users::table
        .filter(users::username.eq("boss"))
        .select(users::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        tool(
            &admin,
            &format!("/admin/users/{boss}/role"),
            &[("role", "member")]
        )
        .await
        .status,
        403,
        "not one's own role"
    );

    let all = moderator.get("/mod/log").await;
    for action in ["pin", "hide post", "suspend", "change role"] {
        assert!(
            all.texts("table.listing td:nth-child(3)")
                .contains(&action.to_string()),
            "{action} in {}",
            all.text()
        );
    }
    let by_boss = moderator.get("/mod/log?moderator=boss").await;
    assert_eq!(by_boss.texts("table.listing tbody tr").len(), 1);
    let about_bob = moderator.get("/mod/log?member=bob").await;
    assert_eq!(about_bob.texts("table.listing tbody tr").len(), 2);
    let entries: i64 = moderation_log::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(entries, 4);
    let users_page = admin.get("/admin/users?q=kar").await;
    assert!(users_page.text().contains("karen@example.com"));
}

#[actix_web::test]
async fn rate_limits_answer_429_keep_the_draft_and_spare_moderators() {
    let app = TestApp::spawn_with(|s| s.rate_limits = "on".into()).await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    let first = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[("title", "First"), ("body", "One"), ("action", "post")],
        )
        .await;
    assert_eq!(first.status, 303);
    let second = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Second"),
                ("body", "My draft"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(second.status, 429);
    let wait: u64 = second.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (20..=30).contains(&wait),
        "new members wait up to 30 s: {wait}"
    );
    assert!(
        second
            .field_error("body")
            .unwrap()
            .contains("Too many posts")
    );
    assert_eq!(second.texts("#f-body"), vec!["My draft"]);

    app.account("mod", Role::Moderator).await;
    let moderator = app.logged_in("mod").await;
    for title in ["Mod one", "Mod two", "Mod three"] {
        let page = moderator
            .fill(
                "/f/angry-customers/new",
                "/f/angry-customers/new",
                &[("title", title), ("body", "x"), ("action", "post")],
            )
            .await;
        assert_eq!(page.status, 303, "moderators are exempt");
    }

    // Registration: five an hour from one address.
    for i in 0..5 {
        let name = format!("new{i}");
        let page = app
            .browser()
            .fill(
                "/register",
                "/register",
                &[
                    ("username", &name),
                    ("email", &format!("{name}@example.com")),
                    ("password", PASSWORD),
                    ("confirmation", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "registration {i}");
    }
    let sixth = app
        .browser()
        .fill(
            "/register",
            "/register",
            &[
                ("username", "new5"),
                ("email", "new5@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(sixth.status, 429);
    assert!(sixth.headers.contains_key("retry-after"));

    // Off for load tests.
    let off = TestApp::spawn_on(&app.database_url, |s| s.rate_limits = "off".into()).await;
    let karen_off = Browser::new(&off.base);
    assert_eq!(karen_off.log_in("karen", PASSWORD).await.status, 303);
    let page = karen_off
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[("title", "Unlimited"), ("body", "y"), ("action", "post")],
        )
        .await;
    assert_eq!(page.status, 303);
}

#[actix_web::test]
async fn reports_are_limited_to_ten_an_hour() {
    let app = TestApp::spawn_with(|s| s.rate_limits = "on".into()).await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let mut conn = app.conn().await;
    let author = app.account("writer", Role::Member).await;
    let mut ids = Vec::new();
    let forum: i64 = forums::table
        .select(forums::id)
        .first(&mut conn)
        .await
        .unwrap();
    let opening = parley::forums::writing::Draft {
        files: &parley::attachments::NO_FILES,
        author,
        body: "post 0",
        submission: "s-0-report",
        subscribe: None,
        moderator: false,
        ip: None,
        held: false,
    };
    let (thread, first) = parley::forums::writing::create_thread(
        &mut conn,
        parley::ids::ForumId(forum),
        "Many posts",
        &opening,
    )
    .await
    .unwrap();
    ids.push(first);
    for i in 1..11 {
        let body = format!("post {i}");
        let token = format!("s-{i}-report");
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
        ids.push(
            parley::forums::writing::reply(&mut conn, thread, &draft)
                .await
                .unwrap()
                .post,
        );
    }
    let karen = app.logged_in("karen").await;
    for (i, id) in ids.iter().enumerate() {
        let page = karen
            .fill(
                &format!("/p/{id}/report"),
                &format!("/p/{id}/report"),
                &[("reason", "spam")],
            )
            .await;
        let expected = if i < 10 { 303 } else { 429 };
        assert_eq!(page.status, expected, "report {i}");
    }
}

#[actix_web::test]
async fn moderators_see_where_a_post_came_from_for_90_days() {
    let app = TestApp::spawn().await;
    let (thread, _, _) = scene(&app).await;
    let moderator = moderator(&app).await;
    let page = moderator.get(&format!("/t/{thread}/calm-callers")).await;
    assert_eq!(page.texts("span.ip"), vec!["IP 127.0.0.1", "IP 127.0.0.1"]);
    let member = app.logged_in("karen").await;
    assert!(
        member
            .get(&format!("/t/{thread}/calm-callers"))
            .await
            .texts("span.ip")
            .is_empty()
    );
    let mut conn = app.conn().await;
    diesel::update(posts::table)
        .set(posts::created_at.eq(chrono::Utc::now() - chrono::Duration::days(91)))
        .execute(&mut conn)
        .await
        .unwrap();
    // Every node's upkeep round erases them (it runs every ten minutes in `serve`).
    parley::jobs::upkeep::round(&app.state.pool, &app.state.settings).await;
    use parley::db::schema::posts;
    let kept: i64 = posts::table
        .filter(posts::ip_address.is_not_null())
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    assert!(
        moderator
            .get(&format!("/t/{thread}/calm-callers"))
            .await
            .texts("span.ip")
            .is_empty()
    );
}

#[actix_web::test]
async fn new_members_posts_with_links_wait_for_approval_and_notify_only_then() {
    let smtp = crate::common::smtp::SmtpSink::start();
    let app = TestApp::spawn_with(|s| s.approval = "links".into()).await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    let watcher = app.account("watcher", Role::Member).await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    let plain = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Plain question"),
                ("body", "No links here"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(plain.status, 303, "no link, no queue");
    let mut conn = app.conn().await;
    let thread: i64 = threads::table
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();
    parley::notify::store::subscribe(
        &mut conn,
        watcher,
        Some(parley::ids::ThreadId(thread)),
        None,
        parley::accounts::types::NotifyMode::Immediate,
    )
    .await
    .unwrap();
    app.deliver(&mailer).await;

    let held = karen
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[
                ("body", "Buy now at https://spam.example"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(held.status, 303);
    let landing = karen.follow(&karen.follow(&held).await).await;
    assert!(landing.text().contains("waits for a moderator's approval"));
    assert!(landing.text().contains("Awaiting approval"));
    assert!(
        !app.browser()
            .get(&format!("/t/{thread}/plain-question"))
            .await
            .text()
            .contains("spam.example")
    );
    app.deliver(&mailer).await;
    assert!(
        smtp.to("watcher@example.com").is_empty(),
        "nobody hears of a held post"
    );
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let forum_posts: i32 = forums::table
        .select(forums::post_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(forum_posts, 1);

    let moderator = moderator(&app).await;
    let queue = moderator.get("/mod/queue").await;
    assert!(queue.text().contains("Buy now at"), "{}", queue.text());
    let held_id: i64 = posts::table
        .filter(posts::approved.eq(false))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        tool(
            &moderator,
            &format!("/mod/queue/{held_id}"),
            &[("action", "approve")]
        )
        .await
        .status,
        303
    );
    assert!(
        app.browser()
            .get(&format!("/t/{thread}/plain-question"))
            .await
            .text()
            .contains("spam.example")
    );
    app.deliver(&mailer).await;
    assert_eq!(smtp.to("watcher@example.com").len(), 1, "approval notifies");
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let forum_posts: i32 = forums::table
        .select(forums::post_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(forum_posts, 2);

    // Rejected: still invisible, and the author sees why.
    karen
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "More at www.spam.example"), ("action", "post")],
        )
        .await;
    let second: i64 = posts::table
        .filter(posts::approved.eq(false))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    tool(
        &moderator,
        &format!("/mod/queue/{second}"),
        &[("action", "reject"), ("reason", "No advertising, please")],
    )
    .await;
    let own = karen.get(&format!("/p/{second}")).await;
    let own = karen.follow(&own).await;
    assert!(
        own.text().contains("No advertising, please"),
        "{}",
        own.text()
    );
    assert!(
        !app.browser()
            .get(&format!("/t/{thread}/plain-question"))
            .await
            .text()
            .contains("www.spam.example")
    );

    // A held new thread appears in its forum only once approved.
    karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Great offer"),
                ("body", "See https://spam.example"),
                ("action", "post"),
            ],
        )
        .await;
    assert!(
        !app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("Great offer")
    );
    let opener: i64 = posts::table
        .filter(posts::approved.eq(false))
        .filter(posts::position.eq(1))
        .select(posts::id)
        .first(&mut conn)
        .await
        .unwrap();
    tool(
        &moderator,
        &format!("/mod/queue/{opener}"),
        &[("action", "approve")],
    )
    .await;
    assert!(
        app.browser()
            .get("/f/angry-customers")
            .await
            .text()
            .contains("Great offer")
    );
    let thread_count: i32 = forums::table
        .select(forums::thread_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(thread_count, 2);
    // Approving made the held posts their threads' last: the listing names their authors.
    let mismatches = crate::load::last_author_mismatches(&mut conn).await;
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[actix_web::test]
async fn holding_every_post_of_new_members_is_a_setting() {
    let app = TestApp::spawn_with(|s| s.approval = "all".into()).await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    let page = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Calm callers"),
                ("body", "No link at all"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let mut conn = app.conn().await;
    let thread: i64 = threads::table
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();
    let waiting: i64 = posts::table
        .filter(posts::approved.eq(false))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(waiting, 1, "even without a link");
    assert_eq!(
        app.browser()
            .get(&format!("/t/{thread}/calm-callers"))
            .await
            .status,
        404,
        "the thread is not out yet"
    );
    assert_eq!(
        karen.get(&format!("/t/{thread}/calm-callers")).await.status,
        200,
        "its author sees it"
    );
    let moderator = moderator(&app).await;
    let page = moderator
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Mod post"),
                ("body", "Never held"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let waiting: i64 = posts::table
        .filter(posts::approved.eq(false))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(waiting, 1);
}

#[actix_web::test]
async fn split_and_merge_keep_positions_quotes_and_permalinks() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    // The side topic's last post is bob's, so each thread's last author changes with it.
    let bob = app.account("bob", Role::Member).await;
    let mut conn = app.conn().await;
    let forum: i64 = forums::table
        .select(forums::id)
        .first(&mut conn)
        .await
        .unwrap();
    let draft = |author, body: &'static str, token: &'static str| parley::forums::writing::Draft {
        files: &parley::attachments::NO_FILES,
        author,
        body,
        submission: token,
        subscribe: None,
        moderator: false,
        ip: None,
        held: false,
    };
    let (thread, p1) = parley::forums::writing::create_thread(
        &mut conn,
        parley::ids::ForumId(forum),
        "Main topic",
        &draft(karen, "one", "t1"),
    )
    .await
    .unwrap();
    let mut ids = vec![p1];
    for (author, body, token) in [
        (karen, "two: a side topic", "t2"),
        (karen, "three", "t3"),
        (bob, "four: more side topic", "t4"),
    ] {
        ids.push(
            parley::forums::writing::reply(&mut conn, thread, &draft(author, body, token))
                .await
                .unwrap()
                .post,
        );
    }
    let quoting = format!(
        "[quote=karen post={}]\ntwo\n[/quote]\nfive quotes two",
        ids[1]
    );
    let quoting: &'static str = Box::leak(quoting.into_boxed_str());
    ids.push(
        parley::forums::writing::reply(&mut conn, thread, &draft(karen, quoting, "t5"))
            .await
            .unwrap()
            .post,
    );

    let moderator = moderator(&app).await;
    let form = moderator.get(&format!("/mod/t/{thread}/split")).await;
    assert_eq!(form.texts("fieldset .checkbox").len(), 5);
    let fields = [
        ("title", "Side topic"),
        ("forum_id", &forum.to_string()),
        (&*format!("post_{}", ids[1]), "on"),
        (&*format!("post_{}", ids[3]), "on"),
    ];
    let done = moderator
        .post(&format!("/mod/t/{thread}/split"), &fields)
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    let side: i64 = threads::table
        .filter(threads::title.eq("Side topic"))
        .select(threads::id)
        .first(&mut conn)
        .await
        .unwrap();

    let main: Vec<(i64, i32)> = posts::table
        .filter(posts::thread_id.eq(thread.0))
        .order(posts::position)
        .select((posts::id, posts::position))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(main, vec![(ids[0].0, 1), (ids[2].0, 2), (ids[4].0, 3)]);
    let moved: Vec<(i64, i32)> = posts::table
        .filter(posts::thread_id.eq(side))
        .order(posts::position)
        .select((posts::id, posts::position))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(moved, vec![(ids[1].0, 1), (ids[3].0, 2)]);
    // Old permalinks land in the new place; the quote still points at the quoted post.
    let jump = app.browser().get(&format!("/p/{}", ids[3])).await;
    assert_eq!(
        jump.location().unwrap(),
        format!("/t/{side}/side-topic#p{}", ids[3])
    );
    let page = app.browser().get(&format!("/t/{thread}/main-topic")).await;
    assert_eq!(
        page.attr("blockquote.quote a", "href").unwrap(),
        format!("/p/{}", ids[1])
    );
    // The moved post, now #1 of the side topic, still lists the reply quoting it.
    let side_page = app.browser().get(&format!("/t/{side}/side-topic")).await;
    assert_eq!(
        side_page.texts("p.backlinks"),
        vec!["Quoted in another thread #3"],
        "{}",
        side_page.text()
    );
    assert!(page.texts("p.backlinks").is_empty(), "{}", page.text());
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let counts: (i32, i32) = forums::table
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(counts, (2, 5));

    // Merge the side topic back: its posts follow, and its address leads to the main thread.
    let merged = tool(
        &moderator,
        &format!("/mod/t/{side}"),
        &[("action", "merge"), ("into", &thread.0.to_string())],
    )
    .await;
    assert_eq!(merged.status, 303);
    let main: Vec<i32> = posts::table
        .filter(posts::thread_id.eq(thread.0))
        .order(posts::position)
        .select(posts::position)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(main, vec![1, 2, 3, 4, 5]);
    // Merged back as #4, the quoted post lists its quoting reply (#3) on the main page.
    let page = app.browser().get(&format!("/t/{thread}/main-topic")).await;
    assert_eq!(
        page.texts("p.backlinks"),
        vec!["Quoted in #3"],
        "{}",
        page.text()
    );
    assert_eq!(
        page.attr("p.backlinks a", "href").unwrap(),
        format!("/p/{}", ids[4])
    );
    assert_eq!(
        app.browser()
            .get(&format!("/t/{side}/side-topic"))
            .await
            .location()
            .unwrap(),
        format!("/t/{thread}")
    );
    // Replies reach the forum counters when the background round folds them.
    parley::forums::store::fold_reply_counts(&mut conn)
        .await
        .unwrap();
    let counts: (i32, i32) = forums::table
        .select((forums::thread_count, forums::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(counts, (1, 5));
    let jump = app.browser().get(&format!("/p/{}", ids[3])).await;
    assert_eq!(
        jump.location().unwrap(),
        format!("/t/{thread}/main-topic#p{}", ids[3])
    );
    let log = moderator.get("/mod/log").await.text();
    assert!(log.contains("split thread") && log.contains("merge thread"));
    // Both threads' last posts, and who wrote them, were counted again after each move.
    let mismatches = crate::load::last_author_mismatches(&mut conn).await;
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[actix_web::test]
async fn forum_counts_are_exact_before_the_fold_and_a_moved_thread_takes_its_last_post_along() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let admin = app.admin("boss").await;
    let (stays, _) = app
        .thread(forum, karen, "Stays here", "Here to stay.")
        .await;
    let (moves, _) = app
        .thread(forum, karen, "Moves away", "Off to the team.")
        .await;
    let kept = app.reply(stays, karen, "A reply that stays.").await;
    app.reply(moves, karen, "The newest reply, soon elsewhere.")
        .await;

    // Replies wait in the log, and the forum start already counts them.
    let start = app.browser().get("/").await;
    assert_eq!(start.texts("td[data-label=Posts]"), vec!["4"]);

    // The thread with the newest reply moves before the fold.
    let mut conn = app.conn().await;
    move_to_team(&app, &admin, moves.0).await;
    for folded in [false, true] {
        if folded {
            parley::forums::store::fold_reply_counts(&mut conn)
                .await
                .unwrap();
        }
        let start = app.browser().get("/").await;
        assert_eq!(
            start.texts("td[data-label=Posts]"),
            vec!["2", "2"],
            "folded: {folded}"
        );
        assert_eq!(
            start.attr("td.last a", "href"),
            Some(format!("/p/{kept}")),
            "the first forum's last post stayed with it (folded: {folded})"
        );
    }
    let mismatches = crate::load::counter_mismatches(&mut conn).await;
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
