//! Accessibility and small screens: axe-core finds no serious or critical violation on the
//! main pages, no page scrolls sideways at 375 px, everything works by keyboard with the
//! focus drawn, and everything works with JavaScript turned off.

use serde_json::Value;

use crate::chrome::{self, Journey, Options, Tab};
use crate::common::{PASSWORD, TestApp};
use parley::accounts::types::Role;

/// A forum with a thread that has a quoted reply, a moderator and a
/// member: enough for every page of the checks to show its full self.
async fn furnished() -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    let maria = app.account("maria", Role::Moderator).await;
    let (thread, first) = app
        .thread(
            forum,
            karen,
            "Refund requests after ninety days",
            "A customer wants a **refund** after ninety days. What do you say?",
        )
        .await;
    let body = format!(
        "[quote=karen post={}]A customer wants a refund.[/quote]\n\nExplain the policy, then offer store credit.",
        first.0
    );
    app.reply(thread, karen, &body).await;
    // A Questions forum with a question that has a "Me too", for its filters and button.
    let mut conn = app.conn().await;
    let category = parley::forums::store::insert_category(&mut conn, "Support")
        .await
        .expect("category");
    let desk = parley::forums::store::NewForum {
        category_id: category,
        slug: "desk",
        title: "Help desk",
        description: "Questions and answers.",
        position: 1,
        questions: true,
    };
    let desk = parley::forums::store::insert_forum(&mut conn, &desk)
        .await
        .expect("forum");
    let (question, _) = app
        .thread(desk, karen, "Which refund template?", "We have three.")
        .await;
    let dana = app.account("dana", Role::Member).await;
    parley::forums::store::add_me_too(&mut conn, question, dana, true)
        .await
        .expect("me too");
    parley::canned::store::insert(
        &mut conn,
        "Refund policy",
        "Hello {asker}, refunds after ninety days are store credit.",
        maria,
    )
    .await
    .expect("canned reply");
    (app, thread.0)
}

/// The pages checked, as paths, for a visitor and for a logged-in moderator.
fn pages(thread: i64) -> (Vec<String>, Vec<String>) {
    let visitor = [
        "/".to_string(),
        "/f/angry-customers".into(),
        format!("/t/{thread}"),
        "/register".into(),
        "/login".into(),
        "/search?q=refund".into(),
        "/faq".into(),
        "/stats".into(),
        "/f/desk?show=unsolved".into(),
        "/questions".into(),
    ];
    let moderator = [
        format!("/t/{thread}/reply"),
        "/mod/queue".into(),
        "/mod/reports".into(),
        "/desk/replies".into(),
        "/desk?show=all".into(),
        "/desk/stats".into(),
        "/f/desk/new".into(),
        "/notices".into(),
        "/settings/two-factor".into(),
        "/settings/sessions".into(),
        "/settings/data".into(),
        "/settings/delete".into(),
        "/invitations".into(),
    ];
    (visitor.to_vec(), moderator.to_vec())
}

/// Runs axe-core in the page and returns its serious and critical violations, described.
async fn serious_violations(tab: &Tab) -> Vec<String> {
    let script = format!(
        "{}\n;const done = arguments[arguments.length - 1];
         axe.run(document, {{ resultTypes: ['violations'] }})
            .then(r => done(r.violations.map(v => ({{
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }}))))
            .catch(e => done([{{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }}]));",
        chrome::axe_source()
    );
    let result = tab
        .client()
        .execute_async(&script, vec![])
        .await
        .expect("axe runs");
    result
        .as_array()
        .expect("a list of violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            format!(
                "{} ({}): {} at {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            )
        })
        .collect()
}

/// Whether the page is wider than the window.
async fn scrolls_sideways(tab: &Tab) -> Value {
    tab.script(
        "const d = document.documentElement;
         return d.scrollWidth > d.clientWidth
             ? { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth }
             : null;",
    )
    .await
}

