//! Markup of the notification pages and fragments.

use maud::{Markup, html};

use crate::accounts::types::NotifyMode;
use crate::mail::types::OutboxMail;
use crate::notify::store::SubscriptionRow;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::checkbox;
use crate::web::time;
use crate::web::urls;

fn mode_select(id: &str, selected: NotifyMode) -> Markup {
    html! {
        select id=(id) name="mode" {
            @for &mode in NotifyMode::ALL {
                option value=(mode) selected[mode == selected] { (mode.label()) }
            }
        }
    }
}

/// The notifications section of `/settings`.
pub fn settings_section(
    ctx: &Ctx,
    default_checked: bool,
    mode: NotifyMode,
    subscriptions: &[SubscriptionRow],
) -> Markup {
    html! {
        section.card aria-labelledby="notify-heading" {
            h2 #notify-heading { "E-mail notifications" }
            form method="post" action="/settings/notifications" {
                (csrf_input(ctx))
                (checkbox("notify_default", "Tick \"Notify me of follow-up replies\" by default when I post", default_checked))
                div.field {
                    label for="f-notify_mode" { "New subscriptions, quotes and mentions" }
                    (mode_select("f-notify_mode", mode))
                    p.hint { "\"Off\" also stops mail about quotes and mentions." }
                }
                button type="submit" { "Save notification settings" }
            }
            h3 { "What you watch" }
            @if subscriptions.is_empty() {
                p { "You watch nothing yet. Use \"Watch\" on a thread or forum, or tick \"Notify me\" when you post." }
            } @else {
                ul.subscriptions {
                    @for s in subscriptions {
                        li {
                            @if s.is_thread { "Thread " } @else { "Forum " }
                            a href=(s.path) { bdi { (s.title) } }
                            form.row method="post" action=(urls::subscription(s.id)) {
                                (csrf_input(ctx))
                                label.visually-hidden for=(format!("mode-{}", s.id)) { "Mode for " (s.title) }
                                (mode_select(&format!("mode-{}", s.id), s.mode))
                                button.small type="submit" name="action" value="save" { "Save" }
                                button.small.secondary type="submit" name="action" value="stop" { "Stop watching" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `/unsubscribe/{token}`: one button, no log-in needed.
pub fn unsubscribe(ctx: &Ctx, token: &str, what: &str, done: bool) -> Markup {
    page(
        ctx,
        "Unsubscribe",
        html! {
            h1 { "Unsubscribe" }
            @if done {
                p.flash role="status" { "Done: you will get no more mail about " (what) "." }
                p { a href="/settings" { "Notification settings" } }
            } @else {
                p { "Stop mail about " (what) "?" }
                form method="post" action=(urls::unsubscribe(token)) {
                    button type="submit" { "Unsubscribe" }
                }
            }
        },
    )
}

/// `/admin/mail`: mail given up on, with a retry button each.
pub fn failed_mail(ctx: &Ctx, pending: i64, mails: &[OutboxMail]) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        "Mail",
        html! {
            h1 { "Outgoing mail" }
            p { (pending) " mail(s) waiting to be sent." }
            h2 { "Failed" }
            @if mails.is_empty() {
                p { "No mail has failed." }
            } @else {
                table.listing {
                    thead { tr { th { "Queued" } th { "To" } th { "Subject" } th { "Tries" } th { "Last error" } th { "" } } }
                    tbody {
                        @for mail in mails {
                            tr {
                                td { (time::datetime(mail.created_at, tz)) }
                                td { (mail.recipient) }
                                td { (mail.subject) }
                                td { (mail.attempts) }
                                td { (mail.last_error.as_deref().unwrap_or("")) }
                                td {
                                    form method="post" action=(urls::mail_retry(mail.id)) {
                                        (csrf_input(ctx))
                                        button.small type="submit" { "Retry" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
