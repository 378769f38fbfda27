//! Hostile input on every route: whatever arrives in the path, the query string or a form
//! (overlong, empty, wrong type, invalid UTF-8, NUL bytes, SQL and HTML fragments), the
//! answer is a page with a clear status below 500.

use crate::common::{Browser, TestApp};
use parley::accounts::types::Role;

/// Every route, as registered (path parameters in braces).
const ROUTES: &[&str] = &[
    "/",
    "/admin/categories",
    "/admin/categories/{id}",
    "/admin/forums",
    "/admin/forums/{id}",
    "/admin/mail",
    "/admin/mail/{id}/retry",
    "/admin/users",
    "/admin/accounts",
    "/admin/applicants",
    "/admin/applicants/{id}",
    "/admin/users/{id}/role",
    "/admin/users/{id}/two-factor",
    "/api/v1/categories",
    "/api/v1/faq",
    "/api/v1/forums/{slug}/threads",
    "/api/v1/members/{username}",
    "/api/v1/openapi.json",
    "/api/v1/posts/{id}",
    "/api/v1/posts/{id}/moderation",
    "/api/v1/search",
    "/api/v1/threads/{id}",
    "/api/v1/threads/{id}/answer",
    "/api/v1/threads/{id}/moderation",
    "/api/v1/threads/{id}/posts",
    "/avatars/{id}/{hash}/{file}",
    "/assets/{name}",
    "/attachments",
    "/confirm/resend",
    "/confirm/{token}",
    "/f/{slug}",
    "/f/{slug}/feed.atom",
    "/f/{slug}/new",
    "/f/{slug}/watch",
    "/drafts",
    "/drafts/discard",
    "/drafts/save",
    "/faq",
    "/faq/feed.atom",
    "/faq/new",
    "/faq/{id}/edit",
    "/faq/{key}",
    "/feeds/latest.atom",
    "/files/{id}/{hash}.jpg",
    "/files/{id}/{hash}/{name}",
    "/healthz",
    "/invitations",
    "/login",
    "/login/code",
    "/members",
    "/members/names",
    "/mod/log",
    "/mod/p/{id}",
    "/mod/p/{id}/revisions",
    "/mod/queue",
    "/mod/queue/{id}",
    "/mod/reports",
    "/mod/reports/{id}",
    "/mod/t/{id}",
    "/mod/t/{id}/promote",
    "/mod/t/{id}/split",
    "/mod/u/{name}",
    "/p/{id}",
    "/p/{id}/delete",
    "/p/{id}/edit",
    "/p/{id}/helpful",
    "/p/{id}/report",
    "/password/forgot",
    "/password/reset/{token}",
    "/register",
    "/search",
    "/settings",
    "/settings/about",
    "/settings/avatar",
    "/settings/avatar/remove",
    "/settings/data",
    "/settings/data/{token}",
    "/settings/email",
    "/settings/notifications",
    "/settings/password",
    "/settings/preferences",
    "/settings/sessions",
    "/settings/tokens",
    "/settings/tokens/{id}/revoke",
    "/settings/subscriptions/{id}",
    "/settings/two-factor",
    "/settings/two-factor/enable",
    "/settings/two-factor/forget-devices",
    "/settings/two-factor/off",
    "/settings/two-factor/recovery",
    "/setup/{token}",
    "/stats",
    "/t/{id}",
    "/t/{id}/feed.atom",
    "/t/{id}/reply",
    "/t/{id}/solution",
    "/t/{id}/unread",
    "/t/{id}/watch",
    "/t/{id}/{slug}",
    "/u/{username}",
    "/unsubscribe/{token}",
    // `/logout`, logging devices out and deleting accounts are left out: they would end
    // the sessions and accounts the rest of the table needs.
];

