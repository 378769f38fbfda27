//! The text of every mail Parley sends: plain text and HTML, the subject, and the headers
//! mail clients need to group, label and unsubscribe.

use maud::{DOCTYPE, Markup, html};

use crate::ids::PostId;
use crate::mail::types::NewMail;
use crate::web::urls;

/// Facts every mail needs about the site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Name for subjects and signatures.
    pub name: String,
    /// Absolute base URL, no trailing slash.
    pub base_url: String,
}

impl Site {
    /// The host part of the base URL, for Message-IDs.
    pub fn host(&self) -> &str {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        let host = rest.split(['/', ':']).next().unwrap_or("localhost");
        if host.is_empty() { "localhost" } else { host }
    }

    /// An absolute link to `path`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

fn page(site: &Site, body: Markup, footer: Markup) -> String {
    html! {
        (DOCTYPE)
        html {
            head { meta charset="utf-8"; }
            body style="font-family: system-ui, sans-serif; color: #1f2933; line-height: 1.5; max-width: 40rem;" {
                (body)
                hr style="border: 0; border-top: 1px solid #d5dbe1; margin-top: 2rem;";
                div style="color: #5b6770; font-size: 0.9em;" { (footer) p { (site.name) } }
            }
        }
    }
    .into_string()
}

fn new_mail(kind: &str, to: &str, subject: String, text: String, html: String) -> NewMail {
    NewMail {
        kind: kind.into(),
        recipient: to.into(),
        subject,
        body_text: text,
        body_html: html,
        headers: String::new(),
    }
    .with_header("Auto-Submitted", "auto-generated")
    .with_header("X-Parley-Kind", kind)
}

/// A mail whose point is one link: what it is for, said the same way in text and HTML.
struct LinkMail<'a> {
    kind: &'static str,
    subject: &'a str,
    /// What happened, as the sentence after the greeting (ends before the link).
    why: String,
    /// The link's words in HTML, and the lead-in to it in text.
    action: &'a str,
    /// How long and how often the link works.
    validity: &'a str,
    /// What to do if the mail was not expected.
    unexpected: String,
}

fn link_mail(site: &Site, to: &str, username: &str, link: &str, mail: LinkMail<'_>) -> NewMail {
    let subject = format!("[{}] {}", site.name, mail.subject);
    let text = format!(
        "Hello {username},\n\n{why}\n\n{action}:\n\n{link}\n\n{validity} {unexpected}\n",
        why = mail.why,
        action = mail.action,
        validity = mail.validity,
        unexpected = mail.unexpected,
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { (mail.why) }
        p { a href=(link) { (mail.action) } }
        p { (mail.validity) }
    };
    let footer = html! { p { (mail.unexpected) } };
    new_mail(mail.kind, to, subject, text, page(site, body, footer))
}

/// "Confirm your e-mail address".
pub fn confirm_address(site: &Site, to: &str, username: &str, link: &str) -> NewMail {
    let mail = LinkMail {
        kind: "confirm",
        subject: "Confirm your e-mail address",
        why: format!(
            "please confirm that this is your e-mail address for {}.",
            site.name
        ),
        action: "Confirm my e-mail address",
        validity: "The link works once, within 48 hours.",
        unexpected: format!(
            "If you did not register at {}, ignore this mail; nothing else will happen.",
            site.name
        ),
    };
    link_mail(site, to, username, link, mail)
}

/// "Reset your password".
pub fn password_reset(site: &Site, to: &str, username: &str, link: &str) -> NewMail {
    let mail = LinkMail {
        kind: "reset",
        subject: "Reset your password",
        why: format!(
            "someone (hopefully you) asked to reset the password of your account at {}.",
            site.name
        ),
        action: "Choose a new password",
        validity: "The link works once, within one hour, and logs you out everywhere.",
        unexpected: "If you did not ask for this, ignore this mail: your password stays as it is."
            .into(),
    };
    link_mail(site, to, username, link, mail)
}

/// "Your log-in link".
pub fn login_link(site: &Site, to: &str, username: &str, link: &str) -> NewMail {
    let mail = LinkMail {
        kind: "login",
        subject: "Your log-in link",
        why: format!(
            "someone (hopefully you) asked for a log-in link for your account at {}, which had many failed log-in attempts.",
            site.name
        ),
        action: "Log in",
        validity: "The link works once, within 15 minutes.",
        unexpected:
            "If you did not ask for it, ignore this mail; consider choosing a longer password."
                .into(),
    };
    link_mail(site, to, username, link, mail)
}

