//! The support desk: staff groups, assigning questions (and telling whoever gets them),
//! the staff queue with each forum's targets, the daily mail of late questions, and staff
//! notes following their posts through splits and merges. Each part for each role.

use crate::common::{Browser, TestApp};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::accounts::types::Role;
use parley::db::schema::{forums, notices, outbox, staff_groups, staff_notes, threads};
use parley::ids::{ForumId, ThreadId, UserId};

/// A Questions forum `/f/desk` with one question by karen, an administrator, a moderator,
/// and two members who will make up the "Tier 2" group.
struct Desk {
    admin: Browser,
    moderator: Browser,
    forum: ForumId,
    karen: UserId,
    thread: ThreadId,
}

async fn desk(app: &TestApp) -> Desk {
    let forum = app.forum("desk").await;
    let mut conn = app.conn().await;
    diesel::update(forums::table.find(forum.0))
        .set(forums::questions.eq(true))
        .execute(&mut conn)
        .await
        .unwrap();
    let admin = app.admin("boss").await;
    app.account("mod", Role::Moderator).await;
    let moderator = app.logged_in("mod").await;
    let karen = app.account("karen", Role::Member).await;
    for name in ["tina", "sam"] {
        app.account(name, Role::Member).await;
    }
    let (thread, _) = app
        .thread(
            forum,
            karen,
            "Refund for a late parcel",
            "What do I tell them?",
        )
        .await;
    Desk {
        admin,
        moderator,
        forum,
        karen,
        thread,
    }
}

/// Creates the group `name` with `members`; its id.
async fn group(app: &TestApp, admin: &Browser, name: &str, members: &[&str]) -> i64 {
    let created = admin
        .fill("/admin/groups", "/admin/groups", &[("name", name)])
        .await;
    assert_eq!(created.status, 303, "{}", created.text());
    let mut conn = app.conn().await;
    let id: i64 = staff_groups::table
        .filter(staff_groups::name.eq(name))
        .select(staff_groups::id)
        .first(&mut conn)
        .await
        .unwrap();
    for member in members {
        let added = admin
            .post(
                &format!("/admin/groups/{id}"),
                &[("action", "add"), ("username", member)],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.text());
    }
    id
}

#[actix_web::test]
async fn staff_groups_make_staff_and_only_administrators_manage_them() {
    let app = TestApp::spawn().await;
    let Desk {
        admin, moderator, ..
    } = desk(&app).await;
    let tina = app.logged_in("tina").await;
    assert_eq!(tina.get("/desk").await.status, 403);
    assert_eq!(tina.get("/admin/groups").await.status, 403);
    assert_eq!(moderator.get("/admin/groups").await.status, 403);
    assert_eq!(moderator.get("/desk").await.status, 200);
    assert!(
        !tina
            .get("/")
            .await
            .texts("nav.main-nav a")
            .contains(&"Desk".to_string())
    );

    let billing = group(&app, &admin, "Billing", &[]).await;
    // Bad names and unknown members come back with what was typed.
    let taken = admin
        .fill("/admin/groups", "/admin/groups", &[("name", "BILLING")])
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.field_error("name").unwrap().contains("Another group"));
    assert_eq!(taken.attr("#f-name", "value").as_deref(), Some("BILLING"));
    let empty = admin
        .fill("/admin/groups", "/admin/groups", &[("name", "  ")])
        .await;
    assert_eq!(empty.status, 422);
    let nobody = admin
        .post(
            &format!("/admin/groups/{billing}"),
            &[("action", "add"), ("username", "nobody")],
        )
        .await;
    assert_eq!(nobody.status, 422);
    assert!(
        nobody
            .text()
            .contains("There is no member called \u{201c}nobody\u{201d}")
    );
    assert_eq!(
        nobody
            .attr(&format!("#g-add-{billing}"), "value")
            .as_deref(),
        Some("nobody")
    );

    // A member of a group is staff: the desk, its canned replies, the header's link.
    let added = admin
        .post(
            &format!("/admin/groups/{billing}"),
            &[("action", "add"), ("username", "Tina")],
        )
        .await;
    assert_eq!(added.status, 303);
    assert_eq!(tina.get("/desk").await.status, 200);
    assert_eq!(tina.get("/desk/replies").await.status, 200);
    assert!(
        tina.get("/")
            .await
            .texts("nav.main-nav a")
            .contains(&"Desk".to_string())
    );
    // ... but no moderator.
    assert_eq!(tina.get("/mod/queue").await.status, 403);
    let page = admin.get("/admin/groups").await;
    assert!(page.texts("section.card").concat().contains("tina"));

    let renamed = admin
        .post(
            &format!("/admin/groups/{billing}"),
            &[("action", "rename"), ("name", "Billing and refunds")],
        )
        .await;
    assert_eq!(renamed.status, 303);
    let tina_id = app.user_id("tina").await;
    let removed = admin
        .post(
            &format!("/admin/groups/{billing}"),
            &[("action", "remove"), ("user", &tina_id.to_string())],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(tina.get("/desk").await.status, 403);
    let deleted = admin
        .post(&format!("/admin/groups/{billing}"), &[("action", "delete")])
        .await;
    assert_eq!(deleted.status, 303);
    assert!(
        admin
            .get("/admin/groups")
            .await
            .text()
            .contains("No groups yet")
    );
}

