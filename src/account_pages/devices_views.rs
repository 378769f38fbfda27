//! Markup of `/settings/sessions`.

use maud::{Markup, html};

use crate::accounts::sessions::describe_agent;
use crate::accounts::store::Device;
use crate::shell::ctx::Ctx;
use crate::shell::form::csrf_input;
use crate::shell::layout::page;
use crate::web::time;

/// The member's devices; `current` is the hash of this request's session.
pub fn devices(ctx: &Ctx, devices: &[Device], current: &[u8]) -> Markup {
    let tz = ctx.time_zone();
    page(
        ctx,
        "Signed-in devices",
        html! {
            h1 { "Signed-in devices" }
            p { "You are logged in on these devices. Log out any you do not recognise, then change your password." }
            div.table-scroll tabindex="0" {
                table.devices {
                    thead { tr {
                        th scope="col" { "Device" }
                        th scope="col" { "Address" }
                        th scope="col" { "Started" }
                        th scope="col" { "Last seen" }
                        th scope="col" { span.visually-hidden { "Action" } }
                    } }
                    tbody {
                        @for device in devices {
                            @let this = device.token_hash == current;
                            tr {
                                td { (describe_agent(&device.user_agent))
                                    @if this { " " strong.badge { "This device" } } }
                                td { @if device.ip.is_empty() { "—" } @else { (device.ip) } }
                                td { (time::datetime(device.created_at, tz)) }
                                td { (time::relative(device.last_seen_at, tz)) }
                                td {
                                    form method="post" action=(format!("/settings/sessions/{}/logout", device.id)) {
                                        (csrf_input(ctx))
                                        button type="submit" { "Log out" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if devices.len() > 1 {
                form method="post" action="/settings/sessions/others/logout" {
                    (csrf_input(ctx))
                    button type="submit" { "Log out all other devices" }
                }
            }
            p { a href="/settings" { "Back to settings" } }
        },
    )
}
