//! Markup of the moderation pages and of the panel on member profiles (the tools on thread
//! and post pages are forum views: [`crate::forums::tool_views`]).

use chrono_tz::Tz;
use maud::{Markup, PreEscaped, html};
use similar::{ChangeTag, TextDiff};

use crate::accounts::types::Role;
use crate::forums::tool_views::reason_input;
use crate::forums::types::{ForumChoice, PostView, ThreadHeader};
use crate::ids::PostId;
use crate::moderation::actions::ReportOutcome;
use crate::moderation::store::{LogEntry, MemberRow, OpenReport, Revision};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::pagination::{self, Pages};
use crate::web::time;
use crate::web::urls;

/// The reasons a member can give for a report.
pub const REPORT_REASONS: [(&str, &str); 4] = [
    ("abusive", "Abusive or harassing"),
    ("spam", "Spam or advertising"),
    ("off-topic", "Off-topic"),
    ("other", "Something else (please explain)"),
];

/// `/p/{id}/report`.
pub fn report_page(
    ctx: &Ctx,
    post: &PostView,
    errors: &FieldErrors,
    reason: &str,
    details: &str,
) -> Markup {
    page(
        ctx,
        "Report a post",
        html! {
            h1 { "Report a post" }
            p { "Post #" (post.position) " by " (post.author.name) ":" }
            blockquote { (crate::markup::excerpt(&post.body_html, 400)) }
            (error_summary(errors))
            form.card method="post" action=(urls::post_report(post.id)) {
                (csrf_input(ctx))
                fieldset {
                    legend { "Why should a moderator look at it?" }
                    @for (value, label) in REPORT_REASONS {
                        div.field.checkbox {
                            input id=(format!("r-{value}")) type="radio" name="reason" value=(value) checked[value == reason] required;
                            label for=(format!("r-{value}")) { (label) }
                        }
                    }
                }
                div.field.has-error[errors.get("details").is_some()] {
                    label for="f-details" { "Details (optional, needed for \"something else\")" }
                    textarea id="f-details" name="details" rows="3" maxlength="1000" { (details) }
                    @if let Some(e) = errors.get("details") { p.error id="f-details-error" { (e) } }
                }
                button type="submit" { "Send the report" }
            }
        },
    )
}

/// `/mod/reports`: open reports grouped by post, with one-click outcomes.
pub fn reports_page(ctx: &Ctx, reports: &[OpenReport]) -> Markup {
    let tz = ctx.time_zone();
    let mut groups: Vec<(&OpenReport, Vec<&OpenReport>)> = Vec::new();
    for report in reports {
        match groups.last_mut() {
            Some((first, list)) if first.post_id == report.post_id => list.push(report),
            _ => groups.push((report, vec![report])),
        }
    }
    page(
        ctx,
        "Reports",
        html! {
            h1 { "Open reports" }
            (mod_nav())
            @if groups.is_empty() { p.card { "No open reports. Well done." } }
            @for (post, list) in &groups {
                section.card.report {
                    h2 { a href=(urls::post(post.post_id)) { "Post by " (post.author) " in \u{201c}" (post.thread_title) "\u{201d}" } }
                    @if post.hidden { p.notice { "Already hidden." } }
                    blockquote { (crate::markup::excerpt(&post.body_html, 500)) }
                    ul {
                        @for r in list {
                            li { strong { (r.reason) } " — " (r.reporter) ", " (time::relative(r.created_at, tz))
                                @if !r.details.is_empty() { ": " (r.details) } }
                        }
                    }
                    form.row method="post" action=(urls::mod_report(post.post_id)) {
                        (csrf_input(ctx))
                        button.small.secondary type="submit" name="outcome" value=(ReportOutcome::Dismiss) { "Dismiss" }
                        button.small type="submit" name="outcome" value=(ReportOutcome::Hide) { "Hide post" }
                        button.small.danger type="submit" name="outcome" value=(ReportOutcome::HideAndSuspend) { "Hide post and suspend author for 7 days" }
                    }
                }
            }
        },
    )
}

