//! The holes an attacker looks for: rendering bombs, limits passed by parallel bursts,
//! log-ins that lock owners out or starve the pool, links that outlive their purpose, and
//! changes to posts that skip the rules of posting.

use std::time::{Duration, Instant};

use crate::common::{Browser, PASSWORD, TestApp};
use parley::accounts::types::Role;
use parley::moderation::actions::{self, Sanction, ThreadAction};

/// The worst bodies of the size limit: deep block quotes, lists and quote tags.
fn bombs() -> Vec<(&'static str, String)> {
    let max = parley::forums::writing::BODY_MAX;
    vec![
        ("block quotes", ">".repeat(max)),
        ("spaced block quotes", "> ".repeat(max / 2)),
        ("ordered lists", "1. ".repeat(max / 3)),
        (
            "quote tags",
            "[quote]".repeat(max / 15) + &"[/quote]".repeat(max / 15),
        ),
        ("unclosed quote tags", "[quote]".repeat(max / 7)),
    ]
}

/// Answers `/healthz` every 20 ms until `stop`, returning the slowest answer.
async fn slowest_health(base: String, stop: tokio::sync::watch::Receiver<bool>) -> Duration {
    let client = reqwest::Client::new();
    let mut slowest = Duration::ZERO;
    while !*stop.borrow() {
        let started = Instant::now();
        let answer = client.get(format!("{base}/healthz")).send().await;
        assert!(answer.is_ok_and(|a| a.status() == 200), "/healthz answers");
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    slowest
}

#[actix_web::test]
async fn rendering_bombs_are_refused_at_once_with_the_text_kept_and_health_stays_quick() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "A question", "Hello").await;
    let browser = app.logged_in("karen").await;
    let reply = format!("/t/{thread}/reply");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // On a thread of its own, so that the test's own reading of big pages never delays it.
    let base = app.base.clone();
    let health = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(slowest_health(base, stopped))
    });
    let form_page = browser.get(&reply).await;
    let mut form = form_page.hidden_fields(&reply);
    form.retain(|(field, _)| field != "body" && field != "action");
    for (name, body) in bombs() {
        for action in ["preview", "post"] {
            let mut fields = form.clone();
            fields.push(("body".into(), body.clone()));
            fields.push(("action".into(), action.into()));
            let started = Instant::now();
            let answer = browser
                .client()
                .post(browser.url(&reply))
                .form(&fields)
                .send()
                .await
                .expect("an answer");
            let took = started.elapsed();
            assert_eq!(answer.status().as_u16(), 422, "{name} ({action})");
            assert!(took < Duration::from_secs(1), "{name} ({action}): {took:?}");
            let page = answer.text().await.unwrap();
            assert!(page.contains("levels deep"), "{name}");
        }
    }
    stop.send(true).unwrap();
    let slowest = health.join().unwrap();
    assert!(slowest < Duration::from_millis(100), "{slowest:?}");
    // The refusal says why and hands the text back.
    for (name, body) in bombs() {
        let page = browser
            .fill(&reply, &reply, &[("body", &body), ("action", "post")])
            .await;
        let error = page.field_error("body").unwrap_or_default();
        assert!(error.contains("levels deep"), "{name}: {error}");
        let kept = page.texts("#f-body").concat();
        assert_eq!(kept.trim_end(), body.trim_end(), "{name}");
    }
    // Nesting within the limit is still fine.
    let nested = format!(
        "{}deep enough",
        "> ".repeat(parley::forums::markup::NESTING_MAX)
    );
    let page = browser
        .fill(&reply, &reply, &[("body", &nested), ("action", "preview")])
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("deep enough"));
}

