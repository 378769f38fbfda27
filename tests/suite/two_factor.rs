//! Two-factor log-in: setting it up from the QR code's secret, the second step with app
//! codes and recovery codes, trusted devices, its throttle, turning it off, and the
//! administrators' requirement for staff with their reset. Codes are computed here with
//! RFC 6238's own algorithm, never taken from the server.

use crate::common::{Browser, PASSWORD, Page, TestApp};
use hmac::{Hmac, Mac};
use parley::accounts::types::Role;
use sha1::Sha1;

/// RFC 6238 (over RFC 4226's dynamic truncation) with HMAC-SHA1 and 30-second steps.
fn rfc6238(secret: &[u8], unix_seconds: u64, digits: u32) -> String {
    let counter = (unix_seconds / 30).to_be_bytes();
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("any key length");
    mac.update(&counter);
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let value = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!(
        "{:0width$}",
        value % 10u32.pow(digits),
        width = digits as usize
    )
}

#[test]
fn the_test_algorithm_meets_the_rfc_test_vectors() {
    // RFC 6238, appendix B, SHA-1 rows.
    let key = b"12345678901234567890";
    assert_eq!(rfc6238(key, 59, 8), "94287082");
    assert_eq!(rfc6238(key, 1_111_111_109, 8), "07081804");
    assert_eq!(rfc6238(key, 1_234_567_890, 8), "89005924");
    assert_eq!(rfc6238(key, 20_000_000_000, 8), "65353130");
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Waits, when the current 30-second step has fewer than 12 seconds left, for the next
/// one to begin: a test that reasons about "this step" and "the next" must not see the
/// clock roll over halfway.
async fn early_in_a_step() {
    let into = now() % 30;
    if into >= 18 {
        tokio::time::sleep(std::time::Duration::from_secs(30 - into)).await;
    }
}

/// The app's code `steps` steps from now.
fn code(secret: &[u8], steps: i64) -> String {
    rfc6238(secret, (now() as i64 + steps * 30) as u64, 6)
}

/// A six-digit code that is surely not the right one: each digit moved by one.
fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| char::from(b'0' + (c as u8 - b'0' + 1) % 10))
        .collect()
}

