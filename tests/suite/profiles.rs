//! Avatars (uploaded, drawn again without the file's metadata, cut square, served under
//! addresses that change with them; initials otherwise) and profiles.

use std::io::Cursor;

use crate::common::{Browser, Page, TestApp};
use image::{DynamicImage, ImageFormat, RgbaImage};

/// A JPEG of `width`×`height` with an EXIF block that names a GPS position.
fn photo_with_gps(width: u32, height: u32) -> Vec<u8> {
    let picture = DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 120, 255])
    }));
    let mut jpeg = Cursor::new(Vec::new());
    picture
        .to_rgb8()
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .expect("encode");
    let jpeg = jpeg.into_inner();
    let payload = b"Exif\0\0GPSLatitude 48.8584 GPSLongitude 2.2945";
    let length = u16::try_from(payload.len() + 2)
        .expect("short")
        .to_be_bytes();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn upload(browser: &Browser, file_name: &str, bytes: Vec<u8>) -> Page {
    browser.get("/settings").await;
    let csrf = browser.last_csrf().expect("a token");
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "avatar",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
    );
    let response = browser
        .client()
        .post(browser.url("/settings/avatar"))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("body"),
    }
}

#[actix_web::test]
async fn an_avatar_is_drawn_again_without_its_metadata_and_shown_beside_posts() {
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    let (thread, _) = app
        .thread(forum, karen_id, "Greeting callers", "Say your name first.")
        .await;
    let thread_page = format!("/t/{thread}/greeting-callers");

    // Without a picture: initials on a colour.
    let page = app.browser().get(&thread_page).await;
    assert_eq!(page.texts(".post .author .avatar.initials"), ["K"]);

    // Something that is not a picture is refused with a reason, and nothing changes.
    let refused = upload(&karen, "notes.txt", b"just some text".to_vec()).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .text()
            .contains("Please choose a PNG, JPEG, WebP or GIF picture.")
    );

    let done = upload(&karen, "me.jpg", photo_with_gps(900, 600)).await;
    assert_eq!(done.status, 303, "{}", done.body);

    let page = app.browser().get(&thread_page).await;
    let src = page
        .attr(".post .author img.avatar", "src")
        .expect("the picture");
    assert!(
        src.starts_with(&format!("/avatars/{karen_id}/")) && src.ends_with("/small.jpg"),
        "{src}"
    );
    let large = src.replace("/small.jpg", "/large.jpg");
    let response = app
        .browser()
        .client()
        .get(app.browser().url(&large))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let bytes = response.bytes().await.expect("bytes");
    let found = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        !found(b"Exif") && !found(b"GPSLatitude"),
        "metadata dropped"
    );
    let drawn = image::load_from_memory(&bytes).expect("a picture");
    assert_eq!((drawn.width(), drawn.height()), (320, 320));

    // The profile shows it large; removing it brings the initials back, at a new address.
    let profile = app.browser().get("/u/karen").await;
    assert!(
        profile
            .attr(".profile-head img.avatar.large", "src")
            .is_some()
    );
    karen.get("/settings").await;
    assert_eq!(karen.post("/settings/avatar/remove", &[]).await.status, 303);
    let page = app.browser().get(&thread_page).await;
    assert_eq!(page.texts(".post .author .avatar.initials"), ["K"]);
    assert_eq!(app.browser().get(&large).await.status, 404);
}

#[actix_web::test]
async fn a_profile_shows_about_counts_groups_and_only_public_activity() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use parley::db::schema::{staff_group_members, staff_groups, threads};

    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.member("karen").await;
    let karen_id = app.user_id("karen").await;
    let bob_id = app
        .account("bobby", parley::accounts::types::Role::Member)
        .await;
    let (open, _) = app
        .thread(forum, karen_id, "Callback scripts", "Ours are short.")
        .await;
    let (hidden, _) = app
        .thread(forum, karen_id, "Salary talk", "Not for everyone.")
        .await;
    let (question, _) = app
        .thread(forum, bob_id, "How to end a call", "Politely?")
        .await;
    let answer = app
        .reply(question, karen_id, "Summarise, then thank them.")
        .await;
    let mut conn = app.conn().await;
    diesel::update(threads::table.find(hidden))
        .set(threads::hidden.eq(true))
        .execute(&mut conn)
        .await
        .expect("hide");
    diesel::update(threads::table.find(question))
        .set(threads::solution_post_id.eq(Some(answer)))
        .execute(&mut conn)
        .await
        .expect("solve");
    let group: i64 = diesel::insert_into(staff_groups::table)
        .values(staff_groups::name.eq("Billing team"))
        .returning(staff_groups::id)
        .get_result(&mut conn)
        .await
        .expect("group");
    diesel::insert_into(staff_group_members::table)
        .values((
            staff_group_members::group_id.eq(group),
            staff_group_members::user_id.eq(karen_id),
        ))
        .execute(&mut conn)
        .await
        .expect("member");

    // "About" is CommonMark, sanitized; one too long comes back with the text kept.
    let long = "x".repeat(5001);
    karen.get("/settings").await;
    let refused = karen.post("/settings/about", &[("about", &long)]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.field_error("about").is_some());
    assert_eq!(refused.texts("#f-about").concat(), long);
    let about = "**Team lead** at Acme.\n\n<script>alert(1)</script>";
    assert_eq!(
        karen
            .post("/settings/about", &[("about", about)])
            .await
            .status,
        303
    );

    let page = app.browser().get("/u/karen").await;
    assert_eq!(page.texts(".about strong"), ["Team lead"]);
    assert!(!page.body.contains("<script>alert"));
    let text = page.text();
    assert!(text.contains("Answers accepted 1"), "{text}");
    assert!(text.contains("Groups Billing team"), "{text}");
    assert!(text.contains("Callback scripts"), "{text}");
    assert!(text.contains("Summarise, then thank them."), "{text}");
    assert!(
        !text.contains("Salary talk") && !text.contains("Not for everyone"),
        "{text}"
    );
    assert!(page.body.contains(&format!("/t/{open}/callback-scripts")));
}