#[actix_web::test]
async fn previews_need_a_confirmed_address_and_count_against_a_limit() {
    let app = TestApp::spawn_with(|s| s.rate_limits = "on".into()).await;
    let forum = app.forum("angry-customers").await;
    let author = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, author, "A question", "Hello").await;
    let reply = format!("/t/{thread}/reply");

    // An unconfirmed member gets no preview: the text is kept with the reason.
    let unconfirmed = app.unconfirmed("newbie").await;
    let refused = unconfirmed
        .fill(
            &reply,
            &reply,
            &[("body", "**bold**"), ("action", "preview")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.field_error("body").unwrap().contains("confirm"));
    assert!(!refused.body.contains("<strong>bold</strong>"));
    assert_eq!(refused.texts("#f-body"), vec!["**bold**"]);

    let karen = app.logged_in("karen").await;
    for n in 0..20 {
        let page = karen
            .fill(
                &reply,
                &reply,
                &[("body", "**bold**"), ("action", "preview")],
            )
            .await;
        assert_eq!(page.status, 200, "preview {n}");
        assert!(page.body.contains("<strong>bold</strong>"));
    }
    let limited = karen
        .fill(
            &reply,
            &reply,
            &[("body", "**bold**"), ("action", "preview")],
        )
        .await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(
        limited
            .field_error("body")
            .unwrap()
            .contains("Too many previews")
    );
    assert_eq!(limited.texts("#f-body"), vec!["**bold**"]);
}

/// Sends `n` copies of one form at once; returns how many got each status.
async fn burst(browser: &Browser, path: &str, n: usize, fields: &[(&str, &str)]) -> Vec<u16> {
    let mut form: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form.push(("csrf".into(), browser.last_csrf().unwrap_or_default()));
    let url = browser.url(path);
    let sends = (0..n).map(|_| {
        let request = browser.client().post(&url).form(&form);
        async move { request.send().await.expect("answer").status().as_u16() }
    });
    futures_util::future::join_all(sends).await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|&&s| s == status).count()
}

#[actix_web::test]
async fn parallel_bursts_never_pass_a_limit() {
    let app = TestApp::spawn_with(|s| {
        s.rate_limits = "on".into();
        s.pool_size = 8;
    })
    .await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, post) = app.thread(forum, karen, "A question", "Hello").await;
    let karen_browser = app.logged_in("karen").await;

    // Log-in: sixteen wrong passwords at once are five checks, and no more.
    let attacker = app.browser();
    attacker.get("/login").await;
    let wrong = burst(
        &attacker,
        "/login",
        16,
        &[("identifier", "karen"), ("password", "wrong password!")],
    )
    .await;
    assert_eq!(count(&wrong, 422), 5, "{wrong:?}");
    assert_eq!(count(&wrong, 429), 11, "{wrong:?}");

    // Registration: twelve at once from one address make five accounts.
    let newcomer = app.browser();
    newcomer.get("/register").await;
    let sends = (0..12).map(|n| {
        let browser = app.browser();
        async move {
            browser.get("/register").await;
            let name = format!("burst{n}");
            browser
                .post(
                    "/register",
                    &[
                        ("username", name.as_str()),
                        ("email", &format!("{name}@example.com")),
                        ("password", PASSWORD),
                        ("confirmation", PASSWORD),
                    ],
                )
                .await
                .status
        }
    });
    let registered = futures_util::future::join_all(sends).await;
    assert_eq!(count(&registered, 303), 5, "{registered:?}");
    assert_eq!(count(&registered, 429), 7, "{registered:?}");

    // Posting: four replies at once are one post.
    let reply = format!("/t/{thread}/reply");
    karen_browser.get(&reply).await;
    let sends = (0..4).map(|n| {
        let body = format!("Reply number {n}");
        let browser = &karen_browser;
        let reply = reply.clone();
        async move {
            let mut form = browser.get(&reply).await.hidden_fields(&reply);
            form.retain(|(name, _)| name != "body" && name != "action");
            form.push(("body".into(), body));
            form.push(("action".into(), "post".into()));
            browser
                .client()
                .post(browser.url(&reply))
                .form(&form)
                .send()
                .await
                .expect("answer")
                .status()
                .as_u16()
        }
    });
    let posted = futures_util::future::join_all(sends).await;
    assert_eq!(count(&posted, 303), 1, "{posted:?}");
    assert_eq!(count(&posted, 429), 3, "{posted:?}");

    // Reports: sixteen members' worth from one member at once are ten.
    let mut posts = vec![post];
    for n in 0..15 {
        posts.push(app.reply(thread, karen, &format!("Post {n}")).await);
    }
    app.account("bob", Role::Member).await;
    let bob = app.logged_in("bob").await;
    bob.get(&format!("/p/{post}/report")).await;
    let csrf = bob.last_csrf().unwrap();
    let sends = posts.iter().map(|post| {
        let path = format!("/p/{post}/report");
        let form = [
            ("reason", "spam".to_string()),
            ("details", "Spam".to_string()),
            ("csrf", csrf.clone()),
        ];
        let request = bob.client().post(format!("{}{path}", app.base)).form(&form);
        async move { request.send().await.expect("answer").status().as_u16() }
    });
    let reported = futures_util::future::join_all(sends).await;
    assert_eq!(count(&reported, 303), 10, "{reported:?}");
    assert_eq!(count(&reported, 429), 6, "{reported:?}");
}