/// The notices and "assigned" mails queued for `name`.
async fn told(app: &TestApp, name: &str) -> (i64, i64) {
    let user = app.user_id(name).await;
    let mut conn = app.conn().await;
    let notices: i64 = notices::table
        .filter(notices::user_id.eq(user))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let mails: i64 = outbox::table
        .filter(outbox::kind.eq("assigned"))
        .filter(outbox::recipient.eq(format!("{name}@example.com")))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    (notices, mails)
}

#[actix_web::test]
async fn questions_are_claimed_assigned_and_unassigned_and_whoever_gets_one_is_told() {
    let app = TestApp::spawn().await;
    let Desk {
        admin,
        moderator,
        thread,
        ..
    } = desk(&app).await;
    let tier2 = group(&app, &admin, "Tier 2", &["tina", "sam"]).await;
    let path = format!("/t/{thread}/refund-for-a-late-parcel");
    let karen = app.logged_in("karen").await;
    karen.get(&path).await;
    assert!(karen.get(&path).await.texts(".staff-bar").is_empty());
    let refused = karen
        .post(&format!("/t/{thread}/assign"), &[("action", "claim")])
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(karen.get(&format!("/t/{thread}/assign")).await.status, 403);

    // Unassigned, then claimed: the thread and the queue say who has it.
    moderator.get(&path).await;
    assert!(
        moderator
            .get(&path)
            .await
            .texts(".staff-bar")
            .concat()
            .contains("Not assigned")
    );
    assert!(
        moderator
            .get("/desk")
            .await
            .text()
            .contains("Refund for a late parcel")
    );
    let claimed = moderator
        .post(&format!("/t/{thread}/assign"), &[("action", "claim")])
        .await;
    assert_eq!(claimed.status, 303, "{}", claimed.text());
    let bar = moderator.get(&path).await.texts(".staff-bar").concat();
    assert!(bar.contains("Assigned to mod"), "{bar}");
    assert!(
        !moderator
            .get("/desk")
            .await
            .text()
            .contains("Refund for a late parcel")
    );
    assert!(
        moderator
            .get("/desk?show=mine")
            .await
            .text()
            .contains("Refund for a late parcel")
    );
    assert_eq!(
        told(&app, "mod").await,
        (0, 0),
        "nobody is told of their own claim"
    );

    // To a group: each member is told on the site and by mail.
    let form = moderator.get(&format!("/t/{thread}/assign")).await;
    assert_eq!(form.status, 200);
    assert!(form.texts("#f-to option").contains(&"Tier 2".to_string()));
    let assigned = moderator
        .post(
            &format!("/t/{thread}/assign"),
            &[("action", "assign"), ("to", &format!("g{tier2}"))],
        )
        .await;
    assert_eq!(assigned.status, 303, "{}", assigned.text());
    assert_eq!(told(&app, "tina").await, (1, 1));
    assert_eq!(told(&app, "sam").await, (1, 1));
    let tina = app.logged_in("tina").await;
    let front = tina.get("/").await;
    assert_eq!(front.texts("nav.account .badge.count"), vec!["1"]);
    assert!(
        tina.get("/desk?show=groups")
            .await
            .text()
            .contains("Refund for a late parcel")
    );
    let listed = tina.get("/notices").await;
    assert!(
        listed
            .text()
            .contains("mod assigned the question \u{201c}Refund for a late parcel\u{201d} to your group Tier 2."),
        "{}",
        listed.text()
    );
    let link = listed.attr("ul.notices a", "href").unwrap();
    let opened = tina.get(&link).await;
    assert_eq!(opened.location().as_deref(), Some(path.as_str()));
    assert!(
        tina.get("/")
            .await
            .texts("nav.account .badge.count")
            .is_empty()
    );
    // Someone else's notice is not there to open.
    assert_eq!(karen.get(&link).await.status, 404);

    // A person who is not staff cannot be given a question; the form says so.
    let karen_id = app.user_id("karen").await;
    let wrong = moderator
        .post(
            &format!("/t/{thread}/assign"),
            &[("action", "assign"), ("to", &format!("u{karen_id}"))],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong
            .text()
            .contains("Questions can be assigned to staff only.")
    );
    let nothing = moderator
        .post(
            &format!("/t/{thread}/assign"),
            &[("action", "assign"), ("to", "")],
        )
        .await;
    assert_eq!(nothing.status, 422);
    assert!(
        nothing
            .text()
            .contains("Please choose a person or a group.")
    );

    // To a person: only they are told.
    let admin_id = app.user_id("boss").await;
    moderator
        .post(
            &format!("/t/{thread}/assign"),
            &[("action", "assign"), ("to", &format!("u{admin_id}"))],
        )
        .await;
    assert_eq!(told(&app, "boss").await, (1, 1));
    assert_eq!(told(&app, "tina").await, (1, 1));
    let unassigned = moderator
        .post(&format!("/t/{thread}/assign"), &[("action", "unassign")])
        .await;
    assert_eq!(unassigned.status, 303);
    assert!(
        moderator
            .get(&path)
            .await
            .texts(".staff-bar")
            .concat()
            .contains("Not assigned")
    );
    assert!(
        moderator
            .get("/desk")
            .await
            .text()
            .contains("Refund for a late parcel")
    );

    // Deleting the group frees its questions.
    moderator
        .post(
            &format!("/t/{thread}/assign"),
            &[("action", "assign"), ("to", &format!("g{tier2}"))],
        )
        .await;
    admin
        .post(&format!("/admin/groups/{tier2}"), &[("action", "delete")])
        .await;
    assert!(
        moderator
            .get("/desk")
            .await
            .text()
            .contains("Refund for a late parcel")
    );
}

