//! The desk's pages: the staff queue, the assign form and the administrators' groups.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::accounts::types::{StaffGroup, StaffMember};
use crate::desk::store::{QueueRow, QueueView};
use crate::desk::targets::span;
use crate::forums::page_parts::breadcrumbs;
use crate::forums::types::ThreadHeader;
use crate::ids::GroupId;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::pagination::{self, Pages};
use crate::web::urls;

/// The longest group name.
pub const GROUP_NAME_MAX: usize = 60;

/// Links between the desk's pages, and `extra` after them.
pub fn desk_nav(extra: Markup) -> Markup {
    html! {
        p.tools {
            a href=(urls::desk()) { "Queue" } " · "
            a href=(urls::desk_stats()) { "Statistics" } " · "
            a href=(urls::canned_replies()) { "Canned replies" }
            (extra)
        }
    }
}

/// `/desk`: one view of the open questions, longest waiting first, with how long each has
/// waited and whether it is past its forum's targets.
pub fn queue_page(
    ctx: &Ctx,
    view: QueueView,
    rows: &[QueueRow],
    pages: Pages,
    now: DateTime<Utc>,
) -> Markup {
    let path = format!("{}?show={}", urls::desk(), view.word());
    page(
        ctx,
        "Desk",
        html! {
            div.page-head { h1 { "Desk" } }
            (desk_nav(html! {}))
            nav.tabs aria-label="Queue" {
                @for v in QueueView::ALL {
                    a href={ (urls::desk()) "?show=" (v.word()) } aria-current=[(v == view).then_some("page")] { (v.label()) }
                    " "
                }
            }
            @if rows.is_empty() {
                p.card { "No open questions here." }
            } @else {
                table.threads.desk {
                    thead { tr {
                        th scope="col" { "Question" }
                        th scope="col" { "Waited" }
                        th scope="col" { "Targets" }
                        th scope="col" { "Assigned to" }
                        th scope="col" { "Me too" }
                    } }
                    tbody {
                        @for row in rows { (queue_row(row, now)) }
                    }
                }
            }
            (pagination::nav(&path, pages))
        },
    )
}

fn queue_row(row: &QueueRow, now: DateTime<Utc>) -> Markup {
    let targets = row.targets.targets();
    let late = targets.overdue(row.created_at, row.first_response_at, now);
    let answered_late = row.first_response_at.is_some()
        && targets
            .lateness(row.created_at, row.first_response_at, None, now)
            .first_response;
    let waited = span(targets.elapsed(row.created_at, now));
    html! {
        tr.late[late.any()] {
            td {
                a href=(urls::thread_slug(row.id, &row.slug)) { bdi { (row.title) } }
                br;
                span.meta { "in " a href=(urls::forum(&row.forum_slug)) { (row.forum_title) } " by " (row.author_name)
                    @if row.first_response_at.is_none() { " · " span.badge.unanswered { "Unanswered" } }
                    @else { " · " span.badge.answered { "Answered" } } }
            }
            td { (waited) @if targets.business.is_some() { br; span.meta { "business hours" } } }
            td {
                @if !targets.any() { span.meta { "none" } }
                @if late.first_response { strong.late-mark { "Past first-response target" } br; }
                @if late.solution { strong.late-mark { "Past solution target" } }
                @if targets.any() && !late.any() { "Within target" }
                @if answered_late { br; span.meta { "First response came late" } }
            }
            td {
                @match &row.assignee_name {
                    Some(name) => { (name) @if row.assigned_to_group { " (group)" } }
                    None => { span.meta { "nobody" } }
                }
            }
            td { (row.me_too_count) }
        }
    }
}

/// `/t/{id}/assign`: give the question to a staff member or a group.
pub fn assign_page(
    ctx: &Ctx,
    thread: &ThreadHeader,
    people: &[StaffMember],
    groups: &[StaffGroup],
    error: Option<&str>,
) -> Markup {
    let current = match (thread.assigned_user_id, thread.assigned_group_id) {
        (Some(user), _) => format!("u{user}"),
        (_, Some(group)) => format!("g{group}"),
        _ => String::new(),
    };
    page(
        ctx,
        &format!("Assign {}", thread.title),
        html! {
            (breadcrumbs(&[(&thread.place.forum_title, Some(urls::forum(&thread.place.forum_slug).to_string())), (&thread.title, Some(thread.path()))]))
            h1 { "Assign " bdi { (thread.title) } }
            p {
                @match &thread.assignee_name {
                    Some(name) => { "Assigned to " strong { (name) } "." }
                    None => { "Nobody has this question yet." }
                }
            }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.card method="post" action=(urls::thread_assign(thread.id)) {
                (csrf_input(ctx))
                div.field {
                    label for="f-to" { "Assign to" }
                    select #f-to name="to" {
                        optgroup label="People" {
                            @for person in people {
                                @let value = format!("u{}", person.id);
                                option value=(value) selected[value == current] { (person.username) }
                            }
                        }
                        @if !groups.is_empty() {
                            optgroup label="Groups" {
                                @for group in groups {
                                    @let value = format!("g{}", group.id);
                                    option value=(value) selected[value == current] { (group.name) }
                                }
                            }
                        }
                    }
                }
                div.buttons {
                    button type="submit" name="action" value="assign" { "Assign" }
                    " "
                    button.secondary type="submit" name="action" value="claim" { "Claim" }
                    @if thread.assignee_name.is_some() {
                        " " button.secondary type="submit" name="action" value="unassign" { "Unassign" }
                    }
                }
                p.hint { "Whoever gets it is told by mail and in their notices." }
            }
        },
    )
}

