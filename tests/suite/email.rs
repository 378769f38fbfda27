//! E-mail end to end, through a real SMTP server started in the test.

use crate::common::smtp::SmtpSink;
use crate::common::{Browser, PASSWORD, Page, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{email_tokens, notification_events, outbox, subscriptions, users};
use parley::ids::{ThreadId, UserId};
use parley::notify::mailer::Mailer;

async fn confirmed_member(app: &TestApp, name: &str) -> UserId {
    app.account(name, Role::Member).await
}

async fn watch(app: &TestApp, user: UserId, thread: i64, mode: &str) {
    let mut conn = app.conn().await;
    parley::notify::store::subscribe(
        &mut conn,
        user,
        Some(ThreadId(thread)),
        None,
        mode.parse().unwrap(),
    )
    .await
    .unwrap();
}

/// Starts a thread as `browser` (with "notify me" ticked) and returns its id.
async fn start_thread(browser: &Browser, title: &str, body: &str) -> i64 {
    let page = browser
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", title),
                ("body", body),
                ("notify", "on"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.text());
    let landing = browser.follow(&browser.follow(&page).await).await;
    let action = landing.attr("form[action$='/reply']", "action").unwrap();
    action
        .trim_start_matches("/t/")
        .trim_end_matches("/reply")
        .parse()
        .unwrap()
}

async fn reply(browser: &Browser, thread: i64, body: &str) -> Page {
    let action = format!("/t/{thread}/reply");
    let page = browser
        .fill(&action, &action, &[("body", body), ("action", "post")])
        .await;
    assert_eq!(page.status, 303, "{}", page.text());
    page
}

#[actix_web::test]
async fn registration_is_confirmed_through_the_link_in_the_mail() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    let browser = app.browser();
    browser.get("/register").await;
    let page = browser
        .post(
            "/register",
            &[
                ("username", "karen"),
                ("email", "karen@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let home = browser.follow(&page).await;
    assert!(
        home.text().contains("We sent a link to karen@example.com"),
        "{}",
        home.text()
    );
    assert!(home.text().contains("Log in"), "registering logs nobody in");

    // Logged in with the password before confirming: reading yes, posting no (and the
    // text is kept).
    assert_eq!(browser.log_in("karen", PASSWORD).await.status, 303);
    let home = browser.get("/").await;
    assert!(
        home.text().contains("Please confirm your e-mail address"),
        "{}",
        home.text()
    );
    let refused = browser
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Too early"),
                ("body", "My words"),
                ("action", "post"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .field_error("body")
            .unwrap()
            .contains("confirm your e-mail address")
    );
    assert_eq!(
        refused.attr("#f-title", "value").as_deref(),
        Some("Too early")
    );

    assert_eq!(app.deliver(&mailer).await.sent, 1);
    let mail = smtp
        .to("karen@example.com")
        .pop()
        .expect("a confirmation mail");
    assert!(mail.is_multipart_alternative());
    assert_eq!(mail.subject(), "[Parley] Confirm your e-mail address");
    assert_eq!(
        mail.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let link = mail.link(&app.base, "/confirm/").expect("a link");
    assert!(mail.html().contains(&format!("{}{link}", app.base)));

    let confirmed = browser.get(&link).await;
    assert_eq!(confirmed.status, 303);
    let home = browser.follow(&confirmed).await;
    assert!(home.text().contains("Your e-mail address is confirmed."));
    assert!(!home.text().contains("Please confirm"));
    assert_eq!(browser.get(&link).await.status, 404, "single use");

    // Tokens are stored hashed.
    let mut conn = app.conn().await;
    let hashes: Vec<Vec<u8>> = email_tokens::table
        .select(email_tokens::token_hash)
        .load(&mut conn)
        .await
        .unwrap();
    let token = link.trim_start_matches("/confirm/");
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 32 && h.as_slice() != token.as_bytes())
    );
}

#[actix_web::test]
async fn a_confirmation_link_expires_and_resending_is_rate_limited() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    browser.get("/register").await;
    browser
        .post(
            "/register",
            &[
                ("username", "karen"),
                ("email", "karen@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(browser.log_in("karen", PASSWORD).await.status, 303);
    let link = app.mailed_link("karen@example.com", "/confirm/").await;
    let mut conn = app.conn().await;
    diesel::update(email_tokens::table)
        .set(email_tokens::expires_at.eq(chrono::Utc::now() - chrono::Duration::minutes(1)))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(browser.get(&link).await.status, 404);

    browser.get("/").await;
    let first = browser.post("/confirm/resend", &[]).await;
    assert_eq!(first.status, 303);
    let again = browser.post("/confirm/resend", &[]).await;
    assert_eq!(again.status, 429);
    assert!(again.text().contains("try again in two minutes"));
    let fresh = app.mailed_link("karen@example.com", "/confirm/").await;
    assert_ne!(fresh, link);
    assert_eq!(browser.get(&fresh).await.status, 303);
}

#[actix_web::test]
async fn password_reset_answers_alike_and_revokes_every_session() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    confirmed_member(&app, "karen").await;
    let laptop = app.logged_in("karen").await;

    let visitor = app.browser();
    let known = visitor
        .fill(
            "/password/forgot",
            "/password/forgot",
            &[("email", "KAREN@example.com")],
        )
        .await;
    let unknown = visitor
        .fill(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.location(), unknown.location());
    let known_page = visitor.follow(&known).await.text();
    assert!(known_page.contains("If an account uses this address"));

    app.deliver(&mailer).await;
    assert!(smtp.to("nobody@example.com").is_empty());
    let mail = smtp.to("karen@example.com").pop().expect("reset mail");
    assert_eq!(mail.subject(), "[Parley] Reset your password");
    let link = mail.link(&app.base, "/password/reset/").unwrap();

    let form = visitor.get(&link).await;
    assert_eq!(form.status, 200);
    let weak = visitor
        .post(&link, &[("password", "short"), ("confirmation", "short")])
        .await;
    assert_eq!(weak.status, 422);
    let new_password = "a completely new passphrase";
    let done = visitor
        .post(
            &link,
            &[("password", new_password), ("confirmation", new_password)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(
        !laptop.get("/").await.text().contains("Logged in as karen"),
        "old sessions are gone"
    );
    assert_eq!(app.browser().log_in("karen", PASSWORD).await.status, 422);
    assert_eq!(
        app.browser().log_in("karen", new_password).await.status,
        303
    );
    assert_eq!(visitor.get(&link).await.status, 404, "single use");

    // A link is valid for one hour only.
    visitor
        .fill(
            "/password/forgot",
            "/password/forgot",
            &[("email", "karen@example.com")],
        )
        .await;
    let second = app
        .mailed_link("karen@example.com", "/password/reset/")
        .await;
    let mut conn = app.conn().await;
    diesel::update(email_tokens::table.filter(email_tokens::used_at.is_null()))
        .set(email_tokens::expires_at.eq(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(visitor.get(&second).await.status, 404);
}

#[actix_web::test]
async fn watchers_get_one_mail_each_the_author_none_and_no_floods() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    let karen = app.logged_in("karen").await;
    let thread = start_thread(
        &karen,
        "Refund delays",
        "How do you explain a refund delay?",
    )
    .await;
    let bob = confirmed_member(&app, "bob").await;
    let carol = confirmed_member(&app, "carol").await;
    watch(&app, bob, thread, "immediate").await;
    watch(&app, carol, thread, "immediate").await;
    confirmed_member(&app, "dave").await;
    let dave = app.logged_in("dave").await;
    app.deliver(&mailer).await;
    assert!(
        smtp.received().is_empty(),
        "nobody watches the forum: no mail for a new thread"
    );

    reply(&dave, thread, "Say **when**, not why.").await;
    let done = app.deliver(&mailer).await;
    assert_eq!((done.events, done.sent), (1, 3));
    for name in ["karen", "bob", "carol"] {
        let mails = smtp.to(&format!("{name}@example.com"));
        assert_eq!(mails.len(), 1, "{name}");
        let mail = &mails[0];
        assert_eq!(mail.subject(), "[Parley] Re: Refund delays");
        assert!(mail.is_multipart_alternative());
        assert!(mail.text().contains("dave replied in \"Refund delays\""));
        assert!(
            mail.text().contains("Say when, not why."),
            "rendered text, no markup: {}",
            mail.text()
        );
        assert!(mail.text().contains("because you watch this thread"));
        let permalink = mail.link(&app.base, "/p/").unwrap();
        assert_eq!(app.browser().get(&permalink).await.status, 302);
        let host = "127.0.0.1";
        assert!(
            mail.header("Message-ID")
                .unwrap()
                .ends_with(&format!("@{host}")),
            "{:?}",
            mail.header("Message-ID")
        );
        assert_eq!(
            mail.header("In-Reply-To").unwrap(),
            format!("thread-{thread}@{host}")
        );
        assert_eq!(
            mail.header("References").unwrap(),
            format!("thread-{thread}@{host}")
        );
        assert!(
            mail.header("List-Unsubscribe")
                .unwrap()
                .contains("/unsubscribe/")
        );
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let raw = String::from_utf8_lossy(&mail.raw).to_string();
        for other in ["karen", "bob", "carol", "dave"]
            .iter()
            .filter(|o| **o != name)
        {
            assert!(
                !raw.contains(&format!("{other}@example.com")),
                "{other}'s address leaked to {name}"
            );
        }
    }
    assert!(
        smtp.to("dave@example.com").is_empty(),
        "authors get nothing about their own posts"
    );

    // No flood: a second reply mails nobody who has not visited since.
    reply(&dave, thread, "And another thing.").await;
    assert_eq!(app.deliver(&mailer).await.sent, 0);
    // Karen visits the thread; the next reply mails her again, and only her.
    karen.get(&format!("/t/{thread}")).await;
    karen.get(&format!("/t/{thread}/refund-delays")).await;
    reply(&dave, thread, "Third.").await;
    assert_eq!(app.deliver(&mailer).await.sent, 1);
    assert_eq!(smtp.to("karen@example.com").len(), 2);

    // Two replies expanded in one round still mail a watcher once.
    let bob = app.logged_in("bob").await;
    bob.get(&format!("/t/{thread}/refund-delays")).await;
    reply(&dave, thread, "Fourth.").await;
    reply(&dave, thread, "Fifth.").await;
    let done = app.deliver(&mailer).await;
    assert_eq!((done.events, done.sent), (2, 1), "one round, one mail");
    assert_eq!(smtp.to("bob@example.com").len(), 2);
}

#[actix_web::test]
async fn quoted_and_mentioned_members_are_told_and_hidden_posts_send_nothing() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    confirmed_member(&app, "bob").await;
    confirmed_member(&app, "carol").await;
    let karen = app.logged_in("karen").await;
    let bob = app.logged_in("bob").await;
    let page = karen
        .fill(
            "/f/angry-customers/new",
            "/f/angry-customers/new",
            &[
                ("title", "Scripts"),
                ("body", "Do scripts help?"),
                ("action", "post"),
            ],
        )
        .await;
    let landing = karen.follow(&karen.follow(&page).await).await;
    let first_post = landing.attr("article.post", "id").unwrap()[1..].to_string();
    let thread: i64 = landing
        .attr("form[action$='/reply']", "action")
        .unwrap()
        .trim_start_matches("/t/")
        .trim_end_matches("/reply")
        .parse()
        .unwrap();
    app.deliver(&mailer).await;

    let action = format!("/t/{thread}/reply");
    let quoted = bob
        .fill(
            &format!("{action}?quote={first_post}"),
            &action,
            &[("action", "post")],
        )
        .await;
    assert_eq!(quoted.status, 303);
    let form_body = format!(
        "[quote=karen post={first_post}]\nDo scripts help?\n[/quote]\nThey do, ask @carol too."
    );
    bob.fill(
        &action,
        &action,
        &[("body", &form_body), ("action", "post")],
    )
    .await;
    app.deliver(&mailer).await;
    let to_karen = smtp.to("karen@example.com");
    assert!(!to_karen.is_empty());
    assert!(
        to_karen
            .iter()
            .all(|m| m.subject() == "[Parley] bob quoted you in: Scripts"),
        "{:?}",
        to_karen.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    let to_carol = smtp.to("carol@example.com");
    assert_eq!(to_carol.len(), 1);
    assert_eq!(
        to_carol[0].subject(),
        "[Parley] bob mentioned you in: Scripts"
    );
    let page = app.browser().get(&format!("/t/{thread}/scripts")).await;
    assert_eq!(page.attr("a.mention", "href").as_deref(), Some("/u/carol"));

    // A post hidden before the worker runs notifies nobody.
    let before = smtp.received().len();
    let reply_page = bob
        .fill(
            &action,
            &action,
            &[("body", "Ping @carol, then deleted."), ("action", "post")],
        )
        .await;
    let post = reply_page
        .location()
        .unwrap()
        .trim_start_matches("/p/")
        .to_string();
    bob.get("/").await;
    assert_eq!(
        bob.post(&format!("/p/{post}/delete"), &[]).await.status,
        303
    );
    app.deliver(&mailer).await;
    assert_eq!(smtp.received().len(), before);
}

#[actix_web::test]
async fn forum_watchers_hear_of_new_threads_and_buttons_watch_without_posting() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    confirmed_member(&app, "bob").await;
    let bob = app.logged_in("bob").await;
    let forum = bob.get("/f/angry-customers").await;
    assert!(forum.text().contains("Watch this forum"));
    let watched = bob
        .post("/f/angry-customers/watch", &[("action", "watch")])
        .await;
    assert_eq!(watched.status, 303);
    assert!(
        bob.follow(&watched)
            .await
            .text()
            .contains("Stop watching this forum")
    );

    let karen = app.logged_in("karen").await;
    let thread = start_thread(&karen, "Hold music", "Which hold music annoys least?").await;
    app.deliver(&mailer).await;
    let mails = smtp.to("bob@example.com");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject(),
        "[Parley] New thread in Handling angry customers: Hold music"
    );

    // Watching a thread by its button, then stopping from the settings page.
    let page = bob.get(&format!("/t/{thread}/hold-music")).await;
    assert!(page.text().contains("Watch this thread"));
    bob.post(&format!("/t/{thread}/watch"), &[("action", "watch")])
        .await;
    let settings = bob.get("/settings").await;
    assert!(
        settings.text().contains("Thread Hold music")
            && settings.text().contains("Forum Handling angry customers"),
        "{}",
        settings.text()
    );
    let mut conn = app.conn().await;
    let sub: i64 = subscriptions::table
        .inner_join(users::table)
        .filter(subscriptions::thread_id.eq(thread))
        .filter(users::username.eq("bob"))
        .select(subscriptions::id)
        .first(&mut conn)
        .await
        .unwrap();
    let stopped = bob
        .post(
            &format!("/settings/subscriptions/{sub}"),
            &[("mode", "immediate"), ("action", "stop")],
        )
        .await;
    assert_eq!(stopped.status, 303);
    assert!(
        !bob.get("/settings")
            .await
            .text()
            .contains("Thread Hold music")
    );
}

#[actix_web::test]
async fn daily_digests_collect_replies_into_one_mail() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    let carol = confirmed_member(&app, "carol").await;
    let karen = app.logged_in("karen").await;
    let thread = start_thread(&karen, "Shift swaps", "How do you handle shift swaps?").await;
    watch(&app, carol, thread, "daily").await;
    confirmed_member(&app, "dave").await;
    let dave = app.logged_in("dave").await;
    reply(&dave, thread, "A shared calendar.").await;
    reply(&dave, thread, "And a rule: swaps need a manager's yes.").await;
    app.deliver(&mailer).await;
    let digests = smtp.to("carol@example.com");
    assert_eq!(digests.len(), 1, "one digest, not one mail per reply");
    let digest = &digests[0];
    assert_eq!(digest.subject(), "[Parley] Your daily digest: 2 new posts");
    assert!(
        digest.text().contains("A shared calendar.")
            && digest.text().contains("swaps need a manager")
    );
    assert!(digest.header("List-Unsubscribe").is_some());

    // The next one waits a day.
    reply(&dave, thread, "Late addition.").await;
    app.deliver(&mailer).await;
    assert_eq!(smtp.to("carol@example.com").len(), 1);
    let mut conn = app.conn().await;
    diesel::update(users::table.filter(users::id.eq(carol)))
        .set(users::digest_sent_at.eq(Some(chrono::Utc::now() - chrono::Duration::hours(25))))
        .execute(&mut conn)
        .await
        .unwrap();
    app.deliver(&mailer).await;
    let digests = smtp.to("carol@example.com");
    assert_eq!(digests.len(), 2);
    assert!(digests[1].text().contains("Late addition."));
}

#[actix_web::test]
async fn unsubscribe_links_work_by_page_and_by_one_click_post() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    let bob = confirmed_member(&app, "bob").await;
    let carol = confirmed_member(&app, "carol").await;
    let karen = app.logged_in("karen").await;
    let thread = start_thread(&karen, "Unsubscribing", "Text").await;
    watch(&app, bob, thread, "immediate").await;
    watch(&app, carol, thread, "immediate").await;
    confirmed_member(&app, "dave").await;
    let dave = app.logged_in("dave").await;
    reply(&dave, thread, "A reply.").await;
    app.deliver(&mailer).await;

    // Bob: the page, then its button (no log-in).
    let bob_link = smtp.to("bob@example.com")[0]
        .link(&app.base, "/unsubscribe/")
        .unwrap();
    let visitor = app.browser();
    let page = visitor.get(&bob_link).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text()
            .contains("Stop mail about this thread or forum?")
    );
    let mut conn = app.conn().await;
    let before: i64 = subscriptions::table
        .filter(subscriptions::user_id.eq(bob))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(before, 1, "GET changes nothing");
    let done = visitor.post(&bob_link, &[]).await;
    assert_eq!(done.status, 200);
    assert!(done.text().contains("you will get no more mail"));

    // Carol: the RFC 8058 one-click POST a mail client sends from the header.
    let header = smtp.to("carol@example.com")[0]
        .header("List-Unsubscribe")
        .unwrap();
    let url = header.clone();
    let response = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let left: i64 = subscriptions::table
        .filter(subscriptions::user_id.eq_any([bob, carol]))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);

    // Forged or altered tokens do nothing.
    let forged = bob_link.replace(".", ".x");
    assert_eq!(visitor.get(&forged).await.status, 404);
    assert_eq!(
        visitor
            .post("/unsubscribe/s1.AAAAAAAAAAAAAAAAAAAAAA", &[])
            .await
            .status,
        404
    );
    karen.get(&format!("/t/{thread}/unsubscribing")).await;
    reply(&dave, thread, "Anyone?").await;
    let before = smtp.received().len();
    app.deliver(&mailer).await;
    assert_eq!(
        smtp.received().len() - before,
        1,
        "only karen is still watching"
    );
}

