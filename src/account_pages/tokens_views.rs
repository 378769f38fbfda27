//! Markup of `/settings/tokens`.

use maud::{Markup, html};

use crate::accounts::api_tokens::{LIFETIMES, NAME_MAX, Scope};
use crate::accounts::store::ApiTokenRow;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page as layout;
use crate::web::form::{Field, FieldErrors, error_summary};
use crate::web::time;

/// The new-token form, as typed (or empty).
pub struct TokenForm {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Lifetime in days (0: none).
    pub days: i64,
    pub errors: FieldErrors,
}

impl Default for TokenForm {
    fn default() -> TokenForm {
        TokenForm {
            name: String::new(),
            scopes: vec![Scope::Read],
            days: 90,
            errors: FieldErrors::new(),
        }
    }
}

/// A token just made, shown this once.
pub struct Made<'a> {
    pub name: &'a str,
    pub token: &'a str,
}

/// What each scope lets a token do, in the form's words.
fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => "Read: what you can read on the forum",
        Scope::Write => "Write: start threads, reply, edit and mark answers as you",
        Scope::Moderate => "Moderate: hide, approve and lock as you",
    }
}

/// The page: the token just made, the member's tokens and the form for a new one.
pub fn page(
    ctx: &Ctx,
    tokens: &[ApiTokenRow],
    form: &TokenForm,
    moderator: bool,
    made: Option<Made<'_>>,
) -> Markup {
    let tz = ctx.time_zone();
    layout(
        ctx,
        "API tokens",
        html! {
            h1 { "API tokens" }
            p {
                "A token lets a program use the forum's API as you ("
                a href="/api/v1/openapi.json" { "its description" }
                "). Send it as " code { "Authorization: Bearer TOKEN" } "."
            }
            @if let Some(made) = made {
                div.notice.token-made role="status" {
                    h2 { "Your new token “" (made.name) "”" }
                    p { "Copy it now: it is not shown again." }
                    p { code.token { (made.token) } }
                }
            }
            @if tokens.is_empty() {
                p { "You have no tokens yet." }
            } @else {
                div.table-scroll tabindex="0" {
                    table.tokens {
                        thead { tr {
                            th scope="col" { "Name" }
                            th scope="col" { "Token" }
                            th scope="col" { "May" }
                            th scope="col" { "Made" }
                            th scope="col" { "Expires" }
                            th scope="col" { "Last used" }
                            th scope="col" { span.visually-hidden { "Action" } }
                        } }
                        tbody {
                            @for token in tokens {
                                tr {
                                    td { (token.name) }
                                    td { code { (token.prefix) "…" } }
                                    td { (token.scopes.join(", ")) }
                                    td { (time::date(token.created_at, tz)) }
                                    td { @match token.expires_at {
                                        Some(at) => (time::date(at, tz)),
                                        None => "Never",
                                    } }
                                    td { @match token.last_used_at {
                                        Some(at) => (time::relative(at, tz)),
                                        None => "Never",
                                    } }
                                    td {
                                        form method="post" action=(format!("/settings/tokens/{}/revoke", token.id)) {
                                            (csrf_input(ctx))
                                            button type="submit" { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "New token" }
            (error_summary(&form.errors))
            form method="post" action="/settings/tokens" {
                (csrf_input(ctx))
                (Field::new("name", "Name").value(&form.name).maxlength(NAME_MAX)
                    .hint("What uses it, e.g. “Helpdesk sync”.").render(&form.errors))
                fieldset.field.has-error[form.errors.get("scopes").is_some()] id="f-scopes" {
                    legend { "It may" }
                    @for scope in Scope::ALL {
                        @if *scope != Scope::Moderate || moderator {
                            @let id = format!("f-{scope}");
                            div.checkbox {
                                input id=(id) type="checkbox" name=(scope.as_str()) value="on"
                                    checked[form.scopes.contains(scope)];
                                label for=(id) { (scope_label(*scope)) }
                            }
                        }
                    }
                    @if let Some(error) = form.errors.get("scopes") { p.error { (error) } }
                }
                div.field.has-error[form.errors.get("days").is_some()] {
                    label for="f-days" { "Expires" }
                    select id="f-days" name="days" {
                        @for days in LIFETIMES {
                            option value=(days) selected[*days == form.days] {
                                @if *days == 0 { "Never" } @else { "After " (days) " days" }
                            }
                        }
                    }
                    @if let Some(error) = form.errors.get("days") { p.error { (error) } }
                }
                button type="submit" { "Make token" }
            }
            p { a href="/settings" { "Back to settings" } }
        },
    )
}