fn mod_nav() -> Markup {
    html! {
        nav.mod-nav aria-label="Moderation" {
            a href="/mod/queue" { "Approval queue" } " · " a href="/mod/reports" { "Reports" } " · " a href="/mod/log" { "Moderation log" } " · " a href="/mod/reviews" { "Reviews" } " · " a href="/admin/users" { "Members and roles" }
        }
    }
}

/// Filters of the log page, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct LogFilter {
    /// Moderator's name.
    pub moderator: String,
    /// Member's name.
    pub member: String,
    pub action: String,
    pub page: Option<String>,
}

/// `/mod/log`.
pub fn log_page(ctx: &Ctx, filter: &LogFilter, entries: &[LogEntry], pages: Pages) -> Markup {
    let tz = ctx.time_zone();
    let path = format!(
        "/mod/log?moderator={}&member={}&action={}",
        crate::web::redirect::url_encode(&filter.moderator),
        crate::web::redirect::url_encode(&filter.member),
        crate::web::redirect::url_encode(&filter.action)
    );
    page(
        ctx,
        "Moderation log",
        html! {
            h1 { "Moderation log" }
            (mod_nav())
            form.row.card method="get" action="/mod/log" {
                label for="l-moderator" { "Moderator" } input #l-moderator type="text" name="moderator" value=(filter.moderator);
                label for="l-member" { "Member" } input #l-member type="text" name="member" value=(filter.member);
                label for="l-action" { "Action" } input #l-action type="text" name="action" value=(filter.action);
                button.small type="submit" { "Filter" }
            }
            table.listing {
                thead { tr { th { "When" } th { "Moderator" } th { "Action" } th { "Target" } th { "Member" } th { "Reason" } } }
                tbody {
                    @for e in entries {
                        tr { td { (time::datetime(e.created_at, tz)) } td { (e.actor) } td { (e.action) } td { (e.target) }
                             td { (e.member.as_deref().unwrap_or("")) } td { (e.reason) } }
                    }
                }
            }
            @if entries.is_empty() { p { "Nothing logged matches." } }
            (pagination::nav(&path, pages))
        },
    )
}

/// `/mod/p/{id}/revisions`: every version of a post, each against the next.
pub fn revisions_page(
    ctx: &Ctx,
    post_id: PostId,
    revisions: &[Revision],
    current: &str,
    tz: Tz,
) -> Markup {
    let mut versions: Vec<&str> = revisions.iter().map(|r| r.body_source.as_str()).collect();
    versions.push(current);
    page(
        ctx,
        "Edit history",
        html! {
            h1 { "Edit history of " a href=(urls::post(post_id)) { "post " (post_id) } }
            @for (i, revision) in revisions.iter().enumerate() {
                section.card {
                    h2 { "Edit by " (revision.editor) ", " (time::datetime(revision.created_at, tz)) }
                    @if let Some(reason) = &revision.reason { p { "Reason: " (reason) } }
                    (diff(versions[i], versions[i + 1]))
                }
            }
            @if revisions.is_empty() { p { "This post was never edited." } }
        },
    )
}

fn diff(old: &str, new: &str) -> Markup {
    let changes = TextDiff::from_lines(old, new);
    html! {
        pre.diff {
            @for change in changes.iter_all_changes() {
                @match change.tag() {
                    ChangeTag::Delete => del { "- " (change.value()) },
                    ChangeTag::Insert => ins { "+ " (change.value()) },
                    ChangeTag::Equal => span { "  " (change.value()) },
                }
            }
        }
    }
}