#[actix_web::test]
async fn the_main_pages_have_no_serious_accessibility_violations_and_fit_375_px() {
    let (app, thread) = furnished().await;
    let (visitor_pages, moderator_pages) = pages(thread);
    let mut journey = Journey::new("accessibility");
    let visitor = journey.person("visitor", Options::default()).await;
    let moderator = journey.person("moderator", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            // The checks themselves see a flaw when there is one.
            visitor
                .open("data:text/html,<html lang=en><title>t</title><img src=x><div style='width:600px'>w</div>")
                .await;
            assert!(!serious_violations(&visitor).await.is_empty(), "axe flags an image without text");
            visitor.client().set_window_size(375, 800).await.expect("narrow window");
            assert!(!scrolls_sideways(&visitor).await.is_null(), "a 600 px block is seen");

            moderator.open(&format!("{base}/")).await;
            moderator.log_in("maria").await;
            let mut problems = Vec::new();
            for (tab, paths) in [(&visitor, &visitor_pages), (&moderator, &moderator_pages)] {
                for path in paths.iter() {
                    tab.client()
                        .set_window_size(1280, 900)
                        .await
                        .expect("wide window");
                    tab.open(&format!("{base}{path}")).await;
                    for violation in serious_violations(tab).await {
                        problems.push(format!("{path}: {violation}"));
                    }
                    tab.client()
                        .set_window_size(375, 800)
                        .await
                        .expect("narrow window");
                    let width = tab.script("return window.innerWidth").await;
                    assert_eq!(width, 375, "the window is 375 px wide");
                    let wide = scrolls_sideways(tab).await;
                    if !wide.is_null() {
                        problems.push(format!("{path}: scrolls sideways at 375 px: {wide}"));
                    }
                }
            }
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        })
        .await;
}

#[actix_web::test]
async fn a_member_logs_in_and_replies_by_keyboard_alone_with_the_focus_always_drawn() {
    let (app, thread) = furnished().await;
    let mut journey = Journey::new("keyboard");
    let bob = journey.person("bob", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            bob.open(&format!("{base}/")).await;
            // The first Tab reaches the skip link.
            bob.tab_to("Skip to content", 1).await;
            let step = |name: &'static str, limit: usize| {
                let bob = bob.clone();
                async move {
                    bob.tab_to(name, limit).await;
                    let focused = bob.focused().await;
                    assert_eq!(focused["drawn"], true, "the focus on {name:?} is drawn");
                }
            };
            step("Log in", 20).await;
            bob.enter().await;
            step("User name or e-mail address", 30).await;
            bob.key("bob").await;
            step("Password", 2).await;
            bob.key(PASSWORD).await;
            step("Log in", 5).await;
            bob.enter().await;
            bob.expect_text("Log out").await;
            step("Handling angry customers", 30).await;
            bob.enter().await;
            step("Refund requests after ninety days", 30).await;
            bob.enter().await;
            bob.expect_text("Explain the policy").await;
            step("Message", 80).await;
            bob.key("Offer a goodwill voucher instead.").await;
            step("Post", 5).await;
            bob.enter().await;
            bob.expect_text("Offer a goodwill voucher instead.").await;
            assert!(bob.url().await.contains(&format!("/t/{thread}")));
        })
        .await;
}

#[actix_web::test]
async fn everything_works_with_javascript_off() {
    let (app, thread) = furnished().await;
    let mut journey = Journey::new("javascript-off");
    let bob = journey
        .person(
            "bob",
            Options {
                javascript_off: true,
            },
        )
        .await;
    let base = app.base.clone();
    journey
        .run(async move {
            // The setting took: a page's own script does not run.
            bob.open("data:text/html,<title>before</title><script>document.title='after'</script>")
                .await;
            assert_eq!(bob.client().title().await.expect("title"), "before");

            bob.open(&format!("{base}/")).await;
            assert!(!bob.has("script").await, "Parley's pages carry no script");
            bob.follow("Log in").await;
            bob.type_into("User name or e-mail address", "bob").await;
            bob.type_into("Password", PASSWORD).await;
            bob.press_in("main", "Log in").await;
            bob.follow("Handling angry customers").await;
            bob.follow("Refund requests after ninety days").await;
            bob.follow_in("article.post", "Quote").await;
            let quoted = bob.value_of("Message").await;
            bob.type_into("Message", &format!("{quoted}\n\nAgreed."))
                .await;
            bob.press("Preview").await;
            bob.expect_text("Agreed.").await;
            bob.press("Post").await;
            bob.expect_text("Agreed.").await;
            bob.follow("Search").await;
            bob.type_into("Words", "store credit policy").await;
            bob.enter().await;
            bob.expect_text("Refund requests after ninety days").await;
            assert!(bob.url().await.contains("/search"));
            let _ = thread;
        })
        .await;
}
