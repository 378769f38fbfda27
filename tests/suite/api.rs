//! The JSON API as an HTTP client uses it: tokens made in the settings and revoked there,
//! the visibility rule on every read, the rules of posting on every write, moderator
//! actions, cursor paging, ETag/304, JSON errors with stable codes and rate limits.

use crate::common::{Browser, TestApp};
use parley::accounts::types::Role;
use serde_json::{Value, json};

/// An HTTP client of the API, with or without a token.
struct Client {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

/// An answer: status, headers and the JSON body (`Null` when there is none).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

impl Client {
    fn new(app: &TestApp, token: Option<String>) -> Client {
        Client {
            base: app.base.clone(),
            http: reqwest::Client::new(),
            token,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.expect("the API answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes))
            })
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(self.http.put(format!("{}{path}", self.base)).json(&body))
            .await
    }

    async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(self.http.patch(format!("{}{path}", self.base)).json(&body))
            .await
    }
}

/// Makes a token on the settings page of `browser` with `scopes`; returns it as shown once.
async fn make_token(browser: &Browser, name: &str, scopes: &[&str]) -> String {
    let mut fields = vec![("name", name), ("days", "30")];
    fields.extend(scopes.iter().map(|s| (*s, "on")));
    let page = browser
        .fill("/settings/tokens", "/settings/tokens", &fields)
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let shown = page.texts("code.token");
    assert_eq!(shown.len(), 1, "the token is shown once: {}", page.text());
    shown[0].clone()
}

