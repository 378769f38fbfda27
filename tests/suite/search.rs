//! Full-text search: ranking, syntax, filters, visibility and hostile queries.

use crate::common::{TestApp, draft};
use parley::accounts::types::Role;
use parley::forums::writing::{self, Draft};
use parley::ids::ForumId;
use parley::moderation::actions::{self, ThreadAction};
use parley::search::store::{self, Filters};
use parley::search::strategy::{ColumnStats, LexemeStats};

async fn post_thread(
    app: &TestApp,
    forum: ForumId,
    author: parley::ids::UserId,
    title: &str,
    body: &str,
) -> (parley::ids::ThreadId, parley::ids::PostId) {
    let mut conn = app.conn().await;
    let token = format!("{title}-{body}");
    writing::create_thread(&mut conn, forum, title, &draft(author, body, &token))
        .await
        .unwrap()
}

#[actix_web::test]
async fn titles_rank_above_bodies_and_the_syntax_works() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    post_thread(
        &app,
        forum,
        bob,
        "Lunch breaks",
        "Our refund queue grows while people eat.",
    )
    .await;
    post_thread(
        &app,
        forum,
        karen,
        "Refund delays",
        "How do you explain slow payouts?",
    )
    .await;
    post_thread(
        &app,
        forum,
        karen,
        "Angry callers",
        "They shout about the refund policy and chargebacks.",
    )
    .await;

    let browser = app.browser();
    let page = browser.get("/search?q=refund").await;
    let titles = page.texts("ol.results a.title");
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(
        titles[0].starts_with("Refund delays"),
        "title match first: {titles:?}"
    );
    assert!(
        page.body.contains("<mark>refund</mark>") || page.body.contains("<mark>Refund</mark>"),
        "highlighted"
    );

    let phrase = browser
        .get("/search?q=%22refund+policy%22")
        .await
        .texts("ol.results a.title");
    assert_eq!(phrase.len(), 1);
    assert!(phrase[0].starts_with("Angry callers"));
    let without = browser
        .get("/search?q=refund+-chargebacks")
        .await
        .texts("ol.results a.title");
    assert_eq!(without.len(), 2);
    let either = browser
        .get("/search?q=payouts+or+lunch")
        .await
        .texts("ol.results a.title");
    assert_eq!(either.len(), 2);
    let by_bob = browser
        .get("/search?q=refund&author=BOB")
        .await
        .texts("ol.results a.title");
    assert_eq!(by_bob.len(), 1);
    let elsewhere = browser.get("/search?q=refund&forum=no-such-forum").await;
    assert!(elsewhere.text().contains("Nothing found"));
}

#[actix_web::test]
async fn hidden_and_held_posts_never_appear() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    app.account("karen", Role::Member).await;
    let karen_id = app.account("carol", Role::Member).await;
    let (_, post) = post_thread(
        &app,
        forum,
        karen_id,
        "Secret plans",
        "zebra crossing strategy",
    )
    .await;
    assert_eq!(
        app.browser()
            .get("/search?q=zebra")
            .await
            .texts("ol.results li")
            .len(),
        1
    );
    let mut conn = app.conn().await;
    writing::delete_by_author(&mut conn, post, karen_id)
        .await
        .unwrap();
    assert!(
        app.browser()
            .get("/search?q=zebra")
            .await
            .text()
            .contains("Nothing found")
    );
    let mut conn = app.conn().await;
    let held = Draft {
        held: true,
        ..draft(karen_id, "giraffe pending", "held-1")
    };
    writing::create_thread(&mut conn, forum, "Held thread", &held)
        .await
        .unwrap();
    assert!(
        app.browser()
            .get("/search?q=giraffe")
            .await
            .text()
            .contains("Nothing found")
    );
}

#[actix_web::test]
async fn replies_in_a_hidden_thread_never_appear() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let moderator = app.account("moira", Role::Moderator).await;
    let (thread, _) = post_thread(&app, forum, karen, "Refund fight", "first words").await;
    let mut conn = app.conn().await;
    writing::reply(
        &mut conn,
        thread,
        &draft(karen, "the okapi defence worked", "okapi-1"),
    )
    .await
    .unwrap();
    let found = |app: &TestApp| {
        let browser = app.browser();
        async move {
            browser
                .get("/search?q=okapi")
                .await
                .texts("ol.results li")
                .len()
        }
    };
    assert_eq!(found(&app).await, 1);
    let hide = ThreadAction::Hide("flame war".into());
    actions::on_thread(&mut conn, moderator, thread, hide)
        .await
        .unwrap();
    assert_eq!(found(&app).await, 0, "a hidden thread's reply was found");
    actions::on_thread(&mut conn, moderator, thread, ThreadAction::Restore)
        .await
        .unwrap();
    assert_eq!(
        found(&app).await,
        1,
        "a restored thread's reply was not found"
    );
}