#[actix_web::test]
async fn failures_from_one_address_never_lock_the_owner_out_and_a_mailed_link_lets_them_in() {
    let app = TestApp::spawn_with(|s| s.trust_proxy = true).await;
    app.account("maria", Role::Admin).await;
    // Five wrong passwords from one address lock that address out of the account...
    let attacker = Browser::from_address(&app.base, "198.51.100.7");
    for _ in 0..5 {
        assert_eq!(
            attacker.log_in("maria", "wrong password!").await.status,
            422
        );
    }
    assert_eq!(attacker.log_in("maria", PASSWORD).await.status, 429);
    // ...not the owner, elsewhere.
    let owner = Browser::from_address(&app.base, "203.0.113.20");
    assert_eq!(owner.log_in("maria", PASSWORD).await.status, 303);
    assert_eq!(owner.get("/admin/users").await.status, 200);

    // An address the client writes itself is not taken: the proxy's entry is.
    let spoofing = Browser::from_address(&app.base, "10.9.9.9, 198.51.100.7");
    assert_eq!(spoofing.log_in("maria", PASSWORD).await.status, 429);

    // Thirty failures from many addresses hold the password back everywhere.
    for n in 0..30 {
        let from = Browser::from_address(&app.base, &format!("192.0.2.{}", n / 5 + 1));
        assert_eq!(
            from.log_in("maria", "wrong password!").await.status,
            422,
            "{n}"
        );
    }
    let owner = Browser::from_address(&app.base, "203.0.113.21");
    let locked = owner.log_in("maria", PASSWORD).await;
    assert_eq!(locked.status, 429);
    let wait: u64 = locked
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("Retry-After says when");
    assert!(wait >= 1);
    assert!(
        locked.text().contains("E-mail me a log-in link"),
        "{}",
        locked.text()
    );
    let asked = owner.post("/login/link", &[("identifier", "maria")]).await;
    assert_eq!(asked.status, 303, "{}", asked.text());
    let link = app.mailed_link("maria@example.com", "/login/link/").await;
    // Opening the link (as a mail scanner would) logs nobody in.
    let page = owner.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(owner.get("/admin/users").await.status, 303);
    let used = owner.post(&link, &[]).await;
    assert_eq!(used.status, 303, "{}", used.text());
    assert_eq!(owner.get("/admin/users").await.status, 200);
    // Once.
    assert_eq!(app.browser().get(&link).await.status, 404);
    // The owner is in, so the password works again too.
    let again = Browser::from_address(&app.base, "203.0.113.22");
    assert_eq!(again.log_in("maria", PASSWORD).await.status, 303);

    // Someone who does not own the account learns nothing from asking.
    let nobody = app.browser();
    nobody.get("/login").await;
    let asked = nobody
        .post("/login/link", &[("identifier", "nobody")])
        .await;
    assert_eq!(asked.status, 303);
}

