//! The composer's script in Chromium: a picture dropped on the form and one pasted into the
//! message are uploaded and posted, the text is kept as a draft while typing, and text
//! selected in a post is quoted with its author and a link.

use std::time::Duration;

use crate::chrome::{Journey, Options, Tab};
use crate::common::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;

/// A script that makes a PNG file of `name` in the page (drawn on a canvas) and hands it
/// to the form as `how` would: a drop on the form or a paste into the message.
fn hand_over(name: &str, how: &str, colour: &str) -> String {
    format!(
        r##"
        const canvas = document.createElement("canvas");
        canvas.width = 400; canvas.height = 300;
        const g = canvas.getContext("2d");
        g.fillStyle = "{colour}"; g.fillRect(0, 0, 400, 300);
        g.fillStyle = "#fff"; g.fillText("screenshot", 20, 40);
        const data = atob(canvas.toDataURL("image/png").split(",")[1]);
        const bytes = new Uint8Array(data.length);
        for (let i = 0; i < data.length; i++) {{ bytes[i] = data.charCodeAt(i); }}
        const file = new File([bytes], "{name}", {{ type: "image/png" }});
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const form = document.querySelector("form.composer");
        if ("{how}" === "drop") {{
            form.dispatchEvent(new DragEvent("dragover", {{ dataTransfer: transfer, bubbles: true, cancelable: true }}));
            form.dispatchEvent(new DragEvent("drop", {{ dataTransfer: transfer, bubbles: true, cancelable: true }}));
        }} else {{
            const box = form.querySelector("textarea[name=body]");
            box.focus();
            box.dispatchEvent(new ClipboardEvent("paste", {{ clipboardData: transfer, bubbles: true, cancelable: true }}));
        }}
        return null;
        "##
    )
}

/// Bob logs in from the forum start and opens the reply form of `thread`.
async fn reply_as_bob(tab: &Tab, base: &str, thread: parley::ids::ThreadId) {
    tab.open(&format!("{base}/")).await;
    tab.log_in("bob").await;
    tab.open(&format!("{base}/t/{thread}/reply")).await;
}

async fn wait_for(tab: &Tab, check: &str) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..200 {
        last = tab.script(check).await;
        if last != serde_json::Value::Null && last != serde_json::Value::Bool(false) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("waited in vain for {check}: {last}");
}

#[actix_web::test]
async fn pictures_dropped_and_pasted_into_a_reply_are_posted() {
    let app = TestApp::spawn_with(|s| s.new_member_posts = 0).await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    app.account("bob", Role::Member).await;
    let (thread, _) = app
        .thread(
            forum,
            karen,
            "What does the error look like",
            "Can you show me?",
        )
        .await;

    let mut journey = Journey::new("attachments");
    let tab = journey.person("bob", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            reply_as_bob(&tab, &base, thread).await;
            tab.type_into("Message", "Here are both screens.").await;
            tab.script(&hand_over("dropped.png", "drop", "#1f5f9f")).await;
            wait_for(&tab, "return document.querySelectorAll('#attached li').length === 1;").await;
            tab.script(&hand_over("pasted.png", "paste", "#a4161a")).await;
            wait_for(&tab, "return document.querySelectorAll('#attached li').length === 2;").await;
            let names = tab.text_of("#attached").await;
            assert!(names.contains("dropped.png") && names.contains("pasted.png"), "{names}");
            // The paste added a file, not text.
            assert_eq!(tab.value_of("Message").await, "Here are both screens.");
            tab.press("Post").await;
            tab.expect_text("Here are both screens.").await;
            let shown = wait_for(
                &tab,
                "const imgs = [...document.querySelectorAll('.attachments .pictures img')];
                 return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth === 320) ? imgs.length : null;",
            )
            .await;
            assert_eq!(shown, serde_json::json!(2));
        })
        .await;
}

#[actix_web::test]
async fn selected_text_is_quoted_and_the_reply_is_kept_as_a_draft_while_typing() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let (thread, first) = app
        .thread(
            forum,
            karen,
            "Listening first",
            "Let them finish. The customer is always heard before anything is offered.",
        )
        .await;

    let mut journey = Journey::new("quote-selection");
    let tab = journey.person("bob", Options::default()).await;
    let base = app.base.clone();
    let pool = app.state.pool.clone();
    journey
        .run(async move {
            tab.open(&format!("{base}/")).await;
            tab.log_in("bob").await;
            tab.open(&format!("{base}/t/{thread}/listening-first")).await;
            // Select a few words of Karen's post, as a mouse drag would.
            tab.script(
                r#"
                const p = document.querySelector("article.post .body p");
                const text = p.firstChild;
                const start = text.data.indexOf("The customer");
                const range = document.createRange();
                range.setStart(text, start);
                range.setEnd(text, start + "The customer is always heard".length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return null;
                "#,
            )
            .await;
            wait_for(&tab, "const b = document.querySelector('button.quote-selection'); return b && !b.hidden;").await;
            tab.press("Quote").await;
            let text = tab.value_of("Message").await;
            assert_eq!(text, format!("[quote=karen post={first}]\nThe customer is always heard\n[/quote]\n\n"));

            // Typing on: a moment later the draft is on the server.
            let field = tab.client().find(fantoccini::Locator::Css(".reply-box textarea")).await.expect("box");
            field.send_keys("Agreed, and write it down.").await.expect("type");
            let mut kept = None;
            for _ in 0..100 {
                let mut conn = pool.get().await.expect("connection");
                kept = parley::db::schema::reply_drafts::table
                    .filter(parley::db::schema::reply_drafts::user_id.eq(bob))
                    .select(parley::db::schema::reply_drafts::body)
                    .first::<String>(&mut conn)
                    .await
                    .optional()
                    .expect("query");
                if kept.as_deref().is_some_and(|k| k.ends_with("write it down.")) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(kept.as_deref().is_some_and(|k| k.contains("The customer is always heard")), "{kept:?}");
            wait_for(&tab, "return document.querySelector('#draft-status').textContent.includes('Draft saved');").await;

            tab.press_in(".reply-box", "Post").await;
            tab.expect_text("Agreed, and write it down.").await;
            let head = tab.text_of("article.post:last-of-type .quote-head").await;
            assert_eq!(head, "karen wrote:");
        })
        .await;
}

#[actix_web::test]
async fn at_and_a_few_letters_suggest_members_to_mention() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    app.account("karl.m", Role::Member).await;
    app.account("bob", Role::Member).await;
    let (thread, _) = app
        .thread(forum, karen, "Who knows refunds", "Anyone?")
        .await;

    let mut journey = Journey::new("mentions");
    let tab = journey.person("bob", Options::default()).await;
    let base = app.base.clone();
    journey
        .run(async move {
            reply_as_bob(&tab, &base, thread).await;
            tab.type_into("Message", "Ask @kare").await;
            let offered = wait_for(
                &tab,
                "const list = document.querySelector('#mention-list');
                 return list && !list.hidden ? list.textContent : null;",
            )
            .await;
            assert_eq!(offered, serde_json::json!("@karen"));
            tab.key("\u{e007}").await;
            assert_eq!(tab.value_of("Message").await, "Ask @karen ");
            tab.press("Post").await;
            let link = tab
                .text_of("article.post:last-of-type .body a.mention")
                .await;
            assert_eq!(link, "@karen");
        })
        .await;
}
