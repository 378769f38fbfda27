//! Attachments end to end: files through the real composer form (without JavaScript) and
//! the script's upload address, hostile files refused by their content, pictures drawn
//! again, visibility following the post, ranges, limits, and uploads no post took purged.

use std::io::Cursor;

use crate::common::{Browser, TestApp};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use parley::db::schema::{attachments, posts};

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture =
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        }));
    let mut out = Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    let mut bytes = out.into_inner();
    // Something riding after the picture's end, as a polyglot file carries it.
    bytes.extend_from_slice(b"<script>alert('riding along')</script>");
    bytes
}

const CSV: &[u8] = b"agent,calls\nana,41\nben,37\n";

/// An app whose members may attach at once (nobody counts as new).
async fn app_with(adjust: impl FnOnce(&mut parley::config::Settings)) -> TestApp {
    TestApp::spawn_with(|s| {
        s.new_member_posts = 0;
        adjust(s);
    })
    .await
}

async fn reply_with_files(
    member: &Browser,
    thread: parley::ids::ThreadId,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> crate::common::Page {
    let reply = format!("/t/{thread}/reply");
    member.fill_with_files(&reply, &reply, fields, files).await
}

/// The page refused the files with a message saying `words`.
fn assert_files_error(page: &crate::common::Page, words: &str) {
    let message = page.field_error("files").unwrap_or_default();
    assert!(
        message.contains(words),
        "{words:?} in {message:?}: {}",
        page.text()
    );
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn files_sent_with_a_reply_are_shown_and_served_safely() {
    let app = app_with(|_| {}).await;
    let (thread, _) = app
        .karens_thread("calls", "Call volumes", "What do your numbers look like?")
        .await;
    let bob = app.member("bobby").await;
    let sent = reply_with_files(
        &bob,
        thread,
        &[("body", "Here is my screenshot and the export.")],
        &[
            ("files", "screen.png", png(800, 500)),
            ("files", "export.csv", CSV.to_vec()),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let page = bob.follow(&bob.follow(&sent).await).await;
    let thumbnail = page
        .attr(".attachments .pictures img", "src")
        .expect("a thumbnail");
    let full = page
        .attr(".attachments .pictures a", "href")
        .expect("a link to the picture");
    assert!(full.ends_with("/screen.png"), "{full}");
    let csv = page
        .attr(".attachments .files a", "href")
        .expect("a download link");
    assert!(
        page.text().contains("export.csv (CSV, 26 bytes)"),
        "{}",
        page.text()
    );

    // Everyone may read the post, so everyone may have its files.
    let reader = app.browser();
    let (status, headers, bytes) = reader.get_bytes(&full, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert!(header(&headers, "content-security-policy").contains("sandbox"));
    assert!(header(&headers, "content-disposition").starts_with("inline"));
    let drawn = image::load_from_memory(&bytes).expect("a PNG");
    assert_eq!((drawn.width(), drawn.height()), (800, 500));
    assert!(
        !bytes.windows(6).any(|w| w == b"script"),
        "what rode along is gone"
    );
    let (status, headers, bytes) = reader.get_bytes(&thumbnail, &[]).await;
    assert_eq!(
        (status, header(&headers, "content-type").as_str()),
        (200, "image/jpeg")
    );
    let small = image::load_from_memory(&bytes).expect("a JPEG");
    assert_eq!((small.width(), small.height()), (320, 200));

    let (status, headers, bytes) = reader.get_bytes(&csv, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, CSV);
    assert!(header(&headers, "content-type").starts_with("text/csv"));
    let disposition = header(&headers, "content-disposition");
    assert!(
        disposition.starts_with("attachment") && disposition.contains("export.csv"),
        "{disposition}"
    );

    // Ranges, and the version the browser holds.
    let (status, headers, bytes) = reader.get_bytes(&csv, &[("range", "bytes=6-10")]).await;
    assert_eq!(status, 206);
    assert_eq!(bytes, b"calls");
    assert_eq!(header(&headers, "content-range"), "bytes 6-10/26");
    let (status, _, bytes) = reader.get_bytes(&csv, &[("range", "bytes=-3")]).await;
    assert_eq!((status, bytes.as_slice()), (206, b"37\n".as_slice()));
    let (status, headers, _) = reader.get_bytes(&csv, &[("range", "bytes=500-")]).await;
    assert_eq!(
        (status, header(&headers, "content-range").as_str()),
        (416, "bytes */26")
    );
    let etag = header(&headers_of(&reader, &csv).await, "etag");
    let (status, _, _) = reader.get_bytes(&csv, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    // An address whose hash is not the file's is no address.
    let parts: Vec<&str> = csv.split('/').collect();
    let wrong = format!(
        "/files/{}/0123456789abcdef0123456789abcdef/{}",
        parts[2], parts[4]
    );
    assert_eq!(reader.get_bytes(&wrong, &[]).await.0, 404);
}

async fn headers_of(browser: &Browser, path: &str) -> reqwest::header::HeaderMap {
    browser.get_bytes(path, &[]).await.1
}

#[actix_web::test]
async fn hostile_files_are_refused_by_their_content_and_the_text_is_kept() {
    let app = app_with(|_| {}).await;
    let (thread, _) = app.karens_thread("calls", "Tools", "Which tools?").await;
    let bob = app.member("bobby").await;
    let hostile: [(&str, &[u8], &str); 5] = [
        (
            "cat.png",
            b"<!DOCTYPE html><script>alert(1)</script>",
            "web page",
        ),
        (
            "logo.gif",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "web page",
        ),
        (
            "photo.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "program",
        ),
        ("report.pdf", b"just some words", "not what its name says"),
        ("tool.exe", b"\x00\x01\x02binary", "cannot be attached"),
    ];
    for (name, bytes, reason) in hostile {
        let text = format!("My notes about {name}");
        let page = reply_with_files(
            &bob,
            thread,
            &[("body", &text)],
            &[("files", name, bytes.to_vec())],
        )
        .await;
        assert_eq!(page.status, 422, "{name}: {}", page.text());
        let error = page.field_error("files").expect("a message for the files");
        assert!(
            error.contains(name) && error.contains(reason),
            "{name}: {error}"
        );
        assert_eq!(
            page.texts("textarea[name=body]"),
            std::slice::from_ref(&text),
            "the text is kept"
        );
    }
    let stored: i64 = attachments::table
        .count()
        .get_result(&mut app.conn().await)
        .await
        .expect("count");
    assert_eq!(stored, 0, "nothing refused was kept");
    // The script's address refuses them the same way, in words it can show.
    bob.get(&format!("/t/{thread}/reply")).await;
    let csrf = bob.last_csrf().expect("token");
    let answer = bob
        .post_multipart(
            "/attachments",
            &[("csrf".into(), csrf)],
            &[("file", "cat.png", b"<html><body>hi</body></html>".to_vec())],
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(answer.text().contains("web page"), "{}", answer.text());
}

#[actix_web::test]
async fn files_follow_the_visibility_of_their_post() {
    let app = app_with(|_| {}).await;
    let (thread, _) = app
        .karens_thread("calls", "Shared files", "Post yours")
        .await;
    let bob = app.member("bobby").await;
    let sent = reply_with_files(
        &bob,
        thread,
        &[("body", "The export")],
        &[("files", "export.csv", CSV.to_vec())],
    )
    .await;
    let page = bob.follow(&bob.follow(&sent).await).await;
    let link = page.attr(".attachments .files a", "href").expect("a link");
    let reader = app.browser();
    let dana = app.member("dana").await;
    let moderator = app.admin("maria").await;
    assert_eq!(reader.get_bytes(&link, &[]).await.0, 200);

    // Hidden by a moderator: gone for everyone but moderators.
    let post: i64 = attachments::table
        .select(attachments::post_id.assume_not_null())
        .first(&mut app.conn().await)
        .await
        .expect("attached");
    diesel::update(posts::table.find(post))
        .set(posts::hidden.eq(true))
        .execute(&mut app.conn().await)
        .await
        .expect("hide");
    assert_eq!(reader.get_bytes(&link, &[]).await.0, 404);
    assert_eq!(dana.get_bytes(&link, &[]).await.0, 404);
    assert_eq!(bob.get_bytes(&link, &[]).await.0, 404);
    assert_eq!(moderator.get_bytes(&link, &[]).await.0, 200);

    // Waiting for approval: its author and moderators only.
    diesel::update(posts::table.find(post))
        .set((posts::hidden.eq(false), posts::approved.eq(false)))
        .execute(&mut app.conn().await)
        .await
        .expect("hold");
    assert_eq!(reader.get_bytes(&link, &[]).await.0, 404);
    assert_eq!(dana.get_bytes(&link, &[]).await.0, 404);
    assert_eq!(bob.get_bytes(&link, &[]).await.0, 200);

    // An upload no post took yet belongs to its uploader alone.
    bob.get(&format!("/t/{thread}/reply")).await;
    let csrf = bob.last_csrf().expect("token");
    let answer = bob
        .post_multipart(
            "/attachments",
            &[("csrf".into(), csrf)],
            &[("file", "notes.txt", b"call notes".to_vec())],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let stored: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    let url = stored["url"].as_str().expect("url").to_string();
    assert_eq!(bob.get_bytes(&url, &[]).await.0, 200);
    assert_eq!(dana.get_bytes(&url, &[]).await.0, 404);
    assert_eq!(moderator.get_bytes(&url, &[]).await.0, 404);
    assert_eq!(reader.get_bytes(&url, &[]).await.0, 404);

    // A day later, upkeep forgets it.
    diesel::update(attachments::table.filter(attachments::post_id.is_null()))
        .set(attachments::created_at.eq(chrono::Utc::now() - chrono::Duration::hours(25)))
        .execute(&mut app.conn().await)
        .await
        .expect("age");
    parley::jobs::upkeep::round(&app.state.pool, &app.state.settings).await;
    assert_eq!(bob.get_bytes(&url, &[]).await.0, 404);
    let left: i64 = attachments::table
        .count()
        .get_result(&mut app.conn().await)
        .await
        .expect("count");
    assert_eq!(left, 1, "the attached file stays");
}

#[actix_web::test]
async fn a_preview_keeps_the_files_and_remove_takes_them_off() {
    let app = app_with(|_| {}).await;
    let (thread, _) = app.karens_thread("calls", "Scripts", "Share scripts").await;
    let bob = app.member("bobby").await;
    let reply = format!("/t/{thread}/reply");
    let preview = reply_with_files(
        &bob,
        thread,
        &[("body", "Two files"), ("action", "preview")],
        &[
            ("files", "a.txt", b"first".to_vec()),
            ("files", "b.txt", b"second".to_vec()),
        ],
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    assert_eq!(preview.texts("#attached li a"), ["a.txt", "b.txt"]);
    let waiting: Vec<(String, String)> = preview
        .hidden_fields(&reply)
        .into_iter()
        .filter(|(k, _)| k == "attachment")
        .collect();
    assert_eq!(waiting.len(), 2);
    // Tick "Remove" on the second and post: the post carries the first only.
    let mut fields = preview.hidden_fields(&reply);
    fields.retain(|(k, _)| k != "action");
    fields.push(("action".into(), "post".into()));
    fields.push(("remove".into(), waiting[1].1.clone()));
    let posted = bob.post_multipart(&reply, &fields, &[]).await;
    assert_eq!(posted.status, 303, "{}", posted.text());
    let page = bob.follow(&bob.follow(&posted).await).await;
    assert_eq!(page.texts(".attachments .files a"), ["a.txt"]);
    let stored: i64 = attachments::table
        .count()
        .get_result(&mut app.conn().await)
        .await
        .expect("count");
    assert_eq!(stored, 1, "the removed upload is gone");

    // Editing adds one and removes the other.
    let post: i64 = attachments::table
        .select(attachments::post_id.assume_not_null())
        .first(&mut app.conn().await)
        .await
        .expect("attached");
    let edit = format!("/p/{post}/edit");
    let form = bob.get(&edit).await;
    let first = form.attr("#attached li", "data-id").expect("listed");
    let edited = bob
        .fill_with_files(
            &edit,
            &edit,
            &[("body", "Two files, one changed"), ("remove", &first)],
            &[("files", "c.log", b"12:00 call dropped".to_vec())],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.text());
    let page = bob.follow(&bob.follow(&edited).await).await;
    assert_eq!(page.texts(".attachments .files a"), ["c.log"]);
}

#[actix_web::test]
async fn the_limits_hold() {
    let app = app_with(|s| {
        s.attachment_mb = 1;
        s.attachments_per_post = 2;
        s.attachment_daily_mb = 2;
    })
    .await;
    let (thread, _) = app.karens_thread("calls", "Limits", "Try them").await;
    let bob = app.member("bobby").await;
    let too_many = reply_with_files(
        &bob,
        thread,
        &[("body", "Three")],
        &[
            ("files", "1.txt", b"one".to_vec()),
            ("files", "2.txt", b"two".to_vec()),
            ("files", "3.txt", b"three".to_vec()),
        ],
    )
    .await;
    assert_eq!(too_many.status, 422);
    assert_files_error(&too_many, "at most 2 files");
    assert_eq!(too_many.texts("#attached li a").len(), 2, "two were taken");

    let big = vec![b'a'; 1024 * 1024 + 10];
    let page = reply_with_files(
        &bob,
        thread,
        &[("body", "Big")],
        &[("files", "big.txt", big)],
    )
    .await;
    assert_files_error(&page, "larger than 1 MB");

    // The day's allowance: 2 MB, of which almost one is used here.
    let almost = vec![b'b'; 1000 * 1024];
    for name in ["x.txt", "y.txt"] {
        let page = reply_with_files(
            &bob,
            thread,
            &[("body", "Filling up")],
            &[("files", name, almost.clone())],
        )
        .await;
        assert_eq!(page.status, 303, "{name}: {}", page.text());
    }
    let page = reply_with_files(
        &bob,
        thread,
        &[("body", "One more")],
        &[("files", "z.txt", almost)],
    )
    .await;
    assert_files_error(&page, "allowance of 2 MB");
}

#[actix_web::test]
async fn new_members_cannot_attach() {
    let app = TestApp::spawn_with(|s| s.new_member_posts = 3).await;
    let (thread, _) = app.karens_thread("calls", "Welcome", "Hello").await;
    let newcomer = app.member("newbie").await;
    let form = newcomer.get(&format!("/t/{thread}/reply")).await;
    assert!(form.attr("#f-files", "name").is_none(), "no file field");
    assert!(
        form.text()
            .contains("New members can attach files once they have 3 approved posts")
    );
    let page = reply_with_files(
        &newcomer,
        thread,
        &[("body", "Sneaking one in")],
        &[("files", "a.txt", b"hello".to_vec())],
    )
    .await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("files")
            .expect("message")
            .contains("New members")
    );
    assert_eq!(page.texts("textarea[name=body]"), ["Sneaking one in"]);
}
