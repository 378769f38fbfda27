//! Registration, log-in, sessions, CSRF, settings, profiles and the first admin.

use crate::common::{Browser, PASSWORD, Page, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{sessions, users};

async fn register(browser: &Browser, fields: &[(&str, &str)]) -> Page {
    browser.get("/register").await;
    browser.post("/register", fields).await
}

fn form<'a>(
    username: &'a str,
    email: &'a str,
    password: &'a str,
    confirmation: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("username", username),
        ("email", email),
        ("password", password),
        ("confirmation", confirmation),
    ]
}

#[actix_web::test]
async fn every_registration_rule_has_its_own_message_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    let long_name = "k".repeat(33);
    let long_password = "p".repeat(1025);
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            form("", "a@example.com", PASSWORD, PASSWORD),
            "username",
            "Please choose a user name.",
        ),
        (
            form("ab", "a@example.com", PASSWORD, PASSWORD),
            "username",
            "at least 3 characters",
        ),
        (
            form(&long_name, "a@example.com", PASSWORD, PASSWORD),
            "username",
            "at most 32 characters",
        ),
        (
            form("bad name!", "a@example.com", PASSWORD, PASSWORD),
            "username",
            "only letters, digits",
        ),
        (
            form("KAREN", "b@example.com", PASSWORD, PASSWORD),
            "username",
            "already taken",
        ),
        (
            form("bob", "", PASSWORD, PASSWORD),
            "email",
            "enter your e-mail",
        ),
        (
            form("bob", "not-an-address", PASSWORD, PASSWORD),
            "email",
            "does not look like an e-mail",
        ),
        (
            form("bob", "bob@example.com", "short", "short"),
            "password",
            "at least 10 characters",
        ),
        (
            form("bob", "bob@example.com", &long_password, &long_password),
            "password",
            "at most 1024",
        ),
        (
            form(
                "bobbobbobbob",
                "bob@example.com",
                "BobBobBobBob",
                "BobBobBobBob",
            ),
            "password",
            "not be your user name",
        ),
        (
            form("bob", "bob@example.com", "qwertyuiop", "qwertyuiop"),
            "password",
            "most common",
        ),
        (
            form("bob", "bob@example.com", PASSWORD, "something else"),
            "confirmation",
            "do not match",
        ),
    ];
    for (fields, field, message) in cases {
        let browser = app.browser();
        let page = register(&browser, &fields).await;
        assert_eq!(page.status, 422, "{fields:?}");
        let shown = page.field_error(field).unwrap_or_default();
        assert!(
            shown.contains(message),
            "{field}: expected {message:?}, got {shown:?}"
        );
        // Everything but the passwords comes back.
        let username = fields[0].1;
        let email = fields[1].1;
        assert_eq!(
            page.attr("#f-username", "value").unwrap_or_default(),
            username
        );
        assert_eq!(page.attr("#f-email", "value").unwrap_or_default(), email);
        assert_eq!(page.attr("#f-password", "value").unwrap_or_default(), "");
    }
    let mut conn = app.conn().await;
    let count: i64 = users::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(count, 1, "no rejected registration left a row");
}

#[actix_web::test]
async fn registering_logs_in_and_the_honeypot_refuses_bots() {
    let app = TestApp::spawn().await;
    let browser = app.member("karen").await;
    let home = browser.get("/").await;
    assert!(
        home.text().contains("Logged in as karen"),
        "{}",
        home.text()
    );
    assert!(
        home.text().contains("Your e-mail address is confirmed."),
        "{}",
        home.text()
    );

    let bot = app.browser();
    let mut fields = form("spambot", "spam@example.com", PASSWORD, PASSWORD);
    fields.push(("website", "http://spam.example"));
    let page = register(&bot, &fields).await;
    assert_eq!(page.status, 422);
    assert!(page.text().contains("looked automated"));
}