/// "Your data is ready to download".
pub fn data_export(site: &Site, to: &str, username: &str, link: &str) -> NewMail {
    let mail = LinkMail {
        kind: "export",
        subject: "Your data is ready to download",
        why: format!(
            "you asked for a copy of everything your account at {} holds: your profile, the source of every post, your subscriptions and your sessions.",
            site.name
        ),
        action: "Download my data",
        validity: "The link works once, within 24 hours, while you are logged in.",
        unexpected: "If you did not ask for it, someone may be using your account: change your password and look at your signed-in devices.".into(),
    };
    link_mail(site, to, username, link, mail)
}

/// "Your registration was approved".
pub fn registration_approved(site: &Site, to: &str, username: &str, login: &str) -> NewMail {
    let subject = format!("[{}] Your registration was approved", site.name);
    let text = format!(
        "Hello {username},\n\nan administrator of {site} approved your registration. Welcome! Log in as {username}:\n\n{login}\n",
        site = site.name
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { "an administrator of " (site.name) " approved your registration. Welcome!" }
        p { a href=(login) { "Log in as " (username) } }
    };
    let footer = html! { p { "You receive this mail because you registered at " (site.name) "." } };
    new_mail("approved", to, subject, text, page(site, body, footer))
}

/// "Your registration was not accepted", with the administrator's reason if they gave one.
pub fn registration_refused(site: &Site, to: &str, username: &str, reason: &str) -> NewMail {
    let subject = format!("[{}] Your registration was not accepted", site.name);
    let why = match reason.is_empty() {
        true => String::new(),
        false => format!("\n\nThe reason given: {reason}"),
    };
    let text = format!(
        "Hello {username},\n\nan administrator of {site} did not accept your registration, and the account was removed.{why}\n",
        site = site.name
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { "an administrator of " (site.name) " did not accept your registration, and the account was removed." }
        @if !reason.is_empty() { p { "The reason given: " (reason) } }
    };
    let footer = html! { p { "You receive this mail because you registered at " (site.name) "." } };
    new_mail("refused", to, subject, text, page(site, body, footer))
}

/// "Someone tried to register with your address".
pub fn address_in_use(site: &Site, to: &str, username: &str, login: &str, forgot: &str) -> NewMail {
    let subject = format!("[{}] Your address was used to register", site.name);
    let text = format!(
        "Hello {username},\n\nsomeone tried to register a new account at {site} with this e-mail address. It already belongs to your account, so no new account was made.\n\nIf it was you, log in as {username}:\n\n{login}\n\nor choose a new password if you forgot it:\n\n{forgot}\n\nIf it was not you, ignore this mail; your account is unchanged.\n",
        site = site.name
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { "someone tried to register a new account at " (site.name) " with this e-mail address. It already belongs to your account, so no new account was made." }
        p { "If it was you: " a href=(login) { "log in as " (username) } ", or " a href=(forgot) { "choose a new password" } " if you forgot it." }
    };
    let footer = html! { p { "If it was not you, ignore this mail; your account is unchanged." } };
    new_mail(
        "address-in-use",
        to,
        subject,
        text,
        page(site, body, footer),
    )
}

/// Why someone gets a mail about a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// They watch the thread.
    WatchedThread,
    /// They watch the forum and a thread was started.
    WatchedForum,
    /// Their post was quoted.
    Quoted,
    /// They were mentioned.
    Mentioned,
}

/// A post a mail is about.
#[derive(Debug, Clone)]
pub struct PostMail<'a> {
    pub post_id: PostId,
    pub thread_id: i64,
    pub thread_title: &'a str,
    pub forum_title: &'a str,
    /// Who wrote it.
    pub author: &'a str,
    /// Plain-text excerpt.
    pub excerpt: &'a str,
}

