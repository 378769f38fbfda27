//! Whole conversations in real browsers, each step a click or keystroke a person makes.

use crate::chrome::{Journey, Options, Tab};
use crate::common::smtp::SmtpSink;
use crate::common::{PASSWORD, TestApp};
use parley::accounts::types::Role;

const FORUM: &str = "Handling angry customers";

/// From any page: the forum start, the forum, then the thread called `title`.
async fn find_thread(tab: &Tab, title: &str) {
    tab.follow("Forum start").await;
    tab.follow(FORUM).await;
    tab.follow(title).await;
    tab.expect_text(title).await;
}

#[actix_web::test]
async fn register_start_a_thread_get_quoted_follow_the_mail_and_see_it_locked() {
    let smtp = SmtpSink::start();
    let app = TestApp::spawn().await;
    let mail_worker = app.send_mail_to(&smtp);
    app.forum("angry-customers").await;
    app.account("bob", Role::Member).await;
    app.account("maria", Role::Moderator).await;

    let mut journey = Journey::new("conversation");
    let karen = journey.person("karen", Options::default()).await;
    let bob = journey.person("bob", Options::default()).await;
    let maria = journey.person("maria", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            // Karen registers and confirms her address from the mail she receives.
            karen.open(&format!("{base}/")).await;
            karen.follow("Register").await;
            karen.type_into("User name", "karen").await;
            karen.type_into("E-mail address", "karen@example.com").await;
            karen.type_into("Password", PASSWORD).await;
            karen.type_into("Password again", PASSWORD).await;
            karen.press("Create account").await;
            let mail = smtp
                .wait_for("karen@example.com", "Confirm your e-mail address")
                .await;
            karen.read_mail(&mail.html()).await;
            karen.follow("Confirm my e-mail address").await;
            karen
                .expect_text("Your e-mail address is confirmed. Welcome!")
                .await;

            // She starts a thread.
            karen.follow(FORUM).await;
            karen.follow("New thread").await;
            karen.type_into("Title", "A caller swears at my team").await;
            karen
                .type_into("Message", "How do you end such a call politely?")
                .await;
            karen.press("Post").await;
            karen
                .expect_text("How do you end such a call politely?")
                .await;

            // Bob finds it from the forum start, quotes her and replies.
            bob.open(&format!("{base}/")).await;
            bob.log_in("bob").await;
            find_thread(&bob, "A caller swears at my team").await;
            bob.follow_in("article.post", "Quote").await;
            let quoted = bob.value_of("Message").await;
            assert!(
                quoted.contains("How do you end such a call politely?"),
                "the composer starts with the quote: {quoted:?}"
            );
            bob.type_into(
                "Message",
                &format!("{quoted}\n\nWarn once, then end the call."),
            )
            .await;
            bob.press("Post").await;
            bob.expect_text("Warn once, then end the call.").await;
            bob.expect_text("karen wrote:").await;

            // Karen is told by mail and follows it to the reply.
            let mail = smtp.wait_for("karen@example.com", "quoted you").await;
            karen.read_mail(&mail.html()).await;
            karen.follow("Read the post").await;
            karen.expect_text("Warn once, then end the call.").await;
            assert!(karen.url().await.contains("#p"), "lands on the post itself");
            assert!(karen.has("section.reply-box").await, "she can still reply");

            // A moderator locks the thread; Karen's reply box is gone.
            maria.open(&format!("{base}/")).await;
            maria.log_in("maria").await;
            find_thread(&maria, "A caller swears at my team").await;
            maria
                .script("document.querySelector('details.mod-panel').open = true")
                .await;
            maria.type_into("Reason", "Answered; closing").await;
            maria.press_in("details.mod-panel", "Lock").await;
            maria.expect_text("This thread is locked").await;
            karen.client().refresh().await.expect("reload");
            karen
                .expect_text("This thread is locked: it takes no new replies.")
                .await;
            assert!(
                !karen.has("section.reply-box").await,
                "no reply box any more"
            );
        })
        .await;
    mail_worker.stop().await;
}

