//! Markup of the accounts pages.

use chrono_tz::TZ_VARIANTS;
use maud::{Markup, PreEscaped, html};

use crate::accounts::password::MIN_LEN;
use crate::accounts::registration::NewAccount;
use crate::accounts::types::{OwnAccount, Profile};
use crate::accounts::validate::{EMAIL_MAX, USERNAME_MAX};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::shell::login_form::{LoginInput, login_form};
use crate::web::form::{Field, FieldErrors, checkbox, error_summary};
use crate::web::time;
use crate::web::urls;

fn username_hint() -> String {
    format!("3–{USERNAME_MAX} letters, digits and the characters _ . -")
}

fn password_hint() -> String {
    format!("At least {MIN_LEN} characters; a few unrelated words make a good one.")
}

/// The fields of a new account, shared by the register and set-up pages.
fn account_fields(input: &NewAccount, errors: &FieldErrors) -> Markup {
    let username_hint = username_hint();
    let password_hint = password_hint();
    html! {
        (Field::new("username", "User name").value(&input.username).hint(&username_hint)
            .autocomplete("username").maxlength(USERNAME_MAX).render(errors))
        (Field::new("email", "E-mail address").kind("email").value(&input.email)
            .hint("Never shown to other members.").autocomplete("email")
            .maxlength(EMAIL_MAX).render(errors))
        (Field::new("password", "Password").kind("password").hint(&password_hint)
            .autocomplete("new-password").render(errors))
        (Field::new("confirmation", "Password again").kind("password")
            .autocomplete("new-password").render(errors))
    }
}

/// How the register form joins: with an invitation, or as an applicant.
#[derive(Default)]
pub struct Joining<'a> {
    /// The invitation token the form carries.
    pub invite: Option<&'a str>,
    /// Domains registering as members at once; the others apply (`None`: no such rule).
    pub domains: Option<&'a [String]>,
    /// What an applicant wrote about themselves, kept when the form comes back.
    pub application: &'a str,
}

/// `/register`.
pub fn register(ctx: &Ctx, input: &NewAccount, errors: &FieldErrors, joining: &Joining) -> Markup {
    page(
        ctx,
        "Register",
        html! {
            h1 { "Register" }
            p { "Already a member? " a href="/login" { "Log in" } "." }
            @if let Some(domains) = joining.domains {
                p.notice {
                    "Addresses at " (domains.join(", ")) " join at once; with any other address, your registration waits for an administrator's approval."
                }
            }
            (error_summary(errors))
            form.card method="post" action="/register" novalidate {
                (csrf_input(ctx))
                @if let Some(invite) = joining.invite {
                    input type="hidden" name="invite" value=(invite);
                }
                (account_fields(input, errors))
                @if joining.domains.is_some() {
                    div.field.has-error[errors.get("application").is_some()] {
                        label for="f-application" { "About you (for the administrators, if you apply)" }
                        textarea id="f-application" name="application" rows="3" maxlength=(APPLICATION_MAX) aria-describedby="f-application-hint" { (joining.application) }
                        p.hint id="f-application-hint" { "Your company and role help them decide." }
                        @if let Some(e) = errors.get("application") { p.error id="f-application-error" { (e) } }
                    }
                }
                // Invisible to people (hidden by the stylesheet), irresistible to bots.
                div.honeypot aria-hidden="true" {
                    label for="f-website" { "Leave this field empty" }
                    input id="f-website" type="text" name="website" tabindex="-1" autocomplete="off";
                }
                button type="submit" { "Create account" }
            }
        },
    )
}

/// The longest "About you" an applicant may write.
pub const APPLICATION_MAX: usize = 2000;

/// `/register` when nobody may register now, or only with an invitation.
pub fn registration_closed(ctx: &Ctx, message: &str) -> Markup {
    page(
        ctx,
        "Register",
        html! {
            h1 { "Register" }
            p { (message) }
            p { "Already a member? " a href="/login" { "Log in" } "." }
        },
    )
}