#[actix_web::test]
async fn a_down_smtp_server_delays_mail_and_loses_none() {
    let app = TestApp::spawn().await;
    // A port with nothing listening: every try fails at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = (*app.state.settings).clone();
    settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let mailer = Mailer::from_settings(&settings).unwrap();
    for name in ["amy", "ben", "cat"] {
        let browser = app.browser();
        browser.get("/register").await;
        browser
            .post(
                "/register",
                &[
                    ("username", name),
                    ("email", &format!("{name}@example.com")),
                    ("password", PASSWORD),
                    ("confirmation", PASSWORD),
                ],
            )
            .await;
    }
    let round = app.deliver(&mailer).await;
    assert_eq!((round.sent, round.failed), (0, 3));
    let mut conn = app.conn().await;
    let rows: Vec<(i32, chrono::DateTime<chrono::Utc>, Option<String>)> = outbox::table
        .select((
            outbox::attempts,
            outbox::next_attempt_at,
            outbox::last_error,
        ))
        .load(&mut conn)
        .await
        .unwrap();
    for (attempts, next, error) in &rows {
        assert_eq!(*attempts, 1);
        let wait = (*next - chrono::Utc::now()).num_seconds();
        assert!(
            (50..=60).contains(&wait),
            "retried after about a minute: {wait}"
        );
        assert!(error.is_some());
    }

    // The server comes back; once the retry is due, each mail arrives exactly once.
    let smtp = SmtpSink::start_on(port);
    assert_eq!(
        app.deliver(&mailer).await.sent,
        0,
        "not before the retry is due"
    );
    diesel::update(outbox::table)
        .set(outbox::next_attempt_at.eq(chrono::Utc::now()))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(app.deliver(&mailer).await.sent, 3);
    app.deliver(&mailer).await;
    assert_eq!(smtp.received().len(), 3);
    for name in ["amy", "ben", "cat"] {
        assert_eq!(smtp.to(&format!("{name}@example.com")).len(), 1);
    }
}