/// A mail about a new post to one recipient; `unsubscribe` is the one-click link.
pub fn about_post(
    site: &Site,
    to: &str,
    username: &str,
    post: &PostMail<'_>,
    reason: Reason,
    unsubscribe: &str,
) -> NewMail {
    let permalink = site.link(&urls::post(post.post_id).to_string());
    let (kind, subject, headline, why) = match reason {
        Reason::WatchedThread => (
            "reply",
            format!("[{}] Re: {}", site.name, post.thread_title),
            format!("{} replied in \"{}\"", post.author, post.thread_title),
            "You get this mail because you watch this thread. You will get no more mail about it until you visit it again.".to_string(),
        ),
        Reason::WatchedForum => (
            "thread",
            format!("[{}] New thread in {}: {}", site.name, post.forum_title, post.thread_title),
            format!("{} started \"{}\" in {}", post.author, post.thread_title, post.forum_title),
            format!("You get this mail because you watch the forum {}.", post.forum_title),
        ),
        Reason::Quoted => (
            "quote",
            format!("[{}] {} quoted you in: {}", site.name, post.author, post.thread_title),
            format!("{} quoted you in \"{}\"", post.author, post.thread_title),
            "You get this mail because someone quoted your post.".to_string(),
        ),
        Reason::Mentioned => (
            "mention",
            format!("[{}] {} mentioned you in: {}", site.name, post.author, post.thread_title),
            format!("{} mentioned you in \"{}\"", post.author, post.thread_title),
            "You get this mail because someone mentioned you.".to_string(),
        ),
    };
    let settings = site.link("/settings");
    let text = format!(
        "Hello {username},\n\n{headline}:\n\n{excerpt}\n\nRead it: {permalink}\n\n-- \n{why}\nStop these mails: {unsubscribe}\nAll your notification settings: {settings}\n",
        excerpt = post.excerpt
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { strong { (headline) } ":" }
        blockquote style="margin: 0; padding: 0.5rem 1rem; border-left: 4px solid #9fb6d3; background: #f3f6fa;" { (post.excerpt) }
        p { a href=(permalink) { "Read the post" } }
    };
    let footer = html! {
        p { (why) }
        p { a href=(unsubscribe) { "Stop these mails" } " · " a href=(settings) { "Notification settings" } }
    };
    let thread_ref = format!("<thread-{}@{}>", post.thread_id, site.host());
    new_mail(kind, to, subject, text, page(site, body, footer))
        .with_header(
            "Message-ID",
            &format!("<post-{}.{}@{}>", post.post_id, kind, site.host()),
        )
        .with_header("In-Reply-To", &thread_ref)
        .with_header("References", &thread_ref)
        .with_header("List-Unsubscribe", &format!("<{unsubscribe}>"))
        .with_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
}

/// "Your answer was marked as the solution".
pub fn solution(
    site: &Site,
    to: &str,
    username: &str,
    post: &PostMail<'_>,
    marked_by: &str,
    unsubscribe: &str,
) -> NewMail {
    let permalink = site.link(&urls::post(post.post_id).to_string());
    let subject = format!(
        "[{}] Your answer in \"{}\" was marked as the solution",
        site.name, post.thread_title
    );
    let text = format!(
        "Hello {username},\n\n{marked_by} marked your reply in \"{}\" as the answer to the question. Thank you for helping!\n\n{}\n\n{permalink}\n\n-- \nStop mail from this forum: {unsubscribe}\n",
        post.thread_title, post.excerpt
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { (marked_by) " marked your reply in \u{201c}" (post.thread_title) "\u{201d} as the answer to the question. Thank you for helping!" }
        blockquote style="margin: 0; padding: 0.5rem 1rem; border-left: 4px solid #9fb6d3; background: #f3f6fa;" { (post.excerpt) }
        p { a href=(permalink) { "See the thread" } }
    };
    let footer = html! { p { a href=(unsubscribe) { "Stop mail from this forum" } } };
    let thread_ref = format!("<thread-{}@{}>", post.thread_id, site.host());
    new_mail("solution", to, subject, text, page(site, body, footer))
        .with_header("References", &thread_ref)
        .with_header("List-Unsubscribe", &format!("<{unsubscribe}>"))
        .with_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
}

/// "A question you have too was solved": to a member who pressed "Me too" asking to be
/// told, with the accepted answer.
pub fn question_solved(
    site: &Site,
    to: &str,
    username: &str,
    answer: &PostMail<'_>,
    unsubscribe: &str,
) -> NewMail {
    let permalink = site.link(&urls::post(answer.post_id).to_string());
    let subject = format!("[{}] Solved: \"{}\"", site.name, answer.thread_title);
    let text = format!(
        "Hello {username},\n\nThe question \"{}\", which you have too, has an accepted answer by {}:\n\n{}\n\n{permalink}\n\n-- \nYou pressed \"Me too\" on this question and asked to be told.\nStop mail from this forum: {unsubscribe}\n",
        answer.thread_title, answer.author, answer.excerpt
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { "The question \u{201c}" (answer.thread_title) "\u{201d}, which you have too, has an accepted answer by " strong { (answer.author) } ":" }
        blockquote style="margin: 0; padding: 0.5rem 1rem; border-left: 4px solid #9fb6d3; background: #f3f6fa;" { (answer.excerpt) }
        p { a href=(permalink) { "Read the answer" } }
    };
    let footer = html! {
        p { "You pressed \u{201c}Me too\u{201d} on this question and asked to be told." }
        p { a href=(unsubscribe) { "Stop mail from this forum" } }
    };
    let thread_ref = format!("<thread-{}@{}>", answer.thread_id, site.host());
    new_mail(
        "question-solved",
        to,
        subject,
        text,
        page(site, body, footer),
    )
    .with_header("References", &thread_ref)
    .with_header("List-Unsubscribe", &format!("<{unsubscribe}>"))
    .with_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
}