/// `/login`.
pub fn login(ctx: &Ctx, input: &LoginInput, problem: Option<&str>) -> Markup {
    page(
        ctx,
        "Log in",
        html! {
            h1 { "Log in" }
            (login_form(ctx, input, problem))
            p { a href="/password/forgot" { "Forgot your password?" } " · New here? " a href="/register" { "Register" } "." }
        },
    )
}

/// The log-in page when failed attempts from elsewhere hold the account back: the owner
/// can get in with a link mailed to the account's address.
pub fn login_locked(ctx: &Ctx, input: &LoginInput) -> Markup {
    page(
        ctx,
        "Log in",
        html! {
            h1 { "Log in" }
            div.error-summary role="alert" {
                p { "This account had too many failed log-in attempts, so its password cannot be used for a while." }
            }
            form.card method="post" action="/login/link" {
                (csrf_input(ctx))
                input type="hidden" name="identifier" value=(input.identifier);
                p { "If it is yours, we can send a one-time log-in link to its e-mail address." }
                button type="submit" { "E-mail me a log-in link" }
            }
            p { a href="/password/forgot" { "Forgot your password?" } }
        },
    )
}

/// The page a mailed log-in link opens: one button, so that opening the link alone (as
/// mail scanners do) logs nobody in.
pub fn login_link(ctx: &Ctx, token: &str) -> Markup {
    page(
        ctx,
        "Log in",
        html! {
            h1 { "Log in" }
            form.card method="post" action=(urls::login_link(token)) {
                (csrf_input(ctx))
                p { "This one-time link logs you in on this device." }
                button type="submit" { "Log in" }
            }
        },
    )
}

/// `/u/{username}`; `moderation` is the moderators' panel, when the viewer is one.
pub fn profile(
    ctx: &Ctx,
    member: &Profile,
    activity: &Activity,
    moderation: Option<Markup>,
) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        &member.username,
        html! {
            div.profile-head {
                (crate::shell::avatar::avatar(member.id, &member.username, member.avatar.as_deref(), crate::shell::avatar::Size::Large))
                h1 { (member.username) }
            }
            dl.facts {
                dt { "Role" } dd { (member.role.label()) }
                @if !activity.groups.is_empty() {
                    dt { "Groups" } dd { (activity.groups.join(", ")) }
                }
                dt { "Joined" } dd { (time::date(member.created_at, tz)) }
                dt { "Posts" } dd { (member.post_count) }
                dt { "Answers accepted" } dd { (activity.answers) }
                dt { "Helpful received" } dd { (activity.helpful) }
                dt { "Last seen" } dd {
                    @match member.last_seen_at {
                        Some(at) => (time::relative(at, tz)),
                        None => "never",
                    }
                }
            }
            @if !activity.about_html.is_empty() {
                section.card.about aria-labelledby="about-heading" {
                    h2 #about-heading { "About" }
                    div.post-body { (PreEscaped(&activity.about_html)) }
                }
            }
            @if !activity.threads.is_empty() {
                section aria-labelledby="threads-heading" {
                    h2 #threads-heading { "Newest threads" }
                    ul.activity {
                        @for t in &activity.threads {
                            li { a href=(urls::thread_slug(t.id, &t.slug)) { bdi { (t.title) } } " · " (time::date(t.created_at, tz)) }
                        }
                    }
                }
            }
            @if !activity.posts.is_empty() {
                section aria-labelledby="posts-heading" {
                    h2 #posts-heading { "Newest posts" }
                    ul.activity {
                        @for p in &activity.posts {
                            li {
                                a href=(urls::post(p.id)) { "In " bdi { (p.thread_title) } }
                                " · " (time::date(p.created_at, tz))
                                p.excerpt { (crate::markup::excerpt(&p.body_html, 160)) }
                            }
                        }
                    }
                }
            }
            @if let Some(panel) = moderation { (panel) }
        },
    )
}