#[actix_web::test]
async fn a_burst_of_log_ins_neither_holds_connections_nor_queues_without_end() {
    let app = TestApp::spawn_with(|s| s.trust_proxy = true).await;
    app.account("karen", Role::Member).await;
    let reader = app.logged_in("karen").await;
    let sends = (0..50).map(|n| {
        let browser = Browser::from_address(&app.base, &format!("192.0.2.{n}"));
        async move {
            browser.get("/login").await;
            browser
                .post(
                    "/login",
                    &[
                        ("identifier", &format!("nobody{n}")),
                        ("password", "wrong password!"),
                    ],
                )
                .await
                .status
        }
    });
    let logins = tokio::spawn(futures_util::future::join_all(sends));
    // Meanwhile a member's pages come at once (the pool has 4 connections).
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        assert_eq!(reader.get("/settings").await.status, 200);
        slowest = slowest.max(started.elapsed());
    }
    let statuses = logins.await.unwrap();
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    assert_eq!(
        count(&statuses, 422) + count(&statuses, 429),
        50,
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn a_banned_accounts_password_is_never_tested() {
    let app = TestApp::spawn().await;
    let admin = app.account("maria", Role::Admin).await;
    let karen = app.account("karen", Role::Member).await;
    let mut conn = app.conn().await;
    let ban = Sanction::Ban {
        reason: "spam".into(),
        hide_posts: false,
    };
    actions::sanction(&mut conn, admin, karen, ban)
        .await
        .unwrap();
    let right = app.browser().log_in("karen", PASSWORD).await;
    let wrong = app.browser().log_in("karen", "wrong password!").await;
    assert_eq!(right.status, 403);
    assert_eq!(wrong.status, right.status);
    assert_eq!(wrong.texts(".error-summary"), right.texts(".error-summary"));
}

#[actix_web::test]
async fn reset_links_die_with_a_newer_link_or_a_changed_password_and_requests_are_limited() {
    let app = TestApp::spawn_with(|s| s.rate_limits = "on".into()).await;
    app.account("karen", Role::Member).await;
    let ask = || async {
        let browser = app.browser();
        browser.get("/password/forgot").await;
        browser
            .post("/password/forgot", &[("email", "karen@example.com")])
            .await
    };
    assert_eq!(ask().await.status, 303);
    let first = app
        .mailed_link("karen@example.com", "/password/reset/")
        .await;
    assert_eq!(ask().await.status, 303);
    let second = app
        .mailed_link("karen@example.com", "/password/reset/")
        .await;
    assert_ne!(first, second);
    assert_eq!(app.browser().get(&first).await.status, 404, "older link");
    assert_eq!(app.browser().get(&second).await.status, 200);

    // A password change in the settings ends the mailed link too.
    let karen = app.logged_in("karen").await;
    let changed = karen
        .fill(
            "/settings",
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("password", "another long passphrase"),
                ("confirmation", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.text());
    assert_eq!(app.browser().get(&second).await.status, 404);

    // Three mails an account an hour: the fourth request is answered alike, unsent.
    let sent = |app: &TestApp| {
        let state = app.state.clone();
        async move {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            use parley::db::schema::outbox;
            let mut conn = state.pool.get().await.unwrap();
            outbox::table
                .filter(outbox::recipient.eq("karen@example.com"))
                .filter(outbox::kind.eq("reset"))
                .count()
                .get_result::<i64>(&mut conn)
                .await
                .unwrap()
        }
    };
    assert_eq!(ask().await.status, 303);
    assert_eq!(sent(&app).await, 3);
    let fourth = ask().await;
    assert_eq!(fourth.status, 303);
    assert_eq!(sent(&app).await, 3);
    // Ten requests an address an hour, whatever the addresses asked about.
    for _ in 0..6 {
        assert_eq!(ask().await.status, 303);
    }
    assert_eq!(ask().await.status, 429);
}

#[actix_web::test]
async fn current_password_checks_in_the_settings_are_throttled() {
    let app = TestApp::spawn().await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    for _ in 0..5 {
        let page = karen
            .fill(
                "/settings",
                "/settings/email",
                &[
                    ("email", "new@example.com"),
                    ("current_password", "a wrong guess"),
                ],
            )
            .await;
        assert_eq!(page.status, 422);
    }
    let page = karen
        .fill(
            "/settings",
            "/settings/email",
            &[("email", "new@example.com"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 429);
}

#[actix_web::test]
async fn an_older_confirmation_link_cannot_switch_the_address_back() {
    let app = TestApp::spawn().await;
    app.account("karen", Role::Member).await;
    let karen = app.logged_in("karen").await;
    for address in ["first@example.com", "second@example.com"] {
        let page = karen
            .fill(
                "/settings",
                "/settings/email",
                &[("email", address), ("current_password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.text());
    }
    let stale = app.mailed_link("first@example.com", "/confirm/").await;
    let fresh = app.mailed_link("second@example.com", "/confirm/").await;
    assert_eq!(karen.get(&fresh).await.status, 303);
    assert_eq!(karen.get(&stale).await.status, 404);
    let settings = karen.get("/settings").await;
    assert!(settings.text().contains("second@example.com"));
}

#[actix_web::test]
async fn suspended_authors_and_locked_threads_change_no_posts() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let moderator = app.account("mod", Role::Moderator).await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, first) = app.thread(forum, karen, "A question", "Hello").await;
    let reply = app.reply(thread, karen, "My reply").await;
    let browser = app.logged_in("karen").await;
    let edit = |post| format!("/p/{post}/edit");

    let mut conn = app.conn().await;
    let until = chrono::Utc::now() + chrono::Duration::days(1);
    let suspend = Sanction::Suspend(until, "cool down".into());
    actions::sanction(&mut conn, moderator, karen, suspend)
        .await
        .unwrap();
    let page = browser
        .fill(
            &edit(reply),
            &edit(reply),
            &[("body", "Changed"), ("action", "post")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.field_error("body").unwrap().contains("suspended"));
    assert_eq!(page.texts("#f-body"), vec!["Changed"]);
    browser.get(&format!("/t/{thread}")).await;
    let deleted = browser.post(&format!("/p/{reply}/delete"), &[]).await;
    assert_eq!(deleted.status, 403);
    actions::sanction(&mut conn, moderator, karen, Sanction::Unsuspend)
        .await
        .unwrap();

    let lock = ThreadAction::Lock("Resolved by phone".into());
    actions::on_thread(&mut conn, moderator, thread, lock)
        .await
        .unwrap();
    let page = browser
        .fill(
            &edit(first),
            &edit(first),
            &[("body", "Changed"), ("action", "post")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.field_error("body")
            .unwrap()
            .contains("locked (Resolved by phone)")
    );
    let deleted = browser.post(&format!("/p/{reply}/delete"), &[]).await;
    assert_eq!(deleted.status, 403);
    let shown = app.browser().get(&format!("/t/{thread}")).await;
    let shown = app.browser().follow(&shown).await;
    assert!(shown.text().contains("My reply"));
    assert!(!shown.text().contains("Changed"));

    // A moderator still may, with a reason.
    let moderator_browser = app.logged_in("mod").await;
    let page = moderator_browser
        .fill(
            &edit(reply),
            &edit(reply),
            &[
                ("body", "Edited by staff"),
                ("reason", "typo"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.text());
}

#[actix_web::test]
async fn a_page_number_of_any_size_costs_no_more_than_page_two() {
    let app = TestApp::spawn().await;
    let moderator = app.admin("maria").await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "Paging", "Page one only").await;
    let slug = format!("/t/{thread}/paging");
    let forum_page = "/f/angry-customers?page=9223372036854775807".to_string();
    let thread_page = format!("{slug}?page=9223372036854775807");
    for path in [
        "/mod/log?page=10000000000",
        "/mod/log?page=9223372036854775807",
        "/members?page=9223372036854775807",
        "/admin/users?page=9223372036854775807",
        "/search?q=page&page=9223372036854775807",
        &forum_page,
        &thread_page,
        &format!("{slug}?page=2"),
    ] {
        let started = Instant::now();
        let page = moderator.get(path).await;
        assert!(started.elapsed() < Duration::from_secs(1), "{path}");
        assert_eq!(page.status, 200, "{path}: {}", page.text());
    }
    // Past the end: an empty page with the way back, not the posts of another page.
    let past = app.browser().get(&format!("{slug}?page=5")).await;
    assert_eq!(past.status, 200);
    assert!(past.texts("article.post").is_empty());
    assert!(
        past.text().contains("the last page is page 1"),
        "{}",
        past.text()
    );
    let past = app.browser().get("/f/angry-customers?page=3").await;
    assert_eq!(past.status, 200);
    assert!(!past.text().contains("Paging"));
    assert!(
        past.text().contains("the last page is page 1"),
        "{}",
        past.text()
    );
}

#[actix_web::test]
async fn head_answers_as_get_without_a_body() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "A question", "Hello").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (path, status) in [
        ("/".to_string(), 200),
        ("/healthz".to_string(), 200),
        ("/f/angry-customers".to_string(), 200),
        (format!("/t/{thread}"), 302),
        ("/search?q=hello".to_string(), 200),
        ("/no/such/page".to_string(), 404),
    ] {
        let answer = client
            .head(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), status, "HEAD {path}");
        assert!(answer.bytes().await.unwrap().is_empty(), "HEAD {path}");
    }
}

#[actix_web::test]
async fn answers_with_personal_content_are_private() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen = app.browser();
    karen.get("/login").await;
    let logged_in = karen
        .post("/login", &[("identifier", "karen"), ("password", PASSWORD)])
        .await;
    let mut answers = vec![("the log-in redirect", logged_in)];
    answers.push(("settings", karen.get("/settings").await));
    answers.push(("a missing page", karen.get("/no/such/page").await));
    answers.push(("a forbidden page", karen.get("/mod/queue").await));
    answers.push((
        "a refused form",
        karen
            .fill(
                "/settings",
                "/settings/email",
                &[("email", "not an address")],
            )
            .await,
    ));
    for (what, page) in answers {
        let cache = page
            .headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            cache.contains("private") || cache.contains("no-store"),
            "{what}: {cache:?}"
        );
    }
}

#[actix_web::test]
async fn a_form_sent_slowly_is_cut_off_at_the_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let started = Instant::now();
    socket
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nidentifier=",
        )
        .await
        .unwrap();
    // ...and then nothing more.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), socket.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server still waits after 20 s");
    let took = started.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took >= parley::web::middleware::BODY_DEADLINE, "{took:?}");
    assert!(
        took < parley::web::middleware::BODY_DEADLINE + Duration::from_secs(3),
        "{took:?}"
    );
}