#[actix_web::test]
async fn results_page_on_without_repeats_and_a_page_past_the_end_is_empty() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    for n in 0..25 {
        post_thread(
            &app,
            forum,
            karen,
            &format!("Case {n}"),
            "a walrus complaint",
        )
        .await;
    }
    let browser = app.browser();
    let first = browser.get("/search?q=walrus").await;
    let second = browser.get("/search?q=walrus&page=2").await;
    let (mut one, two) = (first.texts("ol.results li"), second.texts("ol.results li"));
    assert_eq!((one.len(), two.len()), (20, 5));
    assert!(first.attr("a[rel=next]", "href").is_some());
    assert!(second.attr("a[rel=next]", "href").is_none());
    one.extend(two);
    let distinct: std::collections::HashSet<_> = one.iter().collect();
    assert_eq!(distinct.len(), 25, "a result was shown on both pages");
    let far = browser
        .get("/search?q=walrus&page=9223372036854775807")
        .await;
    assert_eq!(far.status, 200);
    assert!(far.text().contains("Nothing found"));
}

#[actix_web::test]
async fn hostile_queries_get_a_message_never_an_error() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    post_thread(&app, forum, karen, "Anything", "some text").await;
    let browser = app.browser();
    let long = "word ".repeat(2000);
    for q in [
        "",
        "   ",
        "&|!:*",
        "\"",
        "\\",
        "'; DROP TABLE posts; --",
        "<script>alert(1)</script>",
        "a & b | !c",
        "((((",
        "-",
        "or",
        long.as_str(),
    ] {
        let path = format!("/search?q={}", parley::text::percent_encode(q, b""));
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200, "{q:?}");
        assert!(!page.body.contains("<script>alert"), "{q:?}");
    }
    assert!(
        browser
            .get("/search?q=%26%7C%21")
            .await
            .text()
            .contains("no searchable words")
    );
    assert!(
        browser
            .get(&format!("/search?q={}", "x".repeat(201)))
            .await
            .text()
            .contains("at most 200 characters")
    );
    assert_eq!(browser.get("/search?q=text&page=abc").await.status, 200);
    // The header's search box is on every page.
    assert!(
        browser
            .get("/")
            .await
            .attr("form.header-search input[name=q]", "name")
            .is_some()
    );
}

#[actix_web::test]
async fn similar_author_names_dates_and_one_result_per_thread() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) =
        post_thread(&app, forum, karen, "Escalation paths", "escalation matters").await;
    let mut conn = app.conn().await;
    for (i, body) in ["escalation again", "more escalation"].iter().enumerate() {
        let token = format!("r{i}");
        writing::reply(&mut conn, thread, &draft(karen, body, &token))
            .await
            .unwrap();
    }
    let browser = app.browser();
    assert_eq!(
        browser
            .get("/search?q=escalation")
            .await
            .texts("ol.results li")
            .len(),
        3
    );
    assert_eq!(
        browser
            .get("/search?q=escalation&group=thread")
            .await
            .texts("ol.results li")
            .len(),
        1
    );
    assert_eq!(
        browser
            .get("/search?q=escalation&author=karin")
            .await
            .texts("ol.results li")
            .len(),
        3,
        "similar names match"
    );
    assert!(
        browser
            .get("/search?q=escalation&author=zzzzzz")
            .await
            .text()
            .contains("Nothing found")
    );
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today + chrono::Duration::days(1);
    assert_eq!(
        browser
            .get(&format!("/search?q=escalation&from={today}&to={today}"))
            .await
            .texts("ol.results li")
            .len(),
        3
    );
    assert!(
        browser
            .get(&format!("/search?q=escalation&from={tomorrow}"))
            .await
            .text()
            .contains("Nothing found")
    );
    assert_eq!(
        browser
            .get("/search?q=escalation&from=not-a-date")
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn filters_find_old_matches_behind_many_newer_ones() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let bob = app.account("bob", Role::Member).await;
    post_thread(&app, forum, karen, "Old question", "escalation by karen").await;
    let (busy, _) = post_thread(&app, forum, bob, "Busy thread", "escalation").await;
    // More newer matches by someone else than the search ranks for a common word.
    let mut conn = app.conn().await;
    for i in 0..320 {
        let token = format!("busy{i}");
        writing::reply(&mut conn, busy, &draft(bob, "escalation once more", &token))
            .await
            .unwrap();
    }
    let page = app.browser().get("/search?q=escalation&author=karen").await;
    let results = page.texts("ol.results li");
    assert_eq!(results.len(), 1, "{results:?}");
    assert!(results[0].contains("Old question"), "{results:?}");
    assert!(
        page.texts("ol.results li mark")
            .iter()
            .any(|m| m == "escalation"),
        "the searched word is marked in the snippet"
    );
}