/// Sets up two-factor authentication from the page (reading the secret as an app would,
/// from the text under the QR code) and returns the secret and the recovery codes.
async fn enable(browser: &Browser) -> (Vec<u8>, Vec<String>) {
    let page = browser.get("/settings/two-factor").await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(
        page.attr(".qr-code svg", "role").as_deref(),
        Some("img"),
        "an inline SVG QR code"
    );
    let shown = page.texts("code.secret").concat().replace(' ', "");
    let secret = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &shown)
        .expect("a base32 secret");
    assert_eq!(secret.len(), 20);

    let refused = browser
        .post(
            "/settings/two-factor/enable",
            &[("code", &wrong(&code(&secret, 0)))],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.field_error("code").is_some());
    assert_eq!(
        refused.texts("code.secret").concat().replace(' ', ""),
        shown,
        "the same secret is offered again"
    );

    let done = browser
        .post(
            "/settings/two-factor/enable",
            &[("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text());
    let codes = done.texts(".recovery-codes code");
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Logs in with the password, which leads to the second step.
async fn password_step(browser: &Browser, name: &str) {
    let page = browser.log_in(name, PASSWORD).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location().as_deref(), Some("/login/code"));
    let form = browser.get("/login/code").await;
    assert_eq!(form.status, 200);
    assert!(form.text().contains("Trust this device for 30 days"));
}

async fn give_code(browser: &Browser, code: &str, trust: bool) -> Page {
    let mut fields = vec![("code", code)];
    if trust {
        fields.push(("trust", "on"));
    }
    browser.post("/login/code", &fields).await
}

#[actix_web::test]
async fn two_factor_log_in_takes_a_code_once_a_recovery_code_once_and_trusts_a_device() {
    let app = TestApp::spawn().await;
    let ann = app.member("ann").await;
    early_in_a_step().await;
    let (secret, recovery) = enable(&ann).await;
    assert!(
        ann.get("/settings")
            .await
            .text()
            .contains("Two-factor authentication is on")
    );

    // The password alone is no longer enough.
    let phone = app.browser();
    password_step(&phone, "ann").await;
    assert!(!phone.logged_in_as("ann").await);
    let wrong_code = give_code(&phone, &wrong(&code(&secret, 0)), false).await;
    assert_eq!(wrong_code.status, 422);
    assert!(wrong_code.text().contains("That code is not right"));
    // The code that turned it on was used; the next step's code (a phone a little ahead)
    // works, once.
    assert_eq!(
        give_code(&phone, &code(&secret, 0), false).await.status,
        422
    );
    let done = give_code(&phone, &code(&secret, 1), false).await;
    assert_eq!(done.status, 303, "{}", done.text());
    assert!(phone.logged_in_as("ann").await);
    let again = app.browser();
    password_step(&again, "ann").await;
    assert_eq!(
        give_code(&again, &code(&secret, 1), false).await.status,
        422
    );

    // A recovery code works once, however it is typed.
    let typed = recovery[0].to_uppercase().replace('-', " ");
    assert_eq!(give_code(&again, &typed, false).await.status, 303);
    assert!(again.logged_in_as("ann").await);
    let third = app.browser();
    password_step(&third, "ann").await;
    assert_eq!(give_code(&third, &recovery[0], false).await.status, 422);

    // "Trust this device": the next log-in on this browser skips the code.
    assert_eq!(give_code(&third, &recovery[1], true).await.status, 303);
    third.get("/").await;
    third.post("/logout", &[]).await;
    let back = third.log_in("ann", PASSWORD).await;
    assert_eq!(back.location().as_deref(), Some("/"), "trusted device");
    let settings = ann.get("/settings/two-factor").await;
    assert!(settings.text().contains("8 unused recovery codes"));
    assert!(settings.text().contains("1 browser skips the code"));

    // New recovery codes replace the old ones.
    let fresh = ann
        .post(
            "/settings/two-factor/recovery",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(fresh.status, 200);
    let renewed = fresh.texts(".recovery-codes code");
    assert_eq!(renewed.len(), 10);
    let fourth = app.browser();
    password_step(&fourth, "ann").await;
    assert_eq!(give_code(&fourth, &recovery[2], false).await.status, 422);

    // Turning it off takes the password and a code.
    ann.get("/settings/two-factor").await;
    let no_code = ann
        .post(
            "/settings/two-factor/off",
            &[("current_password", PASSWORD), ("code", "")],
        )
        .await;
    assert_eq!(no_code.status, 422);
    let no_password = ann
        .post(
            "/settings/two-factor/off",
            &[("current_password", "not it"), ("code", &renewed[0])],
        )
        .await;
    assert_eq!(no_password.status, 422);
    let off = ann
        .post(
            "/settings/two-factor/off",
            &[("current_password", PASSWORD), ("code", &renewed[0])],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.text());
    let plain = app.browser();
    assert_eq!(
        plain.log_in("ann", PASSWORD).await.location().as_deref(),
        Some("/")
    );
}

#[actix_web::test]
async fn the_second_step_has_its_own_throttle_and_expires_with_its_cookie() {
    let app = TestApp::spawn().await;
    let bea = app.member("bea").await;
    let (secret, _) = enable(&bea).await;

    let guesser = app.browser();
    password_step(&guesser, "bea").await;
    for _ in 0..5 {
        let page = give_code(&guesser, &wrong(&code(&secret, 0)), false).await;
        assert_eq!(page.status, 422);
    }
    let held = give_code(&guesser, &code(&secret, 0), false).await;
    assert_eq!(held.status, 429, "even the right code waits");
    assert!(!guesser.logged_in_as("bea").await);

    // Without the pending log-in's cookie, the code page sends the visitor back.
    let stranger = app.browser();
    let page = stranger.get("/login/code").await;
    assert_eq!(page.location().as_deref(), Some("/login"));
}

#[actix_web::test]
async fn staff_are_led_to_set_up_two_factor_when_required_and_administrators_reset_it() {
    let app = TestApp::spawn().await;
    let boss = app.admin("boss").await;

    // An administrator without a second factor cannot require one.
    let refused = boss
        .fill(
            "/admin/accounts",
            "/admin/accounts",
            &[("staff_two_factor", "on")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .text()
            .contains("Turn on two-factor authentication for your own account first")
    );
    enable(&boss).await;
    let saved = boss
        .fill(
            "/admin/accounts",
            "/admin/accounts",
            &[("staff_two_factor", "on")],
        )
        .await;
    assert_eq!(saved.status, 303);

    app.account("moira", Role::Moderator).await;
    let moira = app.logged_in("moira").await;
    let led = moira.get("/mod/queue").await;
    assert_eq!(led.status, 303);
    assert_eq!(
        led.location().as_deref(),
        Some("/settings/two-factor?required=1&next=/mod/queue")
    );
    let setup = moira.follow(&led).await;
    assert!(
        setup
            .text()
            .contains("The administrators require two-factor authentication of staff")
    );
    // Members are not staff: nothing changes for them.
    let member = app.member("mia").await;
    assert_eq!(member.get("/mod/queue").await.status, 403);
    assert_eq!(member.get("/").await.status, 200);

    enable(&moira).await;
    assert_eq!(moira.get("/mod/queue").await.status, 200);

    // Moira lost her phone: an administrator resets the second factor, in the log.
    let moira_id = app.user_id("moira").await;
    let users = boss.get("/admin/users").await;
    assert!(users.text().contains("Reset"));
    let reset = boss
        .post(&format!("/admin/users/{moira_id}/two-factor"), &[])
        .await;
    assert_eq!(reset.status, 303, "{}", reset.text());
    let log = boss.get("/mod/log").await;
    assert!(log.text().contains("reset two-factor"), "{}", log.text());
    assert_eq!(moira.get("/mod/queue").await.status, 303, "set it up again");
    let old_code = app.browser();
    assert_eq!(
        old_code
            .log_in("moira", PASSWORD)
            .await
            .location()
            .as_deref(),
        Some("/"),
        "the password alone logs in again"
    );

    // A reset of a member without a second factor is refused.
    let mia_id = app.user_id("mia").await;
    boss.get("/admin/users").await;
    let nothing = boss
        .post(&format!("/admin/users/{mia_id}/two-factor"), &[])
        .await;
    assert_ne!(nothing.status, 303);
}
