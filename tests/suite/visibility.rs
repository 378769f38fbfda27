//! One visibility rule for every way content leaves the server: for each kind of hidden
//! content (a post a moderator hid, a hidden thread, a post and a thread waiting for
//! approval, a staff note), no page, quote, nested quote, search, feed, mail, permalink
//! or backlink shows it to those who may not see it.

use crate::common::{TestApp, draft, smtp::SmtpSink};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::moderation::actions::{self, ThreadAction};

/// The words only hidden content holds, one per kind.
const SECRETS: [&str; 6] = [
    "zebrasecret",  // a post a moderator hid
    "hippohidden",  // a post of a hidden thread
    "yakheld",      // a post waiting for approval
    "llamaheld",    // a thread waiting for approval, its first post
    "Heldtitle",    // that thread's title
    "owlstaffnote", // a staff note in the public thread
];
/// The hidden thread's title.
const HIDDEN_TITLE: &str = "Hiddentitle";

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS.iter().chain([&HIDDEN_TITLE]) {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "{what} shows {secret}: {text}"
        );
    }
}

#[actix_web::test]
async fn hidden_held_and_removed_content_leaves_by_no_door() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let moderator = app.account("mod", Role::Moderator).await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    let mut conn = app.conn().await;

    // A public thread, with a post a moderator will hide and a post quoting it.
    let (public, opening) = app
        .thread(forum, karen, "Public question", "How do I calm a caller?")
        .await;
    // Bob watches the public thread, so that its replies are mailed to him.
    parley::notify::store::subscribe_if_new(
        &mut conn,
        bob,
        public,
        parley::accounts::types::NotifyMode::Immediate,
    )
    .await
    .unwrap();
    let removed = app
        .reply(public, karen, "Tell them zebrasecret and hang up")
        .await;
    let quoting_removed = app
        .reply(
            public,
            bob,
            &format!(
                "[quote=karen post={removed}]Tell them zebrasecret and hang up[/quote]\n\nNo!"
            ),
        )
        .await;
    // A thread that will be hidden, one of its posts quoted from the public thread, and a
    // post of it quoting the public thread's opening post.
    let (hidden, hidden_post) = app
        .thread(forum, karen, "Hiddentitle here", "The hippohidden trick")
        .await;
    let hidden_quoting = app
        .reply(
            hidden,
            karen,
            &format!("[quote=karen post={opening}]How[/quote] again"),
        )
        .await;
    let quoting_hidden = app
        .reply(
            public,
            bob,
            &format!("[quote=karen post={hidden_post}]The hippohidden trick[/quote]\n\nHm."),
        )
        .await;
    // A held reply in the public thread and a held thread.
    let submission = parley::web::cookies::random_token();
    let held_draft = parley::forums::writing::Draft {
        files: &parley::attachments::NO_FILES,
        held: true,
        ..draft(karen, "Buy yakheld at https://spam.example", &submission)
    };
    let held = parley::forums::writing::reply(&mut conn, public, &held_draft)
        .await
        .unwrap()
        .post;
    let submission = parley::web::cookies::random_token();
    let held_thread_draft = parley::forums::writing::Draft {
        files: &parley::attachments::NO_FILES,
        held: true,
        ..draft(karen, "The llamaheld offer", &submission)
    };
    let (held_thread, held_opening) = parley::forums::writing::create_thread(
        &mut conn,
        forum,
        "Heldtitle offer",
        &held_thread_draft,
    )
    .await
    .unwrap();
    app.reply(public, karen, "A public answer for the watchers")
        .await;

    actions::hide_post(&mut conn, moderator, removed, "rude")
        .await
        .unwrap();
    let hide = ThreadAction::Hide("off topic".into());
    actions::on_thread(&mut conn, moderator, hidden, hide)
        .await
        .unwrap();
    // As a Questions forum, its threads are also listed by the question lists.
    diesel::update(parley::db::schema::forums::table.find(forum.0))
        .set(parley::db::schema::forums::questions.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    // A staff note in the public thread, written by the moderator, before the last reply.
    let staff = app.logged_in("mod").await;
    staff.get(&format!("/t/{public}/public-question")).await;
    let noted = staff
        .post(
            &format!("/t/{public}/note"),
            &[("body", "Caller is a known owlstaffnote case")],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.text());
    let note_at = noted.location().unwrap();
    let note = note_at.rsplit_once("#n").unwrap().1.to_string();
    app.reply(public, karen, "Another public answer after the note")
        .await;

    let visitor = app.browser();
    let member = app.logged_in("bob").await;
    for (who, browser) in [("a visitor", &visitor), ("a member", &member)] {
        let check = |what: String, page: crate::common::Page| {
            assert!(page.status < 500, "{who}: {what}");
            assert_clean(&format!("{who}: {what}"), &page.body);
        };
        // Pages.
        for path in [
            "/",
            "/f/angry-customers",
            "/f/angry-customers?show=unsolved&sort=waiting",
            "/f/angry-customers?show=mine",
            "/questions",
            "/questions?show=unanswered&sort=me-too",
        ]
        .map(String::from)
        {
            let page = browser.get(&path).await;
            check(path, page);
        }
        // The question lists are doors that open: the public question is listed.
        assert!(
            browser
                .get("/questions")
                .await
                .text()
                .contains("Public question"),
            "{who}"
        );
        let thread = browser
            .follow(&browser.get(&format!("/t/{public}")).await)
            .await;
        assert_eq!(thread.status, 200);
        assert!(thread.text().contains("How do I calm a caller?"));
        // Backlinks: the hidden thread's post quoting the opening post is not listed.
        assert!(
            !thread.body.contains(&format!("/p/{hidden_quoting}")),
            "{who}"
        );
        check(format!("thread {public}"), thread);
        for id in [hidden, held_thread] {
            assert_eq!(browser.get(&format!("/t/{id}")).await.status, 404, "{who}");
        }
        // A staff note's address is nothing to anyone else.
        assert_eq!(
            browser.get(&format!("/notes/{note}")).await.status,
            404,
            "{who}"
        );
        let refused = browser
            .post(&format!("/t/{public}/note"), &[("body", "sneaky")])
            .await;
        assert!(
            refused.status == 403 || refused.location().is_some_and(|l| l.starts_with("/login")),
            "{who}: {}",
            refused.status
        );
        // Permalinks name no hidden or held thread's address.
        for post in [hidden_post, hidden_quoting, held, held_opening] {
            let page = browser.get(&format!("/p/{post}")).await;
            assert_eq!(page.status, 404, "{who}: /p/{post}");
            check(format!("/p/{post}"), page);
        }
        // Search: index and snippets.
        for secret in SECRETS.iter().chain([&HIDDEN_TITLE]) {
            let page = browser.get(&format!("/search?q={secret}")).await;
            assert!(
                page.text().contains("Nothing found"),
                "{who}: a search for {secret} found {}",
                page.text()
            );
        }
        // Feeds.
        for path in [
            "/feeds/latest.atom".to_string(),
            "/f/angry-customers/feed.atom".to_string(),
            format!("/t/{public}/feed.atom"),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, 200, "{path}");
            check(path, page);
        }
        assert_eq!(
            browser.get(&format!("/t/{hidden}/feed.atom")).await.status,
            404
        );
    }
    // Quotes, nested quotes included, for a member writing a reply.
    for post in [
        removed,
        hidden_post,
        held,
        held_opening,
        quoting_removed,
        quoting_hidden,
    ] {
        let page = member.get(&format!("/t/{public}/reply?quote={post}")).await;
        assert_eq!(page.status, 200);
        assert_clean(&format!("quoting {post}"), &page.texts("#f-body").concat());
    }
    // A quote that is allowed still names the quote it holds, without its words.
    let page = member
        .get(&format!("/t/{public}/reply?quote={quoting_removed}"))
        .await;
    let body = page.texts("#f-body").concat();
    assert!(body.contains(&format!("post={removed}]")), "{body}");
    assert!(body.contains("No!"), "{body}");

    // Mail: bob hears of the public replies, and of nothing hidden or held.
    let smtp = SmtpSink::start();
    app.deliver(&app.mailer_for(&smtp)).await;
    let mails = smtp.to("bob@example.com");
    assert!(!mails.is_empty(), "bob gets mail of the public replies");
    for mail in mails {
        assert_clean("mail", &format!("{}{}", mail.text(), mail.html()));
    }

    // The author still sees what waits for approval, and a moderator everything.
    let author = app.logged_in("karen").await;
    let own = author
        .follow(&author.get(&format!("/p/{held}")).await)
        .await;
    assert!(own.text().contains("yakheld"));
    // ... but the thread's own author is no more staff than anyone else.
    assert!(!own.text().contains("owlstaffnote"));
    assert_eq!(author.get(&format!("/notes/{note}")).await.status, 404);
    let page = staff
        .follow(&staff.get(&format!("/p/{hidden_post}")).await)
        .await;
    assert!(page.text().contains("hippohidden"));
    // Staff find the note where it was written, marked as a staff note.
    let page = staff
        .follow(&staff.get(&format!("/notes/{note}")).await)
        .await;
    let shown = page.texts(&format!("#n{note}")).concat();
    assert!(
        shown.contains("Staff note") && shown.contains("owlstaffnote"),
        "{shown}"
    );
    assert!(
        staff
            .get("/search?q=owlstaffnote")
            .await
            .text()
            .contains("Nothing found")
    );
    let mut conn = app.conn().await;
    let notes: i64 = parley::db::schema::staff_notes::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(notes, 1, "only staff write notes");
}
