//! The log-in form: its own page and an embedded form on pages that ask a visitor to log in.

use maud::{Markup, html};

use crate::accounts::validate::EMAIL_MAX;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::web::form::{Field, FieldErrors, checkbox};

/// What the log-in form shows again after a failed attempt.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct LoginInput {
    /// User name or e-mail address.
    pub identifier: String,
    /// Password (never shown again).
    pub password: String,
    /// "Remember me" checkbox.
    pub remember: Option<String>,
    /// Where to go afterwards.
    pub next: Option<String>,
    /// A reply typed before logging in, kept for the reply form.
    pub draft: Option<String>,
}

/// The log-in form itself, also embeddable in other pages.
pub fn login_form(ctx: &Ctx, input: &LoginInput, problem: Option<&str>) -> Markup {
    let errors = FieldErrors::new();
    html! {
        @if let Some(problem) = problem {
            div.error-summary role="alert" { p { (problem) } }
        }
        form.card method="post" action="/login" {
            (csrf_input(ctx))
            @if let Some(next) = &input.next {
                input type="hidden" name="next" value=(next);
            }
            @if let Some(draft) = &input.draft {
                div.field {
                    label for="f-draft" { "Your reply" }
                    textarea id="f-draft" name="draft" rows="6" maxlength="50000" { (draft) }
                }
            }
            (Field::new("identifier", "User name or e-mail address").value(&input.identifier)
                .autocomplete("username").maxlength(EMAIL_MAX).render(&errors))
            (Field::new("password", "Password").kind("password")
                .autocomplete("current-password").render(&errors))
            (checkbox("remember", "Remember me on this device for 30 days",
                crate::web::form::is_checked(&input.remember)))
            button type="submit" { "Log in" }
        }
    }
}