/// The moderator panel of a profile: sanctions and their history.
pub fn member_panel(ctx: &Ctx, member: &MemberRow, history: &[LogEntry]) -> Markup {
    let tz = ctx.time_zone();
    let action = format!(
        "/mod/u/{}",
        crate::web::redirect::url_encode(&member.username)
    );
    html! {
        section.card.mod-panel aria-labelledby="sanctions" {
            h2 #sanctions { "Moderation" }
            @if let Some(until) = member.suspended_until.filter(|u| *u > chrono::Utc::now()) {
                p.notice { "Suspended until " (time::datetime(until, tz)) "." }
                form.inline method="post" action=(action) { (csrf_input(ctx)) input type="hidden" name="action" value="unsuspend"; button.small type="submit" { "Lift the suspension" } }
            } @else {
                form.row method="post" action=(action) {
                    (csrf_input(ctx))
                    input type="hidden" name="action" value="suspend";
                    label for="s-days" { "Suspend for (days)" }
                    input #s-days type="number" name="days" value="7" min="1" max="3650" required;
                    (reason_input("s-reason", true))
                    button.small.secondary type="submit" { "Suspend" }
                }
            }
            @if member.banned_at.is_some() {
                p.notice { "Banned." }
                form.inline method="post" action=(action) { (csrf_input(ctx)) input type="hidden" name="action" value="unban"; button.small type="submit" { "Lift the ban" } }
            } @else {
                form.row method="post" action=(action) {
                    (csrf_input(ctx))
                    input type="hidden" name="action" value="ban";
                    (reason_input("b-reason", true))
                    input #b-hide type="checkbox" name="hide_posts" value="on";
                    label for="b-hide" { "Also hide all their posts" }
                    button.small.danger type="submit" { "Ban" }
                }
            }
            h3 { "History" }
            @if history.is_empty() { p { "No moderation so far." } }
            ul { @for e in history { li { (time::datetime(e.created_at, tz)) ": " (e.action) " by " (e.actor) @if !e.reason.is_empty() { " — " (e.reason) } } } }
        }
    }
}

/// `/admin/users`.
pub fn users_page(ctx: &Ctx, query: &str, members: &[MemberRow], pages: Pages) -> Markup {
    let tz = ctx.time_zone();
    let path = urls::admin_users(query).to_string();
    page(
        ctx,
        "Members and roles",
        html! {
            h1 { "Members and roles" }
            (mod_nav())
            form.row.card method="get" action="/admin/users" {
                (Field::new("q", "Name or e-mail contains").value(query).optional().render(&FieldErrors::new()))
                button.small type="submit" { "Search" }
            }
            table.listing {
                thead { tr { th { "Member" } th { "E-mail" } th { "Joined" } th.num { "Posts" } th { "Role" } th { "Two-factor" } th { span.visually-hidden { "Account" } } } }
                tbody {
                    @for m in members {
                        tr {
                            td { a href=(urls::profile(&m.username)) { (m.username) }
                                @if m.banned_at.is_some() { " " span.badge.locked { "banned" } }
                                @if m.deleted { " " span.badge.locked { "deleted" } } }
                            td { (m.email) }
                            td { (time::date(m.created_at, tz)) }
                            td.num { (m.post_count) }
                            td {
                                form.row method="post" action=(urls::user_role(m.id)) {
                                    (csrf_input(ctx))
                                    label.visually-hidden for=(format!("role-{}", m.id)) { "Role of " (m.username) }
                                    select id=(format!("role-{}", m.id)) name="role" {
                                        @for &r in Role::ALL { option value=(r) selected[r == m.role] { (r) } }
                                    }
                                    button.small type="submit" { "Save" }
                                }
                            }
                            td {
                                @if m.two_factor {
                                    form.row method="post" action=(urls::user_two_factor(m.id)) {
                                        (csrf_input(ctx))
                                        "On "
                                        button.small type="submit" aria-label=(format!("Reset two-factor authentication of {}", m.username)) { "Reset" }
                                    }
                                } @else { "Off" }
                            }
                            td {
                                @if Some(m.id) != ctx.user().map(|u| u.id) && m.role != Role::Admin && !m.deleted {
                                    a href=(format!("/admin/users/{}/delete", m.id)) aria-label=(format!("Delete the account of {}", m.username)) { "Delete…" }
                                }
                            }
                        }
                    }
                }
            }
            (pagination::nav(&path, pages))
        },
    )
}