#[actix_web::test]
async fn log_in_by_name_or_address_and_wrong_password_is_generic() {
    let app = TestApp::spawn().await;
    app.member("Karen").await;
    for identifier in ["karen", "KAREN", "karen@example.com", "Karen@Example.COM"] {
        let browser = app.browser();
        let page = browser.log_in(identifier, PASSWORD).await;
        assert_eq!(page.status, 303, "{identifier}: {}", page.text());
        assert!(browser.get("/").await.text().contains("Logged in as Karen"));
    }
    let browser = app.browser();
    let wrong = browser.log_in("karen", "not the password").await;
    let unknown = browser.log_in("nobody", "not the password").await;
    assert_eq!(wrong.status, 422);
    assert_eq!(unknown.status, 422);
    let generic = "Wrong user name, e-mail address or password.";
    assert!(wrong.text().contains(generic));
    assert!(unknown.text().contains(generic));
    assert_eq!(
        wrong.attr("#f-identifier", "value").as_deref(),
        Some("karen")
    );
}

#[actix_web::test]
async fn five_failures_throttle_the_account_until_the_window_passes() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    let browser = app.browser();
    for _ in 0..5 {
        assert_eq!(browser.log_in("karen", "wrong password!").await.status, 422);
    }
    // Even the right password waits now, however the account is named.
    let blocked = browser.log_in("karen@example.com", PASSWORD).await;
    assert_eq!(blocked.status, 429);
    assert!(
        blocked.text().contains("Try again in 15 minutes"),
        "{}",
        blocked.text()
    );
    let retry: u64 = blocked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&retry), "{retry}");

    // The throttle lives in the database, so it holds on another node too.
    let other_node = TestApp::spawn_on(&app.database_url, |_| {}).await;
    assert_eq!(
        other_node.browser().log_in("karen", PASSWORD).await.status,
        429
    );

    age_limits(&app, 16).await;
    assert_eq!(browser.log_in("karen", PASSWORD).await.status, 303);
}

/// Moves every counted use of every limit `minutes` into the past.
pub async fn age_limits(app: &TestApp, minutes: i32) {
    let mut conn = app.conn().await;
    diesel::sql_query(
        "UPDATE rate_limits SET events = ARRAY(SELECT e - make_interval(mins => $1) FROM unnest(events) e)",
    )
    .bind::<diesel::sql_types::Integer, _>(minutes)
    .execute(&mut conn)
    .await
    .unwrap();
}

#[actix_web::test]
async fn thirty_failures_from_one_address_throttle_every_account() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    let browser = app.browser();
    for n in 0..30 {
        let name = format!("nobody{n}");
        assert_eq!(browser.log_in(&name, "wrong password!").await.status, 422);
    }
    assert_eq!(browser.log_in("karen", PASSWORD).await.status, 429);
}