#[actix_web::test]
async fn failed_mail_is_given_up_after_the_last_retry_and_listed_for_admins() {
    let app = TestApp::spawn().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = (*app.state.settings).clone();
    settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let mailer = Mailer::from_settings(&settings).unwrap();
    let browser = app.browser();
    browser.get("/register").await;
    browser
        .post(
            "/register",
            &[
                ("username", "amy"),
                ("email", "amy@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    let mut conn = app.conn().await;
    for _ in 0..6 {
        diesel::update(outbox::table)
            .set(outbox::next_attempt_at.eq(chrono::Utc::now()))
            .execute(&mut conn)
            .await
            .unwrap();
        app.deliver(&mailer).await;
    }
    let (attempts, failed): (i32, Option<chrono::DateTime<chrono::Utc>>) = outbox::table
        .select((outbox::attempts, outbox::failed_at))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(attempts, 6);
    assert!(failed.is_some());

    let admin = app.admin("boss").await;
    let page = admin.get("/admin/mail").await;
    assert!(
        page.text().contains("amy@example.com")
            && page.text().contains("Confirm your e-mail address"),
        "{}",
        page.text()
    );
    let member = app.member("mia").await;
    assert_eq!(member.get("/admin/mail").await.status, 403);
    let id: i64 = outbox::table
        .filter(outbox::failed_at.is_not_null())
        .select(outbox::id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        admin
            .post(&format!("/admin/mail/{id}/retry"), &[])
            .await
            .status,
        303
    );
    let smtp = SmtpSink::start_on(port);
    app.deliver(&mailer).await;
    assert_eq!(smtp.to("amy@example.com").len(), 1);
}

#[actix_web::test]
async fn two_workers_on_one_database_send_each_mail_once() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let other = TestApp::spawn_on(&app.database_url, |_| {}).await;
    let mailer_a = app.mailer_for(&smtp);
    let mailer_b = other.mailer_for(&smtp);
    let mut conn = app.conn().await;
    for i in 0..40 {
        let mail = parley::notify::types::NewMail {
            kind: "test".into(),
            recipient: format!("person{i}@example.com"),
            subject: format!("Mail {i}"),
            body_text: "text".into(),
            body_html: "<p>html</p>".into(),
            headers: String::new(),
        };
        parley::notify::store::enqueue(&mut conn, &mail)
            .await
            .unwrap();
    }
    let (a, b) = tokio::join!(app.deliver(&mailer_a), other.deliver(&mailer_b));
    assert_eq!(a.sent + b.sent, 40);
    let received = smtp.received();
    assert_eq!(received.len(), 40);
    let mut subjects: Vec<String> = received.iter().map(|m| m.subject()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 40, "no mail twice");
}

#[actix_web::test]
async fn fan_out_happens_in_the_worker_not_in_the_request() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mailer = app.mailer_for(&smtp);
    app.forum("angry-customers").await;
    confirmed_member(&app, "karen").await;
    let karen = app.logged_in("karen").await;
    let thread = start_thread(&karen, "Popular", "Everyone watches this").await;
    // Watchers are inserted directly: hashing 150 passwords would only slow the test.
    let mut conn = app.conn().await;
    for i in 0..150 {
        let name = format!("watcher{i}");
        let email = format!("{name}@example.com");
        let new = parley::accounts::store::NewUser {
            username: &name,
            email: &email,
            password_hash: "not-a-login",
            role: Role::Member,
            email_confirmed_at: Some(chrono::Utc::now()),
            name_skeleton: &parley::accounts::validate::name_skeleton(&name),
        };
        let user = parley::accounts::store::insert_user(&mut conn, &new)
            .await
            .unwrap();
        watch(&app, user, thread, "immediate").await;
    }
    drop(conn);
    app.deliver(&mailer).await;
    let mut conn = app.conn().await;
    let queued_before: i64 = outbox::table.count().get_result(&mut conn).await.unwrap();
    reply(&karen, thread, "News for all of you").await;
    let queued_after: i64 = outbox::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(
        queued_after, queued_before,
        "the request queued no mail itself"
    );
    let events: i64 = notification_events::table
        .filter(notification_events::processed_at.is_null())
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(events, 1);
    app.deliver(&mailer).await;
    assert_eq!(smtp.received().len(), 150);
}

#[actix_web::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_path_buf();
    let app = TestApp::spawn_with(|s| s.data_dir = data_dir.clone()).await;
    let mailer = Mailer::from_settings(&app.state.settings).unwrap();
    assert!(matches!(mailer, Mailer::Files(_)));
    let browser = app.browser();
    browser.get("/register").await;
    browser
        .post(
            "/register",
            &[
                ("username", "karen"),
                ("email", "karen@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(app.deliver(&mailer).await.sent, 1);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].path().extension().is_some_and(|e| e == "eml"));
    let raw = std::fs::read(files[0].path()).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("[Parley] Confirm your e-mail address")
    );
    assert!(parsed.body_text(0).unwrap().contains("/confirm/"));
}

#[actix_web::test]
async fn an_smtp_server_that_never_answers_costs_one_try_and_the_mail_comes_later() {
    let app = TestApp::spawn().await;
    // A server that takes every connection and then says nothing at all.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let silent = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        while stop_rx.try_recv().is_err() {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    });
    let mailer = Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        std::time::Duration::from_secs(1),
    )
    .unwrap();
    for name in ["amy", "ben"] {
        app.registered(name).await;
    }
    let started = std::time::Instant::now();
    let round = app.deliver(&mailer).await;
    let took = started.elapsed();
    assert_eq!((round.sent, round.failed), (0, 2));
    assert!(took < std::time::Duration::from_secs(6), "{took:?}");
    let mut conn = app.conn().await;
    let rows: Vec<(i32, Option<String>)> = outbox::table
        .select((outbox::attempts, outbox::last_error))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (attempts, error) in &rows {
        assert_eq!(*attempts, 1, "one try, kept for a retry");
        assert!(error.is_some());
    }

    // A server that answers, once the retry is due: both mails arrive, once each.
    stop_tx.send(()).unwrap();
    silent.join().unwrap();
    let smtp = SmtpSink::start_on(port);
    diesel::update(outbox::table)
        .set(outbox::next_attempt_at.eq(chrono::Utc::now()))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(app.deliver(&mailer).await.sent, 2);
    for name in ["amy", "ben"] {
        assert_eq!(smtp.to(&format!("{name}@example.com")).len(), 1);
    }
}
