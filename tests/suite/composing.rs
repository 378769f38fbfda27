//! The composer beyond posting: drafts kept on the server (across a restart), "Quote
//! several", quotes that say "edited since", the allowed inline HTML, and "@" names.

use crate::common::TestApp;

#[actix_web::test]
async fn a_reply_draft_survives_a_restart_and_posting_removes_it() {
    let app = TestApp::spawn().await;
    let (thread, _) = app
        .karens_thread("calls", "Angry callers", "How do you calm them?")
        .await;
    let bob = app.member("bobby").await;
    let reply = format!("/t/{thread}/reply");
    let text = "First listen, then repeat back what you heard, then";
    // Without JavaScript: the "Save draft" button.
    let saved = bob
        .fill(&reply, &reply, &[("body", text), ("action", "draft")])
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert!(saved.text().contains("Draft saved."));
    assert_eq!(saved.texts("textarea[name=body]"), [text]);

    // The server goes away and comes back.
    let database = app.database_url.clone();
    drop(app);
    let app = TestApp::spawn_on(&database, |_| {}).await;
    let bob = bob.at(&app.base);
    let page = bob.get(&format!("/t/{thread}/angry-callers")).await;
    assert_eq!(page.texts(".reply-box textarea[name=body]"), [text]);
    let form = bob.get(&reply).await;
    assert_eq!(form.texts("textarea[name=body]"), [text]);
    assert!(form.texts("button").iter().any(|b| b == "Discard draft"));
    let list = bob.get("/drafts").await;
    assert!(
        list.text().contains("Reply to Angry callers"),
        "{}",
        list.text()
    );
    assert!(list.text().contains("First listen"));

    let finished = format!("{text} offer the next step.");
    let posted = bob.fill(&reply, &reply, &[("body", &finished)]).await;
    assert_eq!(posted.status, 303, "{}", posted.text());
    assert!(
        bob.get("/drafts")
            .await
            .text()
            .contains("You have no drafts.")
    );
    assert!(bob.get(&reply).await.texts("textarea[name=body]") == [String::new()]);
}

#[actix_web::test]
async fn new_thread_drafts_are_kept_by_the_script_and_can_be_discarded() {
    let app = TestApp::spawn().await;
    app.forum("calls").await;
    let bob = app.member("bobby").await;
    bob.get("/f/calls/new").await;
    // What the composer's script sends a moment after typing stops.
    let kept = bob
        .post(
            "/drafts/save",
            &[
                ("forum", "calls"),
                ("title", "Scripts for refunds"),
                ("body", "I am collecting"),
            ],
        )
        .await;
    assert_eq!(kept.status, 204, "{}", kept.text());
    let form = bob.get("/f/calls/new").await;
    assert_eq!(
        form.attr("#f-title", "value").as_deref(),
        Some("Scripts for refunds")
    );
    assert_eq!(form.texts("textarea[name=body]"), ["I am collecting"]);
    assert_eq!(
        form.attr("form.composer", "data-draft-forum").as_deref(),
        Some("calls")
    );
    // One draft per forum: saving again replaces it.
    bob.post(
        "/drafts/save",
        &[
            ("forum", "calls"),
            ("title", "Scripts for refunds"),
            ("body", "I am collecting scripts"),
        ],
    )
    .await;
    let list = bob.get("/drafts").await;
    assert_eq!(list.texts("ul.drafts li").len(), 1, "{}", list.text());
    // Someone else's session cannot write it, and nobody without a token.
    let other = app.member("dana").await;
    other.get("/").await;
    assert_eq!(
        other
            .post("/drafts/save", &[("forum", "nope"), ("body", "x")])
            .await
            .status,
        404
    );
    let discarded = bob.fill("/drafts", "/drafts/discard", &[]).await;
    assert_eq!(discarded.status, 303);
    assert!(
        bob.get("/drafts")
            .await
            .text()
            .contains("You have no drafts.")
    );
    let form = bob.get("/f/calls/new").await;
    assert_eq!(form.texts("textarea[name=body]"), [String::new()]);

    // Posting the thread removes its draft.
    bob.get("/f/calls/new").await;
    bob.post(
        "/drafts/save",
        &[
            ("forum", "calls"),
            ("title", "Refund scripts"),
            ("body", "Draft text"),
        ],
    )
    .await;
    let posted = bob
        .fill(
            "/f/calls/new",
            "/f/calls/new",
            &[("body", "Here they are.")],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.text());
    assert!(
        bob.get("/drafts")
            .await
            .text()
            .contains("You have no drafts.")
    );
}

#[actix_web::test]
async fn drafts_of_threads_gone_from_view_are_not_listed() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    let (thread, _) = app.karens_thread("calls", "Secret plans", "Shh").await;
    let bob = app.member("bobby").await;
    let reply = format!("/t/{thread}/reply");
    bob.fill(
        &reply,
        &reply,
        &[("body", "my thoughts"), ("action", "draft")],
    )
    .await;
    assert!(bob.get("/drafts").await.text().contains("Secret plans"));
    diesel::update(parley::db::schema::threads::table.find(thread))
        .set(parley::db::schema::threads::hidden.eq(true))
        .execute(&mut app.conn().await)
        .await
        .expect("hide");
    assert!(!bob.get("/drafts").await.text().contains("Secret plans"));
}