/// The kinds of mail queued for `address`, oldest first.
async fn mail_kinds(app: &TestApp, address: &str) -> Vec<String> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use parley::db::schema::outbox;
    let mut conn = app.conn().await;
    outbox::table
        .filter(outbox::recipient.eq(address))
        .order(outbox::id)
        .select(outbox::kind)
        .load(&mut conn)
        .await
        .unwrap()
}

#[actix_web::test]
async fn register_answers_alike_whether_the_address_has_an_account() {
    let app = TestApp::spawn().await;
    app.account("karen", Role::Member).await;
    let register = async |name: &str, email: &str| {
        let browser = app.browser();
        browser.get("/register").await;
        let page = browser
            .post(
                "/register",
                &[
                    ("username", name),
                    ("email", email),
                    ("password", PASSWORD),
                    ("confirmation", PASSWORD),
                ],
            )
            .await;
        let cookies = page.set_cookies();
        let home = browser.follow(&page).await;
        (page.status, page.location(), cookies.len(), home)
    };
    let (new_status, new_location, new_cookies, new_home) =
        register("newbie", "newbie@example.com").await;
    let (taken_status, taken_location, taken_cookies, taken_home) =
        register("intruder", "KAREN@example.com").await;
    assert_eq!((new_status, &new_location), (303, &Some("/".into())));
    assert_eq!(
        (taken_status, taken_location, taken_cookies),
        (new_status, new_location, new_cookies)
    );
    let flash = |page: &crate::common::Page| page.texts(".flash").join(" ");
    assert_eq!(
        flash(&taken_home)
            .replace("KAREN@example.com", "Y")
            .replace("intruder", "X"),
        flash(&new_home)
            .replace("newbie@example.com", "Y")
            .replace("newbie", "X"),
    );
    assert!(
        !taken_home.text().contains("already"),
        "{}",
        taken_home.text()
    );

    // No account was made; the owner is told, once an hour however often it is tried.
    let mut conn = app.conn().await;
    {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::users;
        let names: Vec<String> = users::table
            .select(users::username)
            .order(users::username)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(names, vec!["karen", "newbie"]);
    }
    register("intruder2", "karen@example.com").await;
    assert_eq!(
        mail_kinds(&app, "karen@example.com").await,
        vec!["address-in-use"]
    );
    assert_eq!(
        mail_kinds(&app, "newbie@example.com").await,
        vec!["confirm"]
    );
    let link = app
        .mailed_link("karen@example.com", "/password/forgot")
        .await;
    assert_eq!(link, "/password/forgot");
}