/// What a profile shows beside the member's facts: only what anyone may read.
pub struct Activity {
    /// "About", rendered and sanitized.
    pub about_html: String,
    /// Their staff groups.
    pub groups: Vec<String>,
    /// Public questions whose accepted answer they wrote.
    pub answers: i64,
    /// "Helpful" marks on their public posts.
    pub helpful: i64,
    pub threads: Vec<crate::forums::store::StartedThread>,
    pub posts: Vec<crate::forums::store::WrittenPost>,
}

/// Which settings form a re-rendered page's errors and values belong to.
#[derive(Debug, Default)]
pub struct SettingsForms {
    /// Typed new e-mail address.
    pub email: Option<String>,
    /// Errors of the e-mail form.
    pub email_errors: FieldErrors,
    /// Errors of the password form.
    pub password_errors: FieldErrors,
    /// Errors of the preferences form.
    pub preference_errors: FieldErrors,
    /// Why an uploaded avatar was refused.
    pub avatar_error: Option<String>,
    /// "About you" as typed, when refused.
    pub about: Option<String>,
    /// Errors of the "About you" form.
    pub about_errors: FieldErrors,
}

/// `/settings`.
pub fn settings(
    ctx: &Ctx,
    account: &OwnAccount,
    avatar: Option<&str>,
    about: &str,
    persistent: bool,
    forms: &SettingsForms,
    notifications: Markup,
) -> Markup {
    let email_value = forms.email.as_deref().unwrap_or(&account.email);
    page(
        ctx,
        "Settings",
        html! {
            h1 { "Settings" }
            p { "Logged in as " strong { (account.username) } ". "
                a href=(urls::profile(&account.username)) { "Your public profile" } }

            section.card aria-labelledby="avatar-heading" {
                h2 #avatar-heading { "Avatar" }
                div.row {
                    (crate::shell::avatar::avatar(account.id, &account.username, avatar, crate::shell::avatar::Size::Large))
                    div {
                        @if let Some(problem) = &forms.avatar_error {
                            div.error-summary role="alert" { p #f-avatar-error { (problem) } }
                        }
                        form method="post" action="/settings/avatar" enctype="multipart/form-data" {
                            (csrf_input(ctx))
                            div.field {
                                label for="f-avatar" { "Picture" }
                                input id="f-avatar" type="file" name="avatar" accept="image/png,image/jpeg,image/webp,image/gif" aria-describedby="f-avatar-hint";
                                p.hint id="f-avatar-hint" { "PNG, JPEG, WebP or GIF, up to 2 MB. It is cut square from the middle; nothing else of the file is kept." }
                            }
                            button type="submit" { "Upload" }
                        }
                        @if avatar.is_some() {
                            form method="post" action="/settings/avatar/remove" {
                                (csrf_input(ctx))
                                button type="submit" { "Remove the avatar" }
                            }
                        }
                    }
                }
            }

            section.card aria-labelledby="about-heading" {
                h2 #about-heading { "About you" }
                (error_summary(&forms.about_errors))
                form method="post" action="/settings/about" {
                    (csrf_input(ctx))
                    div.field.has-error[forms.about_errors.get("about").is_some()] {
                        label for="f-about" { "About" }
                        textarea id="f-about" name="about" rows="5" maxlength="5000" aria-describedby="f-about-hint" { (forms.about.as_deref().unwrap_or(about)) }
                        p.hint id="f-about-hint" { "Shown on your profile. Formatting as in posts (CommonMark)." }
                        @if let Some(e) = forms.about_errors.get("about") { p.error id="f-about-error" { (e) } }
                    }
                    button type="submit" { "Save" }
                }
            }

            section.card aria-labelledby="email-heading" {
                h2 #email-heading { "E-mail address" }
                p { "Your address is " strong { (account.email) }
                    @if account.email_confirmed_at.is_none() { " (not confirmed yet)" }
                    ". Only you and the administrators can see it. A new address is used once you open the confirmation link we send to it." }
                (error_summary(&forms.email_errors))
                form method="post" action="/settings/email" {
                    (csrf_input(ctx))
                    (Field::new("email", "New e-mail address").kind("email").value(email_value)
                        .autocomplete("email").maxlength(EMAIL_MAX).render(&forms.email_errors))
                    (Field::new("current_password", "Current password").kind("password")
                        .autocomplete("current-password").render(&forms.email_errors))
                    button type="submit" { "Change e-mail address" }
                }
            }

            section.card aria-labelledby="password-heading" {
                h2 #password-heading { "Password" }
                (error_summary(&forms.password_errors))
                form method="post" action="/settings/password" {
                    (csrf_input(ctx))
                    (Field::new("current_password", "Current password").kind("password")
                        .autocomplete("current-password").render(&forms.password_errors))
                    (Field::new("password", "New password").kind("password").hint(&password_hint())
                        .autocomplete("new-password").render(&forms.password_errors))
                    (Field::new("confirmation", "New password again").kind("password")
                        .autocomplete("new-password").render(&forms.password_errors))
                    (checkbox("log_out_others", "Log out all other devices", true))
                    button type="submit" { "Change password" }
                }
            }

            section.card aria-labelledby="security-heading" {
                h2 #security-heading { "Security" }
                p { "Two-factor authentication is "
                    strong { @if ctx.user().is_some_and(|u| u.two_factor) { "on" } @else { "off" } } ". "
                    a href="/settings/two-factor" { "Two-factor authentication" } }
                p { a href="/settings/sessions" { "Signed-in devices" } ": see where you are logged in, and log out the others." }
                p { a href="/settings/tokens" { "API tokens" } ": let programs use the forum as you." }
            }

            section.card aria-labelledby="leaving-heading" {
                h2 #leaving-heading { "Your data" }
                p { a href="/settings/data" { "Download my data" } ": a copy of your profile, posts, subscriptions and devices." }
                p { a href="/invitations" { "Invite colleagues" } ": links that let one person each register." }
                p { a href="/settings/delete" { "Delete my account" } }
            }

            section.card aria-labelledby="prefs-heading" {
                h2 #prefs-heading { "Preferences" }
                (error_summary(&forms.preference_errors))
                form method="post" action="/settings/preferences" {
                    (csrf_input(ctx))
                    div.field.has-error[forms.preference_errors.get("time_zone").is_some()] {
                        label for="f-time_zone" { "Time zone" }
                        select id="f-time_zone" name="time_zone" aria-describedby="f-time_zone-hint" {
                            @for tz in TZ_VARIANTS.iter() {
                                option value=(tz.name()) selected[tz.name() == account.time_zone] { (tz.name()) }
                            }
                        }
                        p.hint id="f-time_zone-hint" { "Every date on the forum is shown in this zone." }
                        @if let Some(e) = forms.preference_errors.get("time_zone") { p.error { (e) } }
                    }
                    (checkbox("remember", "Keep me logged in on this device for 30 days", persistent))
                    button type="submit" { "Save preferences" }
                }
            }
            (notifications)
        },
    )
}

/// `/setup/{token}`: create the first administrator.
pub fn setup(ctx: &Ctx, token: &str, input: &NewAccount, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "Create the administrator",
        html! {
            h1 { "Welcome to Parley" }
            p { "Create the first administrator account. This link works once, and only until an administrator exists." }
            (error_summary(errors))
            form.card method="post" action=(urls::setup(token)) novalidate {
                (csrf_input(ctx))
                (account_fields(input, errors))
                button type="submit" { "Create administrator" }
            }
        },
    )
}