/// "Assigned to you": a question a staff member (or their group) now has.
pub fn assigned(
    site: &Site,
    to: &str,
    username: &str,
    what: &str,
    title: &str,
    path: &str,
) -> NewMail {
    let link = site.link(path);
    let subject = format!("[{}] Assigned: \"{title}\"", site.name);
    let text = format!(
        "Hello {username},\n\n{what}\n\n{link}\n\n-- \nYou get this mail as staff of {}.\n",
        site.name
    );
    let body = html! {
        p { "Hello " (username) "," }
        p { (what) }
        p { a href=(link) { "Open the question" } }
    };
    let footer = html! { p { "You get this mail as staff of " (site.name) "." } };
    new_mail("assigned", to, subject, text, page(site, body, footer))
}

/// One question past a target, in the daily mail.
#[derive(Debug, Clone)]
pub struct LateLine {
    pub title: String,
    pub path: String,
    /// "8 h 10 min without a first response", or the like.
    pub why: String,
}

/// The daily list of a forum's questions past their targets, to its staff.
pub fn late_questions(
    site: &Site,
    to: &str,
    username: &str,
    forum: &str,
    lines: &[LateLine],
) -> NewMail {
    let subject = format!(
        "[{}] {} question(s) past target in {forum}",
        site.name,
        lines.len()
    );
    let mut text =
        format!("Hello {username},\n\nThese questions in {forum} are past their targets:\n\n");
    for line in lines {
        text.push_str(&format!(
            "- {}: {}\n  {}\n",
            line.title,
            line.why,
            site.link(&line.path)
        ));
    }
    text.push_str(&format!(
        "\nThe desk lists them all: {}\n\n-- \nYou get this mail as staff of {}.\n",
        site.link("/desk"),
        site.name
    ));
    let body = html! {
        p { "Hello " (username) "," }
        p { "These questions in " strong { (forum) } " are past their targets:" }
        ul {
            @for line in lines {
                li { a href=(site.link(&line.path)) { (line.title) } ": " (line.why) }
            }
        }
        p { a href=(site.link("/desk")) { "Open the desk" } }
    };
    let footer = html! { p { "You get this mail as staff of " (site.name) "." } };
    new_mail(
        "late-questions",
        to,
        subject,
        text,
        page(site, body, footer),
    )
}

/// One line of a digest.
#[derive(Debug, Clone)]
pub struct DigestLine {
    pub thread_title: String,
    pub author: String,
    pub post_id: PostId,
    /// Plain-text excerpt.
    pub excerpt: String,
}

/// The daily digest of new replies in watched threads.
pub fn digest(
    site: &Site,
    to: &str,
    username: &str,
    lines: &[DigestLine],
    unsubscribe: &str,
) -> NewMail {
    let subject = format!(
        "[{}] Your daily digest: {} new post{}",
        site.name,
        lines.len(),
        if lines.len() == 1 { "" } else { "s" }
    );
    let settings = site.link("/settings");
    let mut text =
        format!("Hello {username},\n\nnew posts in the threads and forums you follow:\n\n");
    for line in lines {
        text.push_str(&format!(
            "* {} — {} wrote:\n  {}\n  {}\n\n",
            line.thread_title,
            line.author,
            line.excerpt,
            site.link(&urls::post(line.post_id).to_string())
        ));
    }
    text.push_str(&format!("-- \nYou get this daily digest because you chose it for your subscriptions.\nStop all notification mail: {unsubscribe}\nSettings: {settings}\n"));
    let body = html! {
        p { "Hello " (username) "," }
        p { "new posts in the threads and forums you follow:" }
        ul {
            @for line in lines {
                li style="margin-bottom: 0.75rem;" {
                    a href=(site.link(&urls::post(line.post_id).to_string())) { strong { (line.thread_title) } }
                    " — " (line.author) " wrote:" br;
                    span style="color: #5b6770;" { (line.excerpt) }
                }
            }
        }
    };
    let footer = html! {
        p { "You get this daily digest because you chose it for your subscriptions." }
        p { a href=(unsubscribe) { "Stop all notification mail" } " · " a href=(settings) { "Notification settings" } }
    };
    new_mail("digest", to, subject, text, page(site, body, footer))
        .with_header("List-Unsubscribe", &format!("<{unsubscribe}>"))
        .with_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_come_from_the_base_url() {
        let site = |url: &str| Site {
            name: "P".into(),
            base_url: url.into(),
        };
        assert_eq!(
            site("https://forum.example.com/").host(),
            "forum.example.com"
        );
        assert_eq!(site("http://127.0.0.1:8080").host(), "127.0.0.1");
    }

    #[test]
    fn header_values_cannot_inject_lines() {
        let mail = new_mail("x", "a@example.com", "s".into(), "t".into(), "h".into())
            .with_header("References", "<a@b>\r\nBcc: evil@example.com");
        assert!(!mail.headers.contains("\nBcc"));
    }
}
