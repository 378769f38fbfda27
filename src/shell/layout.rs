//! The base page every HTML route shares.

use maud::{DOCTYPE, Markup, html};

use crate::accounts::types::Role;
use crate::shell::ctx::Ctx;
use crate::web::assets;
use crate::web::redirect::login_url;
use crate::web::urls;

/// What the header's account area shows.
pub enum Account<'a> {
    /// A logged-out visitor; `next` is where logging in returns to.
    Visitor { next: &'a str },
    /// A logged-in member; `csrf` is the token of the log-out form.
    Member {
        username: &'a str,
        /// The token of the header's forms.
        csrf: String,
        /// False until the address is confirmed: a banner offers a new link.
        confirmed: bool,
        /// A suspension in force: its end, in words, and its reason.
        suspension: Option<String>,
        /// What the header links to for this member's role.
        role: Role,
        /// Staff get the desk in the header.
        staff: bool,
        /// Notices not yet read.
        unread_notices: i64,
    },
    /// Nothing known (error pages before the visitor was identified).
    Unknown,
}

/// Room a template reserves in the buffer it renders into, placed first, so that a large
/// page grows its buffer once instead of copying itself at every doubling.
pub struct Reserve(pub usize);

impl maud::Render for Reserve {
    fn render_to(&self, buffer: &mut String) {
        buffer.reserve(self.0);
    }
}

/// Room for the layout's own markup around a page's body (head, header, footer), so the
/// buffer is reserved once; its measured size is in bench/PROFILE.md.
const LAYOUT_BYTES: usize = 2048;

/// A whole page for `ctx`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    page_with_feed(ctx, title, None, body)
}

/// A whole page that also announces its Atom feed to browsers and feed readers.
pub fn page_with_feed(ctx: &Ctx, title: &str, feed: Option<&str>, body: Markup) -> Markup {
    let account = match ctx.user() {
        Some(user) => Account::Member {
            username: &user.username,
            csrf: ctx.csrf_token(),
            confirmed: user.email_confirmed,
            role: user.role,
            staff: user.staff,
            unread_notices: user.unread_notices,
            suspension: user.suspended().map(|until| {
                format!(
                    "Your account is suspended until {}: {}. You can read, but not post or report until then.",
                    until.with_timezone(&user.time_zone).format("%-d %b %Y, %H:%M %Z"),
                    user.suspension_reason.as_deref().unwrap_or("no reason given")
                )
            }),
        },
        None => Account::Visitor { next: &ctx.path },
    };
    document(
        ctx.site_name(),
        title,
        account,
        ctx.flash.as_deref(),
        feed,
        body,
    )
}

/// A whole page from its parts (error pages use this without a full context).
pub fn document(
    site: &str,
    title: &str,
    account: Account<'_>,
    flash: Option<&str>,
    feed: Option<&str>,
    body: Markup,
) -> Markup {
    html! {
        (Reserve(body.0.len() + LAYOUT_BYTES))
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (site) }
                link rel="stylesheet" href=(assets::url("style"));
                link rel="icon" href=(assets::url("icon")) type="image/svg+xml";
                @if let Some(feed) = feed {
                    link rel="alternate" type="application/atom+xml" href=(feed) title=(format!("{title} (Atom feed)"));
                }
            }
            body {
                a.skip-link href="#main" { "Skip to content" }
                header.site-header {
                    div.wrap {
                        a.brand href="/" { (site) }
                        nav.main-nav aria-label="Main" {
                            ul {
                                li { a href="/" { "Forum start" } }
                                li { a href="/search" { "Search" } }
                                li { a href="/members" { "Members" } }
                                li { a href="/stats" { "Statistics" } }
                                li { a href="/faq" { "FAQ" } }
                                @if let Account::Member { role, staff, .. } = &account {
                                    @if *staff { li { a href="/desk" { "Desk" } } }
                                    @if *role >= Role::Moderator { li { a href="/mod/queue" { "Moderation" } } }
                                    @if *role >= Role::Admin { li { a href="/admin/forums" { "Administration" } } }
                                }
                            }
                        }
                        form.header-search method="get" action="/search" role="search" {
                            label.visually-hidden for="header-q" { "Search the forum" }
                            input #header-q type="search" name="q" placeholder="Search…" maxlength="200";
                            button.small type="submit" { "Search" }
                        }
                        (account_area(&account))
                    }
                }
                main #main .wrap {
                    @if let Account::Member { confirmed: false, csrf, .. } = &account {
                        div.notice role="status" {
                            "Please confirm your e-mail address: open the link we sent you. You can read and log in, but not post, until then. "
                            form.inline method="post" action="/confirm/resend" {
                                input type="hidden" name="csrf" value=(csrf);
                                button.link type="submit" { "Send the link again" }
                            }
                        }
                    }
                    @if let Account::Member { suspension: Some(notice), .. } = &account {
                        div.notice.suspended role="status" { (notice) }
                    }
                    @if let Some(message) = flash {
                        p.flash role="status" { (message) }
                    }
                    (body)
                }
                footer.site-footer { div.wrap { "Powered by Parley" } }
            }
        }
    }
}

fn account_area(account: &Account<'_>) -> Markup {
    html! {
        @match account {
            Account::Visitor { next } => {
                nav.account aria-label="Account" {
                    a href="/register" { "Register" }
                    " · "
                    a href=(login_url(next)) { "Log in" }
                }
            }
            Account::Member { username, csrf, unread_notices, .. } => {
                nav.account aria-label="Account" {
                    "Logged in as "
                    a href=(urls::profile(username)) { strong { (username) } }
                    " · "
                    a href="/notices" {
                        "Notices"
                        @if *unread_notices > 0 { " " span.badge.count aria-label=(format!("{unread_notices} unread")) { (unread_notices) } }
                    }
                    " · "
                    a href=(urls::drafts()) { "Drafts" }
                    " · "
                    a href="/settings" { "Settings" }
                    " · "
                    form.inline method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(csrf);
                        button.link type="submit" { "Log out" }
                    }
                }
            }
            Account::Unknown => {}
        }
    }
}
