//! Markup of "Download my data" and "Delete my account".

use maud::{Markup, html};

use crate::ids::UserId;
use crate::leaving::erase::former_name;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::form::{Field, FieldErrors, checkbox, error_summary};

/// `/settings/data`.
pub fn data_page(ctx: &Ctx) -> Markup {
    page(
        ctx,
        "Download my data",
        html! {
            h1 { "Download my data" }
            p { "You can have a copy of everything the forum holds of you: your profile, the source of every post you wrote, your subscriptions, your signed-in devices and your unsent drafts, as one JSON file." }
            form.card method="post" action="/settings/data" {
                (csrf_input(ctx))
                p { "We mail a link to your address; it works once, within 24 hours, while you are logged in." }
                button type="submit" { "Mail me a download link" }
            }
            p { a href="/settings" { "Back to settings" } }
        },
    )
}

/// The mailed link's page: one button downloads.
pub fn download_page(ctx: &Ctx, token: &str) -> Markup {
    page(
        ctx,
        "Download my data",
        html! {
            h1 { "Download my data" }
            form.card method="post" action=(crate::web::urls::data_export(token)) {
                (csrf_input(ctx))
                p { "The link works once: keep the file." }
                button type="submit" { "Download my data" }
            }
        },
    )
}

/// A download link that was used, has expired or is someone else's.
pub fn link_not_valid(ctx: &Ctx) -> Markup {
    page(
        ctx,
        "Link not valid",
        html! {
            h1 { "Link not valid" }
            p { "This download link was already used, has expired, or belongs to another account. "
                a href="/settings/data" { "Ask for a new one" } "." }
        },
    )
}

fn hide_posts_choice(checked: bool) -> Markup {
    checkbox(
        "hide_posts",
        "Hide the posts too (otherwise they stay, under the new name)",
        checked,
    )
}

/// `/settings/delete`.
pub fn delete_page(ctx: &Ctx, errors: &FieldErrors, hide_posts: bool) -> Markup {
    let two_factor = ctx.user().is_some_and(|u| u.two_factor);
    let name = ctx.user().map(|u| former_name(u.id)).unwrap_or_default();
    page(
        ctx,
        "Delete my account",
        html! {
            h1 { "Delete my account" }
            p { "Deleting your account cannot be undone. Your name becomes " strong { (name) } "; your e-mail address, password, sessions, subscriptions, drafts and notices are erased, and so are the addresses your posts were sent from." }
            p { "Your posts stay, under the new name, so that the conversations they belong to still make sense; or you can hide them. You can " a href="/settings/data" { "download your data" } " first." }
            (error_summary(errors))
            form.card method="post" action="/settings/delete" {
                (csrf_input(ctx))
                (Field::new("current_password", "Current password").kind("password")
                    .autocomplete("current-password").render(errors))
                @if two_factor {
                    (Field::new("code", "Code from your app, or a recovery code")
                        .autocomplete("one-time-code").maxlength(24).render(errors))
                }
                (hide_posts_choice(hide_posts))
                button.danger type="submit" { "Delete my account" }
            }
            p { a href="/settings" { "Keep my account" } }
        },
    )
}

/// `/admin/users/{id}/delete`.
pub fn admin_delete_page(ctx: &Ctx, member: UserId, username: &str) -> Markup {
    page(
        ctx,
        "Delete an account",
        html! {
            h1 { "Delete the account of " (username) }
            p { "The member becomes " strong { (former_name(member)) } ". Their address, password, sessions, subscriptions, drafts and notices are erased; their posts stay under the new name unless you hide them. This cannot be undone, and it is written in the moderation log." }
            form.card method="post" action=(format!("/admin/users/{member}/delete")) {
                (csrf_input(ctx))
                (hide_posts_choice(false))
                button.danger type="submit" { "Delete the account" }
            }
            p { a href="/admin/users" { "Back to the members" } }
        },
    )
}