#[actix_web::test]
async fn a_member_makes_a_token_uses_it_and_revokes_it() {
    let app = TestApp::spawn().await;
    app.forum("calls").await;
    let karen = app.member("karen").await;
    let token = make_token(&karen, "Helpdesk sync", &["read", "write"]).await;
    assert!(token.starts_with("parley_"));

    // The list shows its name, its first characters and what it may do; never the token.
    let list = karen.get("/settings/tokens").await;
    let text = list.text();
    assert!(text.contains("Helpdesk sync") && text.contains("read, write"));
    assert!(text.contains(&token[..13]) && !text.contains(&token));
    assert!(list.texts("code.token").is_empty());

    let client = Client::new(&app, Some(token.clone()));
    let categories = client.get("/api/v1/categories").await;
    assert_eq!(categories.status, 200);
    assert_eq!(categories.body[0]["forums"][0]["slug"], "calls");
    assert!(
        karen
            .get("/settings/tokens")
            .await
            .text()
            .contains("Last used"),
        "the list says when it was last used"
    );

    // A member who is not a moderator cannot make a moderating token.
    let refused = karen
        .fill(
            "/settings/tokens",
            "/settings/tokens",
            &[("name", "Mod bot"), ("moderate", "on"), ("days", "30")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.attr("#f-name", "value").as_deref(), Some("Mod bot"));

    // Revoked, it stops working at once.
    let id: i64 = {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::api_tokens;
        api_tokens::table
            .select(api_tokens::id)
            .first(&mut app.conn().await)
            .await
            .expect("token row")
    };
    let revoked = karen
        .fill(
            "/settings/tokens",
            &format!("/settings/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, 303);
    let gone = client.get("/api/v1/categories").await;
    assert_eq!((gone.status, gone.code()), (401, "unauthorized"));
    assert!(gone.headers.contains_key("www-authenticate"));

    // Anything not a token is refused the same way; no token at all reads as a visitor.
    let stranger = Client::new(&app, Some("parley_nope".into()));
    assert_eq!(stranger.get("/api/v1/categories").await.status, 401);
    assert_eq!(
        Client::new(&app, None)
            .get("/api/v1/categories")
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn reads_show_each_caller_what_the_pages_would() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, first) = app
        .thread(forum, karen, "Escalations", "When do you escalate?")
        .await;
    let mut replies = Vec::new();
    for n in 1..=11 {
        replies.push(app.reply(thread, karen, &format!("Reply number {n}")).await);
    }
    let hidden = replies[2];
    let moderator = app.account("mona", Role::Moderator).await;
    parley::moderation::actions::hide_post(&mut *app.conn().await, moderator, hidden, "rude")
        .await
        .expect("hide");

    let visitor = Client::new(&app, None);
    let mona = Client::new(
        &app,
        Some(make_token(&app.logged_in("mona").await, "m", &["read"]).await),
    );

    // Paging by cursor walks the whole thread once, in order.
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/threads/{thread}/posts?limit=5");
    loop {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for post in page.body["posts"].as_array().expect("posts") {
            seen.push(post.clone());
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/threads/{thread}/posts?limit=5&cursor={cursor}")
            }
            None => break,
        }
    }
    let positions: Vec<i64> = seen
        .iter()
        .map(|p| p["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=12).collect::<Vec<_>>());
    assert_eq!(seen[0]["id"], first.0);

    // The hidden post keeps its place; only moderators read its words.
    let placeholder = &seen[3];
    assert_eq!(placeholder["hidden"], true);
    assert!(placeholder["body"].is_null() && placeholder["body_html"].is_null());
    let single = visitor.get(&format!("/api/v1/posts/{hidden}")).await;
    assert!(single.body["body"].is_null());
    let as_moderator = mona.get(&format!("/api/v1/posts/{hidden}")).await;
    assert_eq!(as_moderator.body["body"], "Reply number 3");

    // A thread waiting for approval is there for its author and moderators only.
    let held = app.thread(forum, karen, "Held one", "Waiting").await.0;
    {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use parley::db::schema::threads;
        diesel::update(threads::table.find(held))
            .set(threads::approved.eq(false))
            .execute(&mut app.conn().await)
            .await
            .expect("hold");
    }
    let missing = visitor.get(&format!("/api/v1/threads/{held}")).await;
    assert_eq!((missing.status, missing.code()), (404, "not_found"));
    assert_eq!(
        mona.get(&format!("/api/v1/threads/{held}")).await.body["held"],
        true
    );
    let listed = visitor.get("/api/v1/forums/calls/threads").await;
    let titles: Vec<&str> = listed.body["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Escalations"]);

    // An unchanged answer is not sent twice.
    let first_read = visitor.get("/api/v1/forums/calls/threads").await;
    let etag = first_read.headers["etag"].to_str().unwrap().to_string();
    let again = visitor
        .send(
            visitor
                .http
                .get(format!("{}/api/v1/forums/calls/threads", app.base))
                .header("If-None-Match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);

    // Search and members answer too, never with an address.
    let member = visitor.get("/api/v1/members/karen").await;
    assert_eq!(member.body["username"], "karen");
    assert!(!member.body.to_string().contains("@example.com"));
    assert_eq!(visitor.get("/api/v1/members/nobody").await.status, 404);
    assert_eq!(visitor.get("/api/v1/faq").await.status, 200);
    let bad = visitor.get("/api/v1/threads/1/posts?cursor=xyz").await;
    assert_eq!((bad.status, bad.code()), (400, "bad_request"));
    let found = visitor.get("/api/v1/search?q=escalate").await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["hits"][0]["thread_id"], thread.0);
}

#[actix_web::test]
async fn writes_keep_every_rule_of_posting() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen_browser = app.member("karen").await;
    let writer = Client::new(
        &app,
        Some(make_token(&karen_browser, "w", &["read", "write"]).await),
    );
    let reader_only = Client::new(&app, Some(make_token(&karen_browser, "r", &["read"]).await));

    // Without a token, or without the scope, nothing is written.
    let thread = json!({"title": "Refund rules", "body": "Who may approve a refund?"});
    let anonymous = Client::new(&app, None)
        .post("/api/v1/forums/calls/threads", thread.clone())
        .await;
    assert_eq!((anonymous.status, anonymous.code()), (401, "unauthorized"));
    let scoped = reader_only
        .post("/api/v1/forums/calls/threads", thread.clone())
        .await;
    assert_eq!((scoped.status, scoped.code()), (403, "insufficient_scope"));

    // A rule broken names its field.
    let short = writer
        .post(
            "/api/v1/forums/calls/threads",
            json!({"title": "No", "body": "x"}),
        )
        .await;
    assert_eq!((short.status, short.code()), (422, "invalid"));
    assert_eq!(short.body["fields"][0]["field"], "title");
    let unknown_field = writer
        .post(
            "/api/v1/forums/calls/threads",
            json!({"title": "Fine title", "body": "x", "x": 1}),
        )
        .await;
    assert_eq!(unknown_field.status, 400);

    // Written, and the same key twice makes one thread.
    let keyed = json!({"title": "Refund rules", "body": "Who may approve a refund?",
        "idempotency_key": "refund-rules-0001"});
    let made = writer
        .post("/api/v1/forums/calls/threads", keyed.clone())
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let again = writer.post("/api/v1/forums/calls/threads", keyed).await;
    assert_eq!(again.body["post_id"], made.body["post_id"]);
    let thread_id = made.body["thread_id"].as_i64().unwrap();
    let first_post = made.body["post_id"].as_i64().unwrap();
    assert!(
        made.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&first_post.to_string())
    );

    // Bob answers; Karen marks it; the page shows what the API wrote.
    let bob_browser = app.member("bobby").await;
    let bob = Client::new(
        &app,
        Some(make_token(&bob_browser, "b", &["read", "write"]).await),
    );
    let reply = bob
        .post(
            &format!("/api/v1/threads/{thread_id}/posts"),
            json!({"body": "A team lead, above 50 euros."}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let answer = reply.body["post_id"].as_i64().unwrap();
    let not_asker = bob
        .put(
            &format!("/api/v1/threads/{thread_id}/answer"),
            json!({"post_id": answer}),
        )
        .await;
    assert_eq!(not_asker.status, 403);
    let marked = writer
        .put(
            &format!("/api/v1/threads/{thread_id}/answer"),
            json!({"post_id": answer}),
        )
        .await;
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert_eq!(marked.body["answer_post_id"], answer);
    let page = app.browser().get(&format!("/t/{thread_id}")).await;
    let page = app.browser().get(page.location().as_deref().unwrap()).await;
    assert!(page.text().contains("A team lead, above 50 euros."));

    // Edits: one's own only.
    let edited = bob
        .patch(
            &format!("/api/v1/posts/{answer}"),
            json!({"body": "A team lead, above 40 euros."}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["body"], "A team lead, above 40 euros.");
    let others = bob
        .patch(
            &format!("/api/v1/posts/{first_post}"),
            json!({"body": "Mine now"}),
        )
        .await;
    assert_eq!(others.status, 403);

    // A locked thread takes no replies from members.
    let mona = app.account("mona", Role::Moderator).await;
    parley::moderation::actions::on_thread(
        &mut *app.conn().await,
        mona,
        parley::ids::ThreadId(thread_id),
        parley::moderation::actions::ThreadAction::Lock("Settled".into()),
    )
    .await
    .expect("lock");
    let locked = bob
        .post(
            &format!("/api/v1/threads/{thread_id}/posts"),
            json!({"body": "One more"}),
        )
        .await;
    assert_eq!((locked.status, locked.code()), (403, "forbidden"));
    let _ = forum;

    // An unconfirmed member may not post, as on the pages.
    let dora_browser = app.unconfirmed("dora").await;
    let dora = Client::new(&app, Some(make_token(&dora_browser, "d", &["write"]).await));
    let refused = dora
        .post(
            "/api/v1/forums/calls/threads",
            json!({"title": "Hello there", "body": "Hi"}),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("confirm")
    );
}

#[actix_web::test]
async fn moderators_act_through_the_api_and_others_cannot() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app.thread(forum, karen, "Rude caller", "What now?").await;
    let rude = app.reply(thread, karen, "Something rude").await;
    app.account("mona", Role::Moderator).await;
    let mona = Client::new(
        &app,
        Some(make_token(&app.logged_in("mona").await, "m", &["read", "moderate"]).await),
    );
    let mona_reader = Client::new(
        &app,
        Some(make_token(&app.logged_in("mona").await, "r", &["read"]).await),
    );

    let without_scope = mona_reader
        .post(
            &format!("/api/v1/posts/{rude}/moderation"),
            json!({"action": "hide", "reason": "rude"}),
        )
        .await;
    assert_eq!(without_scope.code(), "insufficient_scope");
    let no_reason = mona
        .post(
            &format!("/api/v1/posts/{rude}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!((no_reason.status, no_reason.code()), (422, "invalid"));
    let hidden = mona
        .post(
            &format!("/api/v1/posts/{rude}/moderation"),
            json!({"action": "hide", "reason": "rude"}),
        )
        .await;
    assert_eq!(hidden.status, 200, "{}", hidden.body);
    assert_eq!(hidden.body["hidden"], true);
    let visitor = Client::new(&app, None);
    assert!(visitor.get(&format!("/api/v1/posts/{rude}")).await.body["body"].is_null());

    let locked = mona
        .post(
            &format!("/api/v1/threads/{thread}/moderation"),
            json!({"action": "lock", "reason": "Done"}),
        )
        .await;
    assert_eq!(locked.body["locked"], true);
    let settled = mona
        .post(
            &format!("/api/v1/posts/{rude}/moderation"),
            json!({"action": "approve"}),
        )
        .await;
    assert_eq!((settled.status, settled.code()), (409, "conflict"));
}

#[actix_web::test]
async fn errors_are_json_with_stable_codes_and_limits_say_when_to_retry() {
    let app = TestApp::spawn_with(|s| s.rate_limits = parley::config::RateLimits::On).await;
    let visitor = Client::new(&app, None);
    let unknown = visitor.get("/api/v1/nothing/here").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
    let wrong_method = visitor
        .send(
            visitor
                .http
                .delete(format!("{}/api/v1/categories", app.base)),
        )
        .await;
    assert_eq!(wrong_method.status / 100, 4);
    assert!(!wrong_method.code().is_empty());
    let not_json = visitor
        .send(
            visitor
                .http
                .post(format!("{}/api/v1/threads/1/posts", app.base))
                .header("content-type", "application/json")
                .body("{"),
        )
        .await;
    assert_eq!(not_json.status / 100, 4);
    assert!(!not_json.code().is_empty());

    let document = visitor.get("/api/v1/openapi.json").await;
    assert_eq!(document.body["openapi"], "3.1.0");
    assert!(document.body["paths"]["/api/v1/threads/{id}/posts"]["post"].is_object());

    // A visitor's address may make 120 calls a minute; the next is told when to retry.
    let mut refused = None;
    for _ in 0..125 {
        let answer = visitor.get("/api/v1/faq").await;
        if answer.status == 429 {
            refused = Some(answer);
            break;
        }
    }
    let refused = refused.expect("the limit holds");
    assert_eq!(refused.code(), "rate_limited");
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
}