/// Values for path segments, already percent-encoded as they travel.
fn path_values() -> Vec<String> {
    vec![
        "abc".into(),
        "-1".into(),
        "99999999999999999999".into(),
        "%00".into(),
        "%FF%FE".into(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "'%20OR%201%3D1--".into(),
        "x".repeat(3000),
    ]
}

/// Values for query and form fields, percent-encoded.
fn field_values() -> Vec<String> {
    vec![
        String::new(),
        "%FF%FE".into(),
        "a%00b".into(),
        "'%20OR%201%3D1%3B%20DROP%20TABLE%20users%3B--".into(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
        "-1".into(),
        "1.5e99".into(),
        "x".repeat(100_000),
    ]
}

/// Field names the forms and query strings of the site use.
const FIELDS: &[&str] = &[
    "q",
    "page",
    "sort",
    "forum",
    "author",
    "from",
    "to",
    "group",
    "solved",
    "next",
    "quote",
    "body",
    "title",
    "username",
    "email",
    "password",
    "confirmation",
    "identifier",
    "reason",
    "action",
    "submission",
    "post",
    "days",
    "role",
    "mode",
    "slug",
    "description",
    "position",
    "category",
    "target",
    "key",
    "code",
    "trust",
    "about",
    "invite",
    "application",
    "domains",
    "hide_posts",
    "current_password",
];

fn fill(route: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |i| open + i + 1);
        out.push_str(value);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn encoded_fields(value: &str) -> String {
    FIELDS
        .iter()
        .map(|f| format!("{f}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Sends every hostile request as `browser` sees the site; returns the failures.
async fn attack(app: &TestApp, browser: &Browser, who: &str) -> Vec<String> {
    let http = browser.client();
    let mut failures = Vec::new();
    let csrf = browser.last_csrf().unwrap_or_default();
    for route in ROUTES {
        // Hostile path segments with empty fields, then hostile fields on a plain path.
        let mut cases: Vec<(String, String)> = Vec::new();
        if route.contains('{') {
            cases.extend(
                path_values()
                    .iter()
                    .map(|v| (fill(route, v), String::new())),
            );
        }
        cases.extend(field_values().into_iter().map(|v| (fill(route, "1"), v)));
        for (path, value) in cases {
            {
                // URLs stop at 64 KiB in the client: overlong query values are 1,200 characters.
                let in_url: String = value.chars().take(1200).collect();
                let url = format!("{}{path}?{}", app.base, encoded_fields(&in_url));
                let Ok(got) = http.get(&url).send().await else {
                    failures.push(format!("{who} GET {} failed to send", short(&path)));
                    continue;
                };
                check(&mut failures, who, "GET", &path, &value, got).await;
                let body = format!("csrf={csrf}&{}", encoded_fields(&value));
                let got = http
                    .post(format!("{}{path}", app.base))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await;
                let Ok(got) = got else {
                    failures.push(format!("{who} POST {} failed to send", short(&path)));
                    continue;
                };
                check(&mut failures, who, "POST", &path, &value, got).await;
            }
        }
    }
    failures
}

async fn check(
    failures: &mut Vec<String>,
    who: &str,
    method: &str,
    path: &str,
    value: &str,
    response: reqwest::Response,
) {
    let status = response.status().as_u16();
    let html = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // Feeds, health, assets, the API and the composer script's upload address answer
    // machines.
    let machine = path.ends_with(".atom")
        || path.starts_with("/api/")
        || path.starts_with("/healthz")
        || path.starts_with("/assets/")
        || path == "/attachments";
    let body = response.text().await.unwrap_or_default();
    let (path, value) = (short(path), short(value));
    if status >= 500 && !(path == "/healthz" && status == 503) {
        failures.push(format!("{who} {method} {path} [{value}] → {status}"));
    } else if status >= 400 && !machine && (!html || body.is_empty()) {
        failures.push(format!(
            "{who} {method} {path} [{value}] → {status} without a page"
        ));
    }
}

/// The start of a long text, for messages.
fn short(text: &str) -> String {
    text.chars().take(60).collect()
}

#[actix_web::test]
async fn no_route_answers_hostile_input_with_a_server_error() {
    let app = TestApp::spawn().await;
    app.forum("angry-customers").await;
    // Logged in first: the visitor's hostile log-ins soon trip the log-in throttle.
    app.account("root", Role::Admin).await;
    let admin = app.logged_in("root").await;
    admin.get("/admin/forums").await;
    let visitor = app.browser();
    visitor.get("/login").await;
    let mut failures = attack(&app, &visitor, "visitor").await;
    failures.extend(attack(&app, &admin, "admin").await);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