/// A page with a heading and one message.
pub fn message_page(ctx: &Ctx, title: &str, message: &str) -> Markup {
    page(
        ctx,
        title,
        html! {
            section.error-page {
                h1 { (title) }
                p { (message) }
                p { a href="/" { "Back to the forum start" } }
            }
        },
    )
}

/// `/password/forgot`.
pub fn forgot(ctx: &Ctx, email: &str, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "Forgot your password?",
        html! {
            h1 { "Forgot your password?" }
            p { "Enter the e-mail address of your account. We will send you a link to choose a new password." }
            (error_summary(errors))
            form.card method="post" action="/password/forgot" {
                (csrf_input(ctx))
                (Field::new("email", "E-mail address").kind("email").value(email)
                    .autocomplete("email").maxlength(EMAIL_MAX).render(errors))
                button type="submit" { "Send the link" }
            }
        },
    )
}

/// `/password/reset/{token}`.
pub fn reset(ctx: &Ctx, token: &str, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "Choose a new password",
        html! {
            h1 { "Choose a new password" }
            p { "Saving it logs you out on every device." }
            (error_summary(errors))
            form.card method="post" action=(urls::password_reset(token)) {
                (csrf_input(ctx))
                (Field::new("password", "New password").kind("password").hint(&password_hint())
                    .autocomplete("new-password").render(errors))
                (Field::new("confirmation", "New password again").kind("password")
                    .autocomplete("new-password").render(errors))
                button type="submit" { "Save the new password" }
            }
        },
    )
}

