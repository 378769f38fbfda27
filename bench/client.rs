//! A load client's browser: a cookie-keeping HTTP client that logs in through the real
//! form and reads the CSRF token a logged-in page carries.

/// Logs `name` in; returns the client (session cookie kept) and the session's CSRF token.
pub async fn logged_in(base: &str, name: &str, password: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = text(&http, &format!("{base}/login")).await;
    let response = http
        .post(format!("{base}/login"))
        .form(&[
            ("identifier", name),
            ("password", password),
            ("csrf", &csrf(&page)),
        ])
        .send()
        .await
        .expect("log in");
    assert_eq!(response.status(), 303, "log in as {name}");
    // Any logged-in page has the log-out form, which carries the session's token.
    let page = text(&http, &format!("{base}/")).await;
    let token = csrf(&page);
    (http, token)
}

/// Posts a reply through the real form; `submission` must be unique per reply.
pub async fn reply(
    http: &reqwest::Client,
    base: &str,
    csrf: &str,
    thread: i64,
    submission: &str,
    body: &str,
) {
    let response = http
        .post(format!("{base}/t/{thread}/reply"))
        .form(&[
            ("body", body),
            ("csrf", csrf),
            ("submission", submission),
            ("action", "post"),
        ])
        .send()
        .await
        .expect("reply");
    assert_eq!(response.status(), 303, "reply accepted");
}

async fn text(http: &reqwest::Client, url: &str) -> String {
    http.get(url)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// The value of the first `csrf` field of a page.
fn csrf(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a CSRF field") + marker.len();
    page[start..].split('"').next().expect("token").to_string()
}