#[actix_web::test]
async fn quote_several_quotes_every_ticked_post() {
    let app = TestApp::spawn().await;
    let (thread, first) = app
        .karens_thread("calls", "Hold music", "Is jazz too much?")
        .await;
    let dana_id = app
        .account("dana", parley::accounts::types::Role::Member)
        .await;
    let second = app.reply(thread, dana_id, "Silence is worse.").await;
    let bob = app.member("bobby").await;
    let page = bob.get(&format!("/t/{thread}/hold-music")).await;
    assert_eq!(
        page.attr("input[name=quote][type=checkbox]", "form")
            .as_deref(),
        Some("quote-several")
    );
    assert_eq!(
        page.attr("form#quote-several", "action").as_deref(),
        Some(format!("/t/{thread}/reply").as_str())
    );
    // What the browser asks for when both are ticked and the button pressed.
    let form = bob
        .get(&format!("/t/{thread}/reply?quote={first}&quote={second}"))
        .await;
    let body = form.texts("textarea[name=body]").join("");
    assert!(
        body.contains(&format!(
            "[quote=karen post={first}] Is jazz too much? [/quote]"
        )),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "[quote=dana post={second}] Silence is worse. [/quote]"
        )),
        "{body}"
    );
}

#[actix_web::test]
async fn a_quote_of_a_post_edited_since_says_so() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    let (thread, first) = app
        .thread(forum, karen_id, "Refund policy", "Refunds take 5 days.")
        .await;
    let bob = app.member("bobby").await;
    let reply = format!("/t/{thread}/reply?quote={first}");
    let posted = bob.fill(&reply, &format!("/t/{thread}/reply"), &[]).await;
    assert_eq!(posted.status, 303, "{}", posted.text());
    let path = format!("/t/{thread}/refund-policy");
    assert!(!bob.get(&path).await.text().contains("edited since"));

    let edit = format!("/p/{first}/edit");
    let edited = karen
        .fill(&edit, &edit, &[("body", "Refunds take 3 days now.")])
        .await;
    assert_eq!(edited.status, 303, "{}", edited.text());
    let page = app.browser().get(&path).await;
    assert_eq!(page.texts(".quote-head .quote-edited"), ["(edited since)"]);
    // A quote made after the edit is current.
    let again = bob.fill(&reply, &format!("/t/{thread}/reply"), &[]).await;
    assert_eq!(again.status, 303);
    let page = app.browser().get(&path).await;
    assert_eq!(page.texts(".quote-head .quote-edited").len(), 1);
}

#[actix_web::test]
async fn the_allowed_html_tags_render_and_the_help_lists_them() {
    let app = TestApp::spawn().await;
    let (thread, _) = app.karens_thread("calls", "Markup", "Try it").await;
    let bob = app.member("bobby").await;
    let reply = format!("/t/{thread}/reply");
    let form = bob.get(&reply).await;
    let help = form.texts("#markup-help li").join(" ");
    assert!(
        help.contains("<strong>") && help.contains("<a href=\"\" title=\"\">"),
        "{help}"
    );
    let body = "Use <strong>this</strong> <a href=\"https://example.com\" title=\"Guide\">guide</a>, <s>not that</s>. <img src=x onerror=alert(1)>";
    bob.fill(&reply, &reply, &[("body", body)]).await;
    let page = app.browser().get(&format!("/t/{thread}/markup")).await;
    assert_eq!(page.texts(".post .body strong"), ["this"]);
    assert_eq!(
        page.attr(".post .body a[title=Guide]", "href").as_deref(),
        Some("https://example.com")
    );
    assert_eq!(page.texts(".post .body s"), ["not that"]);
    assert!(
        page.text().contains("<img src=x onerror=alert(1)>"),
        "shown as text"
    );
    assert!(!page.body.contains("<img src=\"x\""));
}

#[actix_web::test]
async fn at_names_are_suggested_to_members() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    app.member("karl.m").await;
    app.member("dana").await;
    let bob = app.member("bobby").await;
    let names = bob.get("/members/names?q=KAR").await;
    assert_eq!(names.status, 200);
    let mut found: Vec<String> = serde_json::from_str(&names.body).expect("JSON");
    found.sort();
    assert_eq!(found, ["karen", "karl.m"]);
    let none: Vec<String> =
        serde_json::from_str(&bob.get("/members/names?q=%25").await.body).expect("JSON");
    assert!(none.is_empty(), "a % is a letter, not a wildcard");
    let visitor = app.browser().get("/members/names?q=ka").await;
    assert_ne!(visitor.status, 200);
}