/// What a groups page shows besides the groups: a refused form's text and problem.
#[derive(Default)]
pub struct GroupForms<'a> {
    /// The new group's name as typed, and its problems.
    pub new: Option<(&'a str, &'a FieldErrors)>,
    /// A refused change of one group: the name or member typed, and its problems.
    pub refused: Option<(GroupId, &'a str, &'a FieldErrors)>,
}

/// `/admin/groups`: staff groups and their members.
pub fn groups_page(ctx: &Ctx, groups: &[StaffGroup], forms: &GroupForms<'_>) -> Markup {
    let none = FieldErrors::new();
    let (new_name, new_errors) = forms.new.unwrap_or(("", &none));
    page(
        ctx,
        "Staff groups",
        html! {
            div.page-head { h1 { "Staff groups" } }
            p.lead { "Members of a group are staff: they see staff notes, work the desk and can be assigned questions, like moderators (without moderating)." }
            @if groups.is_empty() { p.card { "No groups yet." } }
            @for group in groups {
                @let refused = forms.refused.filter(|(id, _, _)| *id == group.id);
                @let errors = refused.map_or(&none, |(_, _, e)| e);
                @let typed: Option<&str> = refused.map(|(_, t, _)| t);
                section.card aria-labelledby=(format!("g-{}", group.id)) {
                    h2 id=(format!("g-{}", group.id)) { (group.name) }
                    (error_summary(errors))
                    @if group.members.is_empty() { p.meta { "No members yet." } }
                    ul.members {
                        @for member in &group.members {
                            li {
                                (member.username) " "
                                form.inline method="post" action=(urls::admin_group(group.id)) {
                                    (csrf_input(ctx))
                                    input type="hidden" name="user" value=(member.id);
                                    button.link type="submit" name="action" value="remove" { "Remove " span.visually-hidden { (member.username) } }
                                }
                            }
                        }
                    }
                    form.row method="post" action=(urls::admin_group(group.id)) {
                        (csrf_input(ctx))
                        div.field.has-error[errors.get("username").is_some()] {
                            label for=(format!("g-add-{}", group.id)) { "Add a member" }
                            input id=(format!("g-add-{}", group.id)) type="text" name="username" value=(typed.filter(|_| errors.get("username").is_some()).unwrap_or("")) maxlength="60";
                            @if let Some(e) = errors.get("username") { p.error { (e) } }
                        }
                        button.small type="submit" name="action" value="add" { "Add" }
                    }
                    form.row method="post" action=(urls::admin_group(group.id)) {
                        (csrf_input(ctx))
                        div.field.has-error[errors.get("name").is_some()] {
                            label for=(format!("g-name-{}", group.id)) { "Name" }
                            input id=(format!("g-name-{}", group.id)) type="text" name="name" value=(typed.filter(|_| errors.get("name").is_some()).unwrap_or(&group.name)) maxlength=(GROUP_NAME_MAX) required;
                            @if let Some(e) = errors.get("name") { p.error { (e) } }
                        }
                        button.small type="submit" name="action" value="rename" { "Rename" }
                        " "
                        button.small.secondary type="submit" name="action" value="delete" { "Delete group" }
                    }
                }
            }
            section.card aria-labelledby="new-group" {
                h2 #new-group { "New group" }
                (error_summary(new_errors))
                form method="post" action=(urls::admin_groups()) {
                    (csrf_input(ctx))
                    (Field::new("name", "Name").value(new_name).maxlength(GROUP_NAME_MAX).hint("For example \u{201c}Billing\u{201d} or \u{201c}Tier 2\u{201d}.").render(new_errors))
                    button type="submit" { "Create group" }
                }
            }
        },
    )
}