#[actix_web::test]
async fn a_report_reaches_the_moderators_and_is_resolved() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    app.account("maria", Role::Moderator).await;
    app.thread(
        forum,
        karen,
        "Cheap watches",
        "Buy cheap watches at my shop!",
    )
    .await;

    let mut journey = Journey::new("report");
    let bob = journey.person("bob", Options::default()).await;
    let maria = journey.person("maria", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            bob.open(&format!("{base}/")).await;
            bob.log_in("bob").await;
            find_thread(&bob, "Cheap watches").await;
            bob.follow_in("article.post", "Report").await;
            bob.choose("Spam or advertising").await;
            bob.type_into(
                "Details (optional, needed for \"something else\")",
                "Advertising a shop",
            )
            .await;
            bob.press("Send the report").await;
            bob.expect_text("Thank you").await;

            maria.open(&format!("{base}/")).await;
            maria.log_in("maria").await;
            maria.follow("Moderation").await;
            maria.follow_in("nav.mod-nav", "Reports").await;
            maria
                .expect_text("Post by karen in \u{201c}Cheap watches\u{201d}")
                .await;
            maria.expect_text("Advertising a shop").await;
            maria.press("Hide post").await;
            maria.expect_text("Reports resolved.").await;
            maria.expect_text("No open reports.").await;
        })
        .await;
}

#[actix_web::test]
async fn a_logged_out_reader_logs_in_from_the_thread_and_keeps_the_draft() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    let (thread, _) = app
        .thread(forum, karen, "Refund loops", "Customers ask three times.")
        .await;

    let mut journey = Journey::new("draft");
    let reader = journey.person("reader", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            reader.open(&format!("{base}/t/{thread}")).await;
            reader.expect_text("Customers ask three times.").await;
            reader
                .type_into("Your reply", "Give one clear answer in writing.")
                .await;
            reader.type_into("User name or e-mail address", "bob").await;
            reader.type_into("Password", PASSWORD).await;
            reader.press_in("section.reply-box", "Log in").await;
            assert_eq!(
                reader.value_of("Message").await,
                "Give one clear answer in writing."
            );
            reader.press("Post").await;
            reader
                .expect_text("Give one clear answer in writing.")
                .await;
            reader.expect_text("Refund loops").await;
        })
        .await;
}

#[actix_web::test]
async fn a_member_typing_a_question_sees_similar_ones_and_finds_the_answer() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let mut conn = app.conn().await;
        diesel::update(parley::db::schema::forums::table.find(forum.0))
            .set(parley::db::schema::forums::questions.eq(true))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let karen = app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    app.thread(
        forum,
        karen,
        "Printer error E-4521 when scanning",
        "It stops.",
    )
    .await;

    let mut journey = Journey::new("similar");
    let bob = journey.person("bob", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            bob.open(&format!("{base}/")).await;
            bob.log_in("bob").await;
            bob.follow(FORUM).await;
            bob.follow("New thread").await;
            // The list comes as the title is typed; nothing is pressed.
            bob.type_into("Title", "printer eror E4521").await;
            bob.expect_text("Similar questions").await;
            bob.follow("Printer error E-4521 when scanning").await;
            bob.expect_text("It stops.").await;
        })
        .await;
}

#[actix_web::test]
async fn a_moderator_inserts_a_canned_reply_without_leaving_the_page() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let maria = app.account("maria", Role::Moderator).await;
    let (thread, _) = app
        .thread(forum, karen, "Refund after ninety days", "Can I?")
        .await;
    {
        let mut conn = app.conn().await;
        parley::canned::store::insert(
            &mut conn,
            "Refund policy",
            "Hello {asker}, after ninety days it is store credit.",
            maria,
        )
        .await
        .expect("canned reply");
    }

    let mut journey = Journey::new("canned");
    let tab = journey.person("maria", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            tab.open(&format!("{base}/")).await;
            tab.log_in("maria").await;
            tab.open(&format!("{base}/t/{thread}/reply")).await;
            tab.type_into("Message", "Thanks for asking.").await;
            // A mark on this page: a round trip would load a new one without it.
            tab.script("window.stayedHere = true; return null;").await;
            tab.press("Insert").await;
            let mut text = String::new();
            for _ in 0..100 {
                text = tab.value_of("Message").await;
                if text.contains("store credit") {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            assert!(
                text.starts_with("Thanks for asking.") && text.contains("Hello karen, after"),
                "{text}"
            );
            assert_eq!(
                tab.script("return window.stayedHere === true;").await,
                serde_json::Value::Bool(true)
            );
            tab.press("Post").await;
            tab.expect_text("Hello karen, after ninety days it is store credit.")
                .await;
        })
        .await;
}
