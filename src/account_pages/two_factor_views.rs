//! Markup of two-factor authentication: setting it up, the recovery codes and the second
//! step of logging in.

use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};

use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::text::counted;
use crate::web::form::{Field, FieldErrors, checkbox, error_summary};
use crate::web::time;

/// The code field: an app's six digits or a recovery code.
fn code_field(label: &str, errors: &FieldErrors) -> Markup {
    Field::new("code", label)
        .autocomplete("one-time-code")
        .maxlength(24)
        .render(errors)
}

fn next_input(next: Option<&str>) -> Markup {
    html! {
        @if let Some(next) = next { input type="hidden" name="next" value=(next); }
    }
}

/// What the setting-up page shows: the new secret three ways.
pub struct Setup<'a> {
    /// The QR code, an inline SVG made by Parley.
    pub qr_svg: &'a str,
    /// The secret in base32, for typing in by hand.
    pub secret_text: &'a str,
    /// Where to go once it is on (staff sent here before a staff page).
    pub next: Option<&'a str>,
    /// Staff were sent here because administrators require it.
    pub required: bool,
}

/// `/settings/two-factor` before it is on.
pub fn setup(ctx: &Ctx, setup: &Setup, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "Two-factor authentication",
        html! {
            h1 { "Two-factor authentication" }
            @if setup.required {
                div.notice role="status" {
                    p { "The administrators require two-factor authentication of staff. Set it up to use the staff pages." }
                }
            }
            p { "With two-factor authentication, logging in takes your password and a code from an authenticator app on your phone, so a stolen password alone is not enough." }
            (error_summary(errors))
            section.card aria-labelledby="scan-heading" {
                h2 #scan-heading { "1. Add Parley to your app" }
                p { "Scan this QR code with your authenticator app:" }
                div.qr-code { (PreEscaped(setup.qr_svg)) }
                p { "Or type this key into the app:" }
                p { code.secret { (setup.secret_text) } }
            }
            section.card aria-labelledby="confirm-heading" {
                h2 #confirm-heading { "2. Type the code it shows" }
                form method="post" action="/settings/two-factor/enable" {
                    (csrf_input(ctx))
                    (next_input(setup.next))
                    (code_field("Code from the app", errors))
                    button type="submit" { "Turn on two-factor authentication" }
                }
            }
        },
    )
}

/// `/settings/two-factor` once it is on.
pub struct Enabled {
    pub since: DateTime<Utc>,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
    /// Browsers trusted to skip the code.
    pub trusted_devices: i64,
}

/// The page of a member whose second factor is on; `recovery_errors` and `off_errors`
/// belong to its two forms.
pub fn enabled(
    ctx: &Ctx,
    state: &Enabled,
    recovery_errors: &FieldErrors,
    off_errors: &FieldErrors,
) -> Markup {
    page(
        ctx,
        "Two-factor authentication",
        html! {
            h1 { "Two-factor authentication" }
            p { "Two-factor authentication is " strong { "on" } " since "
                (time::datetime(state.since, ctx.time_zone())) "." }
            section.card aria-labelledby="recovery-heading" {
                h2 #recovery-heading { "Recovery codes" }
                p { "You have " strong { (counted(state.recovery_left, "unused recovery code", "unused recovery codes")) } ". Each works once, in place of a code from your app." }
                (error_summary(recovery_errors))
                form method="post" action="/settings/two-factor/recovery" {
                    (csrf_input(ctx))
                    (Field::new("current_password", "Current password").kind("password")
                        .autocomplete("current-password").render(recovery_errors))
                    button type="submit" { "Make new recovery codes" }
                }
            }
            section.card aria-labelledby="trusted-heading" {
                h2 #trusted-heading { "Trusted devices" }
                p { (counted(state.trusted_devices, "browser skips", "browsers skip")) " the code when you log in." }
                form method="post" action="/settings/two-factor/forget-devices" {
                    (csrf_input(ctx))
                    button type="submit" { "Forget trusted devices" }
                }
            }
            section.card aria-labelledby="off-heading" {
                h2 #off-heading { "Turn it off" }
                (error_summary(off_errors))
                form method="post" action="/settings/two-factor/off" {
                    (csrf_input(ctx))
                    (Field::new("current_password", "Current password").kind("password")
                        .autocomplete("current-password").render(off_errors))
                    (code_field("Code from the app, or a recovery code", off_errors))
                    button.danger type="submit" { "Turn off two-factor authentication" }
                }
            }
        },
    )
}

/// The recovery codes, shown once after they are made.
pub fn recovery_codes(ctx: &Ctx, codes: &[String], next: Option<&str>) -> Markup {
    page(
        ctx,
        "Recovery codes",
        html! {
            h1 { "Recovery codes" }
            div.notice role="status" {
                p { "Keep these codes somewhere safe, apart from your phone. Each works once when you cannot use your app. They are shown only now; any earlier codes no longer work." }
            }
            ol.recovery-codes { @for code in codes { li { code { (code) } } } }
            p { a href=(next.unwrap_or("/settings/two-factor")) { "I have kept them: continue" } }
        },
    )
}

/// `/login/code`: the second step of logging in.
pub fn second_step(ctx: &Ctx, problem: Option<&str>, trust: bool) -> Markup {
    let errors = FieldErrors::new();
    page(
        ctx,
        "Log in: code",
        html! {
            h1 { "Log in" }
            @if let Some(problem) = problem {
                div.error-summary role="alert" { p { (problem) } }
            }
            form.card method="post" action="/login/code" {
                (csrf_input(ctx))
                p { "Type the code your authenticator app shows, or one of your recovery codes." }
                (code_field("Code", &errors))
                (checkbox("trust", "Trust this device for 30 days", trust))
                button type="submit" { "Log in" }
            }
            p { a href="/login" { "Start again" } }
        },
    )
}