/// The member list's query string, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MemberQuery {
    pub q: String,
    /// Column: name, role, joined, posts, seen.
    pub sort: String,
    /// `asc` or `desc`.
    pub dir: String,
    pub page: Option<String>,
}

/// `/members`.
pub fn members(
    ctx: &Ctx,
    query: &MemberQuery,
    members: &[Profile],
    pages: crate::web::pagination::Pages,
) -> Markup {
    let tz = ctx.time_zone();
    let header = |key: &str, label: &str| {
        let descending = query.sort == key && query.dir != "desc";
        let dir = if descending { "desc" } else { "asc" };
        let current = (query.sort == key || (query.sort.is_empty() && key == "name")).then(|| {
            if query.dir == "desc" {
                "descending"
            } else {
                "ascending"
            }
        });
        html! {
            th scope="col" aria-sort=[current] {
                a href=(urls::members(&query.q, key, dir)) { (label) }
            }
        }
    };
    let path = urls::members(&query.q, &query.sort, &query.dir).to_string();
    page(
        ctx,
        "Members",
        html! {
            h1 { "Members" }
            form.row.card method="get" action="/members" role="search" {
                label for="m-q" { "Name contains" }
                input #m-q type="search" name="q" value=(query.q) maxlength="32";
                button.small type="submit" { "Find" }
            }
            table.listing.members {
                thead { tr {
                    (header("name", "Member")) (header("role", "Role")) (header("joined", "Joined"))
                    (header("posts", "Posts")) (header("seen", "Last seen"))
                } }
                tbody {
                    @for m in members {
                        tr {
                            td.member { (crate::shell::avatar::avatar(m.id, &m.username, m.avatar.as_deref(), crate::shell::avatar::Size::Small))
                                " " a href=(urls::profile(&m.username)) { (m.username) } }
                            td data-label="Role" { (m.role.label()) }
                            td data-label="Joined" { (time::date(m.created_at, tz)) }
                            td.num data-label="Posts" { (m.post_count) }
                            td data-label="Last seen" { @match m.last_seen_at { Some(at) => (time::relative(at, tz)), None => "never" } }
                        }
                    }
                }
            }
            @if members.is_empty() { p { "No member matches." } }
            (crate::web::pagination::nav(&path, pages))
        },
    )
}

/// `/notices`: the newest first, unread ones marked, each leading where it is about.
pub fn notices(ctx: &Ctx, notices: &[crate::accounts::store::Notice]) -> Markup {
    let tz = ctx.time_zone();
    let unread = notices.iter().any(|n| n.read_at.is_none());
    page(
        ctx,
        "Notices",
        html! {
            div.page-head {
                h1 { "Notices" }
                @if unread {
                    form.inline method="post" action="/notices/read" {
                        (csrf_input(ctx))
                        button.secondary.small type="submit" { "Mark all as read" }
                    }
                }
            }
            @if notices.is_empty() { p.card { "Nothing yet. When a question is assigned to you, you will find it here." } }
            ul.notices {
                @for notice in notices {
                    li.unread[notice.read_at.is_none()] {
                        a href={ "/notices/" (notice.id) } { (notice.text) }
                        " " span.meta { (time::relative(notice.created_at, tz)) }
                        @if notice.read_at.is_none() { " " span.badge { "New" } }
                    }
                }
            }
        },
    )
}