#[actix_web::test]
async fn a_member_wide_unsubscribe_link_expires() {
    use parley::notify::signing::{self, Target};
    let app = TestApp::spawn().await;
    let karen = app.account("karen", Role::Member).await;
    let mut conn = app.conn().await;
    let key = parley::notify::store::signing_key(&mut conn).await.unwrap();
    let today = chrono::Utc::now().timestamp() / 86_400;
    let old = signing::token_issued(&key, Target::Member(karen), today - 61);
    let visitor = app.browser();
    for page in [
        visitor.get(&format!("/unsubscribe/{old}")).await,
        visitor.post(&format!("/unsubscribe/{old}"), &[]).await,
    ] {
        assert_eq!(page.status, 410);
        assert!(page.text().contains("no longer works"), "{}", page.text());
    }
    let recent = signing::token_issued(&key, Target::Member(karen), today - 59);
    let done = visitor.post(&format!("/unsubscribe/{recent}"), &[]).await;
    assert_eq!(done.status, 200);
}

#[actix_web::test]
async fn look_alike_user_names_are_refused() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use parley::db::schema::users;
    let app = TestApp::spawn().await;
    app.account("maria", Role::Moderator).await;
    for look_alike in ["m\u{0430}ria", "rnaria", "\u{ff4d}aria"] {
        let browser = app.browser();
        browser.get("/register").await;
        let page = browser
            .post(
                "/register",
                &[
                    ("username", look_alike),
                    ("email", "impostor@example.com"),
                    ("password", PASSWORD),
                    ("confirmation", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{look_alike}");
        let error = page.field_error("username").unwrap_or_default();
        assert!(error.contains("looks too much like"), "{error}");
        assert!(error.contains("\"maria\""), "{error}");
        assert_eq!(
            page.attr("#f-username", "value").as_deref(),
            Some(look_alike)
        );
    }
    // A name that only differs is welcome.
    app.member("mario").await;

    // Accounts from before skeletons were kept get theirs at start-up; of two older
    // look-alikes the older keeps it, and neither account is touched otherwise.
    let mut conn = app.conn().await;
    diesel::update(users::table)
        .set(users::name_skeleton.eq(None::<String>))
        .execute(&mut conn)
        .await
        .unwrap();
    let old = app.account("bi11", Role::Member).await;
    diesel::update(users::table.find(old))
        .set(users::name_skeleton.eq(None::<String>))
        .execute(&mut conn)
        .await
        .unwrap();
    let filled = parley::accounts::registration::fill_name_skeletons(&mut conn)
        .await
        .unwrap();
    assert_eq!(filled, 3, "maria, mario and bi11");
    assert_eq!(
        parley::accounts::registration::fill_name_skeletons(&mut conn)
            .await
            .unwrap(),
        0
    );
    let refused = app.browser();
    refused.get("/register").await;
    let page = refused
        .post(
            "/register",
            &[
                ("username", "biII"),
                ("email", "bill@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
}

#[actix_web::test]
async fn a_quote_with_words_its_post_lacks_is_not_shown_as_that_post() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Moderator).await;
    let mallory = app.account("mallory", Role::Member).await;
    let (thread, opening) = app
        .thread(forum, karen, "Refunds", "Refunds take a week.\n\nBe kind.")
        .await;
    app.reply(
        thread,
        mallory,
        &format!("[quote=karen post={opening}]\nRefunds are never given.\n[/quote]\nSee?"),
    )
    .await;
    app.reply(
        thread,
        mallory,
        &format!("[quote=karen post={opening}]\nBe kind.\n[/quote]\nAgreed."),
    )
    .await;
    let browser = app.browser();
    let page = browser
        .follow(&browser.get(&format!("/t/{thread}")).await)
        .await;
    let heads = page.texts("article.post blockquote.quote .quote-head");
    assert_eq!(
        heads,
        vec!["karen wrote:", "karen wrote:"],
        "{}",
        page.text()
    );
    let links = page.texts("article.post blockquote.quote .quote-head a");
    assert_eq!(links, vec!["karen wrote:"], "only the true quote links");
    assert_eq!(
        page.attr("article.post blockquote.quote .quote-head a", "href"),
        Some(format!("/p/{opening}"))
    );
    let forged = page.texts("article.post:nth-of-type(2) blockquote.quote .quote-head a");
    assert!(forged.is_empty(), "the made-up quote carries no link");
}

#[actix_web::test]
async fn a_new_members_edit_with_a_link_waits_for_approval_like_a_post() {
    let app = TestApp::spawn_with(|s| s.approval = "links".into()).await;
    let forum = app.forum("angry-customers").await;
    let owner = app.account("owner", Role::Member).await;
    let (thread, _) = app.thread(forum, owner, "Refunds", "How long?").await;
    let newbie = app.member("newbie").await;
    let reply = newbie
        .fill(
            &format!("/t/{thread}/reply"),
            &format!("/t/{thread}/reply"),
            &[("body", "A week, in my experience."), ("action", "post")],
        )
        .await;
    assert_eq!(reply.status, 303, "a post without a link is published");
    let post: i64 = {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::posts;
        posts::table
            .filter(posts::position.eq(2))
            .select(posts::id)
            .first(&mut app.conn().await)
            .await
            .unwrap()
    };
    let edit = format!("/p/{post}/edit");
    let public = || async {
        let browser = app.browser();
        let page = browser.get(&format!("/t/{thread}")).await;
        browser.follow(&page).await.text()
    };

    // The link edited in waits; everyone else still reads the published text.
    let spam = "A week. Cheap refunds at https://spam.example";
    let saved = newbie
        .fill(&edit, &edit, &[("body", spam), ("action", "post")])
        .await;
    assert_eq!(saved.status, 303);
    let permalink = newbie.follow(&saved).await;
    let shown = newbie.follow(&permalink).await.text();
    assert!(shown.contains("waits for a moderator"), "{shown}");
    let text = public().await;
    assert!(text.contains("A week, in my experience.") && !text.contains("spam.example"));
    let form = newbie.get(&edit).await;
    assert_eq!(
        form.texts("#f-body"),
        vec![spam],
        "the author finds the waiting text"
    );
    assert!(form.text().contains("waits for a moderator's approval"));

    // The moderator sees both texts and approves: the post shows the edit now.
    app.account("mod", Role::Moderator).await;
    let staff = app.logged_in("mod").await;
    let queue = staff.get("/mod/queue").await;
    assert_eq!(
        queue.texts(".held-edit .published"),
        vec!["A week, in my experience."]
    );
    assert_eq!(queue.texts(".held-edit .edited").len(), 1);
    let decided = staff
        .post(&format!("/mod/queue/edit/{post}"), &[("action", "approve")])
        .await;
    assert_eq!(decided.status, 303);
    assert!(public().await.contains("spam.example"));
    assert!(staff.get("/mod/queue").await.texts(".held-edit").is_empty());

    // A second such edit turned down: the post keeps its text, the author learns why.
    let again = "Now at https://other.example";
    newbie
        .fill(&edit, &edit, &[("body", again), ("action", "post")])
        .await;
    staff.get("/mod/queue").await;
    let decided = staff
        .post(
            &format!("/mod/queue/edit/{post}"),
            &[("action", "reject"), ("reason", "No advertising")],
        )
        .await;
    assert_eq!(decided.status, 303);
    assert!(!public().await.contains("other.example"));
    let form = newbie.get(&edit).await;
    assert!(
        form.text().contains("did not approve your edit"),
        "{}",
        form.text()
    );
    assert!(form.text().contains("No advertising"));
    // Approving what was turned down is refused.
    let late = staff
        .post(&format!("/mod/queue/edit/{post}"), &[("action", "approve")])
        .await;
    assert_eq!(late.status, 409);

    // An edit without a link is applied at once, and the turned-down one is forgotten.
    let plain = newbie
        .fill(
            &edit,
            &edit,
            &[("body", "About a week."), ("action", "post")],
        )
        .await;
    assert_eq!(plain.status, 303);
    assert!(public().await.contains("About a week."));
    assert!(!newbie.get(&edit).await.text().contains("did not approve"));
}
