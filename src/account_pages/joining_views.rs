//! Markup of joining: the account rules administrators set (`/admin/accounts`), the
//! applicants waiting for them (`/admin/applicants`) and members' invitations
//! (`/invitations`).

use maud::{Markup, html};

use crate::accounts::admission::{Mode, Rules};
use crate::accounts::store::{Applicant, Invitation};
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{FieldErrors, checkbox, error_summary};
use crate::web::time;

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Open => "Open: anyone registers",
        Mode::Domains => {
            "Open for these e-mail domains; others wait for an administrator's approval"
        }
        Mode::Invitation => "By invitation: only with a link a member made",
        Mode::Closed => "Closed: nobody registers",
    }
}

/// `/admin/accounts`; `domains` is the text as typed, kept when the form comes back.
pub fn admin_accounts(
    ctx: &Ctx,
    rules: &Rules,
    domains: &str,
    staff_required: bool,
    errors: &FieldErrors,
) -> Markup {
    page(
        ctx,
        "Accounts",
        html! {
            h1 { "Accounts" }
            (error_summary(errors))
            form.card method="post" action="/admin/accounts" {
                (csrf_input(ctx))
                fieldset {
                    legend { "Registration" }
                    @for mode in Mode::ALL {
                        div.field.radio {
                            input type="radio" id=(format!("f-mode-{mode}")) name="mode" value=(mode)
                                checked[*mode == rules.mode];
                            label for=(format!("f-mode-{mode}")) { (mode_label(*mode)) }
                        }
                    }
                    div.field.has-error[errors.get("domains").is_some()] {
                        label for="f-domains" { "E-mail domains that join at once" }
                        textarea id="f-domains" name="domains" rows="3" aria-describedby="f-domains-hint" { (domains) }
                        p.hint id="f-domains-hint" { "One a line, such as example.com; only addresses at exactly these domains." }
                        @if let Some(e) = errors.get("domains") { p.error id="f-domains-error" { (e) } }
                    }
                    p { a href="/admin/applicants" { "Applicants waiting" } }
                }
                fieldset {
                    legend { "Two-factor authentication" }
                    (checkbox("staff_two_factor", "Require two-factor authentication for staff (moderators, administrators and staff groups)", staff_required))
                    p.hint { "Staff without it are led to set it up before they use any staff page." }
                    @if let Some(e) = errors.get("staff_two_factor") { p.error id="f-staff_two_factor-error" { (e) } }
                }
                button type="submit" { "Save" }
            }
        },
    )
}

/// `/admin/applicants`.
pub fn applicants(ctx: &Ctx, applicants: &[Applicant]) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        "Applicants",
        html! {
            h1 { "Applicants" }
            @if applicants.is_empty() {
                p { "Nobody is waiting." }
            }
            @for a in applicants {
                section.card aria-labelledby=(format!("applicant-{}", a.id)) {
                    h2 id=(format!("applicant-{}", a.id)) { (a.username) }
                    p { (a.email)
                        @if !a.confirmed { " (address not confirmed yet)" }
                        " · registered " (time::datetime(a.applied_at, tz)) }
                    @if let Some(about) = a.application.as_deref().filter(|t| !t.is_empty()) {
                        blockquote { (about) }
                    }
                    form.row method="post" action=(format!("/admin/applicants/{}", a.id)) {
                        (csrf_input(ctx))
                        button type="submit" name="action" value="approve" { "Approve" }
                        label for=(format!("reason-{}", a.id)) { "Reason, if you refuse" }
                        input id=(format!("reason-{}", a.id)) type="text" name="reason" maxlength="500";
                        button.danger type="submit" name="action" value="refuse" { "Refuse" }
                    }
                }
            }
        },
    )
}

/// `/invitations`; `new_link` is the link just made, shown this once.
pub fn invitations(
    ctx: &Ctx,
    mine: &[Invitation],
    new_link: Option<&str>,
    by_invitation: bool,
) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        "Invitations",
        html! {
            h1 { "Invitations" }
            @if !by_invitation {
                p.notice { "Anyone may register at the moment; invitation links matter when the administrators make registration by invitation." }
            }
            @if let Some(link) = new_link {
                div.notice role="status" {
                    p { "Send this link to the person you invite. It works once, within two weeks, and is shown only now:" }
                    p { code.secret { (link) } }
                }
            }
            form.card method="post" action="/invitations" {
                (csrf_input(ctx))
                button type="submit" { "Make an invitation link" }
            }
            @if !mine.is_empty() {
                table.listing {
                    thead { tr { th { "Made" } th { "Works until" } th { "Used by" } } }
                    tbody {
                        @for i in mine {
                            tr {
                                td { (time::datetime(i.created_at, tz)) }
                                td { (time::date(i.expires_at, tz)) }
                                td { @match (&i.used_by, i.used_at) {
                                    (Some(name), Some(at)) => { (name) " · " (time::date(at, tz)) }
                                    (None, Some(_)) => { "a former member" }
                                    _ => { "not used yet" }
                                } }
                            }
                        }
                    }
                }
            }
        },
    )
}