/// `/mod/queue`: held posts with Approve and Reject.
pub fn queue_page(
    ctx: &Ctx,
    held: &[crate::moderation::store::HeldPost],
    edits: &[crate::moderation::store::HeldEdit],
) -> Markup {
    let tz = ctx.time_zone();
    let decide = |action: String, id: String| {
        html! {
            form.row method="post" action=(action) {
                (csrf_input(ctx))
                button.small type="submit" name="action" value="approve" { "Approve" }
            }
            form.row method="post" action=(action) {
                (csrf_input(ctx))
                input type="hidden" name="action" value="reject";
                (reason_input(&id, true))
                button.small.danger type="submit" { "Reject" }
            }
        }
    };
    page(
        ctx,
        "Approval queue",
        html! {
            h1 { "Approval queue" }
            (mod_nav())
            @if held.is_empty() && edits.is_empty() { p.card { "Nothing waits for approval." } }
            @for held in held {
                @let post = &held.post;
                section.card {
                    h2 { (queued_link(post)) }
                    p.meta { (time::relative(post.created_at, tz)) }
                    div.body { (PreEscaped(&held.body_html)) }
                    (decide(urls::mod_queue(post.id).to_string(), format!("reject-{}", post.id)))
                }
            }
            @if !edits.is_empty() {
                h2 { "Edits" }
                @for edit in edits {
                    @let post = &edit.post;
                    section.card.held-edit {
                        h3 { "Edit of " (queued_link(post)) }
                        p.meta { (time::relative(post.created_at, tz)) }
                        h4 { "Published text" }
                        div.body.published { (PreEscaped(&edit.current_html)) }
                        h4 { "Edited text" }
                        div.body.edited { (PreEscaped(&edit.edited_html)) }
                        (decide(urls::mod_queue_edit(post.id).to_string(), format!("reject-edit-{}", post.id)))
                    }
                }
            }
        },
    )
}

/// The link to a post in the approval queue: "#N by NAME in “TITLE”".
fn queued_link(post: &crate::moderation::store::QueuedPost) -> Markup {
    html! {
        a href=(urls::post(post.id)) { "#" (post.position) " by " (post.author) " in \u{201c}" (post.thread_title) "\u{201d}" }
    }
}

/// `/mod/t/{id}/split`: choose posts, a title and a forum for the new thread.
pub fn split_page(
    ctx: &Ctx,
    thread: &ThreadHeader,
    posts: &[PostView],
    forums: &[ForumChoice],
) -> Markup {
    page(
        ctx,
        "Split thread",
        html! {
            h1 { "Split posts out of \u{201c}" (thread.title) "\u{201d}" }
            form method="post" action=(urls::mod_split(thread.id)) {
                (csrf_input(ctx))
                (Field::new("title", "Title of the new thread").maxlength(150).render(&FieldErrors::new()))
                div.field {
                    label for="split-forum" { "Forum" }
                    select #split-forum name="forum_id" {
                        @for f in forums { option value=(f.id) selected[f.id == thread.forum_id] { (f.title) } }
                    }
                }
                fieldset {
                    legend { "Posts to move" }
                    @for post in posts {
                        div.field.checkbox {
                            input id=(format!("split-{}", post.id)) type="checkbox" name=(format!("post_{}", post.id)) value="on";
                            label for=(format!("split-{}", post.id)) { "#" (post.position) " by " (post.author.name) ": " (crate::markup::excerpt(&post.body_html, 120)) }
                        }
                    }
                }
                button type="submit" { "Split" }
            }
        },
    )
}