/// Sets the forum's targets to 8 hours for a first response and 48 for a solution,
/// round the clock.
async fn targets_8_and_48(admin: &Browser, forum: ForumId) {
    let saved = admin
        .post(
            &format!("/admin/targets/{forum}"),
            &[
                ("first_response_hours", "8"),
                ("solution_hours", "48"),
                ("business_zone", ""),
                ("business_start", "9"),
                ("business_end", "17"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
}

/// Moves a question's asking `hours` into the past.
async fn asked_ago(app: &TestApp, thread: ThreadId, hours: i64) {
    let mut conn = app.conn().await;
    diesel::update(threads::table.find(thread.0))
        .set(threads::created_at.eq(Utc::now() - Duration::hours(hours)))
        .execute(&mut conn)
        .await
        .unwrap();
}

#[actix_web::test]
async fn the_desk_marks_questions_past_their_targets_and_mails_them_once_a_day() {
    let app = TestApp::spawn().await;
    let Desk {
        admin,
        moderator,
        forum,
        karen,
        thread,
    } = desk(&app).await;
    let (fresh, _) = app
        .thread(forum, karen, "Greeting on the phone", "Which words?")
        .await;
    asked_ago(&app, thread, 10).await;

    // Targets: refused input comes back as typed; then 8 hours and 48 hours.
    let targets = admin.get("/admin/targets").await;
    assert_eq!(targets.status, 200);
    assert_eq!(moderator.get("/admin/targets").await.status, 403);
    let bad = admin
        .post(
            &format!("/admin/targets/{forum}"),
            &[
                ("first_response_hours", "soon"),
                ("solution_hours", "48"),
                ("business_zone", "Mars/Base"),
                ("business_start", "9"),
                ("business_end", "17"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.attr(&format!("#t{forum}-fr"), "value").as_deref(),
        Some("soon")
    );
    assert_eq!(
        bad.attr(&format!("#t{forum}-tz"), "value").as_deref(),
        Some("Mars/Base")
    );
    assert!(bad.text().contains("Please give a time zone"));
    targets_8_and_48(&admin, forum).await;

    let queue = moderator.get("/desk?show=all").await;
    let late = queue.texts("tr.late");
    assert_eq!(late.len(), 1, "{late:?}");
    assert!(late[0].contains("Refund for a late parcel"));
    assert!(late[0].contains("Past first-response target"));
    assert!(late[0].contains("10 h"), "{}", late[0]);
    let rows = queue.texts("table.desk tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("Greeting on the phone") && r.contains("Within target"))
    );

    // The daily mail lists it to every staff member, once a day.
    parley::jobs::upkeep::round(&app.state.pool, &app.state.settings).await;
    let mut conn = app.conn().await;
    let mails: Vec<(String, String)> = outbox::table
        .filter(outbox::kind.eq("late-questions"))
        .select((outbox::recipient, outbox::body_text))
        .order(outbox::recipient)
        .load(&mut conn)
        .await
        .unwrap();
    let to: Vec<&str> = mails.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(to, ["boss@example.com", "mod@example.com"]);
    assert!(
        mails[0].1.contains(
            "Refund for a late parcel: 10 h 0 min without a first response (not assigned)"
        ),
        "{}",
        mails[0].1
    );
    assert!(!mails[0].1.contains("Greeting"));
    parley::jobs::upkeep::round(&app.state.pool, &app.state.settings).await;
    let again: i64 = outbox::table
        .filter(outbox::kind.eq("late-questions"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(again, 2, "one mail a day");

    // Answered after the target: no longer waiting for a response, but the record stays.
    let helper = app.account("helper", Role::Member).await;
    app.reply(thread, helper, "Say sorry and refund it.").await;
    let queue = moderator.get("/desk?show=all").await;
    assert!(
        queue.texts("tr.late").is_empty(),
        "{:?}",
        queue.texts("tr.late")
    );
    let rows = queue.texts("table.desk tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("Refund") && r.contains("First response came late"))
    );
    // Past the solution target after two days and more.
    asked_ago(&app, fresh, 50).await;
    let late = moderator.get("/desk?show=all").await.texts("tr.late");
    assert_eq!(late.len(), 1);
    assert!(
        late[0].contains("Greeting")
            && late[0].contains("Past solution target")
            && late[0].contains("Past first-response target")
    );

    // Solving a question takes it off the desk; so does hiding or moving it away.
    diesel::update(threads::table.find(fresh.0))
        .set(threads::solution_post_id.eq(threads::last_post_id))
        .execute(&mut conn)
        .await
        .unwrap();
    let solved_at: Option<chrono::DateTime<Utc>> = threads::table
        .find(fresh.0)
        .select(threads::solved_at)
        .first(&mut conn)
        .await
        .unwrap();
    assert!(solved_at.is_some(), "the solution clock stops");
    assert!(
        !moderator
            .get("/desk?show=all")
            .await
            .text()
            .contains("Greeting")
    );
    let other = app.forum("chat").await;
    let mod_id = app.user_id("mod").await;
    use parley::moderation::actions::{self, ThreadAction};
    actions::on_thread(&mut conn, mod_id, thread, ThreadAction::Move(other))
        .await
        .unwrap();
    assert!(
        !moderator
            .get("/desk?show=all")
            .await
            .text()
            .contains("Refund")
    );
    actions::on_thread(&mut conn, mod_id, thread, ThreadAction::Move(forum))
        .await
        .unwrap();
    assert!(
        moderator
            .get("/desk?show=all")
            .await
            .text()
            .contains("Refund")
    );
    actions::on_thread(&mut conn, mod_id, thread, ThreadAction::Hide("spam".into()))
        .await
        .unwrap();
    assert!(
        !moderator
            .get("/desk?show=all")
            .await
            .text()
            .contains("Refund")
    );
}

#[actix_web::test]
async fn staff_notes_are_for_staff_and_follow_their_posts_through_splits_and_merges() {
    let app = TestApp::spawn().await;
    let Desk {
        admin,
        moderator,
        forum,
        karen,
        thread,
    } = desk(&app).await;
    group(&app, &admin, "Tier 2", &["tina"]).await;
    let path = format!("/t/{thread}/refund-for-a-late-parcel");
    let helper = app.account("helper", Role::Member).await;
    let answer = app.reply(thread, helper, "Refund it at once.").await;

    // A group member writes a note; an empty one comes back with the form.
    let tina = app.logged_in("tina").await;
    tina.get(&path).await;
    let empty = tina
        .post(&format!("/t/{thread}/note"), &[("body", "  ")])
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty
            .field_error("note")
            .unwrap()
            .contains("Please write the note.")
    );
    let long = format!("Too long {}", "a".repeat(20_000));
    let refused = tina
        .post(&format!("/t/{thread}/note"), &[("body", &long)])
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .field_error("note")
            .unwrap()
            .contains("at most 20000")
    );
    assert_eq!(
        refused.texts("#f-note"),
        vec![long.clone()],
        "the text is kept"
    );
    let noted = tina
        .post(
            &format!("/t/{thread}/note"),
            &[("body", "Checked: the parcel was **late**.")],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.text());
    let note = noted.location().unwrap();
    assert!(note.starts_with(&format!("{path}#n")), "{note}");
    // Staff see it after the post it follows, marked; the asker and visitors do not.
    for staff in [&tina, &moderator] {
        let page = staff.get(&path).await;
        let notes = page.texts("article.staff-note");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Staff note") && notes[0].contains("Only staff see this."));
        assert!(page.body.contains("<strong>late</strong>"));
    }
    let karen_page = app.logged_in("karen").await.get(&path).await;
    assert!(karen_page.texts("article.staff-note").is_empty());
    assert!(!karen_page.text().contains("parcel was"));
    assert!(!app.browser().get(&path).await.text().contains("parcel was"));
    // A note is not an answer: the question stays as it was.
    let mut conn = app.conn().await;
    let (responded, count): (Option<chrono::DateTime<Utc>>, i32) = threads::table
        .find(thread.0)
        .select((threads::first_response_at, threads::post_count))
        .first(&mut conn)
        .await
        .unwrap();
    assert!(responded.is_some(), "the helper's reply answered it");
    assert_eq!(count, 2, "the note is no post");

    // Split: the note follows the answer it was written after into the new thread.
    let mod_id = app.user_id("mod").await;
    let split = parley::moderation::actions::split(
        &mut conn,
        mod_id,
        thread,
        &[answer],
        "Refund answers",
        forum,
    )
    .await
    .unwrap();
    let note_thread: i64 = staff_notes::table
        .select(staff_notes::thread_id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(note_thread, split.0);
    // Merge back: it comes along again, still after its post.
    parley::moderation::actions::merge(&mut conn, mod_id, split, thread)
        .await
        .unwrap();
    let note_thread: i64 = staff_notes::table
        .select(staff_notes::thread_id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(note_thread, thread.0);
    let page = moderator.get(&path).await;
    assert_eq!(page.texts("article.staff-note").len(), 1);
    let _ = karen;
}

/// Sets a question's clocks: asked at `asked`, first answered and solved when given.
async fn clocks(
    app: &TestApp,
    thread: ThreadId,
    asked: chrono::DateTime<Utc>,
    answered: Option<chrono::DateTime<Utc>>,
    solved: Option<chrono::DateTime<Utc>>,
) {
    let mut conn = app.conn().await;
    diesel::update(threads::table.find(thread.0))
        .set((
            threads::created_at.eq(asked),
            threads::first_response_at.eq(answered),
            threads::solved_at.eq(solved),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
}

#[actix_web::test]
async fn desk_statistics_count_each_week_against_the_targets_for_staff_only() {
    use chrono::{Datelike, Days, NaiveTime};
    let app = TestApp::spawn().await;
    let Desk {
        admin,
        moderator,
        forum,
        karen,
        thread,
    } = desk(&app).await;
    group(&app, &admin, "Tier 2", &["tina"]).await;
    targets_8_and_48(&admin, forum).await;

    // Wednesday of last week (UTC, the viewers' zone), well inside its week.
    let today = Utc::now().date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let last_monday = monday - Days::new(7);
    let wednesday = (last_monday + Days::new(2))
        .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap())
        .and_utc();
    let hours = Duration::hours;
    // Karen's first question never got a reply; the second was answered in 2 hours and
    // solved in 10; a hidden one and one merged away are not counted.
    clocks(&app, thread, wednesday, None, None).await;
    let (answered, _) = app
        .thread(forum, karen, "Printer jams at the till", "Again.")
        .await;
    let reply = app
        .reply(answered, app.user_id("mod").await, "Reseat the roll.")
        .await;
    let mut conn = app.conn().await;
    diesel::update(threads::table.find(answered.0))
        .set(threads::solution_post_id.eq(reply.0))
        .execute(&mut conn)
        .await
        .unwrap();
    clocks(
        &app,
        answered,
        wednesday,
        Some(wednesday + hours(2)),
        Some(wednesday + hours(10)),
    )
    .await;
    for (title, column) in [("Hidden question", "hidden"), ("Merged question", "merged")] {
        let (gone, _) = app.thread(forum, karen, title, "Gone.").await;
        clocks(&app, gone, wednesday, None, None).await;
        let update = diesel::update(threads::table.find(gone.0));
        match column {
            "hidden" => {
                update
                    .set(threads::hidden.eq(true))
                    .execute(&mut conn)
                    .await
            }
            _ => {
                update
                    .set(threads::merged_into.eq(Some(thread.0)))
                    .execute(&mut conn)
                    .await
            }
        }
        .unwrap();
    }

    // Only staff see the figures: moderators, administrators and group members.
    let anonymous = app.browser();
    let away = anonymous.get("/desk/stats").await;
    assert_eq!(away.status, 303);
    assert!(away.location().unwrap().starts_with("/login"));
    let sam = app.logged_in("sam").await;
    assert_eq!(sam.get("/desk/stats").await.status, 403);
    assert_eq!(sam.get("/desk/stats.csv").await.status, 403);
    let tina = app.logged_in("tina").await;
    assert_eq!(tina.get("/desk/stats").await.status, 200);
    assert_eq!(admin.get("/desk/stats").await.status, 200);

    let csv = moderator.get("/desk/stats.csv?weeks=2").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "forum,week_starting,asked,unanswered,first_response_median_hours,\
         first_response_p90_hours,answered_within_target_percent,solution_median_hours,\
         solution_p90_hours,solved_within_target_percent"
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[1],
        format!("Handling angry customers,{last_monday},2,1,2.00,2.00,50.0,10.00,10.00,50.0")
    );
    assert_eq!(
        lines[2],
        format!("Handling angry customers,{monday},0,0,,,,,,")
    );
    // Out-of-range weeks are brought within bounds.
    let year = moderator.get("/desk/stats.csv?weeks=400").await;
    assert_eq!(year.body.lines().count(), 53);

    // The page: newest week first, with a chart and the same figures.
    let page = moderator.get("/desk/stats?weeks=2").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg"));
    assert!(
        page.text()
            .contains("Targets: first response 8 h, solution 48 h.")
    );
    let rows = page.texts("table.desk-stats tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].contains("2 h 0 min"), "{}", rows[1]);
    assert!(rows[1].contains("50% (1 of 2)"), "{}", rows[1]);
    assert!(rows[1].contains("10 h 0 min"), "{}", rows[1]);
}
