//! Registration modes: open, open for some e-mail domains with the others waiting for an
//! administrator (told by mail either way), by invitation (links that work once) and
//! closed.

use crate::common::smtp::SmtpSink;
use crate::common::{Browser, PASSWORD, Page, TestApp};
use parley::accounts::types::Role;

async fn set_mode(admin: &Browser, mode: &str, domains: &str) -> Page {
    admin
        .fill(
            "/admin/accounts",
            "/admin/accounts",
            &[("mode", mode), ("domains", domains)],
        )
        .await
}

async fn register(
    browser: &Browser,
    path: &str,
    name: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> Page {
    let mut fields = vec![
        ("username", name),
        ("email", email),
        ("password", PASSWORD),
        ("confirmation", PASSWORD),
    ];
    fields.extend_from_slice(extra);
    browser.fill(path, "/register", &fields).await
}

#[actix_web::test]
async fn outside_the_domains_let_in_registrations_wait_for_an_administrator() {
    let app = TestApp::spawn().await;
    let smtp = SmtpSink::start();
    let mailer = app.mailer_for(&smtp);
    let boss = app.admin("boss").await;

    let no_domains = set_mode(&boss, "domains", "  ").await;
    assert_eq!(no_domains.status, 422);
    assert!(no_domains.field_error("domains").is_some());
    assert_eq!(
        set_mode(&boss, "domains", "Example.com\nsupport.example.org")
            .await
            .status,
        303
    );

    // An address at a listed domain joins at once.
    app.member("ann").await;

    // Any other waits, with what the applicant wrote.
    let ola = app.browser();
    let form = ola.get("/register").await;
    assert!(
        form.text()
            .contains("waits for an administrator's approval"),
        "{}",
        form.text()
    );
    let applied = register(
        &ola,
        "/register",
        "ola",
        "ola@elsewhere.org",
        &[("application", "Team lead at Acme support")],
    )
    .await;
    assert_eq!(applied.status, 303, "{}", applied.text());
    assert!(
        ola.follow(&applied)
            .await
            .text()
            .contains("An administrator will then look")
    );
    let link = app.mailed_link("ola@elsewhere.org", "/confirm/").await;
    let confirmed = ola.get(&link).await;
    assert!(
        ola.follow(&confirmed)
            .await
            .text()
            .contains("An administrator will look at your registration")
    );
    assert!(!ola.get("/").await.text().contains("Logged in as ola"));
    let waiting = app.browser().log_in("ola", PASSWORD).await;
    assert_eq!(waiting.status, 403);
    assert!(
        waiting
            .text()
            .contains("waits for an administrator's approval")
    );

    register(
        &app.browser(),
        "/register",
        "pete",
        "pete@elsewhere.org",
        &[],
    )
    .await;
    let list = boss.get("/admin/applicants").await;
    let text = list.text();
    assert!(
        text.contains("ola") && text.contains("Team lead at Acme support"),
        "{text}"
    );
    assert!(
        text.contains("pete") && text.contains("address not confirmed yet"),
        "{text}"
    );
    assert!(!text.contains("ann@example.com"));

    let ola_id = app.user_id("ola").await;
    let pete_id = app.user_id("pete").await;
    let approved = boss
        .post(
            &format!("/admin/applicants/{ola_id}"),
            &[("action", "approve")],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.text());
    boss.get("/admin/applicants").await;
    let refused = boss
        .post(
            &format!("/admin/applicants/{pete_id}"),
            &[("action", "refuse"), ("reason", "Not a support team")],
        )
        .await;
    assert_eq!(refused.status, 303);
    assert!(
        boss.follow(&refused)
            .await
            .text()
            .contains("Nobody is waiting")
    );

    // Both hear of it by mail, through a real SMTP server.
    app.deliver(&mailer).await;
    let to_ola = smtp.to("ola@elsewhere.org");
    assert!(
        to_ola
            .iter()
            .any(|m| m.subject().contains("Your registration was approved"))
    );
    let to_pete = smtp.to("pete@elsewhere.org");
    let no = to_pete
        .iter()
        .find(|m| m.subject().contains("not accepted"))
        .expect("the refusal");
    assert!(no.text().contains("Not a support team"));

    assert_eq!(app.browser().log_in("ola", PASSWORD).await.status, 303);
    assert_eq!(app.browser().log_in("pete", PASSWORD).await.status, 422);
    let log = boss.get("/mod/log").await.text();
    assert!(
        log.contains("applicant ola") && log.contains("applicant pete"),
        "{log}"
    );
}

#[actix_web::test]
async fn by_invitation_each_link_lets_one_person_in_and_closed_lets_nobody() {
    let app = TestApp::spawn().await;
    let boss = app.admin("boss").await;
    app.account("karen", Role::Member).await;
    assert_eq!(set_mode(&boss, "invitation", "").await.status, 303);

    let visitor = app.browser();
    assert!(
        visitor
            .get("/register")
            .await
            .text()
            .contains("by invitation")
    );
    let uninvited = visitor
        .post(
            "/register",
            &[
                ("username", "sneaky"),
                ("email", "sneaky@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(uninvited.status, 403);

    let karen = app.logged_in("karen").await;
    karen.get("/invitations").await;
    let made = karen.post("/invitations", &[]).await;
    assert_eq!(made.status, 200);
    let link = made.texts("code.secret").concat();
    let path = link
        .strip_prefix(&app.base)
        .expect("a link to this site")
        .to_string();
    assert!(path.starts_with("/register?invite="), "{path}");

    let newcomer = app.browser();
    let joined = register(&newcomer, &path, "nina", "nina@example.com", &[]).await;
    assert_eq!(joined.status, 303, "{}", joined.text());
    let confirm = app.mailed_link("nina@example.com", "/confirm/").await;
    newcomer.get(&confirm).await;
    assert!(newcomer.get("/").await.text().contains("Logged in as nina"));

    // The link is used up.
    let late = app.browser();
    assert!(late.get(&path).await.text().contains("already used"));
    let token = path.trim_start_matches("/register?invite=");
    let again = late
        .post(
            "/register",
            &[
                ("username", "ollie"),
                ("email", "ollie@example.com"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
                ("invite", token),
            ],
        )
        .await;
    assert_eq!(again.status, 403);
    assert!(karen.get("/invitations").await.text().contains("nina"));

    // Closed: nobody.
    assert_eq!(set_mode(&boss, "closed", "").await.status, 303);
    assert!(
        app.browser()
            .get("/register")
            .await
            .text()
            .contains("Registration is closed")
    );
    let fresh = karen.post("/invitations", &[]).await;
    let path = fresh
        .texts("code.secret")
        .concat()
        .strip_prefix(&app.base)
        .expect("a link")
        .to_string();
    assert!(
        app.browser()
            .get(&path)
            .await
            .text()
            .contains("Registration is closed")
    );
}