#[actix_web::test]
async fn next_returns_to_the_page_but_never_off_site() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    let settings = app.browser().get("/settings").await;
    assert_eq!(settings.status, 303);
    assert_eq!(
        settings.location().as_deref(),
        Some("/login?next=/settings")
    );

    let cases = [
        ("/settings", "/settings"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ];
    for (next, expected) in cases {
        let browser = app.browser();
        browser.get("/login").await;
        let page = browser
            .post(
                "/login",
                &[
                    ("identifier", "karen"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(page.location().as_deref(), Some(expected), "{next}");
    }
}

#[actix_web::test]
async fn logging_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let browser = app.member("karen").await;
    browser.get("/").await;
    let page = browser.post("/logout", &[]).await;
    assert_eq!(page.status, 303);
    let home = browser.follow(&page).await;
    assert!(home.text().contains("You are logged out."));
    assert!(home.text().contains("Log in"));
    let mut conn = app.conn().await;
    let left: i64 = sessions::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(left, 0);
}

#[actix_web::test]
async fn changing_the_password_logs_out_every_other_session() {
    let app = TestApp::spawn().await;
    let laptop = app.member("karen").await;
    let phone = app.browser();
    assert_eq!(phone.log_in("karen", PASSWORD).await.status, 303);

    laptop.get("/settings").await;
    let new_password = "a brand new passphrase";
    let wrong = laptop
        .post(
            "/settings/password",
            &[
                ("current_password", "wrong one"),
                ("password", new_password),
                ("confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong
            .field_error("current_password")
            .unwrap()
            .contains("not correct")
    );

    let done = laptop
        .post(
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("confirmation", new_password),
                ("log_out_others", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(
        laptop
            .follow(&done)
            .await
            .text()
            .contains("Your password was changed")
    );
    assert!(laptop.get("/").await.text().contains("Logged in as karen"));
    assert!(!phone.get("/").await.text().contains("Logged in as karen"));
    assert_eq!(phone.log_in("karen", PASSWORD).await.status, 422);
    assert_eq!(phone.log_in("karen", new_password).await.status, 303);

    // Unticking "Log out all other devices" keeps the phone in.
    laptop.get("/settings").await;
    let third = "a third long passphrase";
    let kept = laptop
        .post(
            "/settings/password",
            &[
                ("current_password", new_password),
                ("password", third),
                ("confirmation", third),
            ],
        )
        .await;
    assert_eq!(kept.status, 303);
    assert!(
        laptop
            .follow(&kept)
            .await
            .text()
            .contains("Your other devices stay logged in")
    );
    assert!(phone.get("/").await.text().contains("Logged in as karen"));
}

#[actix_web::test]
async fn forms_without_the_right_token_are_refused() {
    let app = TestApp::spawn().await;
    let browser = app.member("karen").await;
    browser.get("/").await;
    for token in ["", "forged-token"] {
        let page = browser.post("/logout", &[("csrf", token)]).await;
        assert_eq!(page.status, 403, "{token:?}");
        assert!(page.text().contains("Form expired"));
    }
    // An anonymous form too: another visitor's token does not work.
    let stranger = app.browser();
    let token = stranger.get("/login").await.csrf().unwrap();
    let other = app.browser();
    other.get("/login").await;
    let page = other
        .post(
            "/login",
            &[
                ("identifier", "karen"),
                ("password", PASSWORD),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(browser.get("/").await.text().contains("Logged in as karen"));
}

#[actix_web::test]
async fn session_cookies_carry_the_right_flags() {
    let app = TestApp::spawn().await;
    app.account("karen", Role::Member).await;
    let browser = app.browser();
    let page = browser.log_in("karen", PASSWORD).await;
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("parley_session="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age"),
        "a browser session by default: {cookie}"
    );

    let remembered = app.browser();
    remembered.get("/login").await;
    let page = remembered
        .post(
            "/login",
            &[
                ("identifier", "karen"),
                ("password", PASSWORD),
                ("remember", "on"),
            ],
        )
        .await;
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("parley_session="))
        .unwrap();
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");

    let tls = TestApp::spawn_with(|s| s.secure_cookies = true).await;
    let page = tls.browser().get("/login").await;
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("parley_pre="))
        .unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");

    // Only the hash of the token is stored.
    let token = cookie_value(&app.browser().log_in("karen", PASSWORD).await);
    let mut conn = app.conn().await;
    let hashes: Vec<Vec<u8>> = sessions::table
        .select(sessions::token_hash)
        .load(&mut conn)
        .await
        .unwrap();
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 32 && *h != token.as_bytes())
    );
}

fn cookie_value(page: &Page) -> String {
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("parley_session="))
        .unwrap();
    cookie["parley_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn the_profile_never_shows_the_email_address() {
    let app = TestApp::spawn().await;
    app.member("karen").await;
    let reader = app.browser();
    let page = reader.get("/u/karen").await;
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(
        text.contains("karen") && text.contains("Member") && text.contains("Joined"),
        "{text}"
    );
    assert!(text.contains("Posts 0"), "{text}");
    assert!(!page.body.contains("karen@example.com"));
    assert_eq!(reader.get("/u/nobody-here").await.status, 404);
}

#[actix_web::test]
async fn settings_change_address_time_zone_and_remember_me() {
    let app = TestApp::spawn().await;
    let browser = app.member("karen").await;
    app.member("bob").await;
    browser.get("/settings").await;
    let taken = browser
        .post(
            "/settings/email",
            &[("email", "bob@example.com"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken
            .field_error("email")
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(
        taken.attr("#f-email", "value").as_deref(),
        Some("bob@example.com")
    );

    let changed = browser
        .post(
            "/settings/email",
            &[
                ("email", "karen@new.example"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert!(
        browser
            .follow(&changed)
            .await
            .text()
            .contains("karen@new.example")
    );

    let bad_zone = browser
        .post("/settings/preferences", &[("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(bad_zone.status, 422);
    let saved = browser
        .post(
            "/settings/preferences",
            &[("time_zone", "Asia/Tokyo"), ("remember", "on")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let cookie = saved
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("parley_session="))
        .unwrap();
    assert!(cookie.contains("Max-Age"), "{cookie}");
    let page = browser.get("/settings").await;
    assert_eq!(
        page.attr("#f-time_zone option[selected]", "value")
            .as_deref(),
        Some("Asia/Tokyo")
    );
    assert!(page.attr("#f-remember", "checked").is_some());

    // Dates on pages follow the zone: the profile's join date carries it.
    let mut conn = app.conn().await;
    let late_evening = chrono::DateTime::parse_from_rfc3339("2026-01-31T20:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    diesel::update(users::table.filter(users::username.eq("karen")))
        .set(users::created_at.eq(late_evening))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(browser.get("/u/karen").await.text().contains("1 Feb 2026"));
    assert!(
        app.browser()
            .get("/u/karen")
            .await
            .text()
            .contains("31 Jan 2026")
    );
}

#[actix_web::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let token = app.state.setup.open();
    let stranger = app.browser();
    assert_eq!(stranger.get("/setup/not-the-token").await.status, 404);

    let owner = app.browser();
    let form_page = owner.get(&format!("/setup/{token}")).await;
    assert_eq!(form_page.status, 200);
    let rejected = owner
        .post(
            &format!("/setup/{token}"),
            &[
                ("username", "boss"),
                ("email", "boss@example.com"),
                ("password", "short"),
                ("confirmation", "short"),
            ],
        )
        .await;
    assert_eq!(rejected.status, 422);
    assert_eq!(
        rejected.attr("#f-username", "value").as_deref(),
        Some("boss")
    );
    let created = owner
        .post(
            &format!("/setup/{token}"),
            &[
                ("username", "boss"),
                ("email", "boss@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, 303);
    assert!(owner.get("/u/boss").await.text().contains("Administrator"));
    assert_eq!(
        app.browser().get(&format!("/setup/{token}")).await.status,
        404
    );
}

#[actix_web::test]
async fn the_member_list_sorts_searches_and_never_shows_addresses() {
    let app = TestApp::spawn().await;
    for name in ["karen", "bob"] {
        app.account(name, parley::accounts::types::Role::Member)
            .await;
    }
    app.account("mod", parley::accounts::types::Role::Moderator)
        .await;
    let browser = app.browser();
    let page = browser.get("/members").await;
    assert_eq!(
        page.texts("table.members tbody td:first-child a"),
        vec!["bob", "karen", "mod"]
    );
    assert!(!page.body.contains("@example.com"));
    let by_role = browser.get("/members?sort=role&dir=desc").await;
    assert_eq!(
        by_role.texts("table.members tbody td:first-child a")[0],
        "mod"
    );
    let found = browser.get("/members?q=AR").await;
    assert_eq!(
        found.texts("table.members tbody td:first-child a"),
        vec!["karen"]
    );
    let odd = browser
        .get("/members?q=%25_%5C&sort=nonsense&dir=sideways&page=x")
        .await;
    assert_eq!(odd.status, 200);
    assert!(odd.text().contains("No member matches."));
}