/// The statistics under which every word counts as common (walk the newest posts) or as
/// unknown (read the index).
fn ways() -> [(&'static str, LexemeStats); 2] {
    let common = ColumnStats {
        rows: 1e9,
        common: Default::default(),
        other: Some(1.0),
    };
    let newest = LexemeStats {
        bodies: common.clone(),
        titles: common,
    };
    [("newest first", newest), ("index", LexemeStats::default())]
}

#[actix_web::test]
async fn both_ways_to_the_candidates_find_the_same_visible_posts() {
    let app = TestApp::spawn().await;
    let forum = app.forum("angry-customers").await;
    let karen = app.account("karen", Role::Member).await;
    let moderator = app.account("moira", Role::Moderator).await;
    let mut conn = app.conn().await;
    // More matches than a search ranks, so both ways must agree on which are the newest.
    let (busy, _) = post_thread(&app, forum, karen, "Walrus care", "walrus tusk cleaning").await;
    for i in 0..230 {
        let body = if i % 3 == 0 {
            format!("a walrus and a tusk, take {i}")
        } else {
            format!("walrus complaint number {i}")
        };
        let token = format!("busy{i}");
        writing::reply(&mut conn, busy, &draft(karen, &body, &token))
            .await
            .unwrap();
    }
    let mut unseen = Vec::new();
    let deleted = writing::reply(&mut conn, busy, &draft(karen, "walrus regret", "gone"))
        .await
        .unwrap()
        .post;
    writing::delete_by_author(&mut conn, deleted, karen)
        .await
        .unwrap();
    unseen.push(deleted);
    let held = Draft {
        held: true,
        ..draft(karen, "walrus pending", "held-1")
    };
    unseen.push(
        writing::create_thread(&mut conn, forum, "Held walrus", &held)
            .await
            .unwrap()
            .1,
    );
    let (fight, first) = post_thread(&app, forum, karen, "Walrus fight", "walrus war").await;
    unseen.push(first);
    actions::on_thread(
        &mut conn,
        moderator,
        fight,
        ThreadAction::Hide("flame war".into()),
    )
    .await
    .unwrap();

    for query in [
        "walrus",
        "walrus tusk",
        "\"walrus complaint\"",
        "tusk or cleaning",
        "walrus -tusk",
        "-tusk",
    ] {
        for offset in [0, 200] {
            let mut pages = Vec::new();
            for (way, stats) in ways() {
                let found = store::find(&mut conn, &stats, query, &Filters::default(), 21, offset)
                    .await
                    .unwrap();
                assert!(found.searchable, "{query}");
                let hits: Vec<_> = found.hits.iter().map(|h| (h.post_id, h.rank)).collect();
                assert!(
                    hits.iter().all(|(post, _)| !unseen.contains(post)),
                    "{way} found a hidden post for {query}: {hits:?}"
                );
                pages.push(hits);
            }
            assert_eq!(pages[0], pages[1], "{query} from {offset}");
            if offset == 0 && query != "-tusk" {
                assert_eq!(pages[0].len(), 21, "{query}");
            }
        }
    }
    // Only stop words: nothing to search for, whichever the way.
    let found = store::find(
        &mut conn,
        &LexemeStats::default(),
        "the of",
        &Filters::default(),
        21,
        0,
    )
    .await
    .unwrap();
    assert!(!found.searchable && found.hits.is_empty());
}
